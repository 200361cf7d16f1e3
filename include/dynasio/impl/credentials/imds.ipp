//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_CREDENTIALS_IMDS_IPP
#define DYNASIO_IMPL_CREDENTIALS_IMDS_IPP

#include <dynasio/credentials.hpp>
#include <dynasio/detail/credentials/http_fetch.hpp>
#include <dynasio/detail/credentials/parse.hpp>
#include <dynasio/detail/credentials/provider_util.hpp>
#include <dynasio/error.hpp>

#include <charconv>
#include <memory>
#include <random>

namespace dynasio {
namespace detail {

// The session token survives between refreshes (one PUT per TTL, not one per fetch).
struct imds_state {
  provider_options opts;
  std::string token;  // empty with v1 set: IMDSv1, no token
  bool v1 = false;
  std::chrono::steady_clock::time_point token_expires{};
};

constexpr unsigned imds_token_ttl = 21600;

inline boost::asio::awaitable<void> imds_refresh_token(imds_state& st, const std::string& base) {
  fetch_request req;
  req.method = "PUT";
  req.url = base + "/latest/api/token";
  req.timeout = st.opts.imds_timeout;
  req.headers.emplace_back("x-aws-ec2-metadata-token-ttl-seconds", std::to_string(imds_token_ttl));
  for (unsigned attempt = 1;; ++attempt) {
    fetch_response res;
    try {
      res = co_await http_fetch(req);
    } catch (const error& e) {
      // Nothing answering (refused, timed out): not on EC2. Never retried, so a laptop fails fast.
      if (is_network_failure(e.code()))
        throw error(errc::no_credentials, "IMDS not reachable at " + base + ": " + e.diagnostics().message);
      throw;
    }
    if (res.status == 200 && !res.body.empty()) {
      unsigned ttl = imds_token_ttl;
      // A missing or malformed TTL header: assume the TTL asked for.
      const std::string granted = res.header("x-aws-ec2-metadata-token-ttl-seconds");
      std::from_chars(granted.data(), granted.data() + granted.size(), ttl);
      const auto life = std::chrono::seconds(ttl > 240 ? ttl - 120 : ttl / 2);
      st.token = std::move(res.body);
      st.v1 = false;
      st.token_expires = std::chrono::steady_clock::now() + life;
      co_return;
    }
    if (res.status == 403 || res.status == 404 || res.status == 405) {
      const bool v1_disabled = is_true(provider_getenv(st.opts, "AWS_EC2_METADATA_V1_DISABLED"));
      if (st.opts.imds_v1_fallback && !v1_disabled) {
        st.token.clear();
        st.v1 = true;
        st.token_expires = std::chrono::steady_clock::now() + std::chrono::seconds(imds_token_ttl);
        co_return;
      }
      throw error(errc::invalid_configuration, "IMDS refused the IMDSv2 token PUT (HTTP " + std::to_string(res.status) +
                                                   ") and IMDSv1 fallback is " +
                                                   (v1_disabled ? "disabled" : "not enabled"));
    }
    if (res.status < 500 || attempt >= st.opts.imds_attempts)
      throw error(errc::protocol_error, "IMDS token PUT answered HTTP " + std::to_string(res.status));
    co_await provider_backoff(attempt);
  }
}

// GET of a metadata path with the session token; 404 returns nullopt.
inline boost::asio::awaitable<std::optional<std::string>> imds_get(imds_state& st, const std::string& base,
                                                                   std::string path) {
  bool token_renewed = false;
  for (unsigned attempt = 1;; ++attempt) {
    if (!st.v1 && (st.token.empty() || std::chrono::steady_clock::now() >= st.token_expires)) {
      co_await imds_refresh_token(st, base);
      token_renewed = true;
    }
    fetch_request req;
    req.url = base + path;
    req.timeout = st.opts.imds_timeout;
    if (!st.v1) req.headers.emplace_back("x-aws-ec2-metadata-token", st.token);
    fetch_response res = co_await http_fetch(req);
    if (res.status == 200) co_return std::move(res.body);
    if (res.status == 404) co_return std::nullopt;
    if (res.status == 401 && !st.v1 && !token_renewed) {
      // The token expired or IMDS restarted: one new PUT, then the same GET again.
      st.token.clear();
      --attempt;
      continue;
    }
    if (res.status < 500 || attempt >= st.opts.imds_attempts)
      throw error(errc::protocol_error, "IMDS GET " + path + " answered HTTP " + std::to_string(res.status));
    co_await provider_backoff(attempt);
  }
}

inline boost::asio::awaitable<credentials> imds_fetch(std::shared_ptr<imds_state> st) {
  if (is_true(provider_getenv(st->opts, "AWS_EC2_METADATA_DISABLED")))
    throw error(errc::no_credentials, "AWS_EC2_METADATA_DISABLED is true");
  const std::string base = imds_endpoint(provider_getenv(st->opts, "AWS_EC2_METADATA_SERVICE_ENDPOINT"),
                                         provider_getenv(st->opts, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"));
  constexpr std::string_view roles_path = "/latest/meta-data/iam/security-credentials/";
  auto roles = co_await imds_get(*st, base, std::string(roles_path));
  if (!roles) throw error(errc::no_credentials, "IMDS at " + base + ": no IAM role attached to this instance");
  std::string role = roles->substr(0, roles->find_first_of("\r\n"));
  while (!role.empty() && (role.back() == ' ' || role.back() == '\t')) role.pop_back();
  if (role.empty()) throw error(errc::no_credentials, "IMDS at " + base + ": no IAM role attached to this instance");
  auto doc = co_await imds_get(*st, base, std::string(roles_path) + role);
  if (!doc)
    throw error(errc::protocol_error, "IMDS at " + base + ": role '" + role + "' has no credentials (HTTP 404)");
  credentials c = parse_json_credentials(*doc, json_creds_source::imds, "IMDS role " + role);
  const auto now = std::chrono::system_clock::now();
  if (c.expiration && *c.expiration <= now) {
    // Static stability: a degraded IMDS hands out stale keys; use them for 10-15 more minutes
    // rather than fail every request (the service still accepts them for a while).
    thread_local std::minstd_rand rng{std::random_device{}()};
    const auto extra = std::chrono::seconds(600 + std::uniform_int_distribution<int>(0, 300)(rng));
    c.expiration = now + extra;
    provider_log(st->opts, log_level::warning,
                 "IMDS returned expired credentials; using them for " + std::to_string(extra.count()) +
                     " s more before asking again");
  }
  co_return c;
}

}  // namespace detail

DYNASIO_DECL credentials_provider imds_credentials(provider_options opts) {
  auto st = std::make_shared<detail::imds_state>();
  st->opts = std::move(opts);
  return credentials_provider("IMDS", [st] { return detail::imds_fetch(st); });
}

}  // namespace dynasio

#endif
