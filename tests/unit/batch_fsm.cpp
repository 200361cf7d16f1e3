#include <dynasio/detail/batch_fsm.hpp>
#include <dynasio/error.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace dynasio;
using namespace dynasio::detail;
using namespace std::chrono_literals;

namespace {

// A put of {pk: key, v: version}; its wire text is "key/version" so batches print readably.
batch_entry put(const std::string& key, int version = 0, std::size_t wire_size = 0) {
  batch_entry e;
  e.request = write_request{write_request::kind::put, item{{"pk", key}, {"v", version}}};
  e.key = key_values{attribute_value(key)};
  e.wire = key + "/" + std::to_string(version);
  if (wire_size > e.wire.size()) e.wire.resize(wire_size, ' ');
  return e;
}

batch_entry del(const std::string& key) {
  batch_entry e;
  e.request = write_request{write_request::kind::del, item{{"pk", key}}};
  e.key = key_values{attribute_value(key)};
  e.wire = key + "/del";
  return e;
}

// "a/0 b/0 c/1": the wire texts of a call, in order.
std::string show(const batch_fsm& fsm, std::uint64_t id) {
  std::string s;
  if (id == 0) return "(none)";
  for (const auto& e : fsm.batch(id)) s += (s.empty() ? "" : " ") + e.wire.substr(0, e.wire.find(' '));
  return s;
}

batch_fsm_config cfg(std::size_t flush_amount, bool overwrite = false) {
  batch_fsm_config c;
  c.flush_amount = flush_amount;
  c.overwrite = overwrite;
  c.base_delay = 100ms;
  c.max_delay = 1000ms;
  c.seed = 42;
  return c;
}

const auto t0 = batch_clock::time_point{} + 1h;

}  // namespace

TEST_CASE("batch_fsm: a call forms when flush_amount requests are buffered, FIFO") {
  batch_fsm fsm(cfg(3));
  fsm.add(put("a"));
  fsm.add(put("b"));
  CHECK(show(fsm, fsm.next_batch(t0, false)) == "(none)");
  fsm.add(put("c"));
  fsm.add(put("d"));
  auto id = fsm.next_batch(t0, false);
  CHECK(show(fsm, id) == "a/0 b/0 c/0");
  CHECK(show(fsm, fsm.next_batch(t0, false)) == "(none)");
  CHECK(show(fsm, fsm.next_batch(t0, true)) == "d/0");
  CHECK(fsm.calls_in_flight() == 2);
  CHECK(fsm.on_reply(id, {}, t0).written == 3);
}

TEST_CASE("batch_fsm: overwrite_by_pkeys keeps only the newest buffered request per key") {
  batch_fsm fsm(cfg(25, true));
  CHECK_FALSE(fsm.add(put("a", 1)));
  CHECK_FALSE(fsm.add(put("b", 1)));
  CHECK(fsm.add(put("a", 2)));
  CHECK(fsm.add(del("b")));
  CHECK(fsm.pending_size() == 2);
  CHECK(show(fsm, fsm.next_batch(t0, true)) == "a/2 b/del");
}

TEST_CASE("batch_fsm: without overwrite, a repeated key goes in a later call, in order") {
  batch_fsm fsm(cfg(3));
  fsm.add(put("a", 1));
  fsm.add(put("a", 2));
  fsm.add(put("b", 1));
  fsm.add(put("a", 3));
  auto first = fsm.next_batch(t0, false);
  CHECK(show(fsm, first) == "a/1 b/1");
  // a/2 cannot leave while a/1 is in flight.
  CHECK(show(fsm, fsm.next_batch(t0, true)) == "(none)");
  fsm.on_reply(first, {false, false}, t0);
  auto second = fsm.next_batch(t0, true);
  CHECK(show(fsm, second) == "a/2");
  fsm.on_reply(second, {false}, t0);
  CHECK(show(fsm, fsm.next_batch(t0, true)) == "a/3");
}

