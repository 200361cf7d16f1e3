//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_TRANSPORT_HTTP_CONN_HPP
#define DYNASIO_DETAIL_TRANSPORT_HTTP_CONN_HPP

#include <dynasio/detail/config.hpp>
#include <dynasio/detail/transport/endpoint.hpp>
#include <dynasio/detail/transport/proxy.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <optional>
#include <string_view>

namespace dynasio::detail {

using http_response = boost::beast::http::response<boost::beast::http::string_body>;

/// The deadlines and checks of a new connection (from client_config).
struct connect_options {
  std::chrono::milliseconds connect_timeout{};
  std::chrono::milliseconds handshake_timeout{};
  bool verify_tls = true;
  /// Connect through this HTTP proxy (TLS through a CONNECT tunnel); none: direct.
  std::optional<proxy_info> proxy{};
};

/**
 * One HTTP/1.1 keep-alive connection, plain or TLS. Plain connections use the TLS stream's
 * next layer, so both kinds share one type and one code path.
 */
class http_conn {
 public:
  DYNASIO_DECL http_conn(boost::asio::any_io_executor ex, boost::asio::ssl::context& ctx, bool tls);

  /// Resolves, connects (to the proxy, if any, which opens a tunnel for TLS) and (for TLS)
  /// handshakes with SNI and host-name verification.
  /// Errors come back as codes (beast::error::timeout past a deadline), never thrown.
  DYNASIO_DECL boost::asio::awaitable<boost::system::error_code> connect(const endpoint_info& ep,
                                                                         const connect_options& opts);

  /// Writes a request, `head` (request line and header fields, up to and including the empty
  /// line) then `body`, and reads the whole reply into `res`, within `timeout`.
  DYNASIO_DECL boost::asio::awaitable<boost::system::error_code> exchange(std::string_view head, std::string_view body,
                                                                          std::chrono::milliseconds timeout,
                                                                          http_response& res);

  /// True when the last reply allows sending another request on this connection.
  bool keep_alive() const noexcept { return keep_alive_; }

 private:
  boost::asio::ssl::stream<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
  bool tls_;
  bool keep_alive_ = true;
};

}  // namespace dynasio::detail

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/transport/http_conn.ipp>
#endif

#endif
