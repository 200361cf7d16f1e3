//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_CREDENTIALS_PARSE_IPP
#define DYNASIO_IMPL_CREDENTIALS_PARSE_IPP

#include <dynasio/detail/credentials/parse.hpp>
#include <dynasio/error.hpp>
#include <dynasio/sigv4/canonical.hpp>

#include <boost/asio/ip/address.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>

namespace dynasio::detail {

namespace cred_parse {
inline std::string_view trim_view(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace cred_parse
using namespace cred_parse;

DYNASIO_DECL std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view s) {
  using namespace std::chrono;
  std::size_t i = 0;
  auto num = [&](std::size_t n) -> int {
    int v = 0;
    for (std::size_t k = 0; k < n; ++k, ++i) {
      if (i >= s.size() || s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  auto lit = [&](char c) { return i < s.size() && (s[i] == c || (c == 'T' && s[i] == 't')) && (++i, true); };
  const int y = num(4);
  if (y < 0 || !lit('-')) return std::nullopt;
  const int mo = num(2);
  if (mo < 1 || mo > 12 || !lit('-')) return std::nullopt;
  const int d = num(2);
  if (d < 1 || !lit('T')) return std::nullopt;
  const int h = num(2);
  if (h < 0 || h > 23 || !lit(':')) return std::nullopt;
  const int mi = num(2);
  if (mi < 0 || mi > 59 || !lit(':')) return std::nullopt;
  const int sec = num(2);
  if (sec < 0 || sec > 60) return std::nullopt;
  nanoseconds frac{0};
  if (i < s.size() && s[i] == '.') {
    ++i;
    long long scale = 100'000'000, ns = 0;
    const std::size_t start = i;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, scale /= 10) ns += (s[i] - '0') * scale;
    if (i == start) return std::nullopt;
    frac = nanoseconds(ns);
  }
  minutes offset{0};
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    const int sign = s[i++] == '-' ? -1 : 1;
    const int oh = num(2);
    if (oh < 0 || oh > 23 || !lit(':')) return std::nullopt;
    const int om = num(2);
    if (om < 0 || om > 59) return std::nullopt;
    offset = minutes(sign * (oh * 60 + om));
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  auto t = sys_days(ymd) + hours(h) + minutes(mi) + seconds(sec) - offset;
  return time_point_cast<system_clock::duration>(t + frac);
}

DYNASIO_DECL ini_file parse_ini(std::string_view text) {
  ini_file out;
  ini_section* current = nullptr;
  bool in_subsection = false;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view raw = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    const std::string_view line = trim_view(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      // Collapse inner blanks so "[profile   dev]" names profile "dev".
      std::string name;
      for (char c : trim_view(line.substr(1, line.size() - 2))) {
        if (c == ' ' || c == '\t') {
          if (!name.empty() && name.back() != ' ') name += ' ';
        } else {
          name += c;
        }
      }
      current = &out[name];
      in_subsection = false;
      continue;
    }
    const bool indented = raw.front() == ' ' || raw.front() == '\t';
    if (indented && in_subsection) continue;
    const auto eq = line.find('=');
    if (!current || eq == std::string_view::npos) continue;
    std::string key = lower(trim_view(line.substr(0, eq)));
    std::string_view value = trim_view(line.substr(eq + 1));
    // `key =` with nothing after it opens a nested block (e.g. `s3 =`); its lines are not ours.
    in_subsection = value.empty();
    if (!indented) (*current)[std::move(key)] = std::string(value);
  }
  return out;
}

DYNASIO_DECL std::optional<ini_section> find_profile(const ini_file& config, const ini_file& creds,
                                                     std::string_view name) {
  std::optional<ini_section> out;
  auto cfg = config.find("profile " + std::string(name));
  if (cfg == config.end() && name == "default") cfg = config.find("default");
  if (cfg != config.end()) out = cfg->second;
  if (auto c = creds.find(name); c != creds.end()) {
    if (!out) out.emplace();
    for (const auto& [k, v] : c->second) (*out)[k] = v;
  }
  return out;
}

DYNASIO_DECL credentials parse_json_credentials(std::string_view body, json_creds_source source, std::string_view who) {
  auto fail = [&](std::string_view why) {
    return error(errc::protocol_error, std::string(who) + ": " + std::string(why));
  };
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) throw fail("reply is not a JSON object");
  const boost::json::object* o = &v.get_object();
  if (source == json_creds_source::sso) {
    auto it = o->find("roleCredentials");
    if (it == o->end() || !it->value().is_object()) throw fail("reply has no roleCredentials object");
    o = &it->value().get_object();
  }
  auto str = [&](std::initializer_list<std::string_view> names) -> std::optional<std::string> {
    for (auto n : names) {
      auto it = o->find(n);
      if (it != o->end() && it->value().is_string() && !it->value().get_string().empty())
        return std::string(it->value().get_string());
    }
    return std::nullopt;
  };
  if (source == json_creds_source::process) {
    auto it = o->find("Version");
    if (it == o->end() || !it->value().is_int64() || it->value().get_int64() != 1)
      throw fail("output needs \"Version\": 1");
  }
  if (source == json_creds_source::imds) {
    auto code = str({"Code"});
    if (code && *code != "Success")
      throw fail("Code is " + *code + (str({"Message"}) ? ": " + *str({"Message"}) : std::string()));
  }
  credentials c;
  const bool sso = source == json_creds_source::sso;
  auto akid = str({sso ? "accessKeyId" : "AccessKeyId"});
  auto secret = str({sso ? "secretAccessKey" : "SecretAccessKey"});
  if (!akid) throw fail("no AccessKeyId");
  if (!secret) throw fail("no SecretAccessKey");
  c.access_key_id = std::move(*akid);
  c.secret_access_key = std::move(*secret);
  auto token = sso ? str({"sessionToken"}) : str({"Token", "SessionToken"});
  if (!token && (source == json_creds_source::imds || sso)) throw fail("no Token");
  c.session_token = token.value_or("");
  if (sso) {
    auto it = o->find("expiration");
    if (it == o->end() || !it->value().is_number()) throw fail("no expiration");
    c.expiration = std::chrono::system_clock::time_point(std::chrono::milliseconds(it->value().to_number<long long>()));
  } else if (auto exp = str({"Expiration", "ExpiresAt"})) {
    c.expiration = parse_rfc3339(*exp);
    if (!c.expiration) throw fail("Expiration is not an RFC 3339 time: " + *exp);
  } else if (source == json_creds_source::imds) {
    throw fail("no Expiration");
  }
  c.account_id = str({"AccountId"}).value_or("");
  return c;
}

namespace cred_parse {
inline std::string xml_unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const auto semi = s.find(';', i);
    if (semi == std::string_view::npos) {
      out += s.substr(i);
      break;
    }
    const std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "amp") out += '&';
    else if (ent == "lt") out += '<';
    else if (ent == "gt") out += '>';
    else if (ent == "quot") out += '"';
    else if (ent == "apos") out += '\'';
    else if (ent.size() > 1 && ent[0] == '#') {
      unsigned long cp =
          ent[1] == 'x' ? std::stoul(std::string(ent.substr(2)), nullptr, 16) : std::stoul(std::string(ent.substr(1)));
      if (cp < 0x80) out += static_cast<char>(cp);
      else out += '?';
    } else {
      out += s.substr(i, semi - i + 1);
    }
    i = semi;
  }
  return out;
}

