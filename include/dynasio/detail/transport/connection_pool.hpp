//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_TRANSPORT_CONNECTION_POOL_HPP
#define DYNASIO_DETAIL_TRANSPORT_CONNECTION_POOL_HPP

#include <dynasio/detail/transport/http_conn.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <deque>
#include <memory>
#include <vector>

namespace dynasio::detail {

/**
 * At most `max` connections open at once. acquire() hands out an idle connection, or an empty
 * slot (nullptr) the caller fills with a new connection, or waits for a release. A connection
 * is returned with release(conn, reusable): only a connection whose last exchange completed and
 * that the server keeps alive goes back to the idle list; anything else is closed.
 */
class connection_pool {
 public:
  connection_pool(boost::asio::any_io_executor ex, std::size_t max) : ex_(std::move(ex)), max_(std::max<std::size_t>(max, 1)) {}

  boost::asio::awaitable<std::unique_ptr<http_conn>> acquire() {
    while (idle_.empty() && open_ >= max_) {
      boost::asio::steady_timer wake(ex_, boost::asio::steady_timer::time_point::max());
      waiters_.push_back(&wake);
      auto [ec] = co_await wake.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
      (void)ec;  // release() wakes us by cancelling the timer
      auto it = std::find(waiters_.begin(), waiters_.end(), &wake);
      const bool woken = it == waiters_.end();
      if (!woken) waiters_.erase(it);
      auto cs = co_await boost::asio::this_coro::cancellation_state;
      if (cs.cancelled() != boost::asio::cancellation_type::none) {
        // Chosen by release() but cancelled before running: pass the wake-up on, or it is lost.
        if (woken) wake_one();
        throw boost::system::system_error(boost::asio::error::operation_aborted);
      }
    }
    if (!idle_.empty()) {
      // Most recently used first: it is the least likely to have been closed by the server.
      auto c = std::move(idle_.back());
      idle_.pop_back();
      co_return c;
    }
    ++open_;
    co_return nullptr;
  }

  void release(std::unique_ptr<http_conn> conn, bool reusable) {
    if (conn && reusable && conn->keep_alive()) idle_.push_back(std::move(conn));
    else --open_;
    wake_one();
  }

  std::size_t open() const noexcept { return open_; }
  std::size_t idle() const noexcept { return idle_.size(); }

 private:
  void wake_one() {
    if (waiters_.empty()) return;
    waiters_.front()->cancel();
    waiters_.pop_front();
  }

  boost::asio::any_io_executor ex_;
  std::size_t max_;
  std::size_t open_ = 0;
  std::vector<std::unique_ptr<http_conn>> idle_;
  std::deque<boost::asio::steady_timer*> waiters_;
};

}  // namespace dynasio::detail

#endif
