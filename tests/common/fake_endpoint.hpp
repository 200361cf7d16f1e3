#ifndef DYNASIO_TESTS_FAKE_ENDPOINT_HPP
#define DYNASIO_TESTS_FAKE_ENDPOINT_HPP

// A scripted DynamoDB stand-in for client tests: each received request takes the next step of a
// script (or asks a handler), is recorded, and gets the step's canned reply or fault.

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
#include <boost/crc.hpp>
#include <boost/json.hpp>

#include <atomic>
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

namespace dynasio::test {

/// One request as the fake endpoint received it.
struct recorded_request {
  /// The X-Amz-Target header, e.g. "DynamoDB_20120810.PutItem"; empty if absent.
  std::string target;
  /// The request body.
  std::string body;
  /// Every header, names lower-cased; repeated headers are joined with ",".
  std::map<std::string, std::string> headers;
  /// When the request had been fully read.
  std::chrono::steady_clock::time_point at;
  /// Which accepted connection it came on, counting from 0 in accept order.
  std::size_t connection_index = 0;
  /// The HTTP method, e.g. "POST".
  std::string method;
  /// The request target (path and query), e.g. "/".
  std::string path;
};

/// One step of the script: what the request should be and how to answer it.
struct exchange {
  /// Expected X-Amz-Target; empty accepts any. A mismatch is recorded in failures().
  std::string expect_target;
  /// HTTP status of the reply.
  unsigned status = 200;
  /// Reply body (ignored when body_fn is set).
  std::string body = "{}";
  /// Extra reply headers, e.g. {"x-amzn-RequestId", "RID1"}; they replace defaults of the same name.
  std::vector<std::pair<std::string, std::string>> headers;
  /// Wait this long after reading the request before acting on it (reply, close or hang).
  std::chrono::milliseconds delay{0};
  /// What to do with the request.
  enum class action {
    reply,              ///< answer normally
    close_before_read,  ///< close the connection without reading the request (or right after accept)
    close_after_read,   ///< read the whole request, then close without replying
    wrong_crc,          ///< reply with an x-amz-crc32 that does not match the body
    no_reply_hang       ///< read the request and never reply, until the client closes or stop()
  } act = action::reply;
  /// Send x-amz-crc32 (CRC-32 of the body, decimal) as DynamoDB does.
  bool add_crc32 = true;
  /// false: reply with "Connection: close" and close the connection afterwards.
  bool keep_alive = true;
  /// Optional: computes the reply body from the request (e.g. echoes part of it).
  std::function<std::string(const recorded_request&)> body_fn;
};

/// Handler mode: decides the reply for each request. Called after the request was read, so an
/// action::close_before_read it returns behaves like action::close_after_read.
using fake_handler = std::function<exchange(const recorded_request&)>;

/// Optional settings of a fake endpoint.
struct fake_endpoint_options {
  /// Serve HTTPS with this server context instead of plain HTTP.
  std::shared_ptr<boost::asio::ssl::context> tls;
  /// Host written into endpoint_url(); the server always listens on 127.0.0.1.
  std::string url_host = "127.0.0.1";
};

/// CRC-32 (IEEE, as zlib and DynamoDB's x-amz-crc32 compute it) of some bytes.
inline std::uint32_t crc32_of(std::string_view data) {
  boost::crc_32_type crc;
  crc.process_bytes(data.data(), data.size());
  return crc.checksum();
}

/// A request id unique within the process, in the style DynamoDB sends.
inline std::string fake_request_id() {
  static std::atomic<unsigned> next{1};
  std::string digits = std::to_string(next++);
  return "FAKE" + std::string(digits.size() < 28 ? 28 - digits.size() : 0, '0') + digits;
}

/// A DynamoDB error reply: `{"__type":"com.amazonaws.dynamodb.v20120810#<type>","message":...}`
/// with an x-amzn-RequestId header. A type that already contains '#' is used as given.
inline exchange aws_error(unsigned status, std::string_view type, std::string_view message) {
  boost::json::object obj;
  std::string full_type =
      type.find('#') == std::string_view::npos ? "com.amazonaws.dynamodb.v20120810#" + std::string(type) : std::string(type);
  obj["__type"] = full_type;
  obj["message"] = message;
  exchange e;
  e.status = status;
  e.body = boost::json::serialize(obj);
  e.headers.emplace_back("x-amzn-RequestId", fake_request_id());
  return e;
}

namespace fake_detail {

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
         ec == asio::error::broken_pipe || ec == asio::error::bad_descriptor || ec == asio::ssl::error::stream_truncated;
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

inline http::response<http::string_body> make_reply(const exchange& step, const recorded_request& req,
                                                    bool keep_alive, state& st) {
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
  if (step.act == exchange::action::wrong_crc)
    res.set("x-amz-crc32", std::to_string(crc ^ 0x5a5a5a5au));
  else if (step.add_crc32)
    res.set("x-amz-crc32", std::to_string(crc));
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
        case exchange::action::close_after_read:
          shutdown();
          co_return;
        case exchange::action::no_reply_hang:
          co_await hang();
          co_return;
        case exchange::action::reply:
        case exchange::action::wrong_crc:
          break;
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

}  // namespace fake_detail

/// A scripted HTTP/1.1 (or HTTPS) DynamoDB stand-in on 127.0.0.1 with an OS-chosen port.
///
/// Runs as coroutines on the given executor, normally the test's single-threaded io_context that
/// also runs the client under test. Each request takes the next script step (or is answered by the
/// handler); a step whose action is close_before_read is taken by the next accepted connection or
/// the next request on a kept-alive one. When the script is exhausted the reply is 500
/// `FakeEndpoint#ScriptExhausted` and a failure is recorded.
///
/// @par Object lifetimes
/// Declare the io_context before the endpoint. The destructor calls stop(). The listening socket
/// keeps the io_context busy until stop(): wrap the test body in stop_when_done().
///
/// @par Thread safety
/// Accessors may be called from any thread; stop() and push() from the thread running the
/// io_context or while it is not running.
class fake_endpoint {
 public:
  /// Plays `script` in order.
  fake_endpoint(boost::asio::any_io_executor ex, std::vector<exchange> script, fake_endpoint_options opts = {})
      : st_(std::make_shared<fake_detail::state>(ex)), url_host_(std::move(opts.url_host)) {
    st_->script.assign(std::make_move_iterator(script.begin()), std::make_move_iterator(script.end()));
    st_->tls = std::move(opts.tls);
    listen(ex);
  }