TEST_CASE("batch_fsm: an unprocessed request waits its backoff and is re-sent before newer requests for its key") {
  batch_fsm fsm(cfg(2, true));
  fsm.add(put("a", 1));
  fsm.add(put("b", 1));
  auto id = fsm.next_batch(t0, false);
  fsm.add(put("a", 2));  // newer than the one in flight
  auto out = fsm.on_reply(id, {true, false}, t0);
  CHECK(out.written == 1);
  CHECK(out.requeued == 1);
  auto due = fsm.next_due();
  REQUIRE(due);
  CHECK(*due >= t0);
  CHECK(*due <= t0 + fsm.max_backoff(1));
  // Until a/1 is settled, a/2 stays buffered: the re-send can never overwrite it.
  CHECK(show(fsm, fsm.next_batch(t0 - 1ms, true)) == "(none)");
  auto resend = fsm.next_batch(*due, false);
  CHECK(show(fsm, resend) == "a/1");
  fsm.on_reply(resend, {false}, *due);
  CHECK(show(fsm, fsm.next_batch(*due, true)) == "a/2");
}

TEST_CASE("batch_fsm: backoff doubles up to max_delay, never below min_delay") {
  auto c = cfg(1);
  c.min_delay = 30ms;
  c.max_request_attempts = 100;
  c.retry_budget = 1h;
  batch_fsm fsm(c);
  CHECK(fsm.max_backoff(1) == 100ms);
  CHECK(fsm.max_backoff(2) == 200ms);
  CHECK(fsm.max_backoff(4) == 800ms);
  CHECK(fsm.max_backoff(9) == 1000ms);
  fsm.add(put("a"));
  auto now = t0;
  for (unsigned attempt = 1; attempt <= 8; ++attempt) {
    auto id = fsm.next_batch(now, true);
    REQUIRE(id != 0);
    fsm.on_reply(id, {true}, now);
    auto wait = *fsm.next_due() - now;
    CHECK(wait >= 30ms);
    CHECK(wait <= std::max<batch_clock::duration>(30ms, fsm.max_backoff(attempt)));
    now = *fsm.next_due();
  }
}

TEST_CASE("batch_fsm: past max_request_attempts a request fails with its last error") {
  auto c = cfg(2);
  c.max_request_attempts = 2;
  batch_fsm fsm(c);
  fsm.add(put("a"));
  fsm.add(put("b"));
  auto now = t0;
  auto id = fsm.next_batch(now, false);
  fsm.on_reply(id, {true, false}, now);  // a: attempt 1 unprocessed
  now = *fsm.next_due();
  id = fsm.next_batch(now, false);
  fsm.on_call_failed(id, service_errc::throttling, "Rate exceeded", now);  // attempt 2
  now = *fsm.next_due();
  id = fsm.next_batch(now, false);
  auto out = fsm.on_reply(id, {true}, now);  // attempt 3 > 2 re-sends
  CHECK(out.failed == 1);
  CHECK(fsm.idle());
  auto failed = fsm.take_failed();
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].request == put("a").request);
  CHECK(failed[0].code == errc::batch_incomplete);
  CHECK(failed[0].message.find("gave up after 3 attempts") != std::string::npos);
}

TEST_CASE("batch_fsm: past retry_budget a request fails") {
  auto c = cfg(1);
  c.retry_budget = 500ms;
  batch_fsm fsm(c);
  fsm.add(put("a"));
  auto id = fsm.next_batch(t0, true);
  fsm.on_call_failed(id, service_errc::internal_server_error, "boom", t0 + 100ms);
  CHECK(fsm.failed_size() == 0);
  id = fsm.next_batch(*fsm.next_due(), true);
  fsm.on_call_failed(id, service_errc::internal_server_error, "boom", t0 + 600ms);
  auto failed = fsm.take_failed();
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].code == service_errc::internal_server_error);
}

TEST_CASE("batch_fsm: a ValidationException splits the call until the offender stands alone") {
  batch_fsm fsm(cfg(4));
  for (auto k : {"a", "b", "poison", "d"}) fsm.add(put(k));
  auto id = fsm.next_batch(t0, false);
  CHECK(fsm.on_call_failed(id, service_errc::validation_exception, "bad", t0).split);
  auto left = fsm.next_batch(t0, false);
  auto right = fsm.next_batch(t0, false);
  CHECK(show(fsm, left) == "a/0 b/0");
  CHECK(show(fsm, right) == "poison/0 d/0");
  CHECK(fsm.on_reply(left, {}, t0).written == 2);
  fsm.on_call_failed(right, service_errc::validation_exception, "bad", t0);
  auto p = fsm.next_batch(t0, false);
  auto d = fsm.next_batch(t0, false);
  CHECK(show(fsm, p) == "poison/0");
  CHECK(show(fsm, d) == "d/0");
  fsm.on_reply(d, {}, t0);
  auto out = fsm.on_call_failed(p, service_errc::validation_exception, "Type mismatch for key", t0);
  CHECK(out.failed == 1);
  CHECK(fsm.idle());
  auto failed = fsm.take_failed();
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].request == put("poison").request);
  CHECK(failed[0].message == "Type mismatch for key");
}

