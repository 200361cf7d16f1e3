#ifndef DYNASIO_TESTS_FAKE_ENDPOINT_HPP
#define DYNASIO_TESTS_FAKE_ENDPOINT_HPP

// A scripted DynamoDB stand-in for client tests: each received request takes the next step of a
// script (or asks a handler), is recorded, and gets the step's canned reply or fault.

#include "fake_endpoint_impl.hpp"
#include "fake_exchange.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace dynasio::test {

/// A scripted HTTP/1.1 (or HTTPS) DynamoDB stand-in on 127.0.0.1 with an OS-chosen port.
///
/// Runs as coroutines on the given executor, normally the test's single-threaded io_context that
/// also runs the client under test. Each request takes the next script step (or is answered by the
/// handler); a step whose action is close_before_read is taken by the next accepted connection or
/// the next request on a kept-alive one. When the script is exhausted the reply is 500
/// `FakeEndpoint#ScriptExhausted` and a failure is recorded.
///
/// @code
/// asio::io_context ioc;
/// fake_endpoint ep(ioc.get_executor(), {
///     aws_error(400, "ProvisionedThroughputExceededException", "slow down"),
///     exchange{.expect_target = "DynamoDB_20120810.PutItem", .body = "{}"}});
/// run_coro(ioc, stop_when_done(ep, put_one_item(ep.endpoint_url())));
/// CHECK(ep.failures().empty());
/// CHECK(ep.requests().size() == 2);
/// @endcode
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
