//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_CREDENTIALS_STS_IPP
#define DYNASIO_IMPL_CREDENTIALS_STS_IPP

#include <dynasio/detail/credentials/http_fetch.hpp>
#include <dynasio/detail/credentials/parse.hpp>
#include <dynasio/detail/credentials/provider_util.hpp>
#include <dynasio/detail/transport/endpoint.hpp>
#include <dynasio/error.hpp>
#include <dynasio/sigv4/signer.hpp>

namespace dynasio::detail {

DYNASIO_DECL boost::asio::awaitable<credentials> sts_call(provider_options opts, std::string region,
                                                          std::vector<std::pair<std::string, std::string>> params,
                                                          std::optional<credentials> signing) {
  const std::string action = params.empty() ? std::string() : params.front().second;
  const std::string endpoint =
      sts_endpoint(region, provider_getenv(opts, "AWS_ENDPOINT_URL_STS"), provider_getenv(opts, "AWS_ENDPOINT_URL"),
                   is_true(provider_getenv(opts, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")));
  const split_url_result url = split_url(endpoint, "STS endpoint");
  const std::string host = parse_endpoint(url.origin).host_header;
  const std::string body = form_encode(params);
  constexpr std::string_view content_type = "application/x-www-form-urlencoded; charset=utf-8";
  const std::string who = "STS " + action + " (" + url.origin + ")";
  for (unsigned attempt = 1;; ++attempt) {
    fetch_request req;
    req.method = "POST";
    req.url = url.origin + url.target;
    req.body = body;
    req.timeout = opts.http_timeout;
    req.headers.emplace_back("Content-Type", content_type);
    if (signing) {
      // Signed per attempt: the date is part of the signature.
      sigv4::signer s(region.empty() ? "us-east-1" : region, "sts");
      sigv4::http_request hr;
      hr.method = "POST";
      hr.target = url.target;
      hr.headers = {{"Host", host}, {"Content-Type", std::string(content_type)}};
      hr.body = body;
      auto signed_req = s.sign(*signing, hr, sigv4::format_amz_date(std::chrono::system_clock::now())).signed_request;
      req.headers.clear();
      for (auto& h : signed_req.headers)
        if (h.name != "Host") req.headers.emplace_back(std::move(h.name), std::move(h.value));
    }
    std::optional<error> failure;
    bool retry = false;
    try {
      fetch_response res = co_await http_fetch(req);
      if (res.status == 200) {
        sts_reply r = parse_sts_reply(res.body);
        if (r.ok) co_return std::move(r.creds);
      }
      sts_reply r;
      try {
        r = parse_sts_reply(res.body);
      } catch (const error&) {
        r.code = "HTTP" + std::to_string(res.status);
      }
      diagnostics d;
      d.type = r.code;
      d.message = who + ": " + r.code + (r.message.empty() ? "" : ": " + r.message);
      d.http_status = res.status;
      d.request_id = r.request_id;
      service_errc code = service_errc_from_type(r.code);
      if (code == service_errc::unknown && res.status >= 500) code = service_errc::service_unavailable;
      failure = error(make_error_code(code), std::move(d));
      retry = res.status >= 500 || r.code == "Throttling" || r.code == "IDPCommunicationError";
    } catch (const error& e) {
      if (e.code() == errc::invalid_configuration) throw;
      failure = e;
      retry = is_network_failure(e.code()) || e.code() == errc::protocol_error;
    }
    if (!retry || attempt >= opts.http_attempts) throw *failure;
    co_await provider_backoff(attempt);
  }
}

DYNASIO_DECL boost::asio::awaitable<credentials> web_identity_fetch(provider_options opts, std::string region,
                                                                    std::string token_file, std::string role_arn,
                                                                    std::string session_name) {
  // Re-read at every refresh: kubelet rotates the projected service-account token.
  auto token = read_whole_file(token_file);
  if (!token) throw error(errc::invalid_configuration, "web identity: cannot read the token file " + token_file);
  if (session_name.empty())
    session_name = "dynasio-" + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                   std::chrono::system_clock::now().time_since_epoch())
                                                   .count());
  if (!valid_session_name(session_name))
    throw error(errc::invalid_argument, "role session name '" + session_name + "' must be 2 to 64 of A-Za-z0-9+=,.@_-");
  std::vector<std::pair<std::string, std::string>> params{{"Action", "AssumeRoleWithWebIdentity"},
                                                          {"Version", "2011-06-15"},
                                                          {"RoleArn", std::move(role_arn)},
                                                          {"RoleSessionName", std::move(session_name)},
                                                          {"WebIdentityToken", std::move(*token)}};
  co_return co_await sts_call(std::move(opts), std::move(region), std::move(params), std::nullopt);
}

}  // namespace dynasio::detail

#endif
