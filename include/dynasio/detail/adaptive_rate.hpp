//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_ADAPTIVE_RATE_HPP
#define DYNASIO_DETAIL_ADAPTIVE_RATE_HPP

#include <algorithm>
#include <chrono>
#include <cmath>

namespace dynasio::detail {

/**
 * Sans-io client-side rate limiter of the SDKs' "adaptive" retry mode (botocore
 * retries/adaptive.py, Go aws/retry/adaptive*.go, Rust client_rate_limiter.rs; same constants).
 * Time is passed in; nothing here sleeps.
 *
 * - A token bucket in front of every attempt: one token per attempt; when short, the attempt
 *   waits (needed - available) / fill_rate. Off until the first throttling reply, on for good
 *   from then. Capacity max(fill_rate, 1); fill rate never below 0.5 tokens/s.
 * - Measured send rate: replies counted in 0.5 s buckets, each bucket's rate smoothed into the
 *   estimate with weight 0.8.
 * - CUBIC: on a throttle, W_max = measured rate (once on: min(measured, fill rate)),
 *   K = cbrt(W_max (1 - beta) / C), rate = W_max' x beta; on a success,
 *   rate = C (t - t_throttle - K)^3 + W_max. The fill rate is then min(rate, 2 x measured).
 */
class adaptive_rate {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  static constexpr double beta = 0.7;
  static constexpr double scale_c = 0.4;
  static constexpr double min_fill_rate = 0.5;
  static constexpr double smoothing = 0.8;
  static constexpr double bucket_seconds = 0.5;
  static constexpr double max_rate_scale = 2.0;

  /**
   * Takes `amount` tokens for an attempt at `now`. Returns zero when taken (or when the bucket
   * is still off), else how long to wait before asking again; nothing is taken then.
   */
  std::chrono::nanoseconds acquire(time_point now, double amount = 1.0) {
    start(now);
    if (!enabled_) return std::chrono::nanoseconds(0);
    refill(now);
    if (amount <= tokens_) {
      tokens_ -= amount;
      return std::chrono::nanoseconds(0);
    }
    const double wait = (amount - tokens_) / fill_rate_;
    // Rounded up, so that asking again after the wait finds the tokens.
    return std::chrono::nanoseconds(static_cast<long long>(std::ceil(wait * 1e9)));
  }

  /// A reply (or a failed attempt) arrived at `now`; `throttled` when it was a throttling error.
  void on_response(time_point now, bool throttled) {
    start(now);
    const double measured = record(now);
    const double t = seconds(now);
    double rate;
    if (throttled) {
      const double base = enabled_ ? std::min(measured, fill_rate_) : measured;
      w_max_ = base;
      k_ = std::cbrt(w_max_ * (1.0 - beta) / scale_c);
      last_throttle_ = t;
      rate = base * beta;
      enabled_ = true;
    } else {
      const double dt = t - last_throttle_ - k_;
      rate = scale_c * dt * dt * dt + w_max_;
    }
    set_fill_rate(now, std::min(rate, max_rate_scale * measured));
  }

  bool enabled() const noexcept { return enabled_; }
  /// Tokens per second the bucket fills with.
  double fill_rate() const noexcept { return fill_rate_; }
  /// The smoothed measured send rate (replies per second).
  double measured_rate() const noexcept { return measured_; }
  /// The tokens in the bucket at the last refill.
  double tokens() const noexcept { return tokens_; }

 private:
  static double seconds(time_point t) { return std::chrono::duration<double>(t.time_since_epoch()).count(); }

  // The limiter's clock starts at its first use (botocore: at construction).
  void start(time_point now) {
    if (started_) return;
    started_ = true;
    last_throttle_ = seconds(now);
    last_bucket_ = std::floor(seconds(now));
    last_refill_ = now;
  }

  double record(time_point now) {
    const double bucket = std::floor(seconds(now) / bucket_seconds) * bucket_seconds;
    ++count_;
    if (bucket > last_bucket_) {
      const double current = static_cast<double>(count_) / (bucket - last_bucket_);
      measured_ = current * smoothing + measured_ * (1.0 - smoothing);
      count_ = 0;
      last_bucket_ = bucket;
    }
    return measured_;
  }

  void refill(time_point now) {
    const double dt = std::chrono::duration<double>(now - last_refill_).count();
    if (dt > 0) tokens_ = std::min(capacity_, tokens_ + dt * fill_rate_);
    last_refill_ = std::max(last_refill_, now);
  }

  void set_fill_rate(time_point now, double rate) {
    refill(now);
    fill_rate_ = std::max(rate, min_fill_rate);
    capacity_ = std::max(rate, 1.0);
    tokens_ = std::min(tokens_, capacity_);
  }

  bool started_ = false;
  bool enabled_ = false;
  double fill_rate_ = 1.0;
  double capacity_ = 1.0;
  double tokens_ = 0.0;
  time_point last_refill_{};
  double w_max_ = min_fill_rate;
  double k_ = std::cbrt(min_fill_rate * (1.0 - beta) / scale_c);
  double last_throttle_ = 0.0;
  double measured_ = 0.0;
  double last_bucket_ = 0.0;
  unsigned long count_ = 0;
};

}  // namespace dynasio::detail

#endif
