//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_TRANSPORT_HTTP_CONN_IPP
#define DYNASIO_IMPL_TRANSPORT_HTTP_CONN_IPP

#include <dynasio/detail/transport/http_conn.hpp>
#include <dynasio/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>

#include <openssl/ssl.h>

#include <array>
#include <cstring>
#include <tuple>

namespace dynasio::detail {

namespace asio = boost::asio;

// The read buffer: allocated at the first read, 16 KiB (a DynamoDB reply's header and most
// small replies in one read); each read asks for at least read_room bytes. A read that fills all
// the room it had means a large reply (a Query page, a BatchGetItem): the buffer, once empty,
// doubles, up to max_read_buffer, so such a reply takes a quarter as many reads. A parser takes
// every body byte it is given, so what stays between reads (an incomplete header, trailer or
// chunk line) is bounded by its limits, and so is the buffer.
inline constexpr std::size_t first_read_buffer = 16 * 1024;
inline constexpr std::size_t max_read_buffer = 256 * 1024;
inline constexpr std::size_t read_room = 4096;
// BatchGetItem replies reach 16 MB; leave room for JSON overhead.
inline constexpr std::size_t reply_body_limit = 64u * 1024 * 1024;

DYNASIO_DECL void deadline_watch::set(deadline& d, std::chrono::milliseconds timeout) {
  if (d.index == deadline::none) {
    active_.push_back(&d);
    d.index = active_.size() - 1;
  }
  d.at = clock::now() + timeout;
  if (d.at < armed_for_) arm(d.at);
}

DYNASIO_DECL void deadline_watch::remove(deadline& d) noexcept {
  deadline* last = active_.back();
  active_[d.index] = last;
  last->index = d.index;
  active_.pop_back();
  d.index = deadline::none;
}

DYNASIO_DECL void deadline_watch::clear(deadline& d) noexcept {
  d.at = clock::time_point::max();
  if (d.index == deadline::none) return;
  remove(d);
  if (active_.empty() && armed_for_ != clock::time_point::max()) {
    armed_for_ = clock::time_point::max();
    timer_.cancel();
  }
}

DYNASIO_DECL void deadline_watch::arm(clock::time_point t) {
  armed_for_ = t;
  // Cancels a wait for a later time: its handler sees operation_aborted and does nothing.
  timer_.expires_at(t);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) { self->wake(ec); });
}

DYNASIO_DECL void deadline_watch::wake(const boost::system::error_code& ec) {
  if (ec) return;  // a newer wait replaced this one, or nothing is in flight any more
  armed_for_ = clock::time_point::max();
  const clock::time_point now = clock::now();
  clock::time_point next = clock::time_point::max();
  for (std::size_t i = 0; i < active_.size();) {
    deadline& d = *active_[i];
    if (d.at > now) {
      next = std::min(next, d.at);
      ++i;
      continue;
    }
    // Closing (not cancelling) also stops a range connect from trying the next address.
    d.expired = true;
    boost::system::error_code ignored;
    d.socket->close(ignored);
    remove(d);
  }
  if (next != clock::time_point::max()) arm(next);
}

DYNASIO_DECL http_conn::http_conn(asio::any_io_executor ex, asio::ssl::context& ctx, bool tls)
    : http_conn(ex, ctx, tls, std::make_shared<deadline_watch>(ex)) {}

DYNASIO_DECL http_conn::http_conn(asio::any_io_executor ex, asio::ssl::context& ctx, bool tls,
                                  std::shared_ptr<deadline_watch> watch)
    : stream_(asio::ip::tcp::socket(std::move(ex)), ctx),
      watch_(std::move(watch)),
      deadline_(stream_.next_layer()),
      tls_(tls) {}

DYNASIO_DECL http_conn::~http_conn() { watch_->clear(deadline_); }

DYNASIO_DECL boost::system::error_code http_conn::or_timeout(boost::system::error_code ec) const noexcept {
  return deadline_.expired ? boost::system::error_code(boost::beast::error::timeout) : ec;
}

DYNASIO_DECL asio::awaitable<boost::system::error_code> http_conn::connect(const endpoint_info& ep,
                                                                           const connect_options& opts) {
  const boost::system::error_code ec = co_await open(ep, opts);
  watch_->clear(deadline_);
  // A deadline that passed as a step completed closed the socket all the same: a timeout.
  co_return or_timeout(ec);
}

