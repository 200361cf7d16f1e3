#ifndef DYNASIO_TESTS_FAKE_ENDPOINT_IMPL_HPP
#define DYNASIO_TESTS_FAKE_ENDPOINT_IMPL_HPP

// The fake endpoint's machinery: shared state, one coroutine per connection, the accept loop.

#include "fake_exchange.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dynasio::test::fake_detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

// Generous bounds, so that no loop in the fake can run forever.
inline constexpr std::size_t max_connections = 100000;
inline constexpr std::size_t max_requests_per_connection = 1000000;
inline constexpr std::uint64_t max_body_bytes = 64u * 1024u * 1024u;

struct session_base {
  virtual void shutdown() = 0;
  virtual ~session_base() = default;
};

struct state {
  explicit state(asio::any_io_executor ex) : acceptor(ex) {}

  mutable std::mutex mutex;
  std::deque<exchange> script;
  fake_handler handler;
  std::vector<recorded_request> requests;
  std::vector<std::string> failures;
  std::size_t connections = 0;
  bool stopped = false;
  std::list<std::weak_ptr<session_base>> sessions;
  tcp::acceptor acceptor;
  std::shared_ptr<asio::ssl::context> tls;

  void fail(std::string what) {
    std::lock_guard lock(mutex);
    failures.push_back(std::move(what));
  }

  bool is_stopped() const {
    std::lock_guard lock(mutex);
    return stopped;
  }

  // A connection-level fault at the head of the script is taken by the next connection or
  // request slot, before anything is read.
  bool take_close_before_read() {
    std::lock_guard lock(mutex);
    if (handler || script.empty() || script.front().act != exchange::action::close_before_read) return false;
    script.pop_front();
    return true;
  }

  exchange next_step(const recorded_request& req) {
    exchange step;
    fake_handler h;
    {
      std::lock_guard lock(mutex);
      requests.push_back(req);
      if (!handler && !script.empty()) {
        step = std::move(script.front());
        script.pop_front();
      } else if (!handler) {
        std::string msg = "request " + std::to_string(requests.size()) + " (" +
                          (req.target.empty() ? req.method + " " + req.path : req.target) +
                          ") arrived after the script ended";
        failures.push_back(msg);
        boost::json::object obj{{"__type", "FakeEndpoint#ScriptExhausted"}, {"message", msg}};
        step.status = 500;
        step.body = boost::json::serialize(obj);
        return step;
      }
      h = handler;
    }
    if (h) {
      // Outside the lock: the handler may look at the endpoint's records.
      try {
        step = h(req);
      } catch (const std::exception& e) {
        fail(std::string("handler threw: ") + e.what());
        step = aws_error(500, "FakeEndpoint#HandlerFailed", e.what());
      }
    }
    if (!step.expect_target.empty() && step.expect_target != req.target)
      fail("request " + std::to_string(requests_size()) + ": expected target '" + step.expect_target + "', got '" +
           req.target + "'");
    return step;
  }

  std::size_t requests_size() const {
    std::lock_guard lock(mutex);
    return requests.size();
  }

  void add_session(std::weak_ptr<session_base> s) {
    std::lock_guard lock(mutex);
    sessions.remove_if([](const auto& w) { return w.expired(); });
    sessions.push_back(std::move(s));
  }

  void stop() {
    std::vector<std::shared_ptr<session_base>> live;
    {
      std::lock_guard lock(mutex);
      stopped = true;
      for (auto& w : sessions)
        if (auto s = w.lock()) live.push_back(std::move(s));
      sessions.clear();
    }
    beast::error_code ignored;
    acceptor.close(ignored);
    for (auto& s : live) s->shutdown();
  }
};

// Errors that only mean the peer went away or we were stopped; not failures of the client.
inline bool is_disconnect(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == http::error::partial_message || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
         ec == asio::error::broken_pipe || ec == asio::error::bad_descriptor ||
         ec == asio::ssl::error::stream_truncated;
}

inline recorded_request record(const http::request<http::string_body>& msg, std::size_t connection_index) {
  recorded_request r;
  r.at = std::chrono::steady_clock::now();
  r.connection_index = connection_index;
  r.method = std::string(msg.method_string());
  r.path = std::string(msg.target());
  r.body = msg.body();
  for (const auto& field : msg) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto [it, inserted] = r.headers.emplace(name, std::string(field.value()));
    if (!inserted) it->second += "," + std::string(field.value());
  }
  if (auto it = r.headers.find("x-amz-target"); it != r.headers.end()) r.target = it->second;
  return r;
}

