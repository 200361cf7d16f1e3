// Adaptive retry mode's client-side rate limiter on a virtual clock: the numbers of
// CREDENTIALS.md §10.1 (botocore, Go and Rust share them), worked out by hand.

#include <dynasio/detail/adaptive_rate.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>

using namespace dynasio::detail;
using namespace std::chrono_literals;

namespace {

using time_point = adaptive_rate::time_point;
const time_point t0 = time_point{} + 100s;

time_point at(double seconds) {
  return t0 + std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(seconds));
}

// Ten successful replies a second for `seconds` seconds from t0 (the last one at t0 + seconds).
void steady_traffic(adaptive_rate& r, int seconds) {
  r.acquire(t0);
  for (int i = 1; i <= 10 * seconds; ++i) r.on_response(at(i / 10.0), false);
}

}  // namespace

TEST_CASE("adaptive_rate: off until the first throttle; every attempt goes at once") {
  adaptive_rate r;
  steady_traffic(r, 1);
  CHECK_FALSE(r.enabled());
  for (int i = 0; i < 1000; ++i) CHECK(r.acquire(at(1.0)) == 0ns);
}

TEST_CASE("adaptive_rate: the measured rate counts replies in 0.5 s buckets, smoothed by 0.8") {
  adaptive_rate r;
  steady_traffic(r, 1);
  // Bucket [100, 100.5): 5 replies -> 10/s -> 0.8 * 10 = 8; then 0.8 * 10 + 0.2 * 8 = 9.6.
  CHECK(r.measured_rate() == doctest::Approx(9.6));
}

TEST_CASE("adaptive_rate: a throttle cuts the rate to 0.7 x measured; acquire waits exactly for the deficit") {
  adaptive_rate r;
  steady_traffic(r, 1);
  r.on_response(at(1.05), true);
  CHECK(r.enabled());
  CHECK(r.fill_rate() == doctest::Approx(9.6 * 0.7));
  // Drain the bucket, then the wait is (1 - tokens) / fill_rate, rounded up to the nanosecond.
  while (r.acquire(at(1.05)) == 0ns) {
  }
  const double deficit = 1.0 - r.tokens();
  const auto wait = r.acquire(at(1.05));
  CHECK(wait == std::chrono::nanoseconds(static_cast<long long>(std::ceil(deficit / r.fill_rate() * 1e9))));
  CHECK(wait > 0ns);
  CHECK(wait <= 149ms);  // at most one whole token: 1 / 6.72 s
  // Halfway the token is not there yet; at the wait, it is.
  CHECK(r.acquire(at(1.05) + wait / 2) > 0ns);
  CHECK(r.acquire(at(1.05) + wait) == 0ns);
}

TEST_CASE("adaptive_rate: after a throttle the rate regrows by the cubic law, capped at twice the measured rate") {
  adaptive_rate r;
  steady_traffic(r, 1);
  const double w_max = r.measured_rate();  // 9.6
  r.on_response(at(1.0), true);
  const double k = std::cbrt(w_max * (1 - 0.7) / 0.4);
  CHECK(k == doctest::Approx(std::cbrt(7.2)));
  // Replies keep coming at ten a second; each success sets min(C (t - K)^3 + W_max, 2 x measured).
  double last = 0;
  for (int i = 1; i <= 60; ++i) {
    const double dt = i / 10.0;
    r.on_response(at(1.0 + dt), false);
    const double cubic = 0.4 * std::pow(dt - k, 3) + w_max;
    CAPTURE(dt);
    CHECK(r.fill_rate() == doctest::Approx(std::max(0.5, std::min(cubic, 2 * r.measured_rate()))).epsilon(1e-6));
    if (i == 1) CHECK(r.fill_rate() < w_max);  // just after the cut: below the old maximum
    last = r.fill_rate();
  }
  // At t = K the curve is back at W_max; six seconds on, the cap (2 x ~10/s) holds it.
  CHECK(last == doctest::Approx(2 * r.measured_rate()));
}

TEST_CASE("adaptive_rate: once on, a throttle starts from min(measured, fill rate); never below 0.5/s") {
  adaptive_rate r;
  steady_traffic(r, 1);
  r.on_response(at(1.0), true);
  const double first = r.fill_rate();  // 6.72
  r.on_response(at(1.01), true);
  CHECK(r.fill_rate() == doctest::Approx(first * 0.7));
  for (int i = 0; i < 50; ++i) r.on_response(at(1.02 + i * 0.001), true);
  CHECK(r.fill_rate() == doctest::Approx(0.5));
  // An empty bucket at the floor: one token takes two seconds.
  while (r.acquire(at(2.0)) == 0ns) {
  }
  CHECK(r.acquire(at(2.0)) <= 2s);
  CHECK(r.acquire(at(2.0)) > 1s);
}