DYNASIO_DECL asio::awaitable<boost::system::error_code> http_conn::open(const endpoint_info& ep,
                                                                        const connect_options& opts) {
  constexpr auto tuple = asio::as_tuple(asio::use_awaitable);
  auto& tcp = stream_.next_layer();
  asio::ip::tcp::resolver resolver(tcp.get_executor());
  // Through a proxy, the proxy resolves the endpoint: only its own name is looked up here.
  const std::string& host = opts.proxy ? opts.proxy->host : ep.host;
  const std::string& port = opts.proxy ? opts.proxy->port : ep.port;
  auto [rec, results] = co_await resolver.async_resolve(host, port, tuple);
  if (rec) co_return rec;
  watch_->set(deadline_, opts.connect_timeout);
  auto [cec, where] = co_await asio::async_connect(tcp, results, tuple);
  (void)where;
  if (cec) co_return cec;
  boost::system::error_code ec;
  tcp.set_option(asio::ip::tcp::no_delay(true), ec);
  if (opts.proxy && tls_) {
    // CONNECT needs host:port whatever the scheme's default.
    boost::system::error_code v6;
    const bool ipv6 = asio::ip::make_address(ep.host, v6).is_v6() && !v6;
    const std::string target = (ipv6 ? "[" + ep.host + "]" : ep.host) + ":" + ep.port;
    const std::string request = connect_request(target, *opts.proxy);
    auto [wec, written] = co_await asio::async_write(tcp, asio::buffer(request), tuple);
    (void)written;
    if (wec) co_return wec;
    http_reply reply;
    http_reply_parser parser(reply, 0);
    parser.header_only();  // a CONNECT reply has no body: the tunnel starts right after its header
    const boost::system::error_code hec = co_await read_reply(parser, false);
    if (hec) co_return hec;
    if (reply.status() == 407) co_return make_error_code(errc::proxy_authentication_required);
    // Bytes after the header would belong to the TLS handshake, which reads the socket itself.
    if (reply.status() / 100 != 2 || in_begin_ != in_end_) co_return make_error_code(errc::proxy_refused);
  }
  if (tls_) {
    // SNI is for names only (RFC 6066): IP literals are verified but not sent as SNI.
    boost::system::error_code addr_ec;
    asio::ip::make_address(ep.host, addr_ec);
    if (addr_ec && !SSL_set_tlsext_host_name(stream_.native_handle(), ep.host.c_str()))
      co_return make_error_code(errc::invalid_configuration);
    if (opts.verify_tls) stream_.set_verify_callback(asio::ssl::host_name_verification(ep.host));
    watch_->set(deadline_, opts.handshake_timeout);
    auto [hec] = co_await stream_.async_handshake(asio::ssl::stream_base::client, tuple);
    if (hec) co_return hec;
  }
  co_return boost::system::error_code{};
}

DYNASIO_DECL asio::awaitable<boost::system::error_code> http_conn::read_reply(http_reply_parser& parser, bool tls) {
  constexpr auto tuple = asio::as_tuple(asio::use_awaitable);
  bool filled = false;  // the last read filled all the room it had
  for (;;) {
    if (in_end_ > in_begin_) {
      boost::system::error_code pec;
      in_begin_ += parser.feed(std::string_view(in_.get() + in_begin_, in_end_ - in_begin_), pec);
      if (pec) co_return pec;
      if (parser.done()) co_return pec;
    }
    if (in_begin_ == in_end_) {
      in_begin_ = in_end_ = 0;
      if (filled && in_capacity_ < max_read_buffer) {
        in_.reset(new char[2 * in_capacity_]);
        in_capacity_ *= 2;
      }
    }
    if (in_capacity_ - in_end_ < read_room) {
      // Bring what the parser left (an incomplete line) to the front, into a larger buffer if
      // it fills most of this one.
      const std::size_t held = in_end_ - in_begin_;
      if (held + read_room > in_capacity_) {
        const std::size_t capacity = std::max(first_read_buffer, 2 * (held + read_room));
        std::unique_ptr<char[]> bigger(new char[capacity]);
        if (held != 0) std::memcpy(bigger.get(), in_.get() + in_begin_, held);
        in_ = std::move(bigger);
        in_capacity_ = capacity;
      } else if (held != 0) {
        std::memmove(in_.get(), in_.get() + in_begin_, held);
      }
      in_begin_ = 0;
      in_end_ = held;
    }
    const asio::mutable_buffer room(in_.get() + in_end_, in_capacity_ - in_end_);
    boost::system::error_code rec;
    std::size_t n = 0;
    if (tls) std::tie(rec, n) = co_await stream_.async_read_some(room, tuple);
    else std::tie(rec, n) = co_await stream_.next_layer().async_read_some(room, tuple);
    in_end_ += n;
    filled = n == room.size();
    if (rec == asio::error::eof) {
      boost::system::error_code pec;
      if (in_end_ > in_begin_) {
        in_begin_ += parser.feed(std::string_view(in_.get() + in_begin_, in_end_ - in_begin_), pec);
        if (pec) co_return pec;
      }
      parser.end_of_input(pec);
      co_return pec;
    }
    if (rec) co_return rec;
  }
}

DYNASIO_DECL asio::awaitable<boost::system::error_code> http_conn::exchange(std::string_view head,
                                                                            std::string_view body,
                                                                            std::chrono::milliseconds timeout,
                                                                            http_reply& reply) {
  constexpr auto tuple = asio::as_tuple(asio::use_awaitable);
  watch_->set(deadline_, timeout);
  http_reply_parser parser(reply, reply_body_limit);
  const std::array<asio::const_buffer, 2> request{asio::buffer(head), asio::buffer(body)};
  boost::system::error_code ec;
  if (tls_) std::tie(ec, std::ignore) = co_await asio::async_write(stream_, request, tuple);
  else std::tie(ec, std::ignore) = co_await asio::async_write(stream_.next_layer(), request, tuple);
  if (!ec) ec = co_await read_reply(parser, tls_);
  watch_->clear(deadline_);
  const bool expired = deadline_.expired;
  if (ec) co_return or_timeout(ec);
  // A reply completed as the deadline passed is still the reply, but its socket is closed. Bytes
  // after a reply answer no request (nothing is pipelined): the connection is not trusted again.
  keep_alive_ = parser.keep_alive() && !expired && in_begin_ == in_end_;
  co_return ec;
}

}  // namespace dynasio::detail

#endif
