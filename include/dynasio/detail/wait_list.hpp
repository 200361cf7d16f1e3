//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_WAIT_LIST_HPP
#define DYNASIO_DETAIL_WAIT_LIST_HPP

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <list>
#include <optional>
#include <utility>

namespace dynasio::detail {

/**
 * Coroutines waiting for something, served first come, first served. Each waiter sleeps on a
 * timer of its own that notify cancels: re-arming one shared timer would cancel every wait.
 *
 * notify_one() can hand a value to the woken waiter (the connection pool hands over a
 * connection this way, so that nobody can take it in between). A waiter cancelled after being
 * handed a value still returns it, and must pass it on.
 */
template <class T>
class basic_wait_list {
 public:
  /// What wait() ends with: `cancelled` by the waiting coroutine's cancellation slot, and the
  /// value handed over, if any (a handed value may come with `cancelled`).
  struct result {
    bool cancelled = false;
    std::optional<T> value;
  };

  explicit basic_wait_list(boost::asio::any_io_executor ex) : ex_(std::move(ex)) {}

  /// Suspends until notified or cancelled.
  boost::asio::awaitable<result> wait() {
    auto at = waiters_.emplace(waiters_.end(), ex_);
    auto [ec] = co_await at->timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    (void)ec;  // notify cancels the timer: ask the cancellation state which it was
    result r;
    r.value = std::move(at->value);
    const bool notified = at->notified;
    waiters_.erase(at);
    auto cs = co_await boost::asio::this_coro::cancellation_state;
    r.cancelled = cs.cancelled() != boost::asio::cancellation_type::none || (!notified && ec);
    co_return r;
  }

  /// Wakes the longest waiting coroutine that is not woken yet, handing it `value`. Returns
  /// false (and drops nothing: `value` is left untouched) when nobody waits.
  bool notify_one(T& value) {
    for (auto& w : waiters_) {
      if (w.notified) continue;
      w.notified = true;
      w.value.emplace(std::move(value));
      w.timer.cancel();
      return true;
    }
    return false;
  }

  /// Wakes every waiting coroutine.
  void notify_all() noexcept {
    for (auto& w : waiters_) {
      if (w.notified) continue;
      w.notified = true;
      w.timer.cancel();
    }
  }

  /// Waiters not woken yet.
  bool empty() const noexcept {
    for (const auto& w : waiters_)
      if (!w.notified) return false;
    return true;
  }

 private:
  struct waiter {
    explicit waiter(const boost::asio::any_io_executor& ex) : timer(ex, boost::asio::steady_timer::time_point::max()) {}
    boost::asio::steady_timer timer;
    bool notified = false;
    std::optional<T> value;
  };

  boost::asio::any_io_executor ex_;
  std::list<waiter> waiters_;
};

/// A wait list whose waiters are only woken, with nothing handed over.
struct no_value {};
using wait_list = basic_wait_list<no_value>;

}  // namespace dynasio::detail

#endif
