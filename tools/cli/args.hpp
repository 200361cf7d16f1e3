// Command-line arguments of the subcommands: `--name value`, `--name=value`, flags, and
// positional arguments, checked against the subcommand's list of options.

#ifndef DYNASIO_TOOLS_CLI_ARGS_HPP
#define DYNASIO_TOOLS_CLI_ARGS_HPP

#include <dynasio/operations/table_schema.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dynasio::cli {

/// A bad command line; the tool prints it with the subcommand's usage and exits 2.
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One option of a subcommand.
struct option_spec {
  std::string_view name;    ///< "--table"
  bool takes_value = true;  ///< false for flags such as "--help"
};

/// The parsed command line.
struct parsed_args {
  std::map<std::string, std::string, std::less<>> values;
  std::vector<std::string> positionals;

  bool has(std::string_view name) const { return values.find(name) != values.end(); }
  /// The option's value, or `fallback`.
  std::string get(std::string_view name, std::string_view fallback = {}) const;
  /// The option's value; throws usage_error when it is missing.
  std::string required(std::string_view name) const;
  /// The option's value as an integer in [min, max], or `fallback`.
  std::uint64_t get_uint(std::string_view name, std::uint64_t fallback, std::uint64_t min, std::uint64_t max) const;
};

/// Parses `args` (the words after the subcommand). Throws usage_error for an unknown option, a
/// missing value, an option given twice, or more than `max_positionals` positional arguments.
parsed_args parse_args(const std::vector<std::string>& args, const std::vector<option_spec>& spec,
                       std::size_t max_positionals);

/// "PK" or "PK,SK": key attribute names.
std::vector<std::string> parse_key_names(std::string_view text, std::string_view option);

/// "PK[:S|N|B][,SK[:S|N|B]]": key attributes; an absent type is S, or an error when
/// `type_required`.
std::vector<key_attribute> parse_key_attributes(std::string_view text, std::string_view option, bool type_required);

}  // namespace dynasio::cli

#endif
