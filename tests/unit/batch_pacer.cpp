// The batch writer's pacing on a virtual clock: batch_fsm driven through resume() against a
// model table (a token bucket of W requests per second with a quarter second of burst, which
// answers the over-capacity part of a call as unprocessed and a call nothing fits in as a
// throttle). Convergence is stated in calls, as in detail/batch_pacer.hpp.

#include <dynasio/detail/batch_fsm.hpp>
#include <dynasio/detail/throttling_reasons.hpp>
#include <dynasio/error.hpp>

#include <boost/json/parse.hpp>
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

using namespace dynasio;
using namespace dynasio::detail;
using namespace std::chrono_literals;

namespace {

const auto t0 = batch_clock::time_point{} + 1h;

double secs(batch_clock::time_point t) { return std::chrono::duration<double>(t - t0).count(); }

batch_entry put(const std::string& key) {
  batch_entry e;
  e.request = write_request{write_request::kind::put, item{{"pk", key}}};
  e.key = key_values{attribute_value(key)};
  e.wire = key;
  return e;
}

struct table_model {
  std::function<double(double)> capacity;
  double tokens = -1;
  double last = 0;

  std::size_t accept(double t, std::size_t n) {
    const double w = capacity(t);
    if (tokens < 0) tokens = w / 4;
    tokens = std::min(w / 4, tokens + (t - last) * w);
    last = t;
    const auto a = std::min<std::size_t>(n, static_cast<std::size_t>(tokens));
    tokens -= static_cast<double>(a);
    return a;
  }
};

struct call_record {
  double at = 0;
  double rate = 0;
  std::size_t sent = 0;
  std::size_t accepted = 0;
};

// A writer fed by an endless producer; every call takes 2 ms, max_in_flight 4.
struct simulation {
  batch_fsm fsm;
  table_model table;
  std::vector<call_record> calls;
  std::size_t accepted = 0;
  std::size_t rejected = 0;
  std::uint64_t next_key = 0;

  explicit simulation(std::function<double(double)> capacity) : fsm(config()), table{std::move(capacity)} {}

  static batch_fsm_config config() {
    batch_fsm_config c;
    c.pace = true;
    c.max_in_flight = 4;
    c.seed = 7;
    return c;
  }

  struct event {
    bool alarm = false;
    std::uint64_t id = 0;
    std::size_t accepted = 0;
  };

  void run(double seconds) {
    std::multimap<batch_clock::time_point, event> events;
    auto now = t0;
    for (int guard = 0; secs(now) < seconds && guard < 10'000'000; ++guard) {
      while (fsm.pending_size() < 50) fsm.add(put("k" + std::to_string(next_key++)));
      for (batch_action a = fsm.resume(now); a.what != batch_action::kind::none; a = fsm.resume(now)) {
        if (a.what == batch_action::kind::alarm) {
          events.emplace(a.at, event{true, 0, 0});
          continue;
        }
        const std::size_t got = table.accept(secs(now) + 0.001, fsm.batch(a.id).size());
        events.emplace(now + 2ms, event{false, a.id, got});
      }
      REQUIRE(!events.empty());
      const auto it = events.begin();
      now = it->first;
      const event e = it->second;
      events.erase(it);
      if (e.alarm) {
        fsm.on_alarm(now);
        continue;
      }
      const std::size_t n = fsm.batch(e.id).size();
      if (e.accepted == 0) {
        fsm.on_call_failed(e.id, service_errc::provisioned_throughput_exceeded, "throttled", now);
      } else {
        std::vector<bool> flags(n, false);
        for (std::size_t i = e.accepted; i < n; ++i) flags[i] = true;
        fsm.on_reply(e.id, flags, now);
      }
      accepted += e.accepted;
      rejected += n - e.accepted;
      calls.push_back({secs(now), fsm.send_rate(), n, e.accepted});
    }
  }

  std::size_t accepted_between(double from, double to) const {
    std::size_t a = 0;
    for (const auto& c : calls)
      if (c.at >= from && c.at < to) a += c.accepted;
    return a;
  }

