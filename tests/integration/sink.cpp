// The sink against dynalite: init modes, a randomized change stream checked after every
// commit, rows refused before sending.
#include <dynasio/client.hpp>
#include <dynasio/error.hpp>
#include <dynasio/sink.hpp>
#include <dynasio/table.hpp>

#include "change_stream.hpp"
#include "describe_check.hpp"
#include "integration.hpp"
#include "run_coro.hpp"

#include <boost/asio/io_context.hpp>
#include <doctest/doctest.h>

#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

using namespace dynasio;
namespace asio = boost::asio;
using test::run_coro;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A sink_config built in a statement: GCC 12's -Wmissing-field-initializers flags designated
// initializers that leave fields out, and braced temporaries do not belong in co_await.
sink_config cfg(std::string table, key_attribute pk, std::optional<key_attribute> sk = std::nullopt,
                init_mode mode = init_mode::existing, std::string name = {}) {
  sink_config c;
  c.table_name = std::move(table);
  c.partition_key = std::move(pk);
  c.sort_key = std::move(sk);
  c.init_mode = mode;
  c.name = std::move(name);
  return c;
}

// Every item of the table, following LastEvaluatedKey.
asio::awaitable<std::vector<item>> scan_table(client& db, std::string table) {
  co_return co_await db.table(std::move(table)).scan_all();
}

// Makes `table` exist with `schema`, empty.
asio::awaitable<void> fresh_table(client& db, table_schema schema) {
  sink_config c1 = cfg(schema.table_name, schema.partition_key, schema.sort_key, init_mode::replace);
  sink s = co_await sink::open(db, std::move(c1));
  co_await s.close();
}

// The message of the dynasio::error that opening `c` throws, checking its code.
asio::awaitable<std::string> open_refusal(client& db, sink_config c, std::error_code expected) {
  try {
    sink s = co_await sink::open(db, std::move(c));
  } catch (const error& e) {
    CHECK(e.code() == expected);
    co_return e.what();
  }
  FAIL("open() succeeded");
  co_return "";
}

asio::awaitable<std::size_t> count_items(client& db, std::string table) {
  co_return (co_await scan_table(db, std::move(table))).size();
}

const key_attribute n_key{"n", key_type::N};

asio::awaitable<void> init_modes_on_missing_tables(client& db) {
  const std::string missing = test::unique_table_name("sink_missing");
  sink_config c2 = cfg(missing, {"id"});
  std::string msg = co_await open_refusal(db, std::move(c2), service_errc::resource_not_found);
  CHECK(contains(msg, "table '" + missing + "' does not exist"));
  for (init_mode mode : {init_mode::create_if_not_exists, init_mode::replace}) {
    const std::string name = test::unique_table_name("sink_created");
    sink_config c3 = cfg(name, {"id"}, n_key, mode);
    sink s = co_await sink::open(db, std::move(c3));
    table_description d = co_await db.describe_table(name);
    CHECK(d.status == "ACTIVE");
    CHECK(d.schema.partition_key == key_attribute{"id", key_type::S});
    CHECK(d.schema.sort_key == n_key);
    item row{{"id", "a"}, {"n", 1}};
    co_await s.write(row, +1);
    co_await s.close();
    CHECK(co_await count_items(db, name) == 1);
  }
}

asio::awaitable<void> init_modes_on_matching_tables(client& db) {
  const std::string name = test::unique_table_name("sink_match");
  table_schema schema{name, {"id"}, std::nullopt};
  co_await fresh_table(db, std::move(schema));
  sink_config c4 = cfg(name, {"id"});
  sink seed = co_await sink::open(db, std::move(c4));
  item row{{"id", "a"}, {"v", 1}};
  co_await seed.write(row, +1);
  co_await seed.close();
  for (init_mode mode : {init_mode::existing, init_mode::create_if_not_exists}) {
    sink_config c5 = cfg(name, {"id"}, std::nullopt, mode);
    sink s = co_await sink::open(db, std::move(c5));
    co_await s.close();
    CHECK(co_await count_items(db, name) == 1);  // data kept
  }
  sink_config c6 = cfg(name, {"id"}, std::nullopt, init_mode::replace);
  sink s = co_await sink::open(db, std::move(c6));
  CHECK(co_await count_items(db, name) == 0);  // replace clears prior data
  co_await s.close();
}

