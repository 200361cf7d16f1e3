// dynasio-sigv4: the name `dynasio sign` had before the tool gained subcommands; see
// cli/sign.cpp for what it does.

#include "cli/commands.hpp"

#include <string>
#include <vector>

int main(int argc, char** argv) {
  return dynasio::cli::run_sign("dynasio-sigv4", std::vector<std::string>(argv + 1, argv + argc));
}
