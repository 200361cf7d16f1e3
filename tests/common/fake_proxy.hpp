#ifndef DYNASIO_TESTS_FAKE_PROXY_HPP
#define DYNASIO_TESTS_FAKE_PROXY_HPP

// An HTTP proxy stand-in on 127.0.0.1: records each request head it receives, checks
// Proxy-Authorization, and connects every tunnel or forwarded request to one upstream port on
// 127.0.0.1 whatever host was asked for (so a test can use names that resolve nowhere).

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <memory>
#include <string>
#include <vector>

namespace dynasio::test {

class fake_proxy {
 public:
  /// Forwards to 127.0.0.1:`upstream_port`; when `required_auth` is set, other requests get 407.
  fake_proxy(boost::asio::any_io_executor ex, unsigned short upstream_port, std::string required_auth = {})
      : st_(std::make_shared<state>(ex)) {
    namespace asio = boost::asio;
    st_->upstream_port = upstream_port;
    st_->required_auth = std::move(required_auth);
    asio::ip::tcp::endpoint where(asio::ip::make_address_v4("127.0.0.1"), 0);
    st_->acceptor.open(where.protocol());
    st_->acceptor.bind(where);
    st_->acceptor.listen();
    port_ = st_->acceptor.local_endpoint().port();
    asio::co_spawn(ex, accept_loop(st_), asio::detached);
  }
  ~fake_proxy() { stop(); }

  std::string url(const std::string& userinfo = {}) const {
    return "http://" + (userinfo.empty() ? "" : userinfo + "@") + "127.0.0.1:" + std::to_string(port_);
  }
  /// The request heads received (request line and header fields), in order.
  const std::vector<std::string>& heads() const { return st_->heads; }
  void stop() {
    boost::system::error_code ec;
    st_->acceptor.close(ec);
    for (auto& s : st_->sockets)
      if (auto p = s.lock()) p->close(ec);
  }

 private:
  using socket = boost::asio::ip::tcp::socket;
  struct state {
    explicit state(boost::asio::any_io_executor ex) : acceptor(ex) {}
    boost::asio::ip::tcp::acceptor acceptor;
    unsigned short upstream_port = 0;
    std::string required_auth;
    std::vector<std::string> heads;
    std::vector<std::weak_ptr<socket>> sockets;
  };

  static boost::asio::awaitable<void> pipe(std::shared_ptr<socket> from, std::shared_ptr<socket> to) {
    namespace asio = boost::asio;
    char buf[16 * 1024];
    for (;;) {
      auto [ec, n] = co_await from->async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
      if (ec) break;
      auto [wec, w] = co_await asio::async_write(*to, asio::buffer(buf, n), asio::as_tuple(asio::use_awaitable));
      (void)w;
      if (wec) break;
    }
    boost::system::error_code ignored;
    to->shutdown(socket::shutdown_send, ignored);
  }

  static boost::asio::awaitable<void> serve(std::shared_ptr<state> st, std::shared_ptr<socket> client) {
    namespace asio = boost::asio;
    constexpr auto tuple = asio::as_tuple(asio::use_awaitable);
    asio::streambuf in;
    auto [ec, n] = co_await asio::async_read_until(*client, in, "\r\n\r\n", tuple);
    if (ec) co_return;
    std::string head(asio::buffers_begin(in.data()), asio::buffers_begin(in.data()) + static_cast<std::ptrdiff_t>(n));
    in.consume(n);
    st->heads.push_back(head);
    const bool tunnel = head.starts_with("CONNECT ");
    if (!st->required_auth.empty() &&
        head.find("Proxy-Authorization: " + st->required_auth + "\r\n") == std::string::npos) {
      const std::string no =
          "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n"
          "Content-Length: 0\r\nConnection: close\r\n\r\n";
      co_await asio::async_write(*client, asio::buffer(no), tuple);
      co_return;
    }
    auto upstream = std::make_shared<socket>(client->get_executor());
    st->sockets.push_back(upstream);
    asio::ip::tcp::endpoint to(asio::ip::make_address_v4("127.0.0.1"), st->upstream_port);
    auto [cec] = co_await upstream->async_connect(to, tuple);
    if (cec) co_return;
    if (tunnel) {
      const std::string yes = "HTTP/1.1 200 Connection established\r\n\r\n";
      co_await asio::async_write(*client, asio::buffer(yes), tuple);
    } else {
      // Forwarded as received (the fake endpoint accepts an absolute request target).
      co_await asio::async_write(*upstream, asio::buffer(head), tuple);
    }
    if (in.size() != 0) co_await asio::async_write(*upstream, in.data(), tuple);
    asio::co_spawn(client->get_executor(), pipe(upstream, client), asio::detached);
    co_await pipe(client, upstream);
  }

  static boost::asio::awaitable<void> accept_loop(std::shared_ptr<state> st) {
    namespace asio = boost::asio;
    for (;;) {
      auto client = std::make_shared<socket>(st->acceptor.get_executor());
      auto [ec] = co_await st->acceptor.async_accept(*client, asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      st->sockets.push_back(client);
      asio::co_spawn(st->acceptor.get_executor(), serve(st, client), asio::detached);
    }
  }

  std::shared_ptr<state> st_;
  unsigned short port_ = 0;
};

}  // namespace dynasio::test

#endif