asio::awaitable<void> init_modes_on_mismatching_tables(client& db) {
  const std::string name = test::unique_table_name("sink_mismatch");
  table_schema schema{name, {"id"}, n_key};
  co_await fresh_table(db, std::move(schema));
  const std::error_code code = errc::key_schema_mismatch;
  for (init_mode mode : {init_mode::existing, init_mode::create_if_not_exists}) {
    sink_config c7 = cfg(name, {"pk"}, n_key, mode);
    std::string wrong_name = co_await open_refusal(db, std::move(c7), code);
    CHECK(
        contains(wrong_name, "has key schema [HASH id (S), RANGE n (N)] but [HASH pk (S), RANGE n (N)] is configured"));
    sink_config c8 = cfg(name, {"id"}, key_attribute{"n", key_type::S}, mode);
    std::string wrong_type = co_await open_refusal(db, std::move(c8), code);
    CHECK(contains(wrong_type, "[HASH id (S), RANGE n (N)] but [HASH id (S), RANGE n (S)]"));
    sink_config c9 = cfg(name, {"id"}, std::nullopt, mode);
    std::string extra_sort = co_await open_refusal(db, std::move(c9), code);
    CHECK(contains(extra_sort, "[HASH id (S), RANGE n (N)] but [HASH id (S)]"));
  }
  // replace drops whatever is there, so a different key schema is no obstacle.
  sink_config c10 = cfg(name, {"pk", key_type::B}, std::nullopt, init_mode::replace);
  sink s = co_await sink::open(db, std::move(c10));
  co_await s.close();
  table_description d = co_await db.describe_table(name);
  CHECK(d.schema.partition_key == key_attribute{"pk", key_type::B});
  CHECK_FALSE(d.schema.sort_key);
}

// create_if_not_exists and replace create the table with the configured indexes and billing.
asio::awaitable<void> created_with_indexes_and_billing(client& db) {
  const std::string name = test::unique_table_name("sink_schema");
  sink_config c = cfg(name, {"id"}, n_key, init_mode::create_if_not_exists);
  secondary_index by_status;
  by_status.name = "by_status";
  by_status.partition_key = {"status"};
  by_status.sort_key = n_key;
  by_status.projection = projection_type::keys_only;
  c.global_secondary_indexes.push_back(by_status);
  secondary_index by_price;
  by_price.name = "by_price";
  by_price.partition_key = {"id"};
  by_price.sort_key = key_attribute{"price", key_type::N};
  by_price.projection = projection_type::include;
  by_price.non_key_attributes = {"status"};
  c.local_secondary_indexes.push_back(by_price);
  c.billing = provisioned_throughput{3, 4};
  table_schema expected{name, {"id"}, n_key};
  expected.global_secondary_indexes = c.global_secondary_indexes;
  expected.local_secondary_indexes = c.local_secondary_indexes;
  expected.billing = c.billing;
  sink s = co_await sink::open(db, std::move(c));
  test::check_described(co_await db.describe_table(name), expected);
  for (int i = 0; i < 4; ++i) {
    item row{{"id", "a"}, {"n", i}, {"status", i % 2 ? "open" : "shipped"}, {"price", 10 - i}};
    co_await s.write(row, +1);
  }
  co_await s.commit();
  query_options open;
  open.index_name = "by_status";
  open.key_condition = key_name("status") == "open";
  CHECK((co_await db.table(name).query_all(open)).size() == 2);
  co_await s.close();

  // replace recreates it as now configured: another global index, on-demand billing.
  sink_config r = cfg(name, {"id"}, n_key, init_mode::replace);
  secondary_index by_owner;
  by_owner.name = "by_owner";
  by_owner.partition_key = {"owner", key_type::N};
  r.global_secondary_indexes.push_back(by_owner);
  table_schema replaced{name, {"id"}, n_key};
  replaced.global_secondary_indexes = r.global_secondary_indexes;
  sink again = co_await sink::open(db, std::move(r));
  test::check_described(co_await db.describe_table(name), replaced);
  CHECK(co_await count_items(db, name) == 0);
  co_await again.close();
  co_await db.delete_table(name);
}

}  // namespace

TEST_CASE("sink create_if_not_exists and replace create the configured indexes and billing") {
  asio::io_context ioc;
  client db(ioc.get_executor(), test::integration_config());
  run_coro(ioc, created_with_indexes_and_billing(db), std::chrono::minutes(3));
}

TEST_CASE("sink init modes against dynalite") {
  asio::io_context ioc;
  client db(ioc.get_executor(), test::integration_config());
  SUBCASE("missing table") { run_coro(ioc, init_modes_on_missing_tables(db)); }
  SUBCASE("matching table") { run_coro(ioc, init_modes_on_matching_tables(db)); }
  SUBCASE("mismatching table") { run_coro(ioc, init_modes_on_mismatching_tables(db)); }
}