  /// Handler mode: `handler` decides the reply to each request.
  fake_endpoint(boost::asio::any_io_executor ex, fake_handler handler, fake_endpoint_options opts = {})
      : st_(std::make_shared<fake_detail::state>(ex)), url_host_(std::move(opts.url_host)) {
    st_->handler = std::move(handler);
    st_->tls = std::move(opts.tls);
    listen(ex);
  }

  fake_endpoint(const fake_endpoint&) = delete;
  fake_endpoint& operator=(const fake_endpoint&) = delete;
  fake_endpoint(fake_endpoint&&) = default;
  fake_endpoint& operator=(fake_endpoint&&) = delete;
  ~fake_endpoint() {
    if (st_) st_->stop();
  }

  /// The listening port on 127.0.0.1.
  unsigned short port() const { return port_; }

  /// "http://127.0.0.1:PORT" (https and the configured host for a TLS endpoint).
  std::string endpoint_url() const {
    return std::string(st_->tls ? "https://" : "http://") + url_host_ + ":" + std::to_string(port_);
  }

  /// Every request received so far, in the order they were read.
  std::vector<recorded_request> requests() const {
    std::lock_guard lock(st_->mutex);
    return st_->requests;
  }

  /// Number of requests received so far.
  std::size_t request_count() const { return st_->requests_size(); }

  /// Number of TCP connections accepted so far.
  std::size_t connections_accepted() const {
    std::lock_guard lock(st_->mutex);
    return st_->connections;
  }

  /// Target mismatches, requests past the end of the script, malformed requests, handler errors.
  std::vector<std::string> failures() const {
    std::lock_guard lock(st_->mutex);
    return st_->failures;
  }

  /// Steps not played yet.
  std::size_t script_remaining() const {
    std::lock_guard lock(st_->mutex);
    return st_->script.size();
  }

  /// Appends a step to the script.
  void push(exchange step) {
    std::lock_guard lock(st_->mutex);
    st_->script.push_back(std::move(step));
  }

  /// Stops listening and closes every connection, so the io_context can run out of work.
  void stop() { st_->stop(); }

 private:
  void listen(boost::asio::any_io_executor ex) {
    namespace asio = boost::asio;
    auto& acc = st_->acceptor;
    asio::ip::tcp::endpoint where(asio::ip::make_address_v4("127.0.0.1"), 0);
    acc.open(where.protocol());
    acc.set_option(asio::socket_base::reuse_address(true));
    acc.bind(where);
    acc.listen(asio::socket_base::max_listen_connections);
    port_ = acc.local_endpoint().port();
    auto st = st_;
    asio::co_spawn(ex, fake_detail::accept_loop(st_), [st](std::exception_ptr e) {
      if (e) st->fail("accept loop threw");
    });
  }

  std::shared_ptr<fake_detail::state> st_;
  std::string url_host_;
  unsigned short port_ = 0;
};

/// Runs `body`, then stops `ep` whether `body` returned or threw, so that run_coro() can finish.
template <class T>
boost::asio::awaitable<T> stop_when_done(fake_endpoint& ep, boost::asio::awaitable<T> body) {
  struct stopper {
    fake_endpoint& ep;
    ~stopper() { ep.stop(); }
  } guard{ep};
  co_return co_await std::move(body);
}

}  // namespace dynasio::test

#endif
