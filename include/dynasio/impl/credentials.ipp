//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_CREDENTIALS_IPP
#define DYNASIO_IMPL_CREDENTIALS_IPP

#include <dynasio/credentials.hpp>
#include <dynasio/detail/credentials/parse.hpp>
#include <dynasio/detail/credentials/provider_util.hpp>
#include <dynasio/error.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <vector>

namespace dynasio {
namespace detail {

DYNASIO_DECL std::optional<std::string> provider_getenv(const provider_options& opts, std::string_view name) {
  std::optional<std::string> v;
  if (opts.getenv) {
    v = opts.getenv(name);
  } else if (const char* p = std::getenv(std::string(name).c_str())) {
    v = std::string(p);
  }
  if (v && v->empty()) v.reset();
  return v;
}

DYNASIO_DECL std::optional<std::string> read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(out).str();
}

DYNASIO_DECL void provider_log(const provider_options& opts, log_level level, std::string_view message) {
  if (opts.logger) opts.logger(level, message);
  else if (level >= log_level::warning)
    std::clog << "dynasio " << (level == log_level::warning ? "warning" : "error") << ": " << message << '\n';
}

DYNASIO_DECL boost::asio::awaitable<void> provider_backoff(unsigned attempt) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  const auto cap = std::chrono::milliseconds(100) * (1u << std::min(attempt, 4u));
  std::uniform_int_distribution<long long> pick(cap.count() / 2, cap.count());
  boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, std::chrono::milliseconds(pick(rng)));
  co_await t.async_wait(boost::asio::use_awaitable);
}

DYNASIO_DECL std::string provider_region(const provider_options& opts, std::string_view fallback) {
  if (!opts.region.empty()) return opts.region;
  if (auto r = provider_getenv(opts, "AWS_REGION")) return *r;
  if (auto r = provider_getenv(opts, "AWS_DEFAULT_REGION")) return *r;
  return std::string(fallback);
}

DYNASIO_DECL bool valid_session_name(std::string_view name) {
  if (name.size() < 2 || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("+=,.@_-").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

inline error not_here(std::string message) { return error(errc::no_credentials, std::move(message)); }

inline boost::asio::awaitable<credentials> yield_static(credentials c) { co_return c; }

inline boost::asio::awaitable<credentials> environment_fetch(provider_options opts) {
  auto akid = provider_getenv(opts, "AWS_ACCESS_KEY_ID");
  auto secret = provider_getenv(opts, "AWS_SECRET_ACCESS_KEY");
  if (!akid) {
    if (secret) throw error(errc::invalid_configuration, "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
    throw not_here("AWS_ACCESS_KEY_ID is not set");
  }
  if (!secret) throw error(errc::invalid_configuration, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
  credentials c;
  c.access_key_id = std::move(*akid);
  c.secret_access_key = std::move(*secret);
  auto token = provider_getenv(opts, "AWS_SESSION_TOKEN");
  if (!token) token = provider_getenv(opts, "AWS_SECURITY_TOKEN");
  c.session_token = token.value_or("");
  if (auto exp = provider_getenv(opts, "AWS_CREDENTIAL_EXPIRATION")) {
    c.expiration = parse_rfc3339(*exp);
    if (!c.expiration)
      throw error(errc::invalid_configuration, "AWS_CREDENTIAL_EXPIRATION is not an RFC 3339 time: '" + *exp + "'");
  }
  c.account_id = provider_getenv(opts, "AWS_ACCOUNT_ID").value_or("");
  co_return c;
}

inline boost::asio::awaitable<credentials> web_identity_env_fetch(provider_options opts) {
  auto file = provider_getenv(opts, "AWS_WEB_IDENTITY_TOKEN_FILE");
  if (!file) throw not_here("AWS_WEB_IDENTITY_TOKEN_FILE is not set");
  auto arn = provider_getenv(opts, "AWS_ROLE_ARN");
  if (!arn) throw error(errc::invalid_configuration, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not");
  std::string region = provider_region(opts, "");
  co_return co_await web_identity_fetch(opts, std::move(region), std::move(*file), std::move(*arn),
                                        provider_getenv(opts, "AWS_ROLE_SESSION_NAME").value_or(""));
}

// The chain remembers the provider that answered first and asks only it from then on.
struct chain_state {
  std::vector<credentials_provider> providers;
  std::optional<std::size_t> chosen;
};

inline boost::asio::awaitable<credentials> chain_fetch(std::shared_ptr<chain_state> st) {
  if (st->chosen) co_return co_await st->providers[*st->chosen]();
  std::string why;
  for (std::size_t i = 0; i < st->providers.size(); ++i) {
    const credentials_provider& p = st->providers[i];
    std::optional<credentials> got;
    try {
      got = co_await p();
    } catch (const error& e) {
      if (e.code() != errc::no_credentials) {
        diagnostics d = e.diagnostics();
        d.message = p.name() + ": " + d.message;
        throw error(e.code(), std::move(d));
      }
      why += (why.empty() ? "" : "; ") + p.name() + ": " + e.diagnostics().message;
    }
    if (got) {
      st->chosen = i;
      co_return std::move(*got);
    }
  }
  throw error(errc::no_credentials, "no credentials provider applies (" + why + ")");
}

}  // namespace detail

DYNASIO_DECL credentials_provider static_credentials(credentials creds) {
  if (creds.access_key_id.empty() || creds.secret_access_key.empty())
    throw error(errc::invalid_argument,
                "static_credentials: credentials need an access key id and a secret access key");
  return credentials_provider("static", [creds = std::move(creds)] { return detail::yield_static(creds); });
}

DYNASIO_DECL credentials_provider environment_credentials(provider_options opts) {
  return credentials_provider("environment", [opts = std::move(opts)] { return detail::environment_fetch(opts); });
}

DYNASIO_DECL credentials_provider web_identity_credentials(provider_options opts) {
  return credentials_provider("web identity",
                              [opts = std::move(opts)] { return detail::web_identity_env_fetch(opts); });
}

DYNASIO_DECL credentials_provider default_credentials_chain(provider_options opts) {
  auto st = std::make_shared<detail::chain_state>();
  st->providers = {environment_credentials(opts), web_identity_credentials(opts), profile_credentials({}, opts),
                   container_credentials(opts), imds_credentials(opts)};
  return credentials_provider("default chain", [st] { return detail::chain_fetch(st); });
}

}  // namespace dynasio

#include <dynasio/impl/credentials/container.ipp>
#include <dynasio/impl/credentials/http_fetch.ipp>
#include <dynasio/impl/credentials/imds.ipp>
#include <dynasio/impl/credentials/parse.ipp>
#include <dynasio/impl/credentials/process.ipp>
#include <dynasio/impl/credentials/profile.ipp>
#include <dynasio/impl/credentials/sts.ipp>

#endif
