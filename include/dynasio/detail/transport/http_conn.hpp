//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_TRANSPORT_HTTP_CONN_HPP
#define DYNASIO_DETAIL_TRANSPORT_HTTP_CONN_HPP

#include <dynasio/detail/config.hpp>
#include <dynasio/detail/transport/endpoint.hpp>
#include <dynasio/detail/transport/http_reply.hpp>
#include <dynasio/detail/transport/proxy.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dynasio::detail {

/// The deadlines and checks of a new connection (from client_config).
struct connect_options {
  std::chrono::milliseconds connect_timeout{};
  std::chrono::milliseconds handshake_timeout{};
  bool verify_tls = true;
  /// Connect through this HTTP proxy (TLS through a CONNECT tunnel); none: direct.
  std::optional<proxy_info> proxy{};
};

/**
 * The deadlines of a client's connections, watched by one timer. Setting a deadline stores a
 * time (and the connection's place in the watch): an exchange costs a clock read and a store,
 * where a timer armed per read and write cost its queue's work and, often, a timerfd_settime
 * system call. The timer is armed for the earliest deadline it knows of; when it wakes it
 * closes the sockets whose deadline has passed and sleeps until the next one. When the last
 * deadline is cleared (nothing in flight) it is cancelled, so an idle client leaves no work in
 * its io_context. Its handler owns the watch, which may so outlive the client: a connection
 * clears its deadline before it goes.
 */
class deadline_watch : public std::enable_shared_from_this<deadline_watch> {
 public:
  using clock = std::chrono::steady_clock;

  /// One connection's deadline.
  struct deadline {
    explicit deadline(boost::asio::ip::tcp::socket& s) noexcept : socket(&s) {}
    clock::time_point at = clock::time_point::max();
    boost::asio::ip::tcp::socket* socket;
    /// Its time passed and the watch closed the socket.
    bool expired = false;
    static constexpr std::size_t none = static_cast<std::size_t>(-1);
    // Its place in active_; none when cleared.
    std::size_t index = none;
  };

  explicit deadline_watch(boost::asio::any_io_executor ex) : timer_(std::move(ex)) {}

  /// `d` expires `timeout` from now. Once expired it stays so: its socket is closed.
  DYNASIO_DECL void set(deadline& d, std::chrono::milliseconds timeout);
  /// `d` has no deadline.
  DYNASIO_DECL void clear(deadline& d) noexcept;
  /// Deadlines set and not cleared.
  std::size_t active() const noexcept { return active_.size(); }

 private:
  DYNASIO_DECL void arm(clock::time_point t);
  DYNASIO_DECL void wake(const boost::system::error_code& ec);
  DYNASIO_DECL void remove(deadline& d) noexcept;

  boost::asio::steady_timer timer_;
  std::vector<deadline*> active_;
  // What the timer waits for; max: not waiting.
  clock::time_point armed_for_ = clock::time_point::max();
};

/**
 * One HTTP/1.1 keep-alive connection, plain or TLS. Plain connections use the TLS stream's
 * next layer, so both kinds share one type and one code path. Replies are read by
 * http_reply_parser from a buffer the connection keeps.
 */
class http_conn {
 public:
  /// With a deadline_watch of its own.
  DYNASIO_DECL http_conn(boost::asio::any_io_executor ex, boost::asio::ssl::context& ctx, bool tls);
  /// With the watch its client's other connections share.
  DYNASIO_DECL http_conn(boost::asio::any_io_executor ex, boost::asio::ssl::context& ctx, bool tls,
                         std::shared_ptr<deadline_watch> watch);
  DYNASIO_DECL ~http_conn();
  http_conn(const http_conn&) = delete;
  http_conn& operator=(const http_conn&) = delete;

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
  // connect()'s steps, under the deadlines it sets; connect() clears the last one.
  DYNASIO_DECL boost::asio::awaitable<boost::system::error_code> open(const endpoint_info& ep,
                                                                      const connect_options& opts);
  // beast::error::timeout when the deadline closed the socket under the failed operation.
  DYNASIO_DECL boost::system::error_code or_timeout(boost::system::error_code ec) const noexcept;
  // Reads into the buffer and feeds the parser until it is done; the bytes after the reply stay.
  DYNASIO_DECL boost::asio::awaitable<boost::system::error_code> read_reply(http_reply_parser& parser, bool tls);

  boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream_;
  std::shared_ptr<deadline_watch> watch_;
  deadline_watch::deadline deadline_;
  // Bytes read and not yet taken by a parser are [in_begin_, in_end_) of in_.
  std::unique_ptr<char[]> in_;
  std::size_t in_capacity_ = 0;
  std::size_t in_begin_ = 0;
  std::size_t in_end_ = 0;
  bool tls_;
  bool keep_alive_ = true;
};

}  // namespace dynasio::detail

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/transport/http_conn.ipp>
#endif

#endif
