#include <dynasio/client.hpp>
#include <dynasio/error.hpp>
#include <dynasio/table.hpp>

#include "integration.hpp"
#include "run_coro.hpp"

#include <doctest/doctest.h>

#include <algorithm>

namespace asio = boost::asio;
using namespace dynasio;

namespace {

asio::awaitable<dynasio::table> fresh_table(client& db, const std::string& prefix, bool with_sort_key) {
  std::string name = test::unique_table_name(prefix);
  table_schema schema{name, {"pk"}, std::nullopt};
  if (with_sort_key) schema.sort_key = key_attribute{"sk", key_type::N};
  co_await db.create_table(schema);
  co_await db.wait_until_table_exists(name);
  co_return db.table(name);
}

asio::awaitable<void> item_operations() {
  client db(co_await asio::this_coro::executor, test::integration_config());
  dynasio::table t = co_await fresh_table(db, "table-items", false);
  item order{{"pk", "123"}, {"name", "John Doe"}, {"status", "open"}, {"qty", 3}};
  co_await t.put_item(order);
  key k{{"pk", "123"}};
  std::optional<item> got = co_await t.get_item(k);
  REQUIRE(got.has_value());
  CHECK(*got == order);
  key missing{{"pk", "nope"}};
  CHECK_FALSE((co_await t.get_item(missing)).has_value());

  // Conditions use generated placeholders, so the reserved words "name" and "status" are safe.
  put_options only_new{.condition = attribute_not_exists(attr("pk"))};
  try {
    co_await t.put_item(order, only_new);
    FAIL("a conditional put over an existing item succeeded");
  } catch (const error& e) {
    CHECK(e.code() == service_errc::conditional_check_failed);
  }
  update_options upd{.update_expression = "SET #q = #q + :one",
                     .condition = attr("status") == "open",
                     .expression_attribute_names = {{"#q", "qty"}},
                     .expression_attribute_values = {{":one", 1}},
                     .return_values = return_values::all_new};
  std::optional<item> updated = co_await t.update_item(k, upd);
  REQUIRE(updated.has_value());
  CHECK(updated->at("qty") == attribute_value(4));

  delete_options del{.condition = attr("qty") > 10};
  try {
    co_await t.delete_item(k, del);
    FAIL("a conditional delete whose condition is false succeeded");
  } catch (const error& e) {
    CHECK(e.code() == service_errc::conditional_check_failed);
  }
  delete_options all_old{.return_values = return_values::all_old};
  std::optional<item> old = co_await t.delete_item(k, all_old);
  REQUIRE(old.has_value());
  CHECK(old->at("name") == attribute_value("John Doe"));
  CHECK_FALSE((co_await t.get_item(k)).has_value());

  // Bad input is refused before anything is sent.
  auto sent = db.stats().requests;
  try {
    key empty_string{{"pk", ""}};
    co_await t.get_item(empty_string);
    FAIL("an empty key string was accepted");
  } catch (const error& e) {
    CHECK(e.code() == errc::invalid_argument);
  }
  CHECK(db.stats().requests == sent);
  co_await db.delete_table(t.name());
}

asio::awaitable<void> queries_and_pages() {
  client db(co_await asio::this_coro::executor, test::integration_config());
  dynasio::table t = co_await fresh_table(db, "table-query", true);
  for (int i = 0; i < 30; ++i) {
    item it{{"pk", i % 2 ? "odd" : "even"}, {"sk", i}, {"n", i}, {"v", std::string(100, 'x')}};
    co_await t.put_item(it);
  }
  query_options q{.key_condition = key_name("pk") == "even" && key_name("sk").between(4, 20), .limit = 3};
  page first = co_await t.query(q);
  CHECK(first.items.size() == 3);
  CHECK(first.last_evaluated_key.has_value());
  std::vector<item> all = co_await t.query_all(q);
  REQUIRE(all.size() == 9);  // 4, 6, ..., 20 across pages of 3
  CHECK(all.front().at("sk") == attribute_value(4));
  CHECK(all.back().at("sk") == attribute_value(20));

  query_options desc{.key_condition = key_name("pk") == "odd", .filter = attr("n") > 20, .scan_index_forward = false};
  std::vector<item> odd = co_await t.query_all(desc);
  REQUIRE(odd.size() == 5);  // 29, 27, 25, 23, 21
  CHECK(odd.front().at("sk") == attribute_value(29));

  scan_options pages_of_7{.limit = 7};
  std::vector<item> scanned = co_await t.scan_all(pages_of_7);
  CHECK(scanned.size() == 30);

  std::vector<key> keys;
  for (int i = 0; i < 30; i += 3) keys.push_back(key{{"pk", i % 2 ? "odd" : "even"}, {"sk", i}});
  keys.push_back(key{{"pk", "none"}, {"sk", 0}});  // absent: not returned
  std::vector<item> batch = co_await t.batch_get_item(keys);
  CHECK(batch.size() == 10);
  co_await db.delete_table(t.name());
}

}  // namespace

TEST_CASE("table against dynalite: put, get, update, delete with conditions") { test::run_coro(item_operations()); }

TEST_CASE("table against dynalite: query and scan across pages, batch_get_item") {
  test::run_coro(queries_and_pages());
}
