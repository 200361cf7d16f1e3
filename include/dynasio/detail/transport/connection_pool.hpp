//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_TRANSPORT_CONNECTION_POOL_HPP
#define DYNASIO_DETAIL_TRANSPORT_CONNECTION_POOL_HPP

#include <dynasio/detail/transport/http_conn.hpp>
#include <dynasio/detail/wait_list.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

namespace dynasio::detail {

/**
 * At most `max` connections open at once. acquire() hands out an idle connection, or an empty
 * slot (nullptr) the caller fills with a new connection, or waits for a release. A connection
 * is returned with release(conn, reusable): only a connection whose last exchange completed and
 * that the server keeps alive goes back to the idle list; anything else is closed.
 *
 * Fair: waiters are served first come, first served. release() hands the connection (or the
 * slot of a closed one) straight to the longest waiter, so a coroutine that releases and
 * acquires again queues behind those already waiting.
 */
class connection_pool {
 public:
  connection_pool(boost::asio::any_io_executor ex, std::size_t max)
      : max_(std::max<std::size_t>(max, 1)), waiters_(std::move(ex)) {}

  /// A connection (nullptr: a free slot to fill), or operation_aborted when cancelled.
  boost::asio::awaitable<std::pair<boost::system::error_code, std::unique_ptr<http_conn>>> acquire() {
    using result = std::pair<boost::system::error_code, std::unique_ptr<http_conn>>;
    if (waiters_.empty()) {
      if (!idle_.empty()) {
        // Most recently used first: it is the least likely to have been closed by the server.
        auto c = std::move(idle_.back());
        idle_.pop_back();
        co_return result(boost::system::error_code(), std::move(c));
      }
      if (open_ < max_) {
        ++open_;
        co_return result(boost::system::error_code(), nullptr);
      }
    }
    auto r = co_await waiters_.wait();
    if (r.cancelled) {
      // Handed a connection but cancelled before running: pass it on, or it is lost.
      if (r.value) hand_over(std::move(r.value->conn));
      co_return result(boost::asio::error::operation_aborted, nullptr);
    }
    co_return result(boost::system::error_code(), std::move(r.value->conn));
  }

  void release(std::unique_ptr<http_conn> conn, bool reusable) {
    if (!(conn && reusable && conn->keep_alive())) conn.reset();
    hand_over(std::move(conn));
  }

  std::size_t open() const noexcept { return open_; }
  std::size_t idle() const noexcept { return idle_.size(); }

 private:
  // A connection, or the slot of one (nullptr), goes to the first waiter or back to the pool.
  void hand_over(std::unique_ptr<http_conn> conn) {
    grant g{std::move(conn)};
    if (waiters_.notify_one(g)) return;
    if (g.conn) idle_.push_back(std::move(g.conn));
    else --open_;
  }

  struct grant {
    std::unique_ptr<http_conn> conn;
  };

  std::size_t max_;
  std::size_t open_ = 0;
  std::vector<std::unique_ptr<http_conn>> idle_;
  basic_wait_list<grant> waiters_;
};

}  // namespace dynasio::detail

#endif
