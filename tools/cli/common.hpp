// What the subcommands share: exit codes, the client configuration, the progress ticker, and
// running a command's coroutine to completion.

#ifndef DYNASIO_TOOLS_CLI_COMMON_HPP
#define DYNASIO_TOOLS_CLI_COMMON_HPP

#include <dynasio/config.hpp>

#include "args.hpp"
#include "progress.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace dynasio::cli {

/// Every item written / some items not written / usage, configuration or input error.
enum exit_code : int { exit_ok = 0, exit_failed_items = 1, exit_usage = 2 };

/// --endpoint, --region and --help, which every network subcommand takes.
std::vector<option_spec> with_common_options(std::vector<option_spec> own);

/// client_config::from_env(), with --endpoint and --region standing in for
/// AWS_ENDPOINT_URL_DYNAMODB and AWS_REGION. Throws dynasio::error naming what is missing.
client_config make_client_config(const parsed_args& args);

/// A logger for the client that keeps a live bar intact: warnings and errors on stderr.
std::function<void(log_level, std::string_view)> stderr_logger(progress_mode mode);

/// Runs `work` while redrawing `m` every interval with `snapshot()`; `work` sets `done` and
/// cancels `timer` when it ends. If `work` throws, the redrawing stops and the error propagates.
boost::asio::awaitable<void> with_progress(boost::asio::awaitable<void> work, meter& m,
                                           std::function<progress_snapshot()> snapshot, const bool& done,
                                           boost::asio::steady_timer& timer);

/// Runs `command` on an io_context of its own until it completes and returns its exit code;
/// exceptions escaping it are printed as "<name>: <what>" and give exit_usage.
int run_command(std::string_view name, std::function<boost::asio::awaitable<int>()> command);

/// A subcommand's work, once its options are read: runs with the client configuration.
using command_body = std::function<boost::asio::awaitable<int>(client_config)>;

/**
 * The frame of a network subcommand: parses `words` against `options` (plus the common ones),
 * prints `help` for --help, calls `prepare` to read the options (it throws usage_error for a
 * bad one), builds the client configuration and runs the body. Usage and configuration errors
 * are printed and give exit_usage.
 */
int run_subcommand(std::string_view name, const std::vector<std::string>& words, std::vector<option_spec> options,
                   std::size_t max_positionals, const char* help,
                   const std::function<command_body(const parsed_args&)>& prepare);

/// Prints "<name>: <message>" and the hint to run --help; returns exit_usage.
int report_usage_error(std::string_view name, std::string_view message);

}  // namespace dynasio::cli

#endif
