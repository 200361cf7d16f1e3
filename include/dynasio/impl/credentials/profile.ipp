//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_CREDENTIALS_PROFILE_IPP
#define DYNASIO_IMPL_CREDENTIALS_PROFILE_IPP

#include <dynasio/credentials.hpp>
#include <dynasio/detail/credentials/http_fetch.hpp>
#include <dynasio/detail/credentials/parse.hpp>
#include <dynasio/detail/credentials/provider_util.hpp>
#include <dynasio/detail/crypto.hpp>
#include <dynasio/error.hpp>
#include <dynasio/sigv4/canonical.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>

namespace dynasio {
namespace detail {

// Both shared files, read once per fetch (so edits are picked up at the next refresh).
struct shared_files {
  ini_file config;
  ini_file creds;
  std::string config_path;
  std::string creds_path;
  bool any = false;
};

inline shared_files load_shared_files(const provider_options& opts) {
  shared_files f;
  const std::string home = provider_getenv(opts, "HOME").value_or("");
  f.config_path = provider_getenv(opts, "AWS_CONFIG_FILE").value_or(home + "/.aws/config");
  f.creds_path = provider_getenv(opts, "AWS_SHARED_CREDENTIALS_FILE").value_or(home + "/.aws/credentials");
  if (auto text = read_whole_file(f.config_path)) {
    f.config = parse_ini(*text);
    f.any = true;
  }
  if (auto text = read_whole_file(f.creds_path)) {
    f.creds = parse_ini(*text);
    f.any = true;
  }
  return f;
}

inline std::optional<std::string> key_of(const ini_section& s, std::string_view key) {
  auto it = s.find(key);
  if (it == s.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

inline std::optional<credentials> profile_static_keys(const ini_section& s, std::string_view name) {
  auto akid = key_of(s, "aws_access_key_id");
  auto secret = key_of(s, "aws_secret_access_key");
  if (!akid && !secret) return std::nullopt;
  if (!akid || !secret)
    throw error(errc::invalid_configuration,
                "profile '" + std::string(name) + "' has only one of aws_access_key_id and aws_secret_access_key");
  credentials c;
  c.access_key_id = *akid;
  c.secret_access_key = *secret;
  c.session_token = key_of(s, "aws_session_token").value_or("");
  c.account_id = key_of(s, "aws_account_id").value_or("");
  return c;
}

inline boost::asio::awaitable<credentials> process_fetch(provider_options opts, std::string command,
                                                         std::string account) {
  const std::string out = co_await run_credential_process(command, opts.process_timeout);
  credentials c = parse_json_credentials(out, json_creds_source::process, "credential_process output");
  if (c.account_id.empty()) c.account_id = std::move(account);
  co_return c;
}

inline boost::asio::awaitable<credentials> sso_fetch(provider_options opts, shared_files files, ini_section prof,
                                                     std::string name) {
  std::string start_url, sso_region, cache_key;
  if (auto session = key_of(prof, "sso_session")) {
    auto it = files.config.find("sso-session " + *session);
    if (it == files.config.end())
      throw error(errc::invalid_configuration,
                  "profile '" + name + "': no [sso-session " + *session + "] in " + files.config_path);
    start_url = key_of(it->second, "sso_start_url").value_or("");
    sso_region = key_of(it->second, "sso_region").value_or("");
    cache_key = *session;
  } else {
    start_url = key_of(prof, "sso_start_url").value_or("");
    sso_region = key_of(prof, "sso_region").value_or("");
    cache_key = start_url;
  }
  auto account = key_of(prof, "sso_account_id");
  auto role = key_of(prof, "sso_role_name");
  if (start_url.empty() || sso_region.empty() || !account || !role)
    throw error(errc::invalid_configuration,
                "profile '" + name + "': SSO needs sso_start_url, sso_region, sso_account_id and sso_role_name");
  const std::string home = provider_getenv(opts, "HOME").value_or("");
  const std::string cache_file = home + "/.aws/sso/cache/" + sha1_hex(cache_key) + ".json";
  auto text = read_whole_file(cache_file);
  if (!text)
    throw error(errc::invalid_configuration,
                "profile '" + name + "': no SSO token in " + cache_file + " (run `aws sso login`)");
  boost::system::error_code ec;
  auto v = boost::json::parse(*text, ec);
  const boost::json::object* o = !ec && v.is_object() ? &v.get_object() : nullptr;
  auto field = [&](std::string_view k) -> std::string {
    if (!o) return {};
    auto it = o->find(k);
    return it != o->end() && it->value().is_string() ? std::string(it->value().get_string()) : std::string();
  };
  const std::string token = field("accessToken");
  const auto expires = parse_rfc3339(field("expiresAt"));
  if (token.empty() || !expires)
    throw error(errc::invalid_configuration, "profile '" + name + "': malformed SSO token file " + cache_file);
  if (*expires <= std::chrono::system_clock::now())
    throw error(errc::invalid_configuration, "profile '" + name + "': the SSO token expired (run `aws sso login`)");
  std::string base =
      provider_getenv(opts, "AWS_ENDPOINT_URL_SSO").value_or("https://portal.sso." + sso_region + ".amazonaws.com");
  while (!base.empty() && base.back() == '/') base.pop_back();
  fetch_request req;
  req.url = base + "/federation/credentials?account_id=" + sigv4::uri_encode(*account) +
            "&role_name=" + sigv4::uri_encode(*role);
  req.timeout = opts.http_timeout;
  req.headers.emplace_back("x-amz-sso_bearer_token", token);
  fetch_response res = co_await http_fetch(req);
  if (res.status != 200)
    throw error(errc::invalid_configuration,
                "SSO GetRoleCredentials answered HTTP " + std::to_string(res.status) + ": " + res.body.substr(0, 300));
  credentials c = parse_json_credentials(res.body, json_creds_source::sso, "SSO GetRoleCredentials");
  c.account_id = *account;
  co_return c;
}

inline boost::asio::awaitable<credentials> resolve_profile(provider_options opts, shared_files files, std::string name,
                                                           std::vector<std::string> visited);

inline boost::asio::awaitable<credentials> assume_role_fetch(provider_options opts, shared_files files,
                                                             ini_section prof, std::string name,
                                                             std::vector<std::string> visited) {
  const std::string role_arn = *key_of(prof, "role_arn");
  const std::string region = provider_region(opts, key_of(prof, "region").value_or(""));
  if (auto token_file = key_of(prof, "web_identity_token_file"))
    co_return co_await web_identity_fetch(opts, region, *token_file, role_arn,
                                          key_of(prof, "role_session_name").value_or(""));
  auto source_profile = key_of(prof, "source_profile");
  auto credential_source = key_of(prof, "credential_source");
  if (source_profile && credential_source)
    throw error(errc::invalid_configuration, "profile '" + name + "' sets both source_profile and credential_source");
  if (!source_profile && !credential_source)
    throw error(errc::invalid_configuration,
                "profile '" + name + "' has role_arn but neither source_profile nor credential_source");
  credentials source;
  if (source_profile) {
    std::optional<credentials> own;
    if (*source_profile == name) own = profile_static_keys(prof, name);
    if (own) {
      source = std::move(*own);
    } else {
      visited.push_back(name);
      if (std::find(visited.begin(), visited.end(), *source_profile) != visited.end()) {
        std::string path;
        for (const auto& v : visited) path += v + " -> ";
        throw error(errc::invalid_configuration, "source_profile loop: " + path + *source_profile);
      }
      source = co_await resolve_profile(opts, files, *source_profile, visited);
    }
  } else {
    std::string cs = *credential_source;
    std::transform(cs.begin(), cs.end(), cs.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    credentials_provider p;
    if (cs == "environment") p = environment_credentials(opts);
    else if (cs == "ecscontainer") p = container_credentials(opts);
    else if (cs == "ec2instancemetadata") p = imds_credentials(opts);
    else
      throw error(errc::invalid_configuration, "profile '" + name +
                                                   "': credential_source must be Environment, EcsContainer or "
                                                   "Ec2InstanceMetadata, got '" +
                                                   *credential_source + "'");
    source = co_await p();
  }
  std::string session =
      key_of(prof, "role_session_name")
          .value_or("dynasio-" + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                    std::chrono::system_clock::now().time_since_epoch())
                                                    .count()));
  if (!valid_session_name(session))
    throw error(errc::invalid_argument,
                "profile '" + name + "': role_session_name '" + session + "' must be 2 to 64 of A-Za-z0-9+=,.@_-");
  std::vector<std::pair<std::string, std::string>> params{
      {"Action", "AssumeRole"}, {"Version", "2011-06-15"}, {"RoleArn", role_arn}, {"RoleSessionName", session}};
  if (auto d = key_of(prof, "duration_seconds")) params.emplace_back("DurationSeconds", *d);
  if (auto e = key_of(prof, "external_id")) params.emplace_back("ExternalId", *e);
  co_return co_await sts_call(opts, region, std::move(params), std::move(source));
}

inline boost::asio::awaitable<credentials> resolve_profile(provider_options opts, shared_files files, std::string name,
                                                           std::vector<std::string> visited) {
  auto prof = find_profile(files.config, files.creds, name);
  if (!prof) {
    const std::string where = "profile '" + name + "' is in neither " + files.creds_path + " nor " + files.config_path;
    // A missing source profile is a broken configuration, not "no profile here".
    throw error(visited.empty() ? errc::no_credentials : errc::invalid_configuration, where);
  }
  if (key_of(*prof, "role_arn")) co_return co_await assume_role_fetch(opts, files, *prof, name, visited);
  if (auto keys = profile_static_keys(*prof, name)) co_return *keys;
  if (auto command = key_of(*prof, "credential_process"))
    co_return co_await process_fetch(opts, *command, key_of(*prof, "aws_account_id").value_or(""));
  if (key_of(*prof, "sso_session") || key_of(*prof, "sso_start_url"))
    co_return co_await sso_fetch(opts, files, *prof, name);
  throw error(visited.empty() ? errc::no_credentials : errc::invalid_configuration,
              "profile '" + name + "' has no credentials (keys, credential_process, role_arn or SSO)");
}

inline boost::asio::awaitable<credentials> profile_fetch(provider_options opts, std::string profile) {
  if (profile.empty())
    profile =
        provider_getenv(opts, "AWS_PROFILE").value_or(provider_getenv(opts, "AWS_DEFAULT_PROFILE").value_or("default"));
  shared_files files = load_shared_files(opts);
  if (!files.any)
    throw error(errc::no_credentials, "neither " + files.creds_path + " nor " + files.config_path + " exists");
  std::vector<std::string> visited;
  co_return co_await resolve_profile(opts, std::move(files), std::move(profile), std::move(visited));
}

}  // namespace detail

DYNASIO_DECL credentials_provider profile_credentials(std::string profile, provider_options opts) {
  return credentials_provider("shared files", [profile = std::move(profile), opts = std::move(opts)] {
    return detail::profile_fetch(opts, profile);
  });
}

}  // namespace dynasio

#endif
