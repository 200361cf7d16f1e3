//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_CREDENTIALS_PROVIDER_UTIL_HPP
#define DYNASIO_DETAIL_CREDENTIALS_PROVIDER_UTIL_HPP

// Helpers the built-in providers share; declarations of the provider bodies that call each other.

#include <dynasio/credentials.hpp>
#include <dynasio/detail/config.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dynasio::detail {

/// Environment of a provider: the injected lookup or the process environment; empty is unset.
DYNASIO_DECL std::optional<std::string> provider_getenv(const provider_options& opts, std::string_view name);

/// The whole file, or nullopt when it cannot be read.
DYNASIO_DECL std::optional<std::string> read_whole_file(const std::string& path);

/// Logs through opts.logger, else to std::clog (warnings and errors only).
DYNASIO_DECL void provider_log(const provider_options& opts, log_level level, std::string_view message);

/// Waits about 100 ms x 2^attempt (jittered) before retrying a credentials request.
DYNASIO_DECL boost::asio::awaitable<void> provider_backoff(unsigned attempt);

/// The region of STS calls: opts.region, `AWS_REGION`, `AWS_DEFAULT_REGION`, then `fallback`.
DYNASIO_DECL std::string provider_region(const provider_options& opts, std::string_view fallback);

/// An STS query call: `AssumeRole` signed with `signing` when given, `AssumeRoleWithWebIdentity`
/// unsigned otherwise. Retries network failures, 5xx, Throttling and IDPCommunicationError.
DYNASIO_DECL boost::asio::awaitable<credentials> sts_call(provider_options opts, std::string region,
                                                          std::vector<std::pair<std::string, std::string>> params,
                                                          std::optional<credentials> signing);

/// AssumeRoleWithWebIdentity with the token read from `token_file` now.
DYNASIO_DECL boost::asio::awaitable<credentials> web_identity_fetch(provider_options opts, std::string region,
                                                                    std::string token_file, std::string role_arn,
                                                                    std::string session_name);

/// Runs `command_line` (split, no shell) and returns its stdout; bounded by `timeout`.
DYNASIO_DECL boost::asio::awaitable<std::string> run_credential_process(std::string command_line,
                                                                        std::chrono::milliseconds timeout);

/// A role session name that STS accepts: 2..64 of `[A-Za-z0-9+=,.@_-]`.
DYNASIO_DECL bool valid_session_name(std::string_view name);

}  // namespace dynasio::detail

#endif