TEST_CASE("batch_fsm: a non-retryable error fails the whole call, and the keys are free again") {
  batch_fsm fsm(cfg(2));
  fsm.add(put("a", 1));
  fsm.add(put("b", 1));
  fsm.add(put("a", 2));
  auto id = fsm.next_batch(t0, false);
  auto out = fsm.on_call_failed(id, service_errc::resource_not_found, "Requested resource not found", t0);
  CHECK(out.failed == 2);
  CHECK(show(fsm, fsm.next_batch(t0, true)) == "a/2");
  auto failed = fsm.take_failed();
  REQUIRE(failed.size() == 2);
  CHECK(failed[0].request == put("a", 1).request);
  CHECK(failed[1].request == put("b", 1).request);
}

TEST_CASE("batch_fsm: a call never exceeds max_batch_bytes") {
  auto c = cfg(25);
  c.max_batch_bytes = 1000;
  batch_fsm fsm(c);
  for (int i = 0; i < 5; ++i) fsm.add(put("k" + std::to_string(i), 0, 300));
  CHECK(show(fsm, fsm.next_batch(t0, true)) == "k0/0 k1/0 k2/0");
  CHECK(show(fsm, fsm.next_batch(t0, true)) == "k3/0 k4/0");
}

TEST_CASE("batch_fsm: remaining() lists buffered, waiting and in-flight requests in order") {
  batch_fsm fsm(cfg(1));
  fsm.add(put("a"));
  fsm.add(put("b"));
  fsm.add(put("c"));
  auto a = fsm.next_batch(t0, false);
  auto b = fsm.next_batch(t0, false);
  fsm.on_reply(b, {true}, t0);
  auto rest = fsm.remaining();
  REQUIRE(rest.size() == 3);
  CHECK(rest[0] == put("a").request);
  CHECK(rest[1] == put("b").request);
  CHECK(rest[2] == put("c").request);
  fsm.on_reply(a, {}, t0);
  CHECK(fsm.remaining().size() == 2);
}

TEST_CASE("batch_fsm: keys compare by value, numbers numerically") {
  batch_fsm fsm(cfg(25, true));
  batch_entry one;
  one.key = key_values{attribute_value(1)};
  one.wire = "one";
  batch_entry one_point_zero;
  one_point_zero.key = key_values{attribute_value(number("1.0"))};
  one_point_zero.wire = "1.0";
  fsm.add(std::move(one));
  CHECK(fsm.add(std::move(one_point_zero)));
  CHECK(fsm.pending_size() == 1);
}

TEST_CASE("batch_fsm: a dropped connection is retried whatever its code; cancellation is not") {
  auto c = cfg(1);
  batch_fsm fsm(c);
  fsm.add(put("a"));
  auto id = fsm.next_batch(t0, true);
  // Beast's "end of stream" is not in is_retryable(), but re-sending a batch is always safe.
  CHECK(fsm.on_call_failed(id, std::error_code(1, std::generic_category()), "end of stream", t0).requeued == 1);
  id = fsm.next_batch(*fsm.next_due(), true);
  CHECK(fsm.on_call_failed(id, std::make_error_code(std::errc::operation_canceled), "cancelled", t0).failed == 1);
}

// --- When the writer acts: resume() and its actions ------------------------------------------

namespace {

// "send(a/0 b/0)", "alarm(+150ms)" or "none", relative to t0.
std::string act(batch_fsm& fsm, batch_clock::time_point now) {
  const batch_action a = fsm.resume(now);
  switch (a.what) {
    case batch_action::kind::none: return "none";
    case batch_action::kind::send: return "send(" + show(fsm, a.id) + ")";
    case batch_action::kind::alarm:
      return "alarm(+" + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(a.at - t0).count()) +
             "ms)";
  }
  return "?";
}