inline http::response<http::string_body> make_reply(const exchange& step, const recorded_request& req, bool keep_alive,
                                                    state& st) {
  http::response<http::string_body> res;
  res.version(11);
  res.result(step.status);
  res.set(http::field::server, "dynasio-fake-endpoint");
  res.set(http::field::content_type, "application/x-amz-json-1.0");
  res.set("x-amzn-RequestId", fake_request_id());
  if (step.body_fn) {
    try {
      res.body() = step.body_fn(req);
    } catch (const std::exception& e) {
      st.fail(std::string("body_fn threw: ") + e.what());
      res.result(500);
      res.body() = aws_error(500, "FakeEndpoint#BodyFnFailed", e.what()).body;
    }
  } else {
    res.body() = step.body;
  }
  std::uint32_t crc = crc32_of(res.body());
  if (step.act == exchange::action::wrong_crc) res.set("x-amz-crc32", std::to_string(crc ^ 0x5a5a5a5au));
  else if (step.add_crc32) res.set("x-amz-crc32", std::to_string(crc));
  for (const auto& [name, value] : step.headers) res.set(name, value);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

template <class Stream>
class session : public session_base, public std::enable_shared_from_this<session<Stream>> {
 public:
  static constexpr bool is_tls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <class... Args>
  session(std::shared_ptr<state> st, std::size_t index, asio::any_io_executor ex, Args&&... stream_args)
      : st_(std::move(st)), index_(index), stream_(std::forward<Args>(stream_args)...), timer_(ex) {}

  void shutdown() override {
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream_).close();
    timer_.cancel();
  }

  static asio::awaitable<void> run(std::shared_ptr<session> self) {
    try {
      co_await self->serve();
    } catch (const std::exception& e) {
      self->st_->fail("connection " + std::to_string(self->index_) + ": " + e.what());
    }
  }

 private:
  asio::awaitable<void> serve() {
    beast::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    if constexpr (is_tls) {
      // A handshake the client aborts (e.g. it rejects our certificate) is the client's business.
      co_await stream_.async_handshake(asio::ssl::stream_base::server, token);
      if (ec) co_return;
    }
    for (std::size_t i = 0; i < max_requests_per_connection; ++i) {
      if (buffer_.size() == 0) {
        // Wait until the client starts its next request, so that a close_before_read step is
        // taken by a request slot (also on a kept-alive connection) rather than by an idle one.
        std::size_t n = co_await stream_.async_read_some(buffer_.prepare(4096), token);
        if (ec) co_return;
        buffer_.commit(n);
        if (n == 0) continue;
      }
      if (st_->take_close_before_read()) {
        shutdown();
        co_return;
      }
      http::request_parser<http::string_body> parser;
      parser.body_limit(max_body_bytes);
      co_await http::async_read(stream_, buffer_, parser, token);
      if (ec) {
        if (!is_disconnect(ec) && !st_->is_stopped())
          st_->fail("connection " + std::to_string(index_) + ": cannot read a request: " + ec.message());
        co_return;
      }
      const auto& msg = parser.get();
      recorded_request req = record(msg, index_);
      exchange step = st_->next_step(req);
      if (step.delay.count() > 0) {
        timer_.expires_after(step.delay);
        co_await timer_.async_wait(token);
        if (ec || st_->is_stopped()) co_return;
      }
      switch (step.act) {
        case exchange::action::close_before_read:
        case exchange::action::close_after_read: shutdown(); co_return;
        case exchange::action::no_reply_hang: co_await hang(); co_return;
        case exchange::action::reply:
        case exchange::action::wrong_crc: break;
      }
      bool keep_alive = step.keep_alive && msg.keep_alive();
      auto res = make_reply(step, req, keep_alive, *st_);
      co_await http::async_write(stream_, res, token);
      if (ec) co_return;
      if (!keep_alive) {
        // Half-close first so the reply is not lost to a reset.
        beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_send, ec);
        co_await drain();
        shutdown();
        co_return;
      }
    }
  }

  // Swallows whatever the client sends until it closes or the endpoint is stopped.
  asio::awaitable<void> hang() {
    beast::error_code ec;
    for (std::size_t i = 0; i < max_requests_per_connection && !ec; ++i) {
      std::size_t n =
          co_await stream_.async_read_some(buffer_.prepare(4096), asio::redirect_error(asio::use_awaitable, ec));
      buffer_.commit(n);
      buffer_.consume(buffer_.size());
    }
  }

  // After "Connection: close", give the client a moment to read the reply and close its end.
  asio::awaitable<void> drain() {
    beast::error_code ec;
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
    for (int i = 0; i < 64 && !ec; ++i) {
      std::size_t n = co_await beast::get_lowest_layer(stream_).async_read_some(
          buffer_.prepare(4096), asio::redirect_error(asio::use_awaitable, ec));
      buffer_.commit(n);
      buffer_.consume(buffer_.size());
    }
  }

  std::shared_ptr<state> st_;
  std::size_t index_;
  Stream stream_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
};

inline asio::awaitable<void> accept_loop(std::shared_ptr<state> st) {
  auto ex = st->acceptor.get_executor();
  for (std::size_t i = 0; i < max_connections; ++i) {
    beast::error_code ec;
    tcp::socket socket(ex);
    co_await st->acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec != asio::error::operation_aborted && !st->is_stopped()) st->fail("accept failed: " + ec.message());
      co_return;
    }
    if (st->is_stopped()) co_return;
    std::size_t index;
    {
      std::lock_guard lock(st->mutex);
      index = st->connections++;
    }
    if (st->take_close_before_read()) {
      socket.close(ec);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    if (st->tls) {
      using stream_type = asio::ssl::stream<beast::tcp_stream>;
      auto s = std::make_shared<session<stream_type>>(st, index, ex, std::move(socket), *st->tls);
      st->add_session(s);
      asio::co_spawn(ex, session<stream_type>::run(std::move(s)), asio::detached);
    } else {
      auto s = std::make_shared<session<beast::tcp_stream>>(st, index, ex, std::move(socket));
      st->add_session(s);
      asio::co_spawn(ex, session<beast::tcp_stream>::run(std::move(s)), asio::detached);
    }
  }
  st->fail("accept loop reached its bound of connections");
}

}  // namespace dynasio::test::fake_detail

#endif
