//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_BATCH_PACER_HPP
#define DYNASIO_DETAIL_BATCH_PACER_HPP

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>

namespace dynasio::detail {

/**
 * Sans-io send pacing of the batch writer: the rate, in requests (items) per second, at which
 * it sends BatchWriteItem calls so that the table accepts nearly everything it is sent.
 *
 * What it measures, per completed call: the share of the call's requests the table accepted
 * (those not returned in UnprocessedItems), and whether the call met a throttling error that
 * names the table's capacity (not a hot key: a `...KeyRangeThroughputExceeded` reason slows
 * only the requests concerned, by their own backoff). It also keeps the writer's send rate S:
 * requests sent over the last second (`send_window`).
 *
 * How it reacts:
 * - Unpaced until the first capacity signal: calls go as fast as max_in_flight lets them.
 * - Cut: a call with rejected requests sets rate = base x max(`min_share`, accepted share x
 *   (1 - `margin`)), where base is the current rate (or S before the first cut). When the table
 *   takes W per second and calls arrive at rate R > W, the share accepted is W / R, so one cut
 *   lands just under W (a cut at most halves the rate: one call's share is a noisy sample when
 *   R is far above W, and a few round trips get there). A call throttled as a whole says nothing
 *   about W: rate
 *   = base x `beta` (so does a call the client had to retry after such an error). Never below
 *   `min_rate`.
 * - One cut per round trip: a call sent before the last cut reports the old rate, so it is
 *   ignored (neither cut nor growth).
 * - Rejections that do not answer a cut are not about the rate: when no call was fully
 *   accepted since the last cut, the accepted share did not fall (by more than
 *   `stationary_share`) and rose less than half of what the cut should have brought (share /
 *   (new rate / old rate)), the rate is not cut, and the call probes as a fully accepted
 *   one does. A table (or fake) that refuses a fixed share whatever the pace does not starve
 *   the writer, and throttles in between do not ratchet it down to `min_rate`.
 * - Probe: each fully accepted call sent after the last cut grows the rate by g x dt (dt: time
 *   since the last growth, at most 1 s), g = `growth_start` x 2^(time since the cut /
 *   `growth_doubling` s), at most `growth_max` per second: slow just after a cut, where the capacity was, then
 *   faster, so a capacity that went up is found within seconds. Growth stops at `max_over_send`
 *   x S, so a writer whose producer is the bottleneck does not build up a rate it never used.
 * - Sends: a token bucket of requests filled at the rate, holding at most one call
 *   (`burst` requests); a call may leave while the bucket is not in debt, and takes its size.
 *
 * Convergence, in completed calls (tests/unit/batch_pacer.cpp on a virtual clock: 25-request
 * calls, 4 in flight, a table of 2000 requests/s stepped to 1000 and back): after the step
 * down the rate is at or under the new capacity within 10 calls, and the table then takes
 * >= 95 % of its capacity; after the step back up the rate is at 95 % of the new capacity
 * within 150 calls (about 2 s). At 20 000/s: >= 95 % of W accepted, <= 5 % of sends rejected.
 */
class batch_pacer {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  static constexpr double margin = 0.01;
  static constexpr double min_share = 0.5;
  static constexpr double beta = 0.7;
  static constexpr double stationary_share = 0.05;
  static constexpr double min_rate = 1.0;
  static constexpr double growth_start = 0.2;
  static constexpr double growth_doubling = 0.5;
  static constexpr double growth_max = 2.0;
  static constexpr double max_over_send = 2.0;
  static constexpr std::chrono::seconds send_window{1};

  explicit batch_pacer(std::size_t burst) : burst_(static_cast<double>(std::max<std::size_t>(burst, 1))) {}

  /// When the next call may leave: `now`, or later while the bucket is in debt.
  time_point ready_at(time_point now) {
    if (!paced_) return now;
    refill(now);
    // A debt paid to within rounding is paid: an alarm set for it must find the call free.
    if (tokens_ >= -1e-9) return now;
    return now + std::chrono::nanoseconds(static_cast<long long>(std::ceil(-tokens_ / rate_ * 1e9)));
  }

  /// A call of `n` requests left at `now`.
  void on_sent(time_point now, std::size_t n) {
    if (paced_) {
      refill(now);
      tokens_ -= static_cast<double>(n);
    }
    if (first_send_ == time_point{}) first_send_ = now;
    sends_.emplace_back(now, n);
    window_items_ += n;
    trim(now);
  }

