//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_IS_RETRYABLE_IPP
#define DYNASIO_IMPL_IS_RETRYABLE_IPP

#include <dynasio/error.hpp>
#include <dynasio/is_retryable.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/error.hpp>

namespace dynasio {

DYNASIO_DECL bool is_throttling(std::error_code ec) noexcept {
  if (ec.category() != service_category()) return false;
  switch (static_cast<service_errc>(ec.value())) {
    case service_errc::provisioned_throughput_exceeded:
    case service_errc::throttling:
    case service_errc::request_limit_exceeded:
    case service_errc::limit_exceeded: return true;
    default: return false;
  }
}

DYNASIO_DECL bool is_retryable(std::error_code ec) noexcept {
  if (is_throttling(ec)) return true;
  if (ec.category() == service_category()) {
    auto e = static_cast<service_errc>(ec.value());
    return e == service_errc::transaction_conflict || e == service_errc::internal_server_error ||
           e == service_errc::service_unavailable;
  }
  if (ec.category() == client_category()) {
    auto e = static_cast<errc>(ec.value());
    return e == errc::crc32_mismatch || e == errc::timeout;
  }
  // Asio's codes are boost::system codes; std::error_code keeps their categories via conversion.
  namespace ae = boost::asio::error;
  for (auto transient : {ae::connection_reset, ae::connection_aborted, ae::connection_refused, ae::broken_pipe,
                         ae::timed_out, ae::network_unreachable, ae::host_unreachable, ae::network_reset})
    if (ec == std::error_code(boost::system::error_code(transient))) return true;
  if (ec == std::error_code(boost::system::error_code(ae::eof))) return true;
  if (ec == std::error_code(boost::system::error_code(boost::asio::ssl::error::stream_truncated))) return true;
  // http_reply_parser (in Beast's codes) reports a connection closed before or during a reply so.
  using boost::beast::http::error;
  if (ec == std::error_code(boost::system::error_code(error::end_of_stream)) ||
      ec == std::error_code(boost::system::error_code(error::partial_message)))
    return true;
  return false;
}

}  // namespace dynasio

#endif
