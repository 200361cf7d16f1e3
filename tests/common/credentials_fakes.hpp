#ifndef DYNASIO_TESTS_CREDENTIALS_FAKES_HPP
#define DYNASIO_TESTS_CREDENTIALS_FAKES_HPP

// Handlers that make a fake_endpoint behave like IMDS, a container credentials endpoint or STS,
// plus the environment map and temp files the provider tests inject.

#include <dynasio/credentials.hpp>
#include <dynasio/detail/timestamp.hpp>

#include "fake_endpoint.hpp"

#include <unistd.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>

namespace dynasio::test {

/// A fake process environment for provider_options::getenv; copies share the variables.
struct fake_env_vars {
  std::shared_ptr<std::map<std::string, std::string, std::less<>>> vars =
      std::make_shared<std::map<std::string, std::string, std::less<>>>();
  std::string& operator[](const std::string& name) { return (*vars)[name]; }
  env_lookup lookup() const {
    return [v = vars](std::string_view n) -> std::optional<std::string> {
      auto it = v->find(n);
      return it == v->end() ? std::nullopt : std::optional<std::string>(it->second);
    };
  }
  provider_options options() const {
    provider_options o;
    o.getenv = lookup();
    o.logger = [](log_level, std::string_view) {};
    return o;
  }
};

/// Every file write_temp_file() made, removed when the test program exits.
struct temp_file_registry {
  std::set<std::string> paths;
  ~temp_file_registry() {
    std::error_code ignored;
    for (const auto& p : paths) std::filesystem::remove(p, ignored);
  }
};

inline temp_file_registry& temp_files() {
  static temp_file_registry registry;
  return registry;
}

/// Writes `text` to a per-process temp file and returns its path.
inline std::string write_temp_file(const std::string& name, const std::string& text) {
  auto p = std::filesystem::temp_directory_path() / ("dynasio-cred-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
  temp_files().paths.insert(p.string());
  return p.string();
}

/// The JSON IMDS and container endpoints answer with.
inline std::string creds_json(const std::string& akid, std::chrono::system_clock::time_point expiration,
                              std::string_view token_field = "Token") {
  boost::json::object o;
  o["Code"] = "Success";
  o["Type"] = "AWS-HMAC";
  o["AccessKeyId"] = akid;
  o["SecretAccessKey"] = "secret-" + akid;
  o[token_field] = "token-" + akid;
  o["Expiration"] = detail::format_timestamp(std::chrono::time_point_cast<std::chrono::seconds>(expiration));
  return boost::json::serialize(o);
}

/// IMDS: token PUT (TTL header required, X-Forwarded-For refused), role list, credentials.
struct fake_imds {
  std::string role = "web-role";
  unsigned put_status = 200;
  bool hang_put = false;
  bool send_ttl = true;
  /// Credential documents to serve, one per GET (the last one repeats).
  std::deque<std::string> docs;
  /// GETs that answer 401 (token "expired" on the server) before normal service resumes.
  unsigned gets_401 = 0;
  unsigned puts = 0;
  unsigned token_serial = 0;
  std::string current_token;
  std::vector<std::string> tokenless_gets;

  fake_handler handler() {
    return [this](const recorded_request& r) -> exchange {
      exchange e;
      e.add_crc32 = false;
      if (r.method == "PUT" && r.path == "/latest/api/token") {
        ++puts;
        if (hang_put) {
          e.act = exchange::action::no_reply_hang;
          return e;
        }
        if (r.headers.count("x-forwarded-for")) return with(403, "");
        if (!r.headers.count("x-aws-ec2-metadata-token-ttl-seconds")) return with(400, "");
        if (put_status != 200) return with(put_status, "");
        current_token = "imds-token-" + std::to_string(++token_serial);
        e.body = current_token;
        if (send_ttl)
          e.headers.emplace_back("x-aws-ec2-metadata-token-ttl-seconds",
                                 r.headers.at("x-aws-ec2-metadata-token-ttl-seconds"));
        return e;
      }
      auto tok = r.headers.find("x-aws-ec2-metadata-token");
      if (tok == r.headers.end()) tokenless_gets.push_back(r.path);
      else if (tok->second != current_token) return with(401, "");
      if (gets_401 > 0) {
        --gets_401;
        current_token.clear();
        return with(401, "");
      }
      if (r.path == "/latest/meta-data/iam/security-credentials/")
        return role.empty() ? with(404, "") : with(200, role + "\n");
      if (r.path == "/latest/meta-data/iam/security-credentials/" + role) {
        std::string doc = docs.empty() ? "" : docs.front();
        if (docs.size() > 1) docs.pop_front();
        return with(200, doc);
      }
      return with(404, "");
    };
  }

  static exchange with(unsigned status, std::string body) {
    exchange e;
    e.status = status;
    e.body = std::move(body);
    e.add_crc32 = false;
    return e;
  }
};

/// A container credentials endpoint: checks the Authorization header (400 without it, as the
/// EKS Pod Identity agent does), plays scripted statuses first, then serves `doc`.
struct fake_container {
  std::string expected_token;
  std::deque<exchange> before;
  std::string doc;
  std::vector<std::string> seen_tokens;

  fake_handler handler() {
    return [this](const recorded_request& r) -> exchange {
      auto auth = r.headers.find("authorization");
      seen_tokens.push_back(auth == r.headers.end() ? "" : auth->second);
      if (!expected_token.empty() && (auth == r.headers.end() || auth->second != expected_token))
        return fake_imds::with(400, R"({"code":"InvalidToken","message":"bad or missing Authorization"})");
      if (!before.empty()) {
        exchange e = std::move(before.front());
        before.pop_front();
        return e;
      }
      return fake_imds::with(200, doc);
    };
  }
};

/// Percent-decodes a form value.
inline std::string form_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

/// The parameters of a form body.
inline std::map<std::string, std::string> form_params(std::string_view body) {
  std::map<std::string, std::string> out;
  while (!body.empty()) {
    auto amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    auto eq = pair.find('=');
    out[form_decode(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : form_decode(pair.substr(eq + 1));
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
  }
  return out;
}

/// An STS success reply with fractional-second Expiration.
inline std::string sts_success(std::string_view action, const std::string& akid,
                               std::chrono::system_clock::time_point exp) {
  const std::string ts = detail::format_timestamp(std::chrono::time_point_cast<std::chrono::seconds>(exp));
  return "<" + std::string(action) + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><" +
         std::string(action) + "Result><Credentials><AccessKeyId>" + akid + "</AccessKeyId><SecretAccessKey>secret-" +
         akid + "</SecretAccessKey><SessionToken>token-" + akid + "</SessionToken><Expiration>" +
         ts.substr(0, ts.size() - 1) +
         ".123Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId>"
         "<Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser></" +
         std::string(action) + "Result><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></" +
         std::string(action) + "Response>";
}

/// An STS error reply.
inline exchange sts_error(unsigned status, std::string_view code, std::string_view message) {
  return fake_imds::with(status, "<ErrorResponse><Error><Type>Sender</Type><Code>" + std::string(code) +
                                     "</Code><Message>" + std::string(message) +
                                     "</Message></Error><RequestId>err-1</RequestId></ErrorResponse>");
}

}  // namespace dynasio::test

#endif