namespace {

std::size_t env_or(const char* name, std::size_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? static_cast<std::size_t>(std::stoul(v)) : fallback;
}

asio::awaitable<void> randomized_stream(client& db) {
  // DYNASIO_SINK_STREAM_EVENTS and _COMMITS scale the run down (the ASan build).
  const std::size_t total = env_or("DYNASIO_SINK_STREAM_EVENTS", 50'000);
  const std::size_t commits = env_or("DYNASIO_SINK_STREAM_COMMITS", 200);
  const std::string name = test::unique_table_name("sink_stream");
  sink_config c11 = cfg(name, {"id"}, n_key, init_mode::replace, "stream-test");
  sink s = co_await sink::open(db, std::move(c11));
  test::change_stream stream(20261121);
  std::size_t events = 0, mismatches = 0;
  for (std::size_t c = 0; c < commits; ++c) {
    for (auto& [row, diff] : stream.step(total / commits, 200, 10)) {
      co_await s.write(row, diff);
      ++events;
    }
    co_await s.commit();
    std::vector<item> table = co_await scan_table(db, name);
    std::map<key, item, test::change_stream::key_less> got;
    for (item& row : table) got.emplace(key{{"id", row.at("id")}, {"n", row.at("n")}}, std::move(row));
    if (got != stream.snapshot()) {
      ++mismatches;
      FAIL_CHECK("after commit " << c << " the table has " << got.size() << " items, the stream "
                                 << stream.snapshot().size());
      if (mismatches > 3) break;
    }
  }
  co_await s.close();
  sink_stats st = s.stats();
  CHECK(st.name == "stream-test");
  CHECK(st.commits == commits + 1);  // close() commits once more
  CHECK(st.rows_upserted + st.rows_deleted + st.rows_coalesced == events);
  CHECK(st.rows_coalesced > 0);
  MESSAGE("events " << events << ", upserted " << st.rows_upserted << ", deleted " << st.rows_deleted << ", coalesced "
                    << st.rows_coalesced << ", final items " << stream.snapshot().size());
}

asio::awaitable<void> bad_rows_are_refused(client& db) {
  const std::string name = test::unique_table_name("sink_bad_rows");
  sink_config c12 = cfg(name, {"id"}, n_key, init_mode::replace);
  sink s = co_await sink::open(db, std::move(c12));
  const std::vector<std::pair<item, std::string>> bad{
      {{{"n", 1}}, "partition key column 'id' is missing"},
      {{{"id", true}, {"n", 1}},
       "'id': One or more parameter values were invalid: key attribute id must be of type S, N or B, not BOOL"},
      {{{"id", nullptr}, {"n", 1}}, "not NULL"},
      {{{"id", "a"}, {"n", item{{"x", 1}}}},
       "sort key column 'n': One or more parameter values were invalid: key attribute n must be of type S, N or B, not "
       "M"},
      {{{"id", "a"}, {"n", list{1}}}, "not L"},
      {{{"id", string_set{"a"}}, {"n", 1}}, "not SS"},
      {{{"id", ""}, {"n", 1}}, "cannot contain an empty string value"},
      {{{"id", std::string(2049, 'x')}, {"n", 1}}, "exceeded the maximum size limit of2048 bytes"},
      {{{"id", "a"}, {"n", "1"}}, "'n' is S but the key is declared N"},
  };
  const item huge{{"id", "big"}, {"n", 1}, {"blob", std::string(400 * 1024, 'x')}};
  try {
    co_await s.write(huge, +1);
    FAIL_CHECK("accepted an item over 400 KB");
  } catch (const error& e) {
    CHECK(e.code() == errc::invalid_argument);
    CHECK_MESSAGE(contains(e.what(), "row id=\"big\", n=1: Item size has exceeded the maximum allowed size"), e.what());
  }
  for (const auto& [row, why] : bad) {
    for (int diff : {+1, -1}) {
      try {
        co_await s.write(row, diff);
        FAIL_CHECK("accepted a row that should fail with: " << why);
      } catch (const error& e) {
        CHECK(e.code() == errc::invalid_argument);
        CHECK_MESSAGE(contains(e.what(), why), e.what());
      }
    }
  }
  const item good{{"id", "a"}, {"n", 1}};
  try {
    co_await s.write(good, 2);
    FAIL_CHECK("accepted diff 2");
  } catch (const error& e) {
    CHECK(e.code() == errc::invalid_argument);
  }
  co_await s.commit();
  CHECK(s.stats().rows_upserted + s.stats().rows_deleted + s.stats().rows_coalesced == 0);  // nothing was sent
  CHECK(co_await count_items(db, name) == 0);
  co_await s.write(good, +1);
  co_await s.close();
  CHECK(co_await count_items(db, name) == 1);
  try {
    co_await s.write(good, +1);
    FAIL_CHECK("write after close");
  } catch (const error& e) {
    CHECK(e.code() == errc::closed);
  }
}

}  // namespace

TEST_CASE("sink mirrors a randomized change stream; the table equals the stream after every commit") {
  asio::io_context ioc;
  client db(ioc.get_executor(), test::integration_config());
  run_coro(ioc, randomized_stream(db), std::chrono::minutes(10));
}

TEST_CASE("sink refuses bad rows before sending anything") {
  asio::io_context ioc;
  client db(ioc.get_executor(), test::integration_config());
  run_coro(ioc, bad_rows_are_refused(db));
}
