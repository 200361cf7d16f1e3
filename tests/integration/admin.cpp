#include <dynasio/admin.hpp>
#include <dynasio/client.hpp>
#include <dynasio/error.hpp>
#include <dynasio/table.hpp>

#include "describe_check.hpp"
#include "integration.hpp"
#include "run_coro.hpp"

#include <doctest/doctest.h>

#include <algorithm>

namespace asio = boost::asio;
using namespace dynasio;

namespace {

asio::awaitable<void> indexes_billing_protection_ttl() {
  client db(co_await asio::this_coro::executor, test::integration_config());
  const std::string name = test::unique_table_name("admin");
  table_schema schema{name, {"pk"}, key_attribute{"sk", key_type::N}};
  secondary_index by_status;
  by_status.name = "by_status";
  by_status.partition_key = {"status"};
  by_status.sort_key = key_attribute{"sk", key_type::N};
  schema.global_secondary_indexes.push_back(by_status);
  secondary_index by_price;
  by_price.name = "by_price";
  by_price.partition_key = {"pk"};
  by_price.sort_key = key_attribute{"price", key_type::N};
  by_price.projection = projection_type::include;
  by_price.non_key_attributes = {"status"};
  schema.local_secondary_indexes.push_back(by_price);
  schema.billing = provisioned_throughput{5, 5};
  schema.deletion_protection = !test::server_is_dynalite();  // dynalite accepts it, then deletes anyway
  co_await db.create_table(schema);
  co_await db.wait_until_table_exists(name);
  const table_description described = co_await db.describe_table(name);
  test::check_described(described, schema);

  std::vector<std::string> names = co_await list_tables(db);
  CHECK(std::find(names.begin(), names.end(), name) != names.end());

  dynasio::table t = db.table(name);
  for (int i = 0; i < 6; ++i) {
    item row{{"pk", "o"}, {"sk", i}, {"status", i % 2 ? "open" : "shipped"}, {"price", 100 - i}};
    co_await t.put_item(row);
  }
  query_options open;
  open.index_name = "by_status";
  open.key_condition = key_name("status") == "open";
  std::vector<item> got = co_await t.query_all(open);
  CHECK(got.size() == 3);
  query_options cheap;
  cheap.index_name = "by_price";
  cheap.key_condition = key_name("pk") == "o" && key_name("price") < 97;
  std::vector<item> cheapest = co_await t.query_all(cheap);
  REQUIRE(cheapest.size() == 2);
  CHECK(cheapest.front().at("price") == attribute_value(95));  // index order: ascending price

  if (test::server_is_dynalite()) {
    MESSAGE("skipped: dynalite has no UpdateTimeToLive and ignores deletion protection");
  } else {
    co_await update_time_to_live(db, name, "expires", true);
    boost::json::object req;
    req["TableName"] = name;
    boost::json::object ttl = co_await db.call("DescribeTimeToLive", std::move(req));
    CHECK(ttl.at("TimeToLiveDescription").at("AttributeName") == "expires");
    try {
      co_await db.delete_table(name);
      FAIL("a table with deletion protection was deleted");
    } catch (const error& e) {
      MESSAGE("deletion protection: " << e.diagnostics().type << ": " << e.diagnostics().message);
    }
    boost::json::object off;
    off["TableName"] = name;
    off["DeletionProtectionEnabled"] = false;
    co_await db.call("UpdateTable", std::move(off));
    co_await db.wait_until_table_exists(name);
  }
  co_await db.delete_table(name);
}

}  // namespace

TEST_CASE(
    "administration: GSI and LSI queries, describe_table of indexes and billing, list_tables, TTL, deletion "
    "protection") {
  test::run_coro(indexes_billing_protection_ttl(), std::chrono::minutes(3));
}

TEST_CASE("create_table refuses a bad schema before sending") {
  boost::asio::io_context ioc;
  client db(ioc.get_executor(), test::integration_config());
  table_schema lsi_without_sort{"tbl", {"pk"}, std::nullopt};
  secondary_index ix;
  ix.name = "ix";
  ix.partition_key = {"pk"};
  lsi_without_sort.local_secondary_indexes.push_back(ix);
  CHECK_THROWS_WITH_AS(
      test::run_coro(ioc, db.create_table(lsi_without_sort)),
      doctest::Contains("local_secondary_indexes[0]: a local index has the table's partition key and a sort key"),
      error);
  table_schema clash{"tbl", {"pk"}, std::nullopt};
  secondary_index g;
  g.name = "g";
  g.partition_key = {"pk", key_type::N};
  clash.global_secondary_indexes.push_back(g);
  CHECK_THROWS_WITH_AS(test::run_coro(ioc, db.create_table(clash)),
                       doctest::Contains("key attribute 'pk' is given two types"), error);
  table_schema zero{"tbl", {"pk"}, std::nullopt};
  zero.billing = provisioned_throughput{0, 1};
  CHECK_THROWS_WITH_AS(test::run_coro(ioc, db.create_table(zero)), doctest::Contains("must be at least 1"), error);
  CHECK_THROWS_WITH_AS(test::run_coro(ioc, update_time_to_live(db, "tbl", "", true)),
                       doctest::Contains("attribute is empty"), error);
  CHECK(db.stats().requests == 0);
}