// Every action resume() gives until none, joined.
std::string drain_actions(batch_fsm& fsm, batch_clock::time_point now) {
  std::string s;
  for (std::string a = act(fsm, now);; a = act(fsm, now)) {
    s += (s.empty() ? "" : " ") + a;
    if (a == "none") return s;
  }
}

}  // namespace

TEST_CASE("batch_fsm resume: at most max_in_flight calls; a completed call frees a slot") {
  auto c = cfg(1);
  c.max_in_flight = 2;
  batch_fsm fsm(c);
  for (const char* k : {"a", "b", "c", "d"}) fsm.add(put(k));
  CHECK(drain_actions(fsm, t0) == "send(a/0) send(b/0) none");
  CHECK(fsm.calls_in_flight() == 2);
  auto first = fsm.in_flight(1) ? 1u : 0u;
  REQUIRE(first == 1);
  fsm.on_reply(1, {}, t0);
  CHECK(drain_actions(fsm, t0) == "send(c/0) none");
  fsm.on_reply(2, {}, t0);
  fsm.on_reply(3, {}, t0);
  CHECK(drain_actions(fsm, t0) == "send(d/0) none");
}

TEST_CASE("batch_fsm resume: a partial call goes out only while a drain runs") {
  batch_fsm fsm(cfg(3));
  fsm.add(put("a"));
  fsm.add(put("b"));
  CHECK(drain_actions(fsm, t0) == "none");
  CHECK_FALSE(fsm.draining());
  fsm.begin_drain();
  fsm.begin_drain();  // flush() and close() at once
  CHECK(drain_actions(fsm, t0) == "send(a/0 b/0) none");
  fsm.end_drain();
  CHECK(fsm.draining());
  fsm.end_drain();
  fsm.add(put("c"));
  CHECK(drain_actions(fsm, t0) == "none");
}

TEST_CASE("batch_fsm resume: backpressure holds producers while a full call is buffered") {
  auto c = cfg(2);
  c.max_in_flight = 1;
  batch_fsm fsm(c);
  fsm.add(put("a"));
  CHECK_FALSE(fsm.must_wait());
  fsm.add(put("b"));
  CHECK(drain_actions(fsm, t0) == "send(a/0 b/0) none");
  CHECK_FALSE(fsm.must_wait());
  fsm.add(put("c"));
  fsm.add(put("d"));
  CHECK(drain_actions(fsm, t0) == "none");  // the only slot is busy
  CHECK(fsm.must_wait());
  fsm.on_reply(1, {}, t0);
  CHECK(drain_actions(fsm, t0) == "send(c/0 d/0) none");
  CHECK_FALSE(fsm.must_wait());
}

TEST_CASE("batch_fsm resume: one alarm per due re-send, none while every slot is busy") {
  auto c = cfg(1);
  c.max_in_flight = 1;
  c.min_delay = 200ms;  // jitter of the first retry is at most base_delay (100 ms): the pause is 200 ms
  batch_fsm fsm(c);
  fsm.add(put("a"));
  CHECK(drain_actions(fsm, t0) == "send(a/0) none");
  fsm.on_reply(1, {true}, t0);  // returned unprocessed: a re-send waits
  CHECK(drain_actions(fsm, t0) == "alarm(+200ms) none");
  CHECK(drain_actions(fsm, t0) == "none");  // the same alarm is not set twice
  fsm.add(put("b"));
  CHECK(drain_actions(fsm, t0) == "send(b/0) none");
  CHECK(drain_actions(fsm, t0) == "none");  // the slot is busy: no alarm either
  fsm.on_alarm(t0 + 200ms);
  fsm.on_reply(2, {}, t0 + 10ms);
  CHECK(drain_actions(fsm, t0 + 200ms) == "send(a/0) none");
}

TEST_CASE("batch_fsm resume: an abandoned writer sends nothing and sets no alarm") {
  batch_fsm fsm(cfg(1));
  fsm.add(put("a"));
  fsm.abandon();
  CHECK(fsm.abandoned());
  CHECK(drain_actions(fsm, t0) == "none");
  CHECK(fsm.remaining().size() == 1);
}

TEST_CASE("batch_fsm: close() is a state the writer checks before taking a write") {
  batch_fsm fsm(cfg(1));
  CHECK_FALSE(fsm.closed());
  fsm.close();
  CHECK(fsm.closed());
}

