#include <dynasio/client.hpp>
#include <dynasio/error.hpp>
#include <dynasio/table.hpp>
#include <dynasio/update_expression.hpp>

#include "integration.hpp"
#include "run_coro.hpp"
#include "shared_tables.hpp"

#include <doctest/doctest.h>

namespace asio = boost::asio;
using namespace dynasio;

namespace {

asio::awaitable<void> every_action() {
  client db(co_await asio::this_coro::executor, test::integration_config());
  dynasio::table t = db.table(co_await test::shared_table(db, "update", false));
  item start{{"pk", "u1"},
             {"qty", 3},
             {"status", "open"},
             {"log", list{"created"}},
             {"address", item{{"city", "Lyon"}, {"zip", "69001"}}},
             {"lines", list{"a", "b", "c"}},
             {"tags", string_set{"x", "y"}},
             {"old_tags", string_set{"p", "q"}},
             {"tmp", true}};
  co_await t.put_item(start);
  update_options o;
  o.update = update_expression()
                 .set(attr("qty"), attr("qty") + 2)
                 .set(attr("seen"), if_not_exists(attr("seen"), 0))
                 .set(attr("log"), list_append(attr("log"), list{"updated"}))
                 .set(attr("address").field("city"), "Paris")
                 .set(attr("lines")[1], "B")
                 .remove(attr("tmp"))
                 .remove(attr("address").field("zip"))
                 .add(attr("visits"), 1)
                 .add(attr("tags"), string_set{"z"})
                 .remove_from_set(attr("old_tags"), string_set{"p"});
  // The condition's placeholders come after the update's: "status" and "qty" are shared.
  o.condition = attr("status") == "open" && attr("qty") < 10;
  o.return_values = return_values::all_new;
  key k{{"pk", "u1"}};
  std::optional<item> after = co_await t.update_item(k, o);
  REQUIRE(after);
  CHECK(after->at("qty") == attribute_value(5));
  CHECK(after->at("seen") == attribute_value(0));
  CHECK(after->at("log") == attribute_value(list{"created", "updated"}));
  CHECK(after->at("address") == attribute_value(item{{"city", "Paris"}}));
  CHECK(after->at("lines") == attribute_value(list{"a", "B", "c"}));
  CHECK(!after->contains("tmp"));
  CHECK(after->at("visits") == attribute_value(1));
  CHECK(after->at("tags") == attribute_value(string_set{"x", "y", "z"}));
  CHECK(after->at("old_tags") == attribute_value(string_set{"q"}));

  // if_not_exists keeps what is there; a false condition changes nothing.
  update_options again;
  again.update =
      update_expression().set(attr("seen"), if_not_exists(attr("seen"), 99)).set(attr("qty"), attr("qty") - 1);
  again.condition = attr("status") == "closed";
  CHECK_THROWS_AS(co_await t.update_item(k, again), error);
  again.condition = attr("status") == "open";
  again.return_values = return_values::updated_new;
  std::optional<item> changed = co_await t.update_item(k, again);
  REQUIRE(changed);
  CHECK(changed->at("seen") == attribute_value(0));
  CHECK(changed->at("qty") == attribute_value(4));
}

}  // namespace

TEST_CASE("update_expression: set, arithmetic, if_not_exists, list_append, nested paths, remove, add, delete") {
  test::run_coro(every_action());
}
