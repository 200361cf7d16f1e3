// The connection pool's queue, stepped on an io_context without sockets or sleeps: first come,
// first served, and a cancelled waiter never loses the connection it was handed.

#include <dynasio/detail/transport/connection_pool.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

namespace asio = boost::asio;
using dynasio::detail::connection_pool;
using dynasio::detail::http_conn;

namespace {

struct pool_harness {
  asio::io_context ioc;
  asio::ssl::context ssl{asio::ssl::context::tls_client};
  connection_pool pool{ioc.get_executor(), 1};
  std::vector<std::string> order;  // who got the slot, in order
  std::vector<std::unique_ptr<http_conn>> held;

  // A coroutine that takes a connection and records it; keeps it in `held`.
  asio::awaitable<void> take(std::string who, bool* cancelled = nullptr) {
    auto [ec, conn] = co_await pool.acquire();
    if (ec) {
      if (cancelled) *cancelled = true;
      co_return;
    }
    order.push_back(who);
    // A free slot comes as nullptr: stand in for the connection the caller would open.
    if (!conn) conn = std::make_unique<http_conn>(ioc.get_executor(), ssl, false);
    held.push_back(std::move(conn));
  }

  // Runs what is ready (the io_context stops whenever it runs out of work: restart it).
  void step() {
    ioc.restart();
    ioc.poll();
  }

  void spawn(std::string who) { asio::co_spawn(ioc, take(std::move(who)), asio::detached); }

  std::unique_ptr<http_conn> give_back() {
    auto c = std::move(held.front());
    held.erase(held.begin());
    return c;
  }
};

}  // namespace

TEST_CASE("connection_pool: waiters are served first come, first served; a releaser queues behind them") {
  pool_harness h;
  h.spawn("a");
  h.step();
  REQUIRE(h.order == std::vector<std::string>{"a"});
  h.spawn("b");
  h.spawn("c");
  h.step();
  CHECK(h.order.size() == 1);  // both wait: the only connection is a's
  // a gives its connection back and asks again at once: b and c were first.
  h.pool.release(h.give_back(), true);
  h.spawn("a");
  h.step();
  CHECK(h.order == std::vector<std::string>{"a", "b"});
  h.pool.release(h.give_back(), true);
  h.step();
  CHECK(h.order == std::vector<std::string>{"a", "b", "c"});
  h.pool.release(h.give_back(), true);
  h.step();
  CHECK(h.order == std::vector<std::string>{"a", "b", "c", "a"});
  CHECK(h.pool.open() == 1);
}

TEST_CASE("connection_pool: the slot of a closed connection goes to the next waiter") {
  pool_harness h;
  h.spawn("a");
  h.step();
  h.spawn("b");
  h.step();
  h.pool.release(h.give_back(), false);  // closed: b gets the free slot
  h.step();
  CHECK(h.order == std::vector<std::string>{"a", "b"});
  CHECK(h.pool.open() == 1);
  CHECK(h.pool.idle() == 0);
}

TEST_CASE("connection_pool: a waiter cancelled after being handed a connection passes it on") {
  pool_harness h;
  h.spawn("a");
  h.step();
  asio::cancellation_signal cancel_b;
  bool b_cancelled = false;
  asio::co_spawn(h.ioc, h.take("b", &b_cancelled), asio::bind_cancellation_slot(cancel_b.slot(), asio::detached));
  h.spawn("c");
  h.step();
  // On the executor (as a real release is), so the cancellation lands before b resumes.
  asio::post(h.ioc, [&] {
    h.pool.release(h.give_back(), true);               // handed to b...
    cancel_b.emit(asio::cancellation_type::terminal);  // ...which is cancelled before it runs
  });
  h.step();
  CHECK(b_cancelled);
  CHECK(h.order == std::vector<std::string>{"a", "c"});
  CHECK(h.pool.open() == 1);
}

TEST_CASE("connection_pool: a waiter cancelled before its turn leaves the queue") {
  pool_harness h;
  h.spawn("a");
  h.step();
  asio::cancellation_signal cancel_b;
  bool b_cancelled = false;
  asio::co_spawn(h.ioc, h.take("b", &b_cancelled), asio::bind_cancellation_slot(cancel_b.slot(), asio::detached));
  h.spawn("c");
  h.step();
  cancel_b.emit(asio::cancellation_type::terminal);
  h.step();
  CHECK(b_cancelled);
  h.pool.release(h.give_back(), true);
  h.step();
  CHECK(h.order == std::vector<std::string>{"a", "c"});
  CHECK(h.pool.idle() == 0);
}