TEST_CASE("batch_fsm: written requests' key and wire storage comes back through blank_entry(); re-sent ones stay") {
  batch_fsm fsm(cfg(3));
  CHECK(fsm.blank_entry().key.empty());  // nothing written yet: a new slot
  fsm.add(put("a", 0, 300));
  fsm.add(put("b", 0, 300));
  fsm.add(put("huge", 0, 5000));  // over max_spare_wire: its text is not kept
  CHECK(fsm.slot_count() == 3);
  const auto id = fsm.next_batch(t0, false);
  REQUIRE(show(fsm, id) == "a/0 b/0 huge/0");
  // b comes back unprocessed: it is re-sent, so its slot is still its own.
  const batch_outcome out = fsm.on_reply(id, {false, true, false}, t0);
  CHECK(out.written == 2);
  CHECK(out.requeued == 1);
  // The slot freed last comes first: huge's, without its 5000 bytes.
  batch_entry& first = fsm.blank_entry();
  CHECK(first.wire.empty());
  CHECK(first.wire.capacity() < 300);
  CHECK(first.key.size() == 1);  // the key's values stay, to be assigned over
  CHECK(first.request.item.empty());
  CHECK(&fsm.blank_entry() == &first);  // the same slot until it is added
  fsm.add(put("c", 0, 10));
  // Then a's, with its text's memory.
  batch_entry& second = fsm.blank_entry();
  CHECK(&second != &first);
  CHECK(second.wire.empty());
  CHECK(second.wire.capacity() >= 300);
  CHECK(second.key.size() == 1);
  CHECK(fsm.slot_count() == 3);  // no slot was made for c
  // The re-sent request is intact, and goes before c.
  const auto again = fsm.next_batch(t0 + 10s, true);
  CHECK(show(fsm, again) == "b/0 c/0");
  CHECK(fsm.batch(again).front().wire.size() == 300);
}

TEST_CASE(
    "batch_fsm: add_blank() buffers the slot blank_entry() filled in place; an overwrite frees the slot it replaces") {
  batch_fsm fsm(cfg(3, true));
  batch_entry& first = fsm.blank_entry();
  first.key = key_values{attribute_value(std::string("k"))};
  first.wire = "k/1";
  CHECK_FALSE(fsm.add_blank());
  CHECK(fsm.pending_size() == 1);
  batch_entry& second = fsm.blank_entry();
  CHECK(&second != &first);  // the first slot is taken now
  second.key = key_values{attribute_value(std::string("k"))};
  second.wire = "k/2";
  CHECK(fsm.add_blank());  // k/1 replaced
  CHECK(fsm.pending_size() == 1);
  CHECK(&fsm.blank_entry() == &first);  // and its slot free again
  CHECK(fsm.slot_count() == 2);
  const auto id = fsm.next_batch(t0, true);
  CHECK(show(fsm, id) == "k/2");
  CHECK(fsm.on_reply(id, {false}, t0).written == 1);
  CHECK(fsm.idle());
}

TEST_CASE("batch_fsm: past max_kept_storage free slots, a freed slot keeps no key or wire memory") {
  batch_fsm fsm(cfg(25));
  const std::size_t held = batch_fsm::max_kept_storage + 44;
  for (std::size_t i = 0; i < held; ++i) fsm.add(put("k" + std::to_string(i), 0, 100));
  std::vector<std::uint64_t> calls;
  for (auto id = fsm.next_batch(t0, true); id != 0; id = fsm.next_batch(t0, true)) calls.push_back(id);
  for (auto id : calls) CHECK(fsm.on_reply(id, std::vector<bool>(fsm.batch(id).size(), false), t0).written > 0);
  CHECK(fsm.idle());
  CHECK(fsm.slot_count() == held);
  // The 44 freed last kept nothing; the slot freed last comes first.
  CHECK(fsm.blank_entry().key.empty());
  CHECK(fsm.blank_entry().wire.capacity() < 100);
  for (std::size_t i = 0; i < 44; ++i) fsm.add(put("n" + std::to_string(i)));
  // Below them, the slots freed while fewer were free kept their key and text memory.
  CHECK(fsm.blank_entry().key.size() == 1);
  CHECK(fsm.blank_entry().wire.capacity() >= 100);
  CHECK(fsm.slot_count() == held);
}