  // Calls completed from `from` on until the first whose rate satisfies `ok`; -1 if none.
  long calls_until(double from, const std::function<bool(double)>& ok) const {
    long n = 0;
    for (const auto& c : calls) {
      if (c.at < from) continue;
      if (ok(c.rate)) return n;
      ++n;
    }
    return -1;
  }
};

}  // namespace

TEST_CASE("batch pacing: a capacity step down and back up; the rate follows within a stated number of calls") {
  // 2000/s, 1000/s from 10 s, 2000/s again from 20 s.
  simulation sim([](double t) { return t < 10 || t >= 20 ? 2000.0 : 1000.0; });
  sim.run(30);
  // Step down: within 10 calls the rate is at or under the new capacity...
  const long down = sim.calls_until(10, [](double r) { return r <= 1000; });
  CAPTURE(down);
  CHECK(down >= 0);
  CHECK(down <= 10);
  // ...and it stays close under it (goodput over the rest of the step, burst left out).
  CHECK(sim.accepted_between(11, 20) >= 0.95 * 1000 * 9);
  // Step up: within 150 calls the rate is back at 95 % of the new capacity.
  const long up = sim.calls_until(20, [](double r) { return r >= 0.95 * 2000; });
  CAPTURE(up);
  CHECK(up >= 0);
  CHECK(up <= 150);
  MESSAGE("calls to converge: " << down << " after the step down, " << up << " after the step up");
  // Over the first step, after the start: goodput >= 95 % of W.
  CHECK(sim.accepted_between(2, 10) >= 0.95 * 2000 * 8);
  // Wasted sends over the whole run, the unpaced start included: <= 5 %.
  CHECK(static_cast<double>(sim.rejected) <= 0.05 * static_cast<double>(sim.accepted));
  CHECK(sim.fsm.failed_size() == 0);
}

