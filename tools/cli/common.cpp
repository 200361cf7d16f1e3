#include "common.hpp"

#include <dynasio/error.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>

namespace asio = boost::asio;

namespace dynasio::cli {

std::vector<option_spec> with_common_options(std::vector<option_spec> own) {
  own.push_back({"--endpoint", true});
  own.push_back({"--region", true});
  own.push_back({"--help", false});
  return own;
}

client_config make_client_config(const parsed_args& args) {
  const std::optional<std::string> endpoint =
      args.has("--endpoint") ? std::optional(args.get("--endpoint")) : std::nullopt;
  const std::optional<std::string> region = args.has("--region") ? std::optional(args.get("--region")) : std::nullopt;
  return client_config::from_env([&](std::string_view name) -> std::optional<std::string> {
    if (endpoint && (name == "AWS_ENDPOINT_URL_DYNAMODB" || name == "AWS_ENDPOINT_URL")) return endpoint;
    if (region && (name == "AWS_REGION" || name == "AWS_DEFAULT_REGION")) return region;
    const std::string n(name);
    const char* v = std::getenv(n.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  });
}

std::function<void(log_level, std::string_view)> stderr_logger(progress_mode mode) {
  const bool bar = mode == progress_mode::bar;
  return [bar](log_level level, std::string_view line) {
    if (level < log_level::warning) return;
    // On a terminal, clear the bar's line first; the next frame redraws it below.
    std::fprintf(stderr, "%sdynasio: %s: %.*s\n", bar ? "\r\x1b[K" : "",
                 level == log_level::error ? "error" : "warning", static_cast<int>(line.size()), line.data());
  };
}

namespace {

asio::awaitable<void> run_ticker(meter& m, std::function<progress_snapshot()> snapshot, const bool& done,
                                 asio::steady_timer& timer) {
  if (m.mode() == progress_mode::none) co_return;
  m.tick(snapshot(), meter::clock::now());
  while (!done) {
    timer.expires_after(m.interval());
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    // Cancelled: the command is done, or failed and the ticker is being cancelled with it.
    if (done || ec == asio::error::operation_aborted) break;
    m.tick(snapshot(), meter::clock::now());
  }
}

}  // namespace

asio::awaitable<void> with_progress(asio::awaitable<void> work, meter& m, std::function<progress_snapshot()> snapshot,
                                    const bool& done, asio::steady_timer& timer) {
  using namespace asio::experimental::awaitable_operators;
  auto ticker = run_ticker(m, std::move(snapshot), done, timer);
  co_await (std::move(work) && std::move(ticker));
}

int run_command(std::string_view name, std::function<asio::awaitable<int>()> command) {
  asio::io_context ctx;
  int code = exit_usage;
  std::exception_ptr failure;
  asio::co_spawn(ctx, command(), [&](std::exception_ptr e, int rc) {
    failure = e;
    code = rc;
  });
  ctx.run();
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const usage_error& e) {
      return report_usage_error(name, e.what());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(name.size()), name.data(), e.what());
      return exit_usage;
    }
  }
  return code;
}

int run_subcommand(std::string_view name, const std::vector<std::string>& words, std::vector<option_spec> options,
                   std::size_t max_positionals, const char* help,
                   const std::function<command_body(const parsed_args&)>& prepare) {
  command_body body;
  client_config cfg;
  try {
    const parsed_args a = parse_args(words, with_common_options(std::move(options)), max_positionals);
    if (a.has("--help")) {
      std::fputs(help, stdout);
      return exit_ok;
    }
    body = prepare(a);
    cfg = make_client_config(a);
  } catch (const usage_error& e) {
    return report_usage_error(name, e.what());
  } catch (const std::invalid_argument& e) {
    return report_usage_error(name, e.what());
  } catch (const dynasio::error& e) {
    std::fprintf(stderr, "%.*s: configuration: %s\n", static_cast<int>(name.size()), name.data(), e.what());
    return exit_usage;
  }
  return run_command(name, [&]() { return body(std::move(cfg)); });
}

int report_usage_error(std::string_view name, std::string_view message) {
  std::fprintf(stderr, "%.*s: %.*s\nTry '%.*s --help'.\n", static_cast<int>(name.size()), name.data(),
               static_cast<int>(message.size()), message.data(), static_cast<int>(name.size()), name.data());
  return exit_usage;
}

}  // namespace dynasio::cli
