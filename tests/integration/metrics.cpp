// client_config::on_call and return_consumed_capacity against the real servers: every kind of
// operation reports its consumed units when asked, none when not, and the totals add up.

#include <dynasio/batch_writer.hpp>
#include <dynasio/client.hpp>
#include <dynasio/statement.hpp>
#include <dynasio/table.hpp>
#include <dynasio/transaction.hpp>

#include "integration.hpp"
#include "run_coro.hpp"
#include "shared_tables.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace asio = boost::asio;
using namespace dynasio;

namespace {

struct seen_call {
  std::string operation;
  std::string table;
  unsigned attempts = 0;
  std::error_code error;
  std::optional<double> read;
  std::optional<double> write;
};

using call_log = std::vector<seen_call>;

client_config recording_config(const std::shared_ptr<call_log>& log, return_consumed_capacity mode) {
  client_config cfg = test::integration_config();
  cfg.return_consumed_capacity = mode;
  cfg.on_call = [log](const call_metrics& m) {
    log->push_back({std::string(m.operation), std::string(m.table), m.attempts, m.error, m.consumed_read_units,
                    m.consumed_write_units});
  };
  return cfg;
}

// The one call made since `from`, which must be `operation` on `table` and succeed.
const seen_call& only_call(const call_log& log, std::size_t from, const std::string& operation,
                           const std::string& table) {
  REQUIRE(log.size() == from + 1);
  const seen_call& c = log.back();
  CHECK(c.operation == operation);
  CHECK(c.table == table);
  CHECK(c.attempts >= 1);
  CHECK_FALSE(c.error);
  return c;
}

void check_reads(const seen_call& c) {
  CAPTURE(c.operation);
  REQUIRE(c.read);
  CHECK(*c.read > 0);
  CHECK_FALSE(c.write);
}

void check_writes(const seen_call& c) {
  CAPTURE(c.operation);
  REQUIRE(c.write);
  CHECK(*c.write > 0);
  CHECK_FALSE(c.read);
}

item row(const std::string& pk, int v) {
  item it;
  it["pk"] = pk;
  it["v"] = v;
  return it;
}

key key_of(const std::string& pk) {
  key k;
  k["pk"] = pk;
  return k;
}

asio::awaitable<void> units_when_asked() {
  auto log = std::make_shared<call_log>();
  client db(co_await asio::this_coro::executor, recording_config(log, return_consumed_capacity::total));
  const std::string name = co_await test::shared_table(db, "metrics", false);
  dynasio::table t = db.table(name);
  const client_stats before = db.stats();

  std::size_t n = log->size();
  co_await t.put_item(row("m-1", 1));
  check_writes(only_call(*log, n, "PutItem", name));
  n = log->size();
  co_await t.get_item(key_of("m-1"));
  check_reads(only_call(*log, n, "GetItem", name));
  n = log->size();
  update_options up;
  up.update_expression = "SET v = v + :one";
  up.expression_attribute_values[":one"] = 1;
  co_await t.update_item(key_of("m-1"), up);
  check_writes(only_call(*log, n, "UpdateItem", name));
  n = log->size();
  query_options q;
  q.key_condition = key_name("pk") == "m-1";
  co_await t.query(q);
  check_reads(only_call(*log, n, "Query", name));
  n = log->size();
  scan_options s;
  s.limit = 5;
  co_await t.scan(s);
  check_reads(only_call(*log, n, "Scan", name));
  n = log->size();
  std::vector<key> keys{key_of("m-1")};
  co_await t.batch_get_item(keys);
  check_reads(only_call(*log, n, "BatchGetItem", name));

  // The batch writer: every BatchWriteItem reports its units in batch_metrics and the stats.
  n = log->size();
  std::vector<batch_metrics> flushes;
  batch_options opts;
  opts.key_names = {"pk"};
  opts.on_flush = [&flushes](const batch_metrics& m) { flushes.push_back(m); };
  dynasio::batch_writer writer = t.batch_writer(opts);
  for (int i = 0; i < 30; ++i) {
    item it = row("m-batch-" + std::to_string(i), i);
    co_await writer.put_item(std::move(it));
  }
  co_await writer.close();
  REQUIRE(flushes.size() == 2);
  double batch_units = 0;
  for (const auto& f : flushes) {
    REQUIRE(f.consumed_write_units);
    CHECK(*f.consumed_write_units >= static_cast<double>(f.items));  // at least one unit per small item
    batch_units += *f.consumed_write_units;
  }
  CHECK(writer.stats().consumed_write_units == batch_units);
  REQUIRE(log->size() == n + 2);
  for (std::size_t i = n; i < log->size(); ++i) check_writes((*log)[i]);

  n = log->size();
  co_await t.delete_item(key_of("m-1"));
  check_writes(only_call(*log, n, "DeleteItem", name));

  if (test::server_is_dynalite()) {
    MESSAGE("skipped: dynalite has no transactions and no PartiQL");
  } else {
    n = log->size();
    std::vector<transact_write> actions;
    actions.push_back(transact_write::put(name, row("m-tx", 1)));
    co_await db.transact_write_items(std::move(actions));
    check_writes(only_call(*log, n, "TransactWriteItems", name));
    n = log->size();
    std::vector<transact_get> gets;
    gets.push_back(transact_get{name, key_of("m-tx"), {}});
    co_await db.transact_get_items(std::move(gets));
    check_reads(only_call(*log, n, "TransactGetItems", name));
    n = log->size();
    std::vector<attribute_value> params{attribute_value("m-tx")};
    co_await db.execute_statement("SELECT * FROM \"" + name + "\" WHERE pk = ?", std::move(params));
    const seen_call& select = only_call(*log, n, "ExecuteStatement", "");
    // AWS documents ConsumedCapacity in the ExecuteStatement reply (ReturnConsumedCapacity is
    // a request parameter); DynamoDB Local 3.3.1 sends none.
    MESSAGE("DynamoDB Local: ExecuteStatement with ReturnConsumedCapacity TOTAL reports no ConsumedCapacity");
    CHECK_FALSE(select.read);
    CHECK_FALSE(select.write);
  }

  // The totals are the sums of what the calls reported (this client's every call is logged).
  double reads = 0, writes = 0;
  for (const auto& c : *log) {
    reads += c.read.value_or(0);
    writes += c.write.value_or(0);
  }
  CHECK(before.consumed_read_units == 0);
  CHECK(before.consumed_write_units == 0);
  CHECK(db.stats().consumed_read_units == doctest::Approx(reads));
  CHECK(db.stats().consumed_write_units == doctest::Approx(writes));
  CHECK(writes >= batch_units + 3);  // the put, update and delete besides the batches
}

asio::awaitable<void> nothing_when_not_asked() {
  auto log = std::make_shared<call_log>();
  client db(co_await asio::this_coro::executor, recording_config(log, return_consumed_capacity::none));
  const std::string name = co_await test::shared_table(db, "metrics", false);
  dynasio::table t = db.table(name);
  const std::size_t n = log->size();
  co_await t.put_item(row("m-none", 1));
  co_await t.get_item(key_of("m-none"));
  query_options q;
  q.key_condition = key_name("pk") == "m-none";
  co_await t.query(q);
  dynasio::batch_writer writer = t.batch_writer();
  co_await writer.put_item(row("m-none-2", 2));
  co_await writer.close();
  CHECK(writer.stats().consumed_write_units == 0);
  REQUIRE(log->size() >= n + 4);  // the writer may describe the table first
  for (std::size_t i = n; i < log->size(); ++i) {
    CAPTURE((*log)[i].operation);
    CHECK_FALSE((*log)[i].error);
    CHECK_FALSE((*log)[i].read);
    CHECK_FALSE((*log)[i].write);
  }
  CHECK(db.stats().consumed_read_units == 0);
  CHECK(db.stats().consumed_write_units == 0);
}

// A write to a table with a global index costs a unit on the index too (INDEXES breaks it down).
asio::awaitable<void> index_writes_cost_more() {
  auto log = std::make_shared<call_log>();
  client db(co_await asio::this_coro::executor, recording_config(log, return_consumed_capacity::indexes));
  const std::string name = test::unique_table_name("metrics-gsi");
  table_schema schema{name, {"pk"}, std::nullopt};
  secondary_index by_g;
  by_g.name = "by_g";
  by_g.partition_key = {"g"};
  schema.global_secondary_indexes.push_back(by_g);
  co_await db.create_table(schema);
  co_await db.wait_until_table_exists(name);
  item it = row("gsi-1", 1);
  it["g"] = "x";
  const std::size_t n = log->size();
  co_await db.table(name).put_item(std::move(it));
  const seen_call& put = only_call(*log, n, "PutItem", name);
  REQUIRE(put.write);
  if (test::server_is_dynalite()) {
    // AWS: a put writes the table and every global index the item projects into, each at least one unit.
    MESSAGE(
        "dynalite charges no write units for global secondary indexes (a put to a table with a GSI reports 1, AWS 2)");
    CHECK(*put.write == 1.0);
  } else {
    CHECK(*put.write == 2.0);
  }
  co_await db.delete_table(name);
}

}  // namespace

TEST_CASE("metrics: with return_consumed_capacity every operation reports its units, and the totals add up") {
  test::run_coro(units_when_asked(), std::chrono::minutes(2));
}

TEST_CASE("metrics: without return_consumed_capacity nothing is reported and the totals stay zero") {
  test::run_coro(nothing_when_not_asked(), std::chrono::minutes(2));
}

TEST_CASE("metrics: INDEXES counts the write to a global secondary index") {
  test::run_coro(index_writes_cost_more(), std::chrono::minutes(2));
}
