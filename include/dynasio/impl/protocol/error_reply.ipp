//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_PROTOCOL_ERROR_REPLY_IPP
#define DYNASIO_IMPL_PROTOCOL_ERROR_REPLY_IPP

#include <dynasio/detail/protocol/error_reply.hpp>
#include <dynasio/error.hpp>

#include <boost/json/parse.hpp>

namespace dynasio::detail {

DYNASIO_DECL void redact(std::string& text, const credentials& creds) {
  constexpr std::string_view mask = "[redacted]";
  for (const std::string* secret : {&creds.secret_access_key, &creds.session_token}) {
    if (secret->empty()) continue;
    for (auto at = text.find(*secret); at != std::string::npos; at = text.find(*secret, at + mask.size()))
      text.replace(at, secret->size(), mask);
  }
}

DYNASIO_DECL error_info parse_error_reply(const reply_view& reply, const credentials& creds) {
  error_info out;
  diagnostics& d = out.diag;
  d.http_status = reply.status;
  d.request_id = std::string(reply.request_id);
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(reply.body, ec);
  if (!ec && body.is_object()) {
    const auto& o = body.get_object();
    auto string_of = [&](std::string_view key) -> const boost::json::string* {
      auto it = o.find(key);
      return it != o.end() && it->value().is_string() ? &it->value().get_string() : nullptr;
    };
    if (auto* t = string_of("__type")) {
      std::string_view type = *t;
      const auto hash = type.rfind('#');
      d.type = std::string(hash == std::string_view::npos ? type : type.substr(hash + 1));
    }
    auto* m = string_of("message");
    if (!m) m = string_of("Message");
    if (m) d.message = std::string(*m);
    redact(d.message, creds);
  }
  service_errc code = d.type.empty() ? service_errc::unknown : service_errc_from_type(d.type);
  if (code == service_errc::unknown && d.http_status >= 500)
    code = d.http_status == 503 ? service_errc::service_unavailable : service_errc::internal_server_error;
  if (d.message.empty() && d.type.empty())
    d.message = "HTTP " + std::to_string(d.http_status) + " " + std::string(reply.reason);
  out.code = make_error_code(code);
  return out;
}

}  // namespace dynasio::detail

#endif
