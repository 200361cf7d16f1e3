//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_CREDENTIALS_CACHE_HPP
#define DYNASIO_DETAIL_CREDENTIALS_CACHE_HPP

#include <dynasio/credentials.hpp>
#include <dynasio/detail/config.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <system_error>

namespace dynasio::detail {

/// What a caller of the credentials cache does now (see credentials_refresh_fsm::next()).
enum class refresh_action {
  use,               ///< sign with current()
  use_and_refresh,   ///< start the refresh (it is marked in flight), sign with current() meanwhile
  refresh_and_wait,  ///< start the refresh (it is marked in flight) and wait for it
  wait,              ///< a refresh is in flight: wait for it
  fail,              ///< no usable keys and a recent failure: report last_error()
};

/// Readable name of an action, for tests.
DYNASIO_DECL const char* to_string(refresh_action a) noexcept;

/**
 * @brief The refresh policy of cached credentials as a sans-io decision (spec §8.2, §8.4).
 * @details Time is passed in; randomness comes from a seeded generator. Keys without expiration
 * are used forever. Otherwise, at store time the advisory and mandatory windows are fixed
 * (credentials_refresh_config, scaled to the lifetime, widened by the jitter, and capped at 3/4
 * and 1/2 of the lifetime so very short-lived keys are not refreshed on every call).
 * A failed refresh while the keys are valid keeps them and pauses refreshing (static stability):
 * retry_pause x U(1, 2), capped so a failure in the advisory window retries at the mandatory
 * window and one in the mandatory window retries within half the remaining time. A failure
 * with no usable keys is reported to every caller for error_hold, then retried.
 */
class credentials_refresh_fsm {
 public:
  using time_point = std::chrono::system_clock::time_point;

  DYNASIO_DECL explicit credentials_refresh_fsm(credentials_refresh_config cfg, std::uint64_t seed = 0x5eed);

  /// Decides for one caller at `now`; the refresh actions mark a refresh in flight.
  DYNASIO_DECL refresh_action next(time_point now);
  /// The in-flight refresh succeeded. Keys already expired at `now` count as a failure.
  DYNASIO_DECL void on_refresh_success(time_point now, credentials creds);
  /// The in-flight refresh failed with `ec` (`message` says why, without secrets).
  DYNASIO_DECL void on_refresh_failure(time_point now, std::error_code ec, std::string message);
  /// The service rejected `access_key_id` (ExpiredTokenException): when it is the current key,
  /// the next caller refreshes and waits. An empty id matches any key.
  DYNASIO_DECL void invalidate(std::string_view access_key_id);

  /// True when current() may sign at `now`.
  DYNASIO_DECL bool usable(time_point now) const noexcept;
  /// The cached keys (null before the first success).
  const std::shared_ptr<const credentials>& current() const noexcept { return current_; }
  std::error_code last_error() const noexcept { return last_error_; }
  const std::string& last_message() const noexcept { return last_message_; }
  bool refreshing() const noexcept { return refreshing_; }
  /// Start of the advisory and mandatory windows of the current keys (max() without expiration).
  time_point advisory_at() const noexcept { return advisory_at_; }
  time_point mandatory_at() const noexcept { return mandatory_at_; }
  /// No refresh is started before this after a failure that kept valid keys.
  time_point retry_after() const noexcept { return retry_after_; }

 private:
  double uniform(double lo, double hi);

  credentials_refresh_config cfg_;
  std::mt19937_64 rng_;
  std::shared_ptr<const credentials> current_;
  bool invalidated_ = false;
  bool refreshing_ = false;
  time_point advisory_at_ = time_point::max();
  time_point mandatory_at_ = time_point::max();
  time_point retry_after_ = time_point::min();
  time_point error_until_ = time_point::min();
  std::error_code last_error_;
  std::string last_message_;
};

/// What credentials_cache::get() yields: keys to sign with, or why there are none.
struct credentials_result {
  /// Empty on success; errc::no_credentials, errc::timeout, a provider's code, or
  /// asio::error::operation_aborted when the waiting caller was cancelled.
  std::error_code ec;
  /// Why (names every provider for no_credentials); never contains secrets.
  std::string message;
  /// The keys; non-null exactly when `ec` is empty. Shared: copying the result is cheap.
  std::shared_ptr<const credentials> creds;
};

/**
 * @brief Cached credentials of one provider, refreshed in the background, one call at a time.
 * @details get() returns at once while the keys are outside the mandatory window; in the
 * advisory window the first caller also starts a background refresh. Callers that must wait
 * share one provider call (single flight). Cancelling a waiting caller (its cancellation slot)
 * completes only that caller with operation_aborted: the refresh runs on and serves the others.
 * Nothing is locked; every member runs on the executor given at construction. The provider call
 * is bounded by credentials_refresh_config::refresh_timeout.
 *
 * @par Object lifetimes
 * Create with std::make_shared: a refresh in flight keeps the cache alive until it ends.
 *
 * @par Thread safety
 * Not thread-safe: use from the executor's thread (a strand for multi-threaded contexts).
 */
class credentials_cache : public std::enable_shared_from_this<credentials_cache> {
 public:
  /// Current time: system_clock::now by default, a virtual clock in tests.
  using clock_function = std::function<std::chrono::system_clock::time_point()>;

  DYNASIO_DECL credentials_cache(boost::asio::any_io_executor ex, credentials_provider provider,
                                 credentials_refresh_config cfg, clock_function clock, log_function log);

  /// Keys to sign with now, without suspending, or null when get() must be awaited (no usable
  /// keys, or the mandatory window). May start a background refresh (advisory window).
  DYNASIO_DECL std::shared_ptr<const credentials> try_get();

  /// Keys to sign with, waiting for a refresh when needed. Errors are values, never thrown.
  DYNASIO_DECL boost::asio::awaitable<credentials_result> get();

  /// The service rejected `access_key_id` (ExpiredTokenException): refresh before the next use.
  void invalidate(std::string_view access_key_id) { fsm_.invalidate(access_key_id); }

  /// Provider calls started so far.
  std::uint64_t provider_calls() const noexcept { return provider_calls_; }
  /// The policy state, for tests.
  const credentials_refresh_fsm& fsm() const noexcept { return fsm_; }

 private:
  DYNASIO_DECL void start_refresh();
  DYNASIO_DECL boost::asio::awaitable<void> refresh();
  DYNASIO_DECL credentials_result current_result() const;

  boost::asio::any_io_executor ex_;
  credentials_provider provider_;
  credentials_refresh_config cfg_;
  clock_function clock_;
  log_function log_;
  credentials_refresh_fsm fsm_;
  // Waiters wait on this timer (which never expires); a finished refresh cancels the waits.
  boost::asio::steady_timer wake_;
  std::uint64_t generation_ = 0;
  std::uint64_t provider_calls_ = 0;
};

}  // namespace dynasio::detail

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/credentials_cache.ipp>
#endif

#endif