TEST_CASE("batch pacing: at 20 000 requests/s the rate converges as well") {
  simulation sim([](double) { return 20'000.0; });
  sim.run(8);
  CHECK(sim.accepted_between(2, 8) >= 0.95 * 20'000 * 6);
  CHECK(static_cast<double>(sim.rejected) <= 0.05 * static_cast<double>(sim.accepted));
}

TEST_CASE("batch pacing: resume() holds a call back with an alarm while the pace is spent") {
  auto c = simulation::config();
  c.flush_amount = 1;
  c.max_in_flight = 8;
  batch_fsm fsm(c);
  for (int i = 0; i < 4; ++i) fsm.add(put("k" + std::to_string(i)));
  const batch_action first = fsm.resume(t0);
  REQUIRE(first.what == batch_action::kind::send);
  fsm.on_reply(first.id, {true}, t0 + 1ms);  // rejected: the pace starts
  CHECK(fsm.send_rate() > 0);
  CHECK(fsm.rate_cuts() == 1);
  const batch_action next = fsm.resume(t0 + 1ms);
  REQUIRE(next.what == batch_action::kind::send);  // the bucket starts empty, not in debt
  const batch_action held = fsm.resume(t0 + 1ms);
  REQUIRE(held.what == batch_action::kind::alarm);
  // One request at the paced rate: the debt of one request is paid after 1 / rate seconds.
  const double wait = std::chrono::duration<double>(held.at - (t0 + 1ms)).count();
  CHECK(wait == doctest::Approx(1.0 / fsm.send_rate()).epsilon(1e-6));
  fsm.on_alarm(held.at);
  CHECK(fsm.resume(held.at).what == batch_action::kind::send);
}

TEST_CASE("batch pacing: a hot key's throttle backs off its requests but does not slow the writer") {
  auto c = simulation::config();
  c.flush_amount = 1;
  c.base_delay = 100ms;
  batch_fsm fsm(c);
  fsm.add(put("hot"));
  const auto id = fsm.next_batch(t0, true);
  const auto out = fsm.on_call_failed(id, service_errc::provisioned_throughput_exceeded, "hot", t0, true);
  CHECK(out.requeued == 1);
  CHECK(fsm.send_rate() == 0);  // not paced
  CHECK(fsm.rate_cuts() == 0);
  // The same throttle about the table paces the writer and re-sends without a backoff.
  batch_fsm table_fsm(c);
  table_fsm.add(put("a"));
  const auto id2 = table_fsm.next_batch(t0, true);
  table_fsm.on_call_failed(id2, service_errc::provisioned_throughput_exceeded, "table", t0);
  CHECK(table_fsm.rate_cuts() == 1);
  REQUIRE(table_fsm.next_due());
  CHECK(*table_fsm.next_due() == t0);
}

TEST_CASE("batch pacing: a slow table never exhausts a request's attempts; a table taking nothing does") {
  auto c = simulation::config();
  c.flush_amount = 1;
  c.max_in_flight = 2;
  c.max_request_attempts = 2;
  c.retry_budget = 500ms;
  batch_fsm fsm(c);
  fsm.add(put("slow"));
  auto now = t0;
  auto id = fsm.next_batch(now, true);
  // 20 rejections over 2 s while the table keeps writing other requests: no failure.
  for (int i = 0; i < 20; ++i) {
    fsm.add(put("other" + std::to_string(i)));
    const auto other = fsm.next_batch(now, true);
    REQUIRE(other != 0);
    fsm.on_reply(other, {false}, now);
    fsm.on_reply(id, {true}, now);
    CHECK(fsm.failed_size() == 0);
    now += 100ms;
    id = fsm.next_batch(now, true);
    REQUIRE(id != 0);
  }
  // Then nothing is written for longer than the budget: the request fails.
  now += 600ms;
  const auto out = fsm.on_reply(id, {true}, now);
  CHECK(out.failed == 1);
  const auto failed = fsm.take_failed();
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].message.find("gave up after 21 attempts") != std::string::npos);
}

namespace {
// From an error body's text, as parse_error_reply() sees it: false when it is not a JSON object.
bool only_key_range_throttling(std::string_view body) {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(body, ec);
  return !ec && v.is_object() && dynasio::detail::only_key_range_throttling(v.get_object());
}
}  // namespace

TEST_CASE("ThrottlingReasons: only key-range reasons make a hot key; anything else is the table's") {
  CHECK(only_key_range_throttling(
      R"({"__type":"x#ProvisionedThroughputExceededException","ThrottlingReasons":[{"reason":"TableWriteKeyRangeThroughputExceeded","resource":"arn:t"}]})"));
  CHECK(only_key_range_throttling(
      R"({"ThrottlingReasons":[{"reason":"IndexWriteKeyRangeThroughputExceeded"},{"reason":"TableWriteKeyRangeThroughputExceeded"}]})"));
  CHECK_FALSE(only_key_range_throttling(
      R"({"ThrottlingReasons":[{"reason":"TableWriteKeyRangeThroughputExceeded"},{"reason":"TableWriteProvisionedThroughputExceeded"}]})"));
  CHECK_FALSE(only_key_range_throttling(R"({"ThrottlingReasons":[{"reason":"TableWriteAccountLimitExceeded"}]})"));
  CHECK_FALSE(only_key_range_throttling(R"({"__type":"x#ThrottlingException","message":"m"})"));
  CHECK_FALSE(only_key_range_throttling(R"({"ThrottlingReasons":[]})"));
  CHECK_FALSE(only_key_range_throttling("not json"));
}

TEST_CASE("batch pacing: a fixed refused share with a throttle now and then does not ratchet the rate down") {
  // Every call has about 30 % of its requests refused whatever the pace (as bench_fault_proxy
  // does), and every 25th call met a throttle. The refusals are not cuts, so they must probe as
  // accepted calls do: before, only the throttles counted, each cut the rate by beta, and the
  // writer ended at min_rate (1 request/s) after about 500 calls.
  batch_pacer p(25);
  auto now = t0;
  double lowest = 1e9;
  for (int i = 0; i < 4000; ++i) {
    now = std::max(now, p.ready_at(now));
    const auto sent = now;
    p.on_sent(sent, 25);
    now += 10ms;
    const std::size_t rejected = (i % 3 == 0) ? 8 : 7;
    p.on_result(sent, now, 25, rejected, i % 25 == 24);
    if (i >= 100) lowest = std::min(lowest, p.rate());
  }
  MESSAGE("lowest rate after 100 calls: " << lowest << " requests/s");
  CHECK(lowest > 100);
  CHECK(p.rate() > 100);
}
