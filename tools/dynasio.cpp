// dynasio: load JSON lines into a DynamoDB table, dump a table as JSON lines, mirror a change
// stream into a table, and sign a raw request with SigV4. `dynasio --help` lists the
// subcommands; `dynasio <subcommand> --help` describes one, with an example.

#include "cli/commands.hpp"

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr const char* help = R"(usage: dynasio <command> [options]

  load   write JSON lines (a file, gzip or not, or stdin) into a table, with progress
  dump   write a table out as JSON lines (--segments N: a parallel scan)
  sink   mirror a change stream (Pathway's JSON Lines: columns, "diff", "time") into a table
  sign   sign a raw HTTP request with SigV4 and print each stage (also: dynasio-sigv4)

'dynasio <command> --help' describes a command. Configuration comes from the environment as
the AWS SDKs read it (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB, AWS_ACCESS_KEY_ID, AWS_PROFILE,
...); --endpoint URL and --region R override it.

example:
  dynasio load --table orders --create id:S orders.jsonl
  dynasio dump --table orders --segments 4 > orders-copy.jsonl
)";

}  // namespace

int main(int argc, char** argv) {
  namespace cli = dynasio::cli;
  if (argc < 2) {
    std::fputs(help, stderr);
    return 2;
  }
  const std::string_view command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "load") return cli::run_load(args);
  if (command == "dump") return cli::run_dump(args);
  if (command == "sink") return cli::run_sink(args);
  if (command == "sign") return cli::run_sign("dynasio sign", args);
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(help, stdout);
    return 0;
  }
  std::fprintf(stderr, "dynasio: unknown command '%s'\n\n%s", argv[1], help);
  return 2;
}
