//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_CONFIG_IPP
#define DYNASIO_IMPL_CONFIG_IPP

#include <dynasio/config.hpp>
#include <dynasio/detail/credentials/parse.hpp>
#include <dynasio/detail/credentials/provider_util.hpp>
#include <dynasio/detail/validate.hpp>
#include <dynasio/error.hpp>

#include <array>
#include <cstdlib>
#include <initializer_list>

namespace dynasio {
DYNASIO_DECL client_config
client_config::from_env(const std::function<std::optional<std::string>(std::string_view)>& getenv) {
  auto env = [&](std::string_view name) -> std::optional<std::string> {
    auto v = getenv(name);
    if (v && v->empty()) return std::nullopt;
    return v;
  };
  client_config cfg;
  std::string home = env("HOME").value_or("");
  std::string profile = env("AWS_PROFILE").value_or(env("AWS_DEFAULT_PROFILE").value_or("default"));
  std::string config_file = env("AWS_CONFIG_FILE").value_or(home + "/.aws/config");
  // Only the region is read here; credentials files are the providers' business, later.
  std::optional<detail::ini_section> config_section;
  if (auto text = detail::read_whole_file(config_file))
    config_section = detail::find_profile(detail::parse_ini(*text), {}, profile);
  auto from_section = [](const std::optional<detail::ini_section>& s,
                         std::string_view key) -> std::optional<std::string> {
    if (!s) return std::nullopt;
    auto it = s->find(key);
    if (it == s->end() || it->second.empty()) return std::nullopt;
    return it->second;
  };

  std::string missing;
  if (auto r = env("AWS_REGION")) cfg.region = *r;
  else if (auto d = env("AWS_DEFAULT_REGION")) cfg.region = *d;
  else if (auto p = from_section(config_section, "region")) cfg.region = *p;
  else
    missing += "region (looked at AWS_REGION, AWS_DEFAULT_REGION, and 'region' of profile '" + profile +
               "' (AWS_PROFILE) in " + config_file + " (AWS_CONFIG_FILE))";

  auto akid = env("AWS_ACCESS_KEY_ID");
  auto secret = env("AWS_SECRET_ACCESS_KEY");
  if (akid && secret && !env("AWS_CREDENTIAL_EXPIRATION")) {
    cfg.credentials.access_key_id = *akid;
    cfg.credentials.secret_access_key = *secret;
    cfg.credentials.session_token = env("AWS_SESSION_TOKEN").value_or("");
    cfg.credentials.account_id = env("AWS_ACCOUNT_ID").value_or("");
  } else {
    // Everything else (IRSA, profiles, containers, IMDS) is resolved at the first request.
    provider_options opts;
    opts.getenv = getenv;
    opts.region = cfg.region;
    cfg.credentials_provider = default_credentials_chain(std::move(opts));
  }
  if (!missing.empty()) throw error(errc::invalid_configuration, "client_config::from_env: missing " + missing);

  if (auto e = env("AWS_ENDPOINT_URL_DYNAMODB")) cfg.endpoint = *e;
  else if (auto g = env("AWS_ENDPOINT_URL")) cfg.endpoint = *g;
  else cfg.endpoint = "https://dynamodb." + cfg.region + ".amazonaws.com";

  if (auto ca = env("AWS_CA_BUNDLE")) cfg.ca_file = *ca;
  const bool https = !cfg.endpoint.starts_with("http://");
  // Two named arrays: a ?: of two braced lists would leave the loop over a dead array.
  static constexpr std::array<const char*, 2> https_proxy{"HTTPS_PROXY", "https_proxy"};
  static constexpr std::array<const char*, 2> http_proxy{"HTTP_PROXY", "http_proxy"};
  for (const char* name : https ? https_proxy : http_proxy)
    if (auto p = env(name); p && cfg.proxy.empty()) cfg.proxy = *p;
  for (const char* name : {"NO_PROXY", "no_proxy"})
    if (auto n = env(name); n && cfg.no_proxy.empty()) cfg.no_proxy = *n;

  detail::validate_endpoint_url("client_config::from_env: endpoint", cfg.endpoint);
  if (auto mode = env("AWS_RETRY_MODE")) cfg.retry.mode = detail::validate_retry_mode(*mode);
  if (auto m = env("AWS_MAX_ATTEMPTS")) {
    char* end = nullptr;
    long n = std::strtol(m->c_str(), &end, 10);
    if (*end != '\0' || n < 1 || n > 100)
      throw error(errc::invalid_configuration, "AWS_MAX_ATTEMPTS must be an integer from 1 to 100, got '" + *m + "'");
    cfg.retry.max_attempts = static_cast<unsigned>(n);
  }
  return cfg;
}

}  // namespace dynasio

#endif
