//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_CREDENTIALS_HPP
#define DYNASIO_CREDENTIALS_HPP

#include <dynasio/detail/config.hpp>
#include <dynasio/detail/credentials_value.hpp>
#include <dynasio/log_level.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace dynasio {

/// Reads an environment variable; nullopt when unset.
using env_lookup = std::function<std::optional<std::string>(std::string_view)>;

/**
 * @brief When cached temporary credentials are refreshed (see README "Credentials").
 * @details Before the advisory window, requests sign with the cached keys. In it, one request
 * starts a background refresh and every request keeps signing with the current keys. In the
 * mandatory window, requests wait for that one shared refresh. A zero window is scaled to the
 * lifetime the keys had when fetched: advisory 5 min up to 20 min, 15 min below 90 min, 60 min
 * otherwise; mandatory min(1 min, advisory). Windows are widened by up to `jitter`.
 */
struct credentials_refresh_config {
  /// Advisory window before expiration; 0: scaled to the lifetime.
  std::chrono::seconds advisory_window{0};
  /// Mandatory window before expiration; 0: min(1 min, advisory window).
  std::chrono::seconds mandatory_window{0};
  /// Windows grow by a random fraction of themselves up to this (0 .. 0.1).
  double jitter = 0.1;
  /// After a failed refresh while the keys are valid, the next try waits this to twice this.
  std::chrono::seconds retry_pause{300};
  /// A failed refresh with no usable keys is reported to every caller for this long.
  std::chrono::milliseconds error_hold{2000};
  /// Bound on one provider call (a refresh); past it the refresh fails with errc::timeout.
  std::chrono::seconds refresh_timeout{90};
};

/**
 * @brief A source of credentials: any callable returning `asio::awaitable<credentials>`.
 * @details Copies share the callable. The client calls it lazily (never in a constructor), caches
 * the result and refreshes it before `expiration`, one call at a time. A provider throws
 * dynasio::error: errc::no_credentials means "not configured here" (a chain moves on to its
 * next provider), any other code is a real failure (a chain stops).
 *
 * @par Thread safety
 * Copies may be used from different threads; one call runs on the awaiting coroutine's executor.
 */
class credentials_provider {
 public:
  /// The callable type.
  using function_type = std::function<boost::asio::awaitable<credentials>()>;

  /// An empty provider (operator bool is false).
  credentials_provider() = default;

  /// Wraps `fn`; `name` (e.g. "environment") appears in error messages.
  credentials_provider(std::string name, function_type fn)
      : name_(std::move(name)), fn_(std::make_shared<function_type>(std::move(fn))) {}

  /// The name given at construction.
  const std::string& name() const noexcept { return name_; }

  /// True when a callable is held.
  explicit operator bool() const noexcept { return fn_ && *fn_; }

  /// Calls the provider: fetches credentials.
  boost::asio::awaitable<credentials> operator()() const { return (*fn_)(); }

 private:
  std::string name_;
  std::shared_ptr<function_type> fn_;
};

/// Knobs of the built-in providers, mostly so tests can point them at local fakes.
struct provider_options {
  /// Environment variables; empty: the process environment (read at each fetch).
  env_lookup getenv{};
  /// Host (and optional `:port`) of `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`.
  std::string container_host = "169.254.170.2";
  /// Deadline per container or STS HTTP attempt (connect included).
  std::chrono::milliseconds http_timeout{2000};
  /// Attempts per container or STS fetch.
  unsigned http_attempts = 3;
  /// Deadline per IMDS HTTP attempt: short, so a host without IMDS fails fast.
  std::chrono::milliseconds imds_timeout{1000};
  /// Attempts per IMDS request (a timeout or a refused connection is never retried).
  unsigned imds_attempts = 3;
  /// Fall back to IMDSv1 (no token) when the token PUT answers 403, 404 or 405; never when
  /// `AWS_EC2_METADATA_V1_DISABLED=true`.
  bool imds_v1_fallback = false;
  /// Bound on a `credential_process` run; the process is killed past it.
  std::chrono::milliseconds process_timeout{60'000};
  /// Region of STS calls; empty: `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's.
  std::string region{};
  /// Warnings (e.g. IMDS handing out expired keys); empty: std::clog.
  log_function logger{};
};

/// Always yields `creds`.
DYNASIO_DECL credentials_provider static_credentials(credentials creds);

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` (or `AWS_SECURITY_TOKEN`),
/// `AWS_CREDENTIAL_EXPIRATION`, `AWS_ACCOUNT_ID`, re-read at every fetch. A key id without a
/// secret is errc::invalid_configuration, not a skip.
DYNASIO_DECL credentials_provider environment_credentials(provider_options opts = {});

/// IRSA: `AWS_WEB_IDENTITY_TOKEN_FILE` (re-read at every fetch), `AWS_ROLE_ARN`,
/// `AWS_ROLE_SESSION_NAME`; an unsigned STS `AssumeRoleWithWebIdentity` call to
/// `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL` or `https://sts.<region>.amazonaws.com`.
DYNASIO_DECL credentials_provider web_identity_credentials(provider_options opts = {});

/// The shared files' profile `profile` (empty: `AWS_PROFILE`, `AWS_DEFAULT_PROFILE`, "default")
/// in `AWS_SHARED_CREDENTIALS_FILE` and `AWS_CONFIG_FILE`: static keys, `credential_process`
/// (run without a shell), `role_arn` with `source_profile` or `credential_source`,
/// `web_identity_token_file`, and SSO (`sso_session` or the legacy `sso_start_url`).
DYNASIO_DECL credentials_provider profile_credentials(std::string profile = {}, provider_options opts = {});

/// ECS, Fargate, EKS Pod Identity: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (on
/// provider_options::container_host), else `AWS_CONTAINER_CREDENTIALS_FULL_URI` (plain http only
/// to loopback and the ECS/EKS link-local addresses), with `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`
/// (re-read at every fetch) or `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
DYNASIO_DECL credentials_provider container_credentials(provider_options opts = {});

/// EC2 instance metadata, IMDSv2: token PUT, role name, credentials. `AWS_EC2_METADATA_DISABLED`,
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT`, `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` (IPv4, IPv6).
DYNASIO_DECL credentials_provider imds_credentials(provider_options opts = {});

/**
 * @brief The AWS default chain: environment, web identity, shared files, container, IMDS.
 * @details The first provider that applies is remembered and asked again at each refresh; the
 * chain is not walked again. When none applies, errc::no_credentials names each one and why.
 * Nothing is read or contacted until the first call.
 */
DYNASIO_DECL credentials_provider default_credentials_chain(provider_options opts = {});

}  // namespace dynasio

#ifdef DYNASIO_HEADER_ONLY
// The providers' bodies need client_config (their HTTP connections): config.hpp includes them.
#include <dynasio/config.hpp>
#endif

#endif
