//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_CONFIG_HPP
#define DYNASIO_CONFIG_HPP

#include <dynasio/call_metrics.hpp>
#include <dynasio/credentials.hpp>
#include <dynasio/detail/config.hpp>
#include <dynasio/log_level.hpp>
#include <dynasio/operations/return_values.hpp>

#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace dynasio {

/**
 * @brief The AWS SDKs' retry modes.
 * @details `standard`: backoff and the retry token bucket below. `adaptive`: the same, plus a
 * client-side rate limiter in front of every attempt (the first included), off until the first
 * throttling reply and on from then: a token bucket whose fill rate follows a CUBIC curve of
 * the measured send rate (cut to 70 % at each throttle, regrown by C (t - K)^3 + W_max with
 * C = 0.4, beta = 0.7; never above twice the measured rate nor below 0.5 requests/s), the
 * constants of botocore, the Go and the Rust SDKs. Meant for a client that talks to one
 * throttled resource (one client per table); it reacts to whole-call throttling errors only,
 * never to UnprocessedItems (the batch writer paces itself for those).
 */
enum class retry_mode { standard, adaptive };

/**
 * @brief How failed requests are retried: the AWS SDKs' "standard" retry mode (and "adaptive").
 * @details Attempt n (n >= 1) that failed with a retryable error waits a uniformly random
 * delay in [0, min(max_delay, base_delay * 2^(n-1))] ("full jitter") before attempt n+1. A
 * token bucket bounds retries across the whole client: a retry costs `retry_cost` tokens
 * (`timeout_cost` after a timeout), a success refunds what its retries
 * cost (or one token when it needed none), and when the bucket is empty errors are returned
 * instead of retried, so a dead endpoint does not multiply the load on it.
 */
struct retry_config {
  /// standard (default) or adaptive (`AWS_RETRY_MODE` in from_env()).
  retry_mode mode = retry_mode::standard;
  /// Attempts per operation, the first included (`AWS_MAX_ATTEMPTS` overrides in from_env()).
  unsigned max_attempts = 3;
  /// Backoff unit: the first retry waits up to this long.
  std::chrono::milliseconds base_delay{50};
  /// No single backoff waits longer than this.
  std::chrono::milliseconds max_delay{20'000};
  /// Capacity of the retry token bucket (0 disables the bucket).
  unsigned token_bucket_capacity = 500;
  /// Tokens one retry takes.
  unsigned retry_cost = 5;
  /// Tokens one retry after a timeout takes.
  unsigned timeout_cost = 10;
};

/**
 * @brief Everything a client needs to reach DynamoDB.
 * @details Plain aggregate: build it with designated initializers, or from the standard AWS
 * environment variables and shared files with from_env().
 */
struct client_config {
  /// AWS region, e.g. "eu-west-1"; part of every signature.
  std::string region{};
  /// `https://host[:port]` or, for local servers, `http://host[:port]`.
  std::string endpoint{};
  /// Static credentials used to sign every request, when credentials_provider is empty.
  dynasio::credentials credentials{};
  /// Where temporary credentials come from (e.g. default_credentials_chain()); called lazily at
  /// the first request and again before the keys expire. Empty: sign with `credentials`.
  dynasio::credentials_provider credentials_provider{};
  /// When cached credentials from credentials_provider are refreshed.
  credentials_refresh_config credentials_refresh{};
  /// Retries and backoff.
  retry_config retry{};
  /// Deadline for resolving and connecting one connection.
  std::chrono::milliseconds connect_timeout{3'000};
  /// Deadline for one TLS handshake.
  std::chrono::milliseconds handshake_timeout{3'000};
  /// Deadline for one attempt: writing the request and reading the whole reply.
  std::chrono::milliseconds request_timeout{10'000};
  /// Most connections open at once; requests beyond wait for a free one.
  std::size_t max_connections = 16;
  /// Verify the server certificate and its host name. Turning it off logs a warning.
  bool verify_tls = true;
  /// PEM file of extra trusted CAs (e.g. a private CA); the system store is always used too.
  /// from_env(): `AWS_CA_BUNDLE`.
  std::string ca_file{};
  /// HTTP proxy, `http://[user:password@]host:port`; HTTPS goes through a CONNECT tunnel, the
  /// user info becomes Basic proxy authentication. Empty: direct. from_env(): `HTTPS_PROXY`
  /// (`https_proxy`) for an https endpoint, `HTTP_PROXY` (`http_proxy`) for http.
  std::string proxy{};
  /// Hosts reached directly despite `proxy`: comma-separated names (exact or domain suffix,
  /// `.example.com`), IP addresses, CIDR blocks, or `*`. Loopback and link-local addresses are
  /// never proxied. from_env(): `NO_PROXY` (`no_proxy`).
  std::string no_proxy{};
  /// Where log lines go; when empty, warnings and errors go to std::clog.
  std::function<void(log_level, std::string_view)> logger{};
  /// Called once per call when it ends, successful or not (call_metrics); an exception it
  /// throws is logged and swallowed.
  std::function<void(const call_metrics&)> on_call{};
  /// `ReturnConsumedCapacity` sent with every operation that takes it (item, query, scan,
  /// batch, transaction and PartiQL operations) unless the request sets its own; `none` sends
  /// nothing. The units reported feed call_metrics and client_stats.
  dynasio::return_consumed_capacity return_consumed_capacity = dynasio::return_consumed_capacity::none;

  /**
   * @brief Reads the configuration the way the AWS SDKs do.
   * @details Region: `AWS_REGION`, `AWS_DEFAULT_REGION`, then `region` of the profile in the
   * config file. Endpoint: `AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL`, then
   * `https://dynamodb.<region>.amazonaws.com`. Credentials: `AWS_ACCESS_KEY_ID` and
   * `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`) become the static `credentials` when there
   * is no `AWS_CREDENTIAL_EXPIRATION`; otherwise credentials_provider is
   * default_credentials_chain(), reading the same variables, resolved at the first request
   * (no network call here). `AWS_MAX_ATTEMPTS` sets retry.max_attempts; `AWS_RETRY_MODE`
   * (`standard`, `legacy` or `adaptive`; legacy is served by standard) sets retry.mode.
   * @throws dynasio::error with errc::invalid_configuration naming every variable and file it
   * looked at when the region cannot be found, or naming the variable and its value when
   * AWS_MAX_ATTEMPTS or AWS_RETRY_MODE holds one it does not take.
   */
  static client_config from_env();

  /// from_env() reading variables through `getenv` instead of the process environment.
  DYNASIO_DECL static client_config from_env(const std::function<std::optional<std::string>(std::string_view)>& getenv);
};

inline client_config client_config::from_env() {
  return from_env([](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  });
}

}  // namespace dynasio

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/config.ipp>
#include <dynasio/impl/credentials.ipp>
#endif

#endif
