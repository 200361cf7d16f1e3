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

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dynasio::detail {

/**
 * A reply as http_conn reads it: the status line, the header fields as they came, and the
 * body. The fields' text and their offsets are two buffers reserved once per exchange, and an
 * exchange clears them without freeing (a call's retries reuse them); a Beast message
 * allocated each field and built a search tree of them for every reply.
 */
class http_reply {
 public:
  struct field_view {
    std::string_view name;
    std::string_view value;
  };

  unsigned status() const noexcept { return status_; }
  std::string_view reason() const noexcept { return reason_; }
  /// The value of the first field named `name` (ASCII case-insensitive); nullopt when absent.
  DYNASIO_DECL std::optional<std::string_view> field(std::string_view name) const noexcept;
  std::size_t field_count() const noexcept { return fields_.size(); }
  /// Field `i`, in the order received.
  field_view field_at(std::size_t i) const noexcept {
    const field_span& f = fields_[i];
    return {std::string_view(text_).substr(f.at, f.name_size),
            std::string_view(text_).substr(f.at + f.name_size, f.value_size)};
  }
  const std::string& body() const noexcept { return body_; }
  std::string& body() noexcept { return body_; }

 private:
  friend class http_reply_parser;
  struct field_span {
    std::size_t at;
    std::size_t name_size;
    std::size_t value_size;
  };
  void clear() noexcept {
    status_ = 0;
    reason_.clear();
    text_.clear();
    fields_.clear();
    body_.clear();
  }

  unsigned status_ = 0;
  std::string reason_;
  // Every field's name then value, back to back; fields_ says where each starts.
  std::string text_;
  std::vector<field_span> fields_;
  std::string body_;
};

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
  /// line) then `body`, and reads the whole reply into `reply` (cleared first), within
  /// `timeout`.
  DYNASIO_DECL boost::asio::awaitable<boost::system::error_code> exchange(std::string_view head, std::string_view body,
                                                                          std::chrono::milliseconds timeout,
                                                                          http_reply& reply);

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
