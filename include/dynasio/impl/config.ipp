//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_CONFIG_IPP
#define DYNASIO_IMPL_CONFIG_IPP

#include <dynasio/config.hpp>
#include <dynasio/detail/validate.hpp>
#include <dynasio/error.hpp>

#include <cstdlib>
#include <fstream>
#include <map>

namespace dynasio {
namespace detail {

using ini_section = std::map<std::string, std::string, std::less<>>;

inline std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  return std::string(s.substr(b, s.find_last_not_of(" \t\r") - b + 1));
}

// The section [section] of an AWS shared file; nullopt when the file or the section is absent.
inline std::optional<ini_section> read_ini_section(const std::string& path, std::string_view section) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::optional<ini_section> found;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      inside = trim(std::string_view(t).substr(1, t.size() - 2)) == section;
      if (inside && !found) found.emplace();
      continue;
    }
    auto eq = t.find('=');
    if (inside && eq != std::string::npos) (*found)[trim(std::string_view(t).substr(0, eq))] = trim(std::string_view(t).substr(eq + 1));
  }
  return found;
}

}  // namespace detail

DYNASIO_DECL client_config client_config::from_env(
    const std::function<std::optional<std::string>(std::string_view)>& getenv) {
  auto env = [&](std::string_view name) -> std::optional<std::string> {
    auto v = getenv(name);
    if (v && v->empty()) return std::nullopt;
    return v;
  };
  client_config cfg;
  std::string home = env("HOME").value_or("");
  std::string profile = env("AWS_PROFILE").value_or("default");
  std::string creds_file = env("AWS_SHARED_CREDENTIALS_FILE").value_or(home + "/.aws/credentials");
  std::string config_file = env("AWS_CONFIG_FILE").value_or(home + "/.aws/config");
  // The config file names profiles "[profile name]", except "[default]".
  auto config_section = detail::read_ini_section(config_file, profile == "default" ? profile : "profile " + profile);
  auto creds_section = detail::read_ini_section(creds_file, profile);
  auto from_section = [](const std::optional<detail::ini_section>& s, std::string_view key) -> std::optional<std::string> {
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
    missing += "region (looked at AWS_REGION, AWS_DEFAULT_REGION, and 'region' of profile '" + profile + "' in " +
               config_file + ")";

  auto akid = env("AWS_ACCESS_KEY_ID");
  auto secret = env("AWS_SECRET_ACCESS_KEY");
  if (akid && secret) {
    cfg.credentials = {*akid, *secret, env("AWS_SESSION_TOKEN").value_or("")};
  } else {
    for (const auto* section : {&creds_section, &config_section}) {
      auto a = from_section(*section, "aws_access_key_id");
      auto s = from_section(*section, "aws_secret_access_key");
      if (a && s) {
        cfg.credentials = {*a, *s, from_section(*section, "aws_session_token").value_or("")};
        break;
      }
    }
    if (cfg.credentials.access_key_id.empty()) {
      if (!missing.empty()) missing += "; ";
      missing += "credentials (looked at AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then profile '" + profile +
                 "' (AWS_PROFILE) in " + creds_file + " (AWS_SHARED_CREDENTIALS_FILE) and " + config_file +
                 " (AWS_CONFIG_FILE))";
    }
  }
  if (!missing.empty()) throw error(errc::invalid_configuration, "client_config::from_env: missing " + missing);

  if (auto e = env("AWS_ENDPOINT_URL_DYNAMODB")) cfg.endpoint = *e;
  else if (auto g = env("AWS_ENDPOINT_URL")) cfg.endpoint = *g;
  else cfg.endpoint = "https://dynamodb." + cfg.region + ".amazonaws.com";

  detail::validate_endpoint_url("client_config::from_env: endpoint", cfg.endpoint);
  if (auto mode = env("AWS_RETRY_MODE")) detail::validate_retry_mode(*mode);
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
