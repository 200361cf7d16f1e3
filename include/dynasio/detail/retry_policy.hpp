//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_RETRY_POLICY_HPP
#define DYNASIO_DETAIL_RETRY_POLICY_HPP

#include <dynasio/config.hpp>
#include <dynasio/detail/adaptive_rate.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>

namespace dynasio::detail {

/// Exponential backoff bound: `base` doubled per failed attempt after the first, capped at `cap`.
inline std::chrono::milliseconds capped_backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap,
                                                unsigned attempt) {
  long long d = base.count();
  for (unsigned i = 1; i < attempt && d < cap.count(); ++i) d *= 2;
  return std::chrono::milliseconds(std::min<long long>(d, cap.count()));
}

/// The one jitter source of the library: seeded explicitly (tests pass a fixed seed), it draws
/// "full jitter" waits, uniform in [0, bound].
class jitter {
 public:
  explicit jitter(std::uint64_t seed) : rng_(seed) {}
  std::chrono::milliseconds full(std::chrono::milliseconds bound) {
    std::uniform_int_distribution<long long> dist(0, bound.count());
    return std::chrono::milliseconds(dist(rng_));
  }

 private:
  std::mt19937_64 rng_;
};

/// Sans-io "standard" retry mode: backoff with full jitter and the client-wide token bucket.
class retry_policy {
 public:
  explicit retry_policy(const retry_config& cfg, std::uint64_t seed = std::random_device{}())
      : cfg_(cfg), tokens_(cfg.token_bucket_capacity), jitter_(seed) {
    if (cfg.mode == retry_mode::adaptive) rate_.emplace();
  }

  /// The client-side rate limiter of adaptive mode; null in standard mode.
  adaptive_rate* rate() noexcept { return rate_ ? &*rate_ : nullptr; }

  /// Takes the tokens for one retry; nullopt when the bucket cannot pay for it.
  std::optional<unsigned> acquire(bool after_timeout) {
    if (cfg_.token_bucket_capacity == 0) return 0u;
    unsigned cost = after_timeout ? cfg_.timeout_cost : cfg_.retry_cost;
    if (tokens_ < cost) return std::nullopt;
    tokens_ -= cost;
    return cost;
  }

  /// A request succeeded after retries that cost `spent` tokens (0 when it needed none).
  void on_success(unsigned spent) {
    tokens_ = std::min(cfg_.token_bucket_capacity, tokens_ + (spent != 0 ? spent : 1u));
  }

  /// Upper bound of the wait after failed attempt `attempt` (1-based).
  std::chrono::milliseconds max_backoff(unsigned attempt) const {
    return capped_backoff(cfg_.base_delay, cfg_.max_delay, attempt);
  }

  /// A full-jitter wait after failed attempt `attempt`: uniform in [0, max_backoff(attempt)].
  std::chrono::milliseconds backoff(unsigned attempt) { return jitter_.full(max_backoff(attempt)); }

  unsigned tokens() const noexcept { return tokens_; }

 private:
  retry_config cfg_;
  unsigned tokens_;
  detail::jitter jitter_;
  std::optional<adaptive_rate> rate_;
};

}  // namespace dynasio::detail

#endif
