//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_SIGV4_IMPL_SIGNER_IPP
#define DYNASIO_SIGV4_IMPL_SIGNER_IPP

#include <dynasio/detail/crypto.hpp>
#include <dynasio/error.hpp>
#include <dynasio/sigv4/detail/canonical.hpp>
#include <dynasio/sigv4/signer.hpp>

#include <algorithm>
#include <utility>
#include <vector>

namespace dynasio::sigv4 {
namespace detail {

inline constexpr std::string_view algorithm = "AWS4-HMAC-SHA256";

inline void check_amz_date(std::string_view d) {
  bool ok = d.size() == 16 && d[8] == 'T' && d[15] == 'Z';
  for (std::size_t i = 0; ok && i < 15; ++i) ok = i == 8 || (d[i] >= '0' && d[i] <= '9');
  if (!ok) throw dynasio::error(errc::invalid_argument, "X-Amz-Date must look like 20150830T123600Z");
}

inline const header* find_header(const std::vector<header>& headers, std::string_view name) {
  for (const auto& h : headers)
    if (iequals(h.name, name)) return &h;
  return nullptr;
}

}  // namespace detail

DYNASIO_DECL signer::signer(std::string region, std::string service)
    : region_(std::move(region)), service_(std::move(service)) {
  if (region_.empty() || service_.empty())
    throw dynasio::error(errc::invalid_argument, "SigV4 signer: region and service must not be empty");
}

DYNASIO_DECL const signer::digest& signer::signing_key(std::string_view secret, std::string_view date) {
  if (key_valid_ && key_date_ == date && key_secret_ == secret) return key_;
  // Invalidate first: if a derivation step throws, the old key must not be served for new inputs.
  key_valid_ = false;
  std::string seed;
  seed.reserve(4 + secret.size());
  seed.append("AWS4").append(secret);
  digest k = dynasio::detail::hmac_sha256(std::string_view(seed), date);
  k = dynasio::detail::hmac_sha256(k, region_);
  k = dynasio::detail::hmac_sha256(k, service_);
  k = dynasio::detail::hmac_sha256(k, "aws4_request");
  std::fill(seed.begin(), seed.end(), '\0');
  key_ = k;
  key_secret_.assign(secret);
  key_date_.assign(date);
  key_valid_ = true;
  ++key_derivations_;
  return key_;
}

DYNASIO_DECL void signer::append_scope(std::string& out, std::string_view date) const {
  using namespace std::string_view_literals;
  out.append(date).append("/"sv).append(region_).append("/"sv).append(service_).append("/aws4_request"sv);
}

DYNASIO_DECL void signer::append_authorization(std::string& out, const dynasio::credentials& creds,
                                               std::string_view date, std::string_view signed_headers,
                                               const digest& signature) const {
  using namespace std::string_view_literals;
  // The fixed text, the signature's 64 hex digits included, is 136 characters.
  out.reserve(out.size() + 136 + creds.access_key_id.size() + region_.size() + service_.size() + signed_headers.size() +
              date.size());
  out.append(detail::algorithm).append(" Credential="sv).append(creds.access_key_id).append("/"sv);
  append_scope(out, date);
  out.append(", SignedHeaders="sv).append(signed_headers).append(", Signature="sv);
  dynasio::detail::append_hex(out, signature);
}

// Expects creq_ to hold the canonical request; leaves the string to sign in sts_.
DYNASIO_DECL signer::digest signer::sign_creq(const dynasio::credentials& creds, std::string_view amz_date) {
  using namespace std::string_view_literals;
  const auto creq_hash = dynasio::detail::sha256(creq_);
  const std::string_view date = amz_date.substr(0, 8);
  sts_.clear();
  sts_.append(detail::algorithm).append("\n"sv).append(amz_date).append("\n"sv);
  append_scope(sts_, date);
  sts_.push_back('\n');
  dynasio::detail::append_hex(sts_, creq_hash);
  return dynasio::detail::hmac_sha256(signing_key(creds.secret_access_key, date), sts_);
}

DYNASIO_DECL std::string signer::sign_dynamodb(const dynasio::credentials& creds, std::string_view host,
                                               std::string_view amz_date, std::string_view x_amz_target,
                                               std::string_view content_type, std::string_view body) {
  std::string out;
  append_dynamodb_authorization(out, creds, host, amz_date, x_amz_target, content_type, body);
  return out;
}

DYNASIO_DECL void signer::append_dynamodb_authorization(std::string& out, const dynasio::credentials& creds,
                                                        std::string_view host, std::string_view amz_date,
                                                        std::string_view x_amz_target, std::string_view content_type,
                                                        std::string_view body) {
  using namespace std::string_view_literals;
  detail::check_amz_date(amz_date);
  const bool token = !creds.session_token.empty();
  // The headers below are already in SigV4 order: sorted by lower-case name.
  creq_.clear();
  creq_.append("POST\n/\n\ncontent-type:"sv);
  detail::append_canonical_value(creq_, content_type);
  creq_.append("\nhost:"sv);
  detail::append_canonical_value(creq_, host);
  creq_.append("\nx-amz-date:"sv).append(amz_date);
  if (token) {
    creq_.append("\nx-amz-security-token:"sv);
    detail::append_canonical_value(creq_, creds.session_token);
  }
  creq_.append("\nx-amz-target:"sv);
  detail::append_canonical_value(creq_, x_amz_target);
  const std::string_view signed_headers = token ? "content-type;host;x-amz-date;x-amz-security-token;x-amz-target"
                                                : "content-type;host;x-amz-date;x-amz-target";
  creq_.append("\n\n"sv).append(signed_headers).append("\n"sv);
  dynasio::detail::append_hex(creq_, dynasio::detail::sha256(body));
  const digest signature = sign_creq(creds, amz_date);
  append_authorization(out, creds, amz_date.substr(0, 8), signed_headers, signature);
}

DYNASIO_DECL signing_result signer::sign(const dynasio::credentials& creds, const http_request& request,
                                         std::string_view amz_date, const sign_options& options) {
  detail::check_amz_date(amz_date);
  signing_result result;
  http_request& out = result.signed_request;
  out = request;
  std::erase_if(out.headers, [](const header& h) { return detail::iequals(h.name, "authorization"); });

  if (const header* d = detail::find_header(out.headers, "x-amz-date")) {
    if (canonical_header_value(d->value) != amz_date)
      throw dynasio::error(errc::invalid_argument, "the request's X-Amz-Date differs from the signing time");
  }
  if (!creds.session_token.empty() && !detail::find_header(out.headers, "x-amz-security-token"))
    out.headers.push_back({"X-Amz-Security-Token", creds.session_token});
  if (!detail::find_header(out.headers, "x-amz-date")) out.headers.push_back({"X-Amz-Date", std::string(amz_date)});
  std::string payload_hash;
  if (const header* p = detail::find_header(out.headers, "x-amz-content-sha256")) {
    payload_hash = canonical_header_value(p->value);
  } else {
    dynasio::detail::append_hex(payload_hash, dynasio::detail::sha256(out.body));
    if (options.add_content_sha256) out.headers.push_back({"x-amz-content-sha256", payload_hash});
  }

  // Canonical URI and query.
  const std::string_view target = out.target;
  const std::size_t qmark = target.find('?');
  const std::string_view path = target.substr(0, qmark);
  std::string uri = options.normalize_path ? normalize_path(path) : std::string(path.empty() ? "/" : path);
  if (options.uri_encode_path) uri = uri_encode(uri, true);

  // Headers: lower-case names, sorted stably so repeated names keep their order of appearance.
  std::vector<std::pair<std::string, const header*>> names;
  names.reserve(out.headers.size());
  for (const auto& h : out.headers) {
    if (h.name.empty()) throw dynasio::error(errc::invalid_argument, "a header has an empty name");
    if (!options.sign_session_token && detail::iequals(h.name, "x-amz-security-token")) continue;
    std::string lower;
    detail::append_lower(lower, h.name);
    names.emplace_back(std::move(lower), &h);
  }
  std::stable_sort(names.begin(), names.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string signed_headers;
  creq_.clear();
  creq_.append(out.method).append("\n").append(uri).append("\n");
  if (qmark != std::string_view::npos) creq_.append(canonical_query(target.substr(qmark + 1)));
  creq_.push_back('\n');
  for (std::size_t i = 0; i < names.size(); ++i) {
    const bool continues = i > 0 && names[i - 1].first == names[i].first;
    if (continues) {
      creq_.push_back(',');
    } else {
      if (i > 0) {
        creq_.push_back('\n');
        signed_headers.push_back(';');
      }
      creq_.append(names[i].first).append(":");
      signed_headers.append(names[i].first);
    }
    detail::append_canonical_value(creq_, names[i].second->value);
  }
  creq_.append("\n\n").append(signed_headers).append("\n").append(payload_hash);

  const digest signature = sign_creq(creds, amz_date);
  result.canonical_request = creq_;
  result.string_to_sign = sts_;
  result.signature.reserve(64);
  dynasio::detail::append_hex(result.signature, signature);
  append_authorization(result.authorization, creds, amz_date.substr(0, 8), signed_headers, signature);
  out.headers.push_back({"Authorization", result.authorization});
  return result;
}

}  // namespace dynasio::sigv4

#endif
