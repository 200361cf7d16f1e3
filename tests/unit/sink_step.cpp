// The sink's pure parts: key validation, key schema comparison, per-step reconciliation by
// net multiplicity.
#include <dynasio/binary.hpp>
#include <dynasio/detail/sink_keys.hpp>
#include <dynasio/detail/sink_step.hpp>
#include <dynasio/error.hpp>

#include "change_stream.hpp"
#include "sink_step_model.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace dynasio;
using detail::extract_key;
using detail::sink_step;
using put_or_del = write_request::kind;

namespace {

const table_schema hash_only{"t", {"id"}, std::nullopt};
const table_schema hash_range{"t", {"id"}, key_attribute{"ts", key_type::N}};

// The message of the errc::invalid_argument that extract_key throws for `row`.
std::string refusal(const item& row, const table_schema& keys = hash_range) {
  try {
    extract_key(row, keys, "sink 'orders'");
  } catch (const error& e) {
    CHECK(e.code() == errc::invalid_argument);
    return e.what();
  }
  FAIL("the row was accepted");
  return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void add(sink_step& step, const item& row, int diff) { step.add(extract_key(row, hash_only, "s"), row, diff); }

}  // namespace

TEST_CASE("sink keys: extract_key returns exactly the key columns") {
  item row{{"id", "a"}, {"ts", 5}, {"qty", 3}};
  CHECK(extract_key(row, hash_range, "s") == key{{"id", "a"}, {"ts", 5}});
  CHECK(extract_key(row, hash_only, "s") == key{{"id", "a"}});
  CHECK(extract_key(item{{"id", binary(std::string("\x01", 1))}}, table_schema{"t", {"id", key_type::B}, {}}, "s")
            .size() == 1);
}

TEST_CASE("sink keys: bad key columns are refused with the column named") {
  CHECK(contains(refusal({{"ts", 1}}), "partition key column 'id' is missing"));
  CHECK(contains(refusal({{"id", "a"}}), "sort key column 'ts' is missing"));
  CHECK(contains(refusal({{"id", true}, {"ts", 1}}),
                 "partition key column 'id': One or more parameter values were invalid: key attribute id must be of "
                 "type S, N or B, not BOOL"));
  CHECK(contains(
      refusal({{"id", nullptr}, {"ts", 1}}),
      "'id': One or more parameter values were invalid: key attribute id must be of type S, N or B, not NULL"));
  CHECK(contains(refusal({{"id", item{{"a", 1}}}, {"ts", 1}}), "not M"));
  CHECK(contains(refusal({{"id", list{1}}, {"ts", 1}}), "not L"));
  CHECK(contains(refusal({{"id", string_set{"a"}}, {"ts", 1}}), "not SS"));
  CHECK(contains(refusal({{"id", number_set{1}}, {"ts", 1}}), "not NS"));
  CHECK(contains(refusal({{"id", "a"}, {"ts", "1"}}), "sort key column 'ts' is S but the key is declared N"));
  CHECK(contains(refusal({{"id", ""}, {"ts", 1}}),
                 "'id': One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
                 "contain an empty string value"));
  CHECK(contains(refusal({{"id", binary(std::string())}}, table_schema{"t", {"id", key_type::B}, {}}),
                 "cannot contain an empty binary value"));
  CHECK(contains(refusal({{"id", std::string(2049, 'x')}, {"ts", 1}}),
                 "Size of hashkey has exceeded the maximum size limit of2048 bytes (key attribute id: 2049 bytes)"));
  CHECK_NOTHROW(extract_key({{"id", std::string(2048, 'x')}}, hash_only, "s"));
  table_schema string_sort{"t", {"id"}, key_attribute{"sk"}};
  CHECK(contains(refusal({{"id", "a"}, {"sk", std::string(1025, 'x')}}, string_sort),
                 "sort key column 'sk': One or more parameter values were invalid: Aggregated size of all range keys"));
  CHECK(contains(refusal({{"ts", 1}}), "sink 'orders'"));
}

TEST_CASE("sink keys: key schema comparison names both schemas") {
  CHECK_FALSE(detail::key_schema_mismatch(hash_range, hash_range));
  auto wrong_name = detail::key_schema_mismatch(hash_only, table_schema{"t", {"pk"}, {}});
  REQUIRE(wrong_name);
  CHECK(*wrong_name == "table 't' has key schema [HASH pk (S)] but [HASH id (S)] is configured");
  CHECK(detail::key_schema_mismatch(hash_only, table_schema{"t", {"id", key_type::N}, {}}));
  auto extra_sort = detail::key_schema_mismatch(hash_only, hash_range);
  REQUIRE(extra_sort);
  CHECK(contains(*extra_sort, "[HASH id (S), RANGE ts (N)] but [HASH id (S)]"));
  CHECK(detail::key_schema_mismatch(hash_range, hash_only));
}

TEST_CASE("sink step: an update becomes one put, in either order") {
  sink_step step;
  add(step, {{"id", "a"}, {"v", 1}}, -1);
  add(step, {{"id", "a"}, {"v", 2}}, +1);
  add(step, {{"id", "b"}, {"v", 2}}, +1);
  add(step, {{"id", "b"}, {"v", 1}}, -1);
  CHECK(step.events() == 4);
  CHECK(step.keys() == 2);
  auto out = step.take();
  REQUIRE(out.requests.size() == 2);
  CHECK(out.requests[0] == write_request{put_or_del::put, {{"id", "a"}, {"v", 2}}});
  CHECK(out.requests[1] == write_request{put_or_del::put, {{"id", "b"}, {"v", 2}}});
  CHECK(out.conflicts.empty());
  CHECK(step.empty());
  CHECK(step.events() == 0);
}

TEST_CASE("sink step: a row inserted and deleted in one step sends nothing, in either order") {
  sink_step step;
  add(step, {{"id", "a"}, {"v", 1}}, +1);
  add(step, {{"id", "a"}, {"v", 1}}, -1);
  add(step, {{"id", "b"}, {"v", 1}}, -1);
  add(step, {{"id", "b"}, {"v", 1}}, +1);
  add(step, {{"id", "c"}, {"v", 1}}, -1);
  CHECK(step.keys() == 3);
  auto out = step.take();
  REQUIRE(out.requests.size() == 1);
  CHECK(out.requests[0] == write_request{put_or_del::del, {{"id", "c"}}});
}

TEST_CASE("sink step: the net multiplicity of each row decides") {
  sink_step step;
  add(step, {{"id", "a"}, {"v", 1}}, +1);
  add(step, {{"id", "a"}, {"v", 1}}, -1);
  add(step, {{"id", "a"}, {"v", 2}}, +1);
  add(step, {{"id", "a"}, {"v", 2}}, -1);
  add(step, {{"id", "a"}, {"v", 3}}, +1);
  // An update chain of b: 1 -> 2 -> 3, retractions arriving first.
  add(step, {{"id", "b"}, {"v", 2}}, -1);
  add(step, {{"id", "b"}, {"v", 1}}, -1);
  add(step, {{"id", "b"}, {"v", 3}}, +1);
  add(step, {{"id", "b"}, {"v", 2}}, +1);
  // c nets -1: deleted, though a +1 came last.
  add(step, {{"id", "c"}, {"v", 1}}, -1);
  add(step, {{"id", "c"}, {"v", 1}}, +1);
  add(step, {{"id", "c"}, {"v", 1}}, -1);
  auto out = step.take();
  REQUIRE(out.requests.size() == 3);
  CHECK(out.requests[0] == write_request{put_or_del::put, {{"id", "a"}, {"v", 3}}});
  CHECK(out.requests[1] == write_request{put_or_del::put, {{"id", "b"}, {"v", 3}}});
  CHECK(out.requests[2] == write_request{put_or_del::del, {{"id", "c"}}});
  CHECK(out.conflicts.empty());

  // Rows and keys compare by value: 1 and 1.0 are one row, which nets to 0.
  table_schema numeric{"t", {"n", key_type::N}, {}};
  step.add(extract_key({{"n", 1}}, numeric, "s"), {{"n", 1}}, +1);
  step.add(extract_key({{"n", 1.0}}, numeric, "s"), {{"n", 1.0}}, -1);
  CHECK(step.keys() == 1);
  CHECK(step.take().requests.empty());
}

TEST_CASE("sink step: two rows inserted for one key: the last one wins and the key is reported") {
  for (bool b_last : {true, false}) {
    sink_step step;
    const item a{{"id", "k"}, {"v", "a"}}, b{{"id", "k"}, {"v", "b"}};
    add(step, b_last ? a : b, +1);
    add(step, b_last ? b : a, +1);
    add(step, {{"id", "k"}, {"v", "old"}}, -1);
    add(step, {{"id", "ok"}, {"v", 1}}, +1);
    auto out = step.take();
    REQUIRE(out.requests.size() == 2);
    CHECK(out.requests[0] == write_request{put_or_del::put, b_last ? b : a});
    REQUIRE(out.conflicts.size() == 1);
    CHECK(out.conflicts[0] == key{{"id", "k"}});
  }
  // A retraction of the later row leaves the earlier one alone: no conflict.
  sink_step step;
  add(step, {{"id", "k"}, {"v", 1}}, +1);
  add(step, {{"id", "k"}, {"v", 2}}, +1);
  add(step, {{"id", "k"}, {"v", 2}}, -1);
  auto out = step.take();
  REQUIRE(out.requests.size() == 1);
  CHECK(out.requests[0] == write_request{put_or_del::put, {{"id", "k"}, {"v", 1}}});
  CHECK(out.conflicts.empty());
  CHECK(detail::describe_conflicts({key{{"id", "k"}}}) ==
        "1 key got two or more different rows inserted in one step (a broken change stream; the row inserted last "
        "was put): id=\"k\"");
  std::vector<key> many;
  for (int i = 0; i < 7; ++i) many.push_back(key{{"id", std::to_string(i)}});
  CHECK(contains(detail::describe_conflicts(many), "7 keys got"));
  CHECK(contains(detail::describe_conflicts(many), "id=\"4\"; ..."));
}

TEST_CASE("sink step: a restored request is sent unless the step's own events call for a request") {
  sink_step step;
  add(step, {{"id", "a"}, {"v", 2}}, +1);
  add(step, {{"id", "c"}, {"v", 2}}, +1);
  add(step, {{"id", "c"}, {"v", 2}}, -1);
  step.restore(key{{"id", "a"}}, write_request{put_or_del::put, {{"id", "a"}, {"v", 1}}});
  step.restore(key{{"id", "b"}}, write_request{put_or_del::del, {{"id", "b"}}});
  step.restore(key{{"id", "c"}}, write_request{put_or_del::put, {{"id", "c"}, {"v", 1}}});
  CHECK(step.events() == 6);
  auto out = step.take();
  REQUIRE(out.requests.size() == 3);
  CHECK(out.requests[0] == write_request{put_or_del::put, {{"id", "a"}, {"v", 2}}});
  // c's events net to nothing: the table must still get the restored put.
  CHECK(out.requests[1] == write_request{put_or_del::put, {{"id", "c"}, {"v", 1}}});
  CHECK(out.requests[2] == write_request{put_or_del::del, {{"id", "b"}}});
}

TEST_CASE("sink step: the requests of a step do not depend on the order of its events") {
  // Arbitrary steps over few keys and rows (conflicts included) against the model, for every
  // permutation of small steps and many shuffles of larger ones.
  std::mt19937 rng(20261201);
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  std::size_t permutations = 0, conflicted = 0;
  // 100 steps of 1-5 events and 5 of 6, in every order; 40 of 7-46 events, 25 shuffles each.
  for (int round = 0; round < 145; ++round) {
    const bool small = round < 105;
    const int size = round < 100 ? 1 + pick(5) : round < 105 ? 6 : 7 + pick(40);
    test::step_events events;
    for (int n = size; n > 0; --n)
      events.emplace_back(item{{"id", "k" + std::to_string(pick(3))}, {"v", pick(3)}}, pick(2) ? +1 : -1);
    const test::step_outcome first = test::run_step(events, hash_only);
    CHECK(first.duplicates == 0);
    if (!first.conflicts.empty()) ++conflicted;
    auto same_apart_from_conflicts = [&](const test::step_outcome& got) {
      if (got.conflicts != first.conflicts || got.requests.size() != first.requests.size()) return false;
      for (const auto& [k, request] : got.requests) {
        auto it = first.requests.find(k);
        if (it == first.requests.end() || it->second.op != request.op) return false;
        if (!first.conflicts.count(k) && it->second != request) return false;
      }
      return true;
    };
    auto check = [&] {
      ++permutations;
      const test::step_outcome got = test::run_step(events, hash_only);
      REQUIRE(got == test::model_step(events, hash_only));
      REQUIRE(same_apart_from_conflicts(got));
    };
    if (small) {
      std::vector<std::size_t> order(events.size());
      std::iota(order.begin(), order.end(), 0);
      const test::step_events original = events;
      do {
        for (std::size_t i = 0; i < order.size(); ++i) events[i] = original[order[i]];
        check();
      } while (std::next_permutation(order.begin(), order.end()));
    } else {
      for (int shuffle = 0; shuffle < 25; ++shuffle) {
        std::shuffle(events.begin(), events.end(), rng);
        check();
      }
    }
  }
  MESSAGE(permutations << " orders of 145 steps, " << conflicted << " steps with a conflict");
  CHECK(conflicted > 0);
}

TEST_CASE("sink step: a consistent change stream mirrors exactly, whatever the order within steps") {
  // Steps of a consistent stream (updates, deletes, re-inserts, hot keys), shuffled: the
  // table the requests produce equals the stream's snapshot after every step, with no conflict.
  const table_schema keys{"t", {"id"}, key_attribute{"n", key_type::N}};
  test::change_stream stream(7);
  std::mt19937 rng(11);
  std::map<std::string, item> table;
  for (int s = 0; s < 200; ++s) {
    test::step_events events = stream.step(1 + s % 40, 12, 3);
    std::shuffle(events.begin(), events.end(), rng);
    const test::step_outcome got = test::run_step(events, keys);
    REQUIRE(got.conflicts.empty());
    REQUIRE(got == test::model_step(events, keys));
    for (const auto& [k, request] : got.requests) {
      if (request.op == put_or_del::put) table[k] = request.item;
      else table.erase(k);
    }
    std::map<std::string, item> expected;
    for (const auto& [k, row] : stream.snapshot()) expected.emplace(detail::describe_key(k), row);
    REQUIRE(table == expected);
  }
}

TEST_CASE("sink step: one step reused across steps of very different sizes keeps every key apart") {
  // The step's key index grows for a large step and is cleared (or replaced by a smaller one)
  // by take(): each step still matches the model, keys() counts its distinct keys, and the
  // requests come in the order their keys were first touched.
  const table_schema keys{"t", {"id"}, key_attribute{"n", key_type::N}};
  test::change_stream stream(29);
  sink_step step;
  for (const std::size_t size : {1u, 3'000u, 2u, 40'000u, 0u, 7u, 5'000u, 70u}) {
    const test::step_events events = stream.step(size, 60'000, 2);
    std::vector<std::string> first_touched;
    std::set<std::string> seen;
    for (const auto& [row, diff] : events) {
      std::string k = detail::describe_key(extract_key(row, keys, "t"));
      if (seen.insert(k).second) first_touched.push_back(std::move(k));
    }
    for (const auto& [row, diff] : events) step.add(extract_key(row, keys, "t"), row, diff);
    CHECK(step.keys() == seen.size());
    CHECK(step.events() == events.size());
    sink_step::taken taken = step.take();
    CHECK(step.empty());
    std::vector<std::string> order;
    test::step_outcome got;
    for (write_request& r : taken.requests) {
      std::string k = detail::describe_key(extract_key(r.item, keys, "t"));
      order.push_back(k);
      got.requests.emplace(std::move(k), std::move(r));
    }
    for (const key& k : taken.conflicts) got.conflicts.insert(detail::describe_key(k));
    CHECK(got.requests.size() == order.size());  // no key twice
    REQUIRE(got == test::model_step(events, keys));
    // The requests are a subsequence of the keys in first-touch order.
    auto at = first_touched.begin();
    for (const std::string& k : order) {
      at = std::find(at, first_touched.end(), k);
      REQUIRE(at != first_touched.end());
    }
  }
  // Many small steps of keys never seen before: what take() left of a step's keys must not
  // fill the index for the next ones.
  for (int s = 0; s < 100; ++s) {
    for (int i = 0; i < 20; ++i) add(step, item{{"id", "fresh-" + std::to_string(s) + "-" + std::to_string(i)}}, +1);
    REQUIRE(step.keys() == 20);
    REQUIRE(step.take().requests.size() == 20);
  }
}

TEST_CASE("sink keys: describe_key shows values briefly") {
  CHECK(detail::describe_key({{"id", "a"}, {"ts", 5}}) == "id=\"a\", ts=5");
  CHECK(detail::describe_key({{"id", std::string(70, 'x')}}) == "id=\"" + std::string(64, 'x') + "...\"");
  CHECK(detail::describe_key({{"b", binary(std::string("abc"))}}) == "b=<3 bytes>");
}