// The text of the first <tag>...</tag> (attributes allowed) inside `xml`; nullopt when absent.
inline std::optional<std::string_view> xml_element(std::string_view xml, std::string_view tag) {
  for (std::size_t at = 0;;) {
    at = xml.find(std::string("<").append(tag), at);
    if (at == std::string_view::npos) return std::nullopt;
    const std::size_t after = at + 1 + tag.size();
    if (after < xml.size() && (xml[after] == '>' || xml[after] == ' ')) {
      const auto open_end = xml.find('>', after);
      const auto close = xml.find("</" + std::string(tag) + ">", open_end);
      if (open_end == std::string_view::npos || close == std::string_view::npos) return std::nullopt;
      return xml.substr(open_end + 1, close - open_end - 1);
    }
    at = after;
  }
}

inline std::string xml_text(std::string_view xml, std::string_view tag) {
  auto e = xml_element(xml, tag);
  return e ? xml_unescape(trim_view(*e)) : std::string();
}
}  // namespace cred_parse
using namespace cred_parse;

DYNASIO_DECL sts_reply parse_sts_reply(std::string_view xml) {
  sts_reply r;
  r.request_id = xml_text(xml, "RequestId");
  if (auto err = xml_element(xml, "Error")) {
    r.code = xml_text(*err, "Code");
    r.message = xml_text(*err, "Message");
    if (r.code.empty()) r.code = "Unknown";
    return r;
  }
  auto creds = xml_element(xml, "Credentials");
  if (!creds) throw error(errc::protocol_error, "STS reply has neither <Credentials> nor <Error>");
  r.creds.access_key_id = xml_text(*creds, "AccessKeyId");
  r.creds.secret_access_key = xml_text(*creds, "SecretAccessKey");
  r.creds.session_token = xml_text(*creds, "SessionToken");
  const std::string exp = xml_text(*creds, "Expiration");
  if (r.creds.access_key_id.empty() || r.creds.secret_access_key.empty() || r.creds.session_token.empty() ||
      exp.empty())
    throw error(errc::protocol_error,
                "STS <Credentials> lacks AccessKeyId, SecretAccessKey, SessionToken or Expiration");
  r.creds.expiration = parse_rfc3339(exp);
  if (!r.creds.expiration) throw error(errc::protocol_error, "STS Expiration is not an RFC 3339 time: " + exp);
  if (auto user = xml_element(xml, "AssumedRoleUser")) r.creds.account_id = account_from_arn(xml_text(*user, "Arn"));
  r.ok = true;
  return r;
}