  /**
   * A call of `n` requests sent at `sent_at` completed at `now`: `rejected` of them came back
   * unprocessed (all of them when it failed), `throttled` when it met a throttling error about
   * the table's capacity.
   */
  void on_result(time_point sent_at, time_point now, std::size_t n, std::size_t rejected, bool throttled) {
    if (n == 0 || (cut_once_ && sent_at < last_cut_)) return;
    if (rejected == 0 && !throttled) {
      streak_ = false;
      grow(now);
      return;
    }
    const double accepted = static_cast<double>(n - std::min(rejected, n)) / static_cast<double>(n);
    // Rejections that did not answer the last cut (no call fully accepted since, and the share
    // accepted rose less than half as much as a capacity limit would make it) are not about
    // the rate: a fixed share the table refuses whatever the pace. Cutting again would only
    // starve the writer.
    if (streak_ && !throttled && accepted >= last_share_ - stationary_share) {
      const double expected = std::min(1.0, last_share_ / cut_ratio_);
      if (accepted < last_share_ + (expected - last_share_) / 2) {
        // Not about the rate, so the call counts as taken for probing: without this a writer
        // whose every call has a few refused requests never grows, and each throttle cuts it
        // further, down to min_rate.
        grow(now);
        return;
      }
    }
    const double s = send_rate(now);
    const double base = paced_ ? rate_ : std::max(s, min_rate);
    // A throttled call's accepted share (after the client's own retries) measures nothing.
    const double next = throttled ? base * beta : base * std::max(min_share, accepted * (1.0 - margin));
    if (!paced_) {
      paced_ = true;
      tokens_ = 0;
      last_refill_ = now;
    } else {
      refill(now);
    }
    rate_ = std::max(min_rate, next);
    streak_ = true;
    last_share_ = accepted;
    cut_ratio_ = std::max(1e-9, rate_ / base);
    cut_once_ = true;
    last_cut_ = last_growth_ = now;
    ++cuts_;
  }

  /// Requests per second the writer paces itself to; 0 while not paced.
  double rate() const noexcept { return paced_ ? rate_ : 0.0; }
  /// Cuts so far.
  std::uint64_t cuts() const noexcept { return cuts_; }

  /// Requests sent over the last second (or since the first send, if sooner), per second.
  double send_rate(time_point now) {
    trim(now);
    if (sends_.empty()) return 0.0;
    const double span =
        std::clamp(std::chrono::duration<double>(now - std::max(first_send_, now - send_window)).count(), 0.01,
                   std::chrono::duration<double>(send_window).count());
    return static_cast<double>(window_items_) / span;
  }

 private:
  void refill(time_point now) {
    const double dt = std::chrono::duration<double>(now - last_refill_).count();
    if (dt > 0) {
      tokens_ = std::min(burst_, tokens_ + dt * rate_);
      last_refill_ = now;
    }
  }

  void trim(time_point now) {
    while (!sends_.empty() && sends_.front().first < now - send_window) {
      window_items_ -= sends_.front().second;
      sends_.pop_front();
    }
  }

  void grow(time_point now) {
    if (!paced_) return;
    const double dt = std::min(1.0, std::chrono::duration<double>(now - last_growth_).count());
    if (dt <= 0) return;
    refill(now);
    last_growth_ = now;
    const double since_cut = std::chrono::duration<double>(now - last_cut_).count();
    const double g = std::min(growth_max, growth_start * std::exp2(since_cut / growth_doubling));
    const double grown = rate_ * (1.0 + g * dt);
    const double cap = max_over_send * send_rate(now);
    rate_ = std::max(rate_, std::min(grown, cap));
  }

  double burst_;
  bool paced_ = false;
  bool cut_once_ = false;
  // A cut with no fully accepted call since; the share and rate ratio of that cut.
  bool streak_ = false;
  double last_share_ = 0.0;
  double cut_ratio_ = 1.0;
  double rate_ = 0.0;
  double tokens_ = 0.0;
  time_point last_refill_{};
  time_point last_cut_{};
  time_point last_growth_{};
  time_point first_send_{};
  std::deque<std::pair<time_point, std::size_t>> sends_;
  std::size_t window_items_ = 0;
  std::uint64_t cuts_ = 0;
};

}  // namespace dynasio::detail

#endif
