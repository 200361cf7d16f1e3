// The sink's pure parts: key validation, key schema comparison, per-step reconciliation.
#include <dynasio/binary.hpp>
#include <dynasio/detail/sink_keys.hpp>
#include <dynasio/detail/sink_step.hpp>
#include <dynasio/error.hpp>

#include <doctest/doctest.h>

#include <string>

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
  CHECK(extract_key(item{{"id", binary(std::string("\x01", 1))}}, table_schema{"t", {"id", key_type::B}, {}}, "s").size() == 1);
}

TEST_CASE("sink keys: bad key columns are refused with the column named") {
  CHECK(contains(refusal({{"ts", 1}}), "partition key column 'id' is missing"));
  CHECK(contains(refusal({{"id", "a"}}), "sort key column 'ts' is missing"));
  CHECK(contains(refusal({{"id", true}, {"ts", 1}}), "partition key column 'id': One or more parameter values were invalid: key attribute id must be of type S, N or B, not BOOL"));
  CHECK(contains(refusal({{"id", nullptr}, {"ts", 1}}), "'id': One or more parameter values were invalid: key attribute id must be of type S, N or B, not NULL"));
  CHECK(contains(refusal({{"id", item{{"a", 1}}}, {"ts", 1}}), "not M"));
  CHECK(contains(refusal({{"id", list{1}}, {"ts", 1}}), "not L"));
  CHECK(contains(refusal({{"id", string_set{"a"}}, {"ts", 1}}), "not SS"));
  CHECK(contains(refusal({{"id", number_set{1}}, {"ts", 1}}), "not NS"));
  CHECK(contains(refusal({{"id", "a"}, {"ts", "1"}}), "sort key column 'ts' is S but the key is declared N"));
  CHECK(contains(refusal({{"id", ""}, {"ts", 1}}), "'id': One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value"));
  CHECK(contains(refusal({{"id", binary(std::string())}}, table_schema{"t", {"id", key_type::B}, {}}), "cannot contain an empty binary value"));
  CHECK(contains(refusal({{"id", std::string(2049, 'x')}, {"ts", 1}}), "Size of hashkey has exceeded the maximum size limit of2048 bytes (key attribute id: 2049 bytes)"));
  CHECK_NOTHROW(extract_key({{"id", std::string(2048, 'x')}}, hash_only, "s"));
  table_schema string_sort{"t", {"id"}, key_attribute{"sk"}};
  CHECK(contains(refusal({{"id", "a"}, {"sk", std::string(1025, 'x')}}, string_sort), "sort key column 'sk': One or more parameter values were invalid: Aggregated size of all range keys"));
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
  REQUIRE(out.size() == 2);
  CHECK(out[0] == write_request{put_or_del::put, {{"id", "a"}, {"v", 2}}});
  CHECK(out[1] == write_request{put_or_del::put, {{"id", "b"}, {"v", 2}}});
  CHECK(step.empty());
  CHECK(step.events() == 0);
}

TEST_CASE("sink step: insert then delete leaves the key absent; delete then insert puts") {
  sink_step step;
  add(step, {{"id", "a"}, {"v", 1}}, +1);
  add(step, {{"id", "a"}, {"v", 1}}, -1);
  add(step, {{"id", "b"}, {"v", 1}}, -1);
  add(step, {{"id", "b"}, {"v", 1}}, +1);
  add(step, {{"id", "c"}, {"v", 1}}, -1);
  auto out = step.take();
  REQUIRE(out.size() == 3);
  CHECK(out[0] == write_request{put_or_del::del, {{"id", "a"}}});
  CHECK(out[1] == write_request{put_or_del::put, {{"id", "b"}, {"v", 1}}});
  CHECK(out[2] == write_request{put_or_del::del, {{"id", "c"}}});
}

TEST_CASE("sink step: only the final state per key is kept; numbers compare by value") {
  sink_step step;
  add(step, {{"id", "a"}, {"v", 1}}, +1);
  add(step, {{"id", "a"}, {"v", 1}}, -1);
  add(step, {{"id", "a"}, {"v", 2}}, +1);
  add(step, {{"id", "a"}, {"v", 2}}, -1);
  add(step, {{"id", "a"}, {"v", 3}}, +1);
  // Rows with equal keys overwrite each other; retracting the overwritten one changes nothing.
  add(step, {{"id", "b"}, {"v", 1}}, +1);
  add(step, {{"id", "b"}, {"v", 2}}, +1);
  add(step, {{"id", "b"}, {"v", 1}}, -1);
  auto out = step.take();
  REQUIRE(out.size() == 2);
  CHECK(out[0] == write_request{put_or_del::put, {{"id", "a"}, {"v", 3}}});
  CHECK(out[1] == write_request{put_or_del::put, {{"id", "b"}, {"v", 2}}});

  table_schema numeric{"t", {"n", key_type::N}, {}};
  step.add(extract_key({{"n", 1}}, numeric, "s"), {{"n", 1}}, +1);
  step.add(extract_key({{"n", 1.0}}, numeric, "s"), {{"n", 1.0}}, -1);
  CHECK(step.keys() == 1);
  out = step.take();
  REQUIRE(out.size() == 1);
  CHECK(out[0].op == put_or_del::del);
}

TEST_CASE("sink step: a restored request yields to a newer event for its key") {
  sink_step step;
  add(step, {{"id", "a"}, {"v", 2}}, +1);
  step.restore(key{{"id", "a"}}, write_request{put_or_del::put, {{"id", "a"}, {"v", 1}}});
  step.restore(key{{"id", "b"}}, write_request{put_or_del::del, {{"id", "b"}}});
  auto out = step.take();
  REQUIRE(out.size() == 2);
  CHECK(out[0] == write_request{put_or_del::put, {{"id", "a"}, {"v", 2}}});
  CHECK(out[1] == write_request{put_or_del::del, {{"id", "b"}}});
}

TEST_CASE("sink keys: describe_key shows values briefly") {
  CHECK(detail::describe_key({{"id", "a"}, {"ts", 5}}) == "id=\"a\", ts=5");
  CHECK(detail::describe_key({{"id", std::string(70, 'x')}}) == "id=\"" + std::string(64, 'x') + "...\"");
  CHECK(detail::describe_key({{"b", binary(std::string("abc"))}}) == "b=<3 bytes>");
}
