//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_CALL_FSM_HPP
#define DYNASIO_DETAIL_CALL_FSM_HPP

#include <dynasio/client.hpp>
#include <dynasio/credentials.hpp>
#include <dynasio/detail/config.hpp>
#include <dynasio/detail/protocol/error_reply.hpp>
#include <dynasio/detail/retry_policy.hpp>

#include <boost/json/object.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace dynasio::detail {

/// What the I/O side must do next for one call.
enum class call_action_kind {
  /// Get the keys to sign with from the credentials cache (`renew`: the service refused the
  /// ones that signed the last attempt; invalidate them first).
  fetch_credentials,
  /// Take a connection from the pool (an idle one, or a free slot to connect).
  acquire,
  /// Connect the new connection (resolve, TCP, TLS handshake).
  connect,
  /// Sign the request and exchange it on the connection; then give the connection back.
  exchange,
  /// Sleep for `delay` (backoff before the next attempt, or adaptive mode's rate limiter).
  wait,
  /// Finished: outcome() holds the reply or the error.
  done,
};

struct call_action {
  call_action_kind kind = call_action_kind::done;
  /// The backoff of a wait action.
  std::chrono::milliseconds delay{0};
  /// fetch_credentials: the keys that signed were refused (ExpiredTokenException).
  bool renew = false;
  /// A wait for adaptive mode's rate limiter before an attempt (not a backoff after a failure).
  bool pacing = false;
};

/// The result of the I/O step the last action asked for.
struct call_event {
  /// Its error (operation_aborted when the caller cancelled; fetch_credentials: the cache's,
  /// which boost::system::error_code carries and gives back unchanged).
  boost::system::error_code ec{};
  /// fetch_credentials failed: why (names the providers tried).
  std::string_view message{};
  /// acquire: the connection came from the idle list (false: a new one must be connected).
  bool reused = false;
  /// exchange without error: the reply.
  const reply_view* reply = nullptr;
  /// exchange: the credentials that signed it (their secrets are kept out of messages).
  const credentials* creds = nullptr;
  /// exchange: when the reply arrived, by the local clock (for the clock-skew correction).
  std::chrono::system_clock::time_point received_at{};
  /// When the step completed: adaptive mode's rate limiter runs on it (left unset without one).
  std::chrono::steady_clock::time_point now{};
};

/// How a call ended: errors are values here; the public edge throws them.
struct call_outcome {
  /// Empty on success; else a service_errc, an errc or a network code.
  std::error_code ec{};
  /// What DynamoDB or the client said about the failure.
  diagnostics diag{};
  /// The reply body of a successful call.
  boost::json::object reply{};
  /// Attempts made (1 when the first succeeded; the free stale-connection retry not counted).
  unsigned attempts = 0;
  /// Retries after retryable errors (attempts - 1, unless the call was cancelled mid-way).
  unsigned retries = 0;
  /// Of those, the ones after throttling.
  unsigned throttles = 0;
  /// Of the throttles, those whose ThrottlingReasons name only hot key ranges.
  unsigned hot_key_throttles = 0;
  /// The call ended in a throttle whose ThrottlingReasons name only hot key ranges.
  bool hot_key = false;
  /// Capacity the reply's ConsumedCapacity reports (client_impl::run reads it; call_metrics).
  std::optional<double> consumed_read_units{};
  std::optional<double> consumed_write_units{};
};

/**
 * Sans-io core of one DynamoDB call: attempts, the free retry on a stale keep-alive
 * connection, classification of replies (status, CRC-32, JSON) and of transport errors, the
 * client-wide retry token bucket, backoff and the outcome. The I/O side (client_impl::run) only
 * performs the actions resume() returns, and feeds back what happened.
 *
 * Sequence: resume({}) starts; then [pace] → [fetch_credentials] → acquire → [connect] →
 * exchange → done, or → wait → [pace] → [fetch_credentials] → acquire again for the next
 * attempt. In adaptive mode every attempt first takes a token from the client's rate limiter
 * (retry_policy::rate()): a wait action (`pacing`) when none is there yet, and every completed
 * attempt tells the limiter whether it was throttled. With a credentials provider, every
 * attempt then asks the cache for keys (cached keys answer at once); an ExpiredTokenException
 * gets one free attempt with renewed keys. A failed reused connection whose error says the server had closed
 * it gets one free new acquire (not an attempt). Cancellation (operation_aborted from any step)
 * ends the call at once with that code; nothing more is sent.
 *
 * Clock skew (as the Go SDK does): a RequestTimeTooSkewed (or RequestExpired,
 * RequestInTheFuture) reply, or a signature error while the reply's `Date` is more than
 * 4 minutes from the local clock, sets `clock_skew` (the service's time minus ours, which
 * the I/O side adds to its signing time) and gets one free new attempt.
 */
class call_fsm {
 public:
  /// `operation` and `host` are borrowed for messages; `retry`, `stats` and `clock_skew` are
  /// the client's.
  DYNASIO_DECL call_fsm(std::string_view operation, std::string_view host, unsigned max_attempts, retry_policy& retry,
                        client_stats& stats, std::chrono::milliseconds& clock_skew);

  /// Keys come from a credentials cache (fetch_credentials actions) rather than fixed ones.
  void use_credentials_provider() noexcept { provider_ = true; }

  /// The next action, given the result of the previous one (ignored on the first call).
  DYNASIO_DECL call_action resume(const call_event& ev);

  /// The result, once resume() returned done.
  call_outcome& outcome() noexcept { return out_; }

  /// The failure the current wait retries after (for a log line), valid during a wait.
  const error_info& last_failure() const noexcept { return last_; }

  /// The attempt in progress (1-based).
  unsigned attempt() const noexcept { return attempt_; }

 private:
  enum class state { start, pacing, fetching, acquiring, connecting, exchanging, waiting, finished };

  call_action transport_failed(const boost::system::error_code& ec);
  call_action reply_arrived(const reply_view& reply, const credentials& creds,
                            std::chrono::system_clock::time_point received_at);
  bool corrects_skew(const error_info& e, const reply_view& reply, std::chrono::system_clock::time_point received_at);
  call_action retry_or_fail(error_info failure);
  call_action finish(error_info failure);
  call_action cancelled(std::string_view where);
  call_action acquire();
  // Takes adaptive mode's rate-limiter token (or waits for it), then fetches keys or acquires.
  call_action begin_attempt();
  // Tells adaptive mode's rate limiter how an attempt ended.
  void feed(const std::error_code& code);

  std::string_view operation_;
  std::string_view host_;
  unsigned max_attempts_;
  retry_policy& retry_;
  client_stats& stats_;
  std::chrono::milliseconds& clock_skew_;
  state state_ = state::start;
  unsigned attempt_ = 1;
  unsigned spent_ = 0;
  bool reused_ = false;
  bool stale_retry_left_ = true;
  bool skew_retry_left_ = true;
  bool provider_ = false;
  bool renew_left_ = true;
  std::chrono::steady_clock::time_point now_{};
  error_info last_;
  call_outcome out_;
};

/// True for the errors of a reused keep-alive connection that the server had already closed.
DYNASIO_DECL bool is_stale_connection(const boost::system::error_code& ec) noexcept;

}  // namespace dynasio::detail

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/call_fsm.ipp>
#endif

#endif
