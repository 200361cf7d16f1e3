#include <dynasio/detail/credentials_cache.hpp>
#include <dynasio/error.hpp>

#include "run_coro.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <doctest/doctest.h>

#include <memory>
#include <vector>

using namespace dynasio;
using namespace dynasio::detail;
using namespace std::chrono;
namespace asio = boost::asio;
using tp = system_clock::time_point;

namespace {

const tp t0 = tp(seconds(1'900'000'000));

credentials keys(const std::string& id, std::optional<tp> exp) {
  credentials c;
  c.access_key_id = id;
  c.secret_access_key = "s-" + id;
  c.expiration = exp;
  return c;
}

credentials_refresh_config no_jitter() {
  credentials_refresh_config c;
  c.jitter = 0;
  return c;
}

}  // namespace

TEST_CASE("refresh fsm: windows scale with the lifetime at fetch") {
  struct row {
    minutes lifetime, advisory, mandatory;
  };
  for (row r : {row{minutes(15), minutes(5), minutes(1)}, row{minutes(60), minutes(15), minutes(1)},
                row{minutes(360), minutes(60), minutes(1)}, row{minutes(20), minutes(5), minutes(1)},
                row{minutes(89), minutes(15), minutes(1)}, row{minutes(90), minutes(60), minutes(1)}}) {
    credentials_refresh_fsm f(no_jitter());
    CHECK(f.next(t0) == refresh_action::refresh_and_wait);
    f.on_refresh_success(t0, keys("A", t0 + r.lifetime));
    CHECK(f.advisory_at() == t0 + r.lifetime - r.advisory);
    CHECK(f.mandatory_at() == t0 + r.lifetime - r.mandatory);
  }
  // Configured windows win; very short lifetimes are capped so fresh keys are used a while.
  credentials_refresh_config cfg = no_jitter();
  cfg.advisory_window = seconds(600);
  cfg.mandatory_window = seconds(120);
  credentials_refresh_fsm f(cfg);
  f.next(t0);
  f.on_refresh_success(t0, keys("A", t0 + hours(1)));
  CHECK(f.advisory_at() == t0 + minutes(50));
  CHECK(f.mandatory_at() == t0 + minutes(58));
  credentials_refresh_fsm s(no_jitter());
  s.next(t0);
  s.on_refresh_success(t0, keys("A", t0 + seconds(60)));
  CHECK(s.advisory_at() == t0 + seconds(15));
  CHECK(s.mandatory_at() == t0 + seconds(30));
}

TEST_CASE("refresh fsm: jitter widens the windows by at most 10 %") {
  credentials_refresh_config cfg;
  cfg.jitter = 0.5;  // clamped to 0.1
  for (std::uint64_t seed = 1; seed < 50; ++seed) {
    credentials_refresh_fsm f(cfg, seed);
    f.next(t0);
    f.on_refresh_success(t0, keys("A", t0 + hours(1)));
    const auto advisory = t0 + hours(1) - f.advisory_at();
    CHECK(advisory >= minutes(15));
    CHECK(advisory <= seconds(990));
  }
}

TEST_CASE("refresh fsm: use, advisory (one background refresh), mandatory (everybody waits)") {
  credentials_refresh_fsm f(no_jitter());
  CHECK(f.next(t0) == refresh_action::refresh_and_wait);
  CHECK(f.next(t0) == refresh_action::wait);
  f.on_refresh_success(t0, keys("A", t0 + hours(1)));
  CHECK(f.next(t0 + minutes(44)) == refresh_action::use);
  CHECK(f.next(t0 + minutes(46)) == refresh_action::use_and_refresh);
  CHECK(f.next(t0 + minutes(46)) == refresh_action::use);
  CHECK(f.next(t0 + minutes(59) + seconds(1)) == refresh_action::wait);
  f.on_refresh_success(t0 + minutes(59) + seconds(2), keys("B", t0 + hours(2)));
  CHECK(f.current()->access_key_id == "B");
  CHECK(f.next(t0 + minutes(60)) == refresh_action::use);
  // Keys without expiration never refresh.
  credentials_refresh_fsm s(no_jitter());
  s.next(t0);
  s.on_refresh_success(t0, keys("S", std::nullopt));
  CHECK(s.next(t0 + hours(24 * 365)) == refresh_action::use);
}

TEST_CASE("refresh fsm: a failed refresh keeps valid keys and pauses; no keys -> error held briefly") {
  credentials_refresh_fsm f(no_jitter());
  f.next(t0);
  f.on_refresh_success(t0, keys("A", t0 + hours(1)));
  CHECK(f.next(t0 + minutes(46)) == refresh_action::use_and_refresh);
  f.on_refresh_failure(t0 + minutes(46), make_error_code(errc::timeout), "down");
  CHECK(f.usable(t0 + minutes(46)));
  // Pause 5..10 min, but never past the mandatory window.
  CHECK(f.retry_after() >= t0 + minutes(51));
  CHECK(f.retry_after() <= t0 + minutes(56));
  CHECK(f.next(t0 + minutes(50)) == refresh_action::use);
  CHECK(f.next(f.retry_after()) == refresh_action::use_and_refresh);
  f.on_refresh_failure(f.retry_after(), make_error_code(errc::timeout), "down");
  CHECK(f.next(t0 + minutes(59) + seconds(10)) == refresh_action::refresh_and_wait);
  f.on_refresh_failure(t0 + minutes(59) + seconds(10), make_error_code(errc::timeout), "down");
  // In the mandatory window a failure retries within half the remaining time.
  CHECK(f.retry_after() <= t0 + minutes(59) + seconds(35));
  CHECK(f.next(t0 + minutes(59) + seconds(11)) == refresh_action::use);
  // Expired: every caller waits for a refresh; a failure is reported for error_hold, then retried.
  CHECK(f.next(t0 + hours(1)) == refresh_action::refresh_and_wait);
  f.on_refresh_failure(t0 + hours(1), make_error_code(errc::timeout), "still down");
  CHECK(f.next(t0 + hours(1) + seconds(1)) == refresh_action::fail);
  CHECK(f.last_message() == "still down");
  CHECK(f.next(t0 + hours(1) + seconds(2)) == refresh_action::refresh_and_wait);
}

TEST_CASE("refresh fsm: a failing provider after expiry is asked at most once per error_hold") {
  credentials_refresh_fsm f(no_jitter());
  unsigned refreshes = 0;
  for (auto t = t0; t < t0 + seconds(60); t += milliseconds(100)) {
    auto a = f.next(t);
    if (a == refresh_action::refresh_and_wait) {
      ++refreshes;
      f.on_refresh_failure(t, make_error_code(errc::timeout), "down");
    }
  }
  CHECK(refreshes == 30);
}

TEST_CASE("refresh fsm: expired keys from the provider are a failure; invalidate forces a refresh") {
  credentials_refresh_fsm f(no_jitter());
  f.next(t0);
  f.on_refresh_success(t0, keys("OLD", t0 - seconds(1)));
  CHECK(!f.usable(t0));
  CHECK(f.last_error() == errc::protocol_error);
  CHECK(f.next(t0) == refresh_action::fail);
  f = credentials_refresh_fsm(no_jitter());
  f.next(t0);
  f.on_refresh_success(t0, keys("A", t0 + hours(1)));
  f.invalidate("OTHER");
  CHECK(f.next(t0) == refresh_action::use);
  f.invalidate("A");
  CHECK(f.next(t0) == refresh_action::refresh_and_wait);
  f.on_refresh_success(t0, keys("B", t0 + hours(1)));
  CHECK(f.next(t0) == refresh_action::use);
}

namespace {

// A provider that counts calls and, while `gated`, waits until release() before answering.
struct gated_source {
  explicit gated_source(asio::any_io_executor ex) : gate(ex, asio::steady_timer::time_point::max()) {}
  asio::steady_timer gate;
  bool gated = true;
  bool fail = false;
  unsigned calls = 0;
  credentials next;
  void release() { gate.cancel(); }
};

asio::awaitable<credentials> gated_fetch(std::shared_ptr<gated_source> s) {
  ++s->calls;
  if (s->gated) {
    boost::system::error_code ec;
    co_await s->gate.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (s->fail) throw error(errc::protocol_error, "provider down");
  co_return s->next;
}

struct harness {
  asio::io_context ioc;
  std::shared_ptr<tp> now = std::make_shared<tp>(t0);
  std::shared_ptr<gated_source> src = std::make_shared<gated_source>(ioc.get_executor());
  std::shared_ptr<credentials_cache> cache;
  std::vector<credentials_result> results;

  harness() {
    credentials_provider p("gated", [s = src] { return gated_fetch(s); });
    cache = std::make_shared<credentials_cache>(
        ioc.get_executor(), p, no_jitter(), [n = now] { return *n; }, [](log_level, std::string_view) {});
  }

  void spawn_gets(unsigned n) {
    for (unsigned i = 0; i < n; ++i)
      asio::co_spawn(ioc, cache->get(), [this](std::exception_ptr e, credentials_result r) {
        REQUIRE(!e);
        results.push_back(std::move(r));
      });
  }

  // Runs until nothing is ready (waiters parked, the provider gated).
  void settle() {
    ioc.restart();
    ioc.poll();
  }
};

}  // namespace

TEST_CASE("credentials_cache: 100 concurrent get() on a cold cache make one provider call") {
  harness h;
  h.src->next = keys("A", t0 + hours(1));
  h.spawn_gets(100);
  h.settle();
  CHECK(h.results.empty());
  CHECK(h.src->calls == 1);
  h.src->release();
  h.settle();
  REQUIRE(h.results.size() == 100);
  for (const auto& r : h.results) {
    CHECK(!r.ec);
    CHECK(r.creds == h.results.front().creds);
  }
  CHECK(h.results.front().creds->access_key_id == "A");
  CHECK(h.cache->provider_calls() == 1);
}

TEST_CASE("credentials_cache: in the advisory window callers keep signing while one refresh runs") {
  harness h;
  h.src->gated = false;
  h.src->next = keys("A", t0 + hours(1));
  h.spawn_gets(1);
  h.settle();
  REQUIRE(h.results.size() == 1);
  h.src->gated = true;
  h.src->next = keys("B", t0 + hours(2));
  *h.now = t0 + minutes(50);
  h.results.clear();
  h.spawn_gets(100);
  h.settle();
  REQUIRE(h.results.size() == 100);
  for (const auto& r : h.results) CHECK(r.creds->access_key_id == "A");
  CHECK(h.src->calls == 2);
  CHECK(h.cache->try_get()->access_key_id == "A");
  h.src->release();
  h.settle();
  CHECK(h.cache->try_get()->access_key_id == "B");
  CHECK(h.src->calls == 2);
}

TEST_CASE("credentials_cache: in the mandatory window everybody waits for the one refresh") {
  harness h;
  h.src->gated = false;
  h.src->next = keys("A", t0 + hours(1));
  h.spawn_gets(1);
  h.settle();
  h.src->gated = true;
  h.src->next = keys("B", t0 + hours(2));
  *h.now = t0 + minutes(59) + seconds(30);
  h.results.clear();
  CHECK(!h.cache->try_get());
  h.spawn_gets(100);
  h.settle();
  CHECK(h.results.empty());
  h.src->release();
  h.settle();
  REQUIRE(h.results.size() == 100);
  for (const auto& r : h.results) CHECK(r.creds->access_key_id == "B");
  CHECK(h.src->calls == 2);
}

TEST_CASE("credentials_cache: a cancelled waiter leaves; the refresh goes on and serves the others") {
  harness h;
  h.src->next = keys("A", t0 + hours(1));
  asio::cancellation_signal sig;
  std::optional<credentials_result> cancelled;
  asio::co_spawn(h.ioc, h.cache->get(),
                 asio::bind_cancellation_slot(sig.slot(), [&](std::exception_ptr e, credentials_result r) {
                   REQUIRE(!e);
                   cancelled = std::move(r);
                 }));
  h.spawn_gets(10);
  h.settle();
  sig.emit(asio::cancellation_type::terminal);
  h.settle();
  REQUIRE(cancelled);
  CHECK(cancelled->ec == boost::system::error_code(asio::error::operation_aborted));
  CHECK(!cancelled->creds);
  CHECK(h.results.empty());
  h.src->release();
  h.settle();
  REQUIRE(h.results.size() == 10);
  for (const auto& r : h.results) CHECK(r.creds->access_key_id == "A");
  CHECK(h.src->calls == 1);
}

TEST_CASE("credentials_cache: a failed refresh with valid keys keeps them; without keys the error is a value") {
  harness h;
  h.src->gated = false;
  h.src->fail = true;
  h.spawn_gets(3);
  h.settle();
  REQUIRE(h.results.size() == 3);
  for (const auto& r : h.results) {
    CHECK(r.ec == errc::protocol_error);
    CHECK(r.message == "provider down");
  }
  CHECK(h.src->calls == 1);
  *h.now = t0 + seconds(5);
  h.src->fail = false;
  h.src->next = keys("A", t0 + hours(1));
  h.results.clear();
  h.spawn_gets(1);
  h.settle();
  REQUIRE(h.results.size() == 1);
  CHECK(h.results[0].creds->access_key_id == "A");
  // Mandatory window, provider down: callers wait for the refresh, then sign with the old keys.
  h.src->fail = true;
  *h.now = t0 + minutes(59) + seconds(30);
  h.results.clear();
  h.spawn_gets(5);
  h.settle();
  REQUIRE(h.results.size() == 5);
  for (const auto& r : h.results) CHECK(r.creds->access_key_id == "A");
  CHECK(h.src->calls == 3);
  // ExpiredTokenException: invalidate, and the next get() fetches new keys.
  h.src->fail = false;
  h.src->next = keys("B", t0 + hours(2));
  h.cache->invalidate("A");
  CHECK(!h.cache->try_get());
  h.results.clear();
  h.spawn_gets(1);
  h.settle();
  REQUIRE(h.results.size() == 1);
  CHECK(h.results[0].creds->access_key_id == "B");
}