DYNASIO_DECL std::string form_encode(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out;
  for (const auto& [k, v] : pairs) {
    if (!out.empty()) out += '&';
    out += sigv4::uri_encode(k);
    out += '=';
    out += sigv4::uri_encode(v);
  }
  return out;
}

DYNASIO_DECL std::string account_from_arn(std::string_view arn) {
  std::size_t at = 0;
  for (int part = 0; part < 4; ++part) {
    at = arn.find(':', at);
    if (at == std::string_view::npos) return {};
    ++at;
  }
  const auto end = arn.find(':', at);
  if (end == std::string_view::npos) return {};
  return std::string(arn.substr(at, end - at));
}

DYNASIO_DECL split_url_result split_url(std::string_view url, std::string_view what) {
  auto bad = [&](std::string_view why) {
    return error(errc::invalid_configuration, std::string(what) + " '" + std::string(url) + "': " + std::string(why));
  };
  split_url_result r;
  std::string_view rest = url;
  if (rest.starts_with("https://")) {
    r.https = true;
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    throw bad("must start with http:// or https://");
  }
  const auto path = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path);
  if (authority.empty()) throw bad("no host");
  if (authority.find('@') != std::string_view::npos) throw bad("user information is not allowed");
  r.origin = std::string(url.substr(0, url.size() - rest.size())) + std::string(authority);
  r.target = path == std::string_view::npos ? "/" : std::string(rest.substr(path));
  if (r.target.front() == '?') r.target.insert(0, "/");
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) throw bad("unterminated IPv6 literal");
    r.host = std::string(authority.substr(1, close - 1));
  } else {
    r.host = std::string(authority.substr(0, authority.rfind(':')));
  }
  return r;
}

DYNASIO_DECL std::string container_uri_problem(std::string_view uri) {
  split_url_result u;
  try {
    u = split_url(uri, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
  } catch (const error& e) {
    return e.diagnostics().message;
  }
  if (u.https) return {};
  if (u.host == "localhost" || u.host == "169.254.170.2" || u.host == "169.254.170.23") return {};
  boost::system::error_code ec;
  auto addr = boost::asio::ip::make_address(u.host, ec);
  if (!ec) {
    if (addr.is_loopback()) return {};
    if (addr.is_v6() && addr == boost::asio::ip::make_address("fd00:ec2::23")) return {};
  }
  return "AWS_CONTAINER_CREDENTIALS_FULL_URI '" + std::string(uri) +
         "': plain http is allowed only to loopback, 169.254.170.2, 169.254.170.23 or fd00:ec2::23";
}

DYNASIO_DECL std::string imds_endpoint(const std::optional<std::string>& endpoint,
                                       const std::optional<std::string>& mode) {
  if (endpoint && !endpoint->empty()) {
    std::string e = *endpoint;
    while (!e.empty() && e.back() == '/') e.pop_back();
    return e;
  }
  const std::string m = lower(mode.value_or("ipv4"));
  if (m == "ipv4") return "http://169.254.169.254";
  if (m == "ipv6") return "http://[fd00:ec2::254]";
  throw error(errc::invalid_configuration,
              "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE must be IPv4 or IPv6, got '" + mode.value_or("") + "'");
}

DYNASIO_DECL std::string sts_endpoint(std::string_view region, const std::optional<std::string>& sts_url,
                                      const std::optional<std::string>& any_url, bool ignore_configured) {
  if (!ignore_configured) {
    if (sts_url && !sts_url->empty()) return *sts_url;
    if (any_url && !any_url->empty()) return *any_url;
  }
  if (region.empty())
    throw error(errc::invalid_configuration, "STS needs a region (AWS_REGION or the profile's region)");
  return "https://sts." + std::string(region) + (region.starts_with("cn-") ? ".amazonaws.com.cn" : ".amazonaws.com");
}

DYNASIO_DECL std::vector<std::string> split_command_line(std::string_view line) {
  std::vector<std::string> args;
  std::string cur;
  bool in_word = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) args.push_back(std::move(cur));
      cur.clear();
      in_word = false;
    } else if (c == '\'') {
      const auto close = line.find('\'', i + 1);
      if (close == std::string_view::npos) throw error(errc::invalid_configuration, "credential_process: unbalanced '");
      cur.append(line.substr(i + 1, close - i - 1));
      i = close;
      in_word = true;
    } else if (c == '"') {
      for (++i;; ++i) {
        if (i >= line.size()) throw error(errc::invalid_configuration, "credential_process: unbalanced \"");
        if (line[i] == '"') break;
        if (line[i] == '\\' && i + 1 < line.size() && (line[i + 1] == '"' || line[i + 1] == '\\')) ++i;
        cur += line[i];
      }
      in_word = true;
    } else if (c == '\\' && i + 1 < line.size()) {
      cur += line[++i];
      in_word = true;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (in_word) args.push_back(std::move(cur));
  return args;
}

DYNASIO_DECL bool is_true(const std::optional<std::string>& value) {
  return value && lower(trim_view(*value)) == "true";
}

}  // namespace dynasio::detail

#endif
