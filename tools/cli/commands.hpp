// The subcommands of the `dynasio` tool; each takes the words after its name and returns the
// process exit status.

#ifndef DYNASIO_TOOLS_CLI_COMMANDS_HPP
#define DYNASIO_TOOLS_CLI_COMMANDS_HPP

#include <string>
#include <string_view>
#include <vector>

namespace dynasio::cli {

int run_load(const std::vector<std::string>& args);
int run_dump(const std::vector<std::string>& args);
int run_sink(const std::vector<std::string>& args);
/// `program` names the tool in messages ("dynasio sign" or "dynasio-sigv4").
int run_sign(std::string_view program, const std::vector<std::string>& args);

}  // namespace dynasio::cli

#endif
