#include <dynasio/client.hpp>
#include <dynasio/error.hpp>

#include "integration.hpp"
#include "run_coro.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <doctest/doctest.h>

namespace asio = boost::asio;
namespace json = boost::json;
using namespace dynasio;

TEST_CASE("client against dynalite: create, describe, wait, call, delete") {
  test::run_coro([]() -> asio::awaitable<void> {
    client db(co_await asio::this_coro::executor, test::integration_config());
    const std::string name = test::unique_table_name("client-admin");
    table_schema schema{name, {"pk"}, key_attribute{"sk", key_type::N}};
    co_await db.create_table(schema);
    co_await db.wait_until_table_exists(name);
    table_description d = co_await db.describe_table(name);
    CHECK(d.status == "ACTIVE");
    CHECK(d.schema.table_name == name);
    CHECK(d.schema.partition_key == key_attribute{"pk", key_type::S});
    REQUIRE(d.schema.sort_key.has_value());
    CHECK(*d.schema.sort_key == key_attribute{"sk", key_type::N});

    json::object put;
    put["TableName"] = name;
    put["Item"] = json::parse(R"({"pk":{"S":"a"},"sk":{"N":"1"},"v":{"S":"x"}})");
    co_await db.call("PutItem", put);
    json::object get;
    get["TableName"] = name;
    get["Key"] = json::parse(R"({"pk":{"S":"a"},"sk":{"N":"1"}})");
    json::object got = co_await db.call("GetItem", get);
    CHECK(json::serialize(got.at("Item").at("v")) == R"({"S":"x"})");

    // Keep-alive: a second request reuses the pooled connection.
    auto before = db.stats();
    co_await db.call("GetItem", get);
    CHECK(db.stats().connections_opened == before.connections_opened);
    CHECK(db.stats().requests == before.requests + 1);

    co_await db.delete_table(name);
    co_await db.wait_until_table_not_exists(name);
    try {
      co_await db.describe_table(name);
      FAIL("describe_table found a deleted table");
    } catch (const error& e) {
      CHECK(e.code() == service_errc::resource_not_found);
      CHECK(e.diagnostics().type == "ResourceNotFoundException");
      CHECK(e.diagnostics().http_status == 400);
    }
  }());
}

TEST_CASE("client against dynalite: service errors are mapped, not retried") {
  test::run_coro([]() -> asio::awaitable<void> {
    client db(co_await asio::this_coro::executor, test::integration_config());
    json::object bad;
    bad["TableName"] = "x";  // PutItem without Item: a ValidationException
    try {
      co_await db.call("PutItem", bad);
      FAIL("an invalid request succeeded");
    } catch (const error& e) {
      CHECK(e.code() == service_errc::validation_exception);
      CHECK_FALSE(e.diagnostics().message.empty());
    }
    CHECK(db.stats().retries == 0);
    CHECK(db.stats().requests == 1);
  }());
}

TEST_CASE("wait_until_table_exists gives up with waiter_timeout") {
  test::run_coro([]() -> asio::awaitable<void> {
    client db(co_await asio::this_coro::executor, test::integration_config());
    try {
      std::string missing = "no-such-table-ever";
      co_await db.wait_until_table_exists(missing, std::chrono::milliseconds(300));
      FAIL("waited for a table that never exists");
    } catch (const error& e) {
      CHECK(e.code() == errc::waiter_timeout);
    }
  }());
}
