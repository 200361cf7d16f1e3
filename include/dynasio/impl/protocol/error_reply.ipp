//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_PROTOCOL_ERROR_REPLY_IPP
#define DYNASIO_IMPL_PROTOCOL_ERROR_REPLY_IPP

#include <dynasio/detail/protocol/error_reply.hpp>
#include <dynasio/detail/protocol/json_reader.hpp>
#include <dynasio/detail/throttling_reasons.hpp>
#include <dynasio/error.hpp>

namespace dynasio::detail {

DYNASIO_DECL void redact(std::string& text, const credentials& creds) {
  constexpr std::string_view mask = "[redacted]";
  for (const std::string* secret : {&creds.secret_access_key, &creds.session_token}) {
    if (secret->empty()) continue;
    for (auto at = text.find(*secret); at != std::string::npos; at = text.find(*secret, at + mask.size()))
      text.replace(at, secret->size(), mask);
  }
}

DYNASIO_DECL std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view t) {
  // "Tue, 01 Dec 2026 09:58:59 GMT": fixed positions.
  if (t.size() != 29 || t[3] != ',' || t.substr(25) != " GMT") return std::nullopt;
  const auto num = [&](std::size_t at, std::size_t len, int& out) {
    out = 0;
    for (std::size_t i = at; i < at + len; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      out = out * 10 + (t[i] - '0');
    }
    return true;
  };
  static constexpr std::string_view months = "JanFebMarAprMayJunJulAugSepOctNovDec";
  const auto m = months.find(t.substr(8, 3));
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (m == std::string_view::npos || m % 3 != 0 || !num(5, 2, day) || !num(12, 4, year) || !num(17, 2, hour) ||
      !num(20, 2, minute) || !num(23, 2, second) || t[19] != ':' || t[22] != ':')
    return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(m / 3 + 1)),
                                        std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  return std::chrono::sys_days(ymd) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second);
}

DYNASIO_DECL error_info parse_error_reply(const reply_view& reply, const credentials& creds) {
  error_info out;
  diagnostics& d = out.diag;
  d.http_status = reply.status;
  d.request_id = std::string(reply.request_id);
  boost::system::error_code ec;
  boost::json::value body = parse_wire_json(reply.body, ec);
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
    // The structured part of an error (a transaction's CancellationReasons, the old item of a
    // failed condition) rides along for transaction_canceled and error::item().
    out.key_range_only = only_key_range_throttling(o);
    if (o.contains("CancellationReasons") || o.contains("Item")) {
      d.details = std::string(reply.body);
      redact(d.details, creds);
    }
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
