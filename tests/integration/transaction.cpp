#include <dynasio/client.hpp>
#include <dynasio/error.hpp>
#include <dynasio/table.hpp>
#include <dynasio/transaction.hpp>

#include "integration.hpp"
#include "run_coro.hpp"
#include "shared_tables.hpp"

#include <doctest/doctest.h>

namespace asio = boost::asio;
using namespace dynasio;

namespace {

// dynalite has no TransactWriteItems / TransactGetItems.
bool skip_without_transactions() {
  if (!test::server_is_dynalite()) return false;
  MESSAGE("skipped: dynalite has no transactions (run against DynamoDB Local)");
  return true;
}

asio::awaitable<void> commit_and_read() {
  client db(co_await asio::this_coro::executor, test::integration_config());
  std::string t = co_await test::shared_table(db, "tx", false);
  item a{{"pk", "tx-a"}, {"qty", 5}};
  item b{{"pk", "tx-b"}, {"qty", 1}};
  co_await db.table(t).put_item(b);
  update_options dec;
  dec.update = update_expression().set(attr("qty"), attr("qty") - 1);
  dec.condition = attr("qty") > 0;
  std::vector<transact_write> actions;
  actions.push_back(transact_write::put(t, a, attribute_not_exists(attr("pk"))));
  actions.push_back(transact_write::update(t, {{"pk", "tx-b"}}, dec));
  actions.push_back(transact_write::condition_check(t, {{"pk", "tx-absent"}}, attribute_not_exists(attr("pk"))));
  co_await transact_write_items(db, actions);

  std::vector<transact_get> gets;
  gets.push_back(transact_get{t, {{"pk", "tx-a"}}});
  gets.push_back(transact_get{t, {{"pk", "tx-absent"}}});
  gets.push_back(transact_get{t, {{"pk", "tx-b"}}, "qty"});
  std::vector<std::optional<item>> got = co_await transact_get_items(db, gets);
  REQUIRE(got.size() == 3);
  REQUIRE(got[0]);
  CHECK(*got[0] == a);
  CHECK(!got[1]);
  REQUIRE(got[2]);
  CHECK(*got[2] == item{{"qty", 0}});

  // Delete both in one transaction, then neither is left.
  key ka{{"pk", "tx-a"}};
  key kb{{"pk", "tx-b"}};
  std::vector<transact_write> removes;
  removes.push_back(transact_write::remove(t, {{"pk", "tx-a"}}));
  removes.push_back(transact_write::remove(t, {{"pk", "tx-b"}}, attr("qty") == 0));
  co_await transact_write_items(db, removes);
  CHECK(!(co_await db.table(t).get_item(ka)));
  CHECK(!(co_await db.table(t).get_item(kb)));
}

asio::awaitable<void> canceled_with_reasons() {
  client db(co_await asio::this_coro::executor, test::integration_config());
  std::string t = co_await test::shared_table(db, "tx", false);
  item held{{"pk", "cancel-held"}, {"qty", 0}};
  co_await db.table(t).put_item(held);
  item taken{{"pk", "cancel-taken"}, {"owner", "someone"}};
  co_await db.table(t).put_item(taken);
  transact_condition positive;
  positive.condition = attr("qty") > 0;
  positive.return_values_on_condition_check_failure = return_values_on_condition_check_failure::all_old;
  std::vector<transact_write> actions;
  actions.push_back(transact_write::put(t, {{"pk", "cancel-new"}, {"qty", 1}}));
  actions.push_back(transact_write::condition_check(t, {{"pk", "cancel-held"}}, positive));
  actions.push_back(
      transact_write::put(t, {{"pk", "cancel-taken"}, {"owner", "me"}}, attribute_not_exists(attr("pk"))));
  try {
    co_await transact_write_items(db, actions);
    FAIL("a transaction with two false conditions was applied");
  } catch (const transaction_canceled& e) {
    CHECK(e.code() == service_errc::transaction_canceled);
    REQUIRE(e.reasons().size() == 3);
    CHECK(e.reasons()[0].code == "None");
    CHECK(e.reasons()[1].code == "ConditionalCheckFailed");
    CHECK(e.reasons()[2].code == "ConditionalCheckFailed");
    REQUIRE(e.reasons()[1].item);
    CHECK(*e.reasons()[1].item == held);
    CHECK(!e.reasons()[2].item);  // it did not ask for ALL_OLD
  }
  // Nothing of the transaction was applied.
  key fresh{{"pk", "cancel-new"}};
  CHECK(!(co_await db.table(t).get_item(fresh)));
  key taken_key{{"pk", "cancel-taken"}};
  CHECK((co_await db.table(t).get_item(taken_key))->at("owner") == attribute_value("someone"));
}

asio::awaitable<void> idempotent_retry() {
  client db(co_await asio::this_coro::executor, test::integration_config());
  std::string t = co_await test::shared_table(db, "tx", false);
  item start{{"pk", "idem"}, {"n", 0}};
  co_await db.table(t).put_item(start);
  key k{{"pk", "idem"}};
  update_options inc;
  inc.update = update_expression().add(attr("n"), 1);
  std::vector<transact_write> actions;
  actions.push_back(transact_write::update(t, {{"pk", "idem"}}, inc));
  transact_write_options opts;
  // A token is remembered by the server for 10 minutes across tables: one per table, so a
  // second run against the same server (the other build's) is a new request.
  opts.client_request_token = "idem-" + t;
  co_await transact_write_items(db, actions, opts);
  co_await transact_write_items(db, actions, opts);  // the same request again: applied once
  auto got = co_await db.table(t).get_item(k);
  CHECK(got->at("n") == attribute_value(1));
  // The same token with other actions is refused.
  update_options twice;
  twice.update = update_expression().add(attr("n"), 2);
  std::vector<transact_write> other;
  other.push_back(transact_write::update(t, {{"pk", "idem"}}, twice));
  try {
    co_await transact_write_items(db, other, opts);
    FAIL("a token reused with other actions was accepted");
  } catch (const error& e) {
    CHECK(e.diagnostics().type == "IdempotentParameterMismatchException");
  }
  CHECK((co_await db.table(t).get_item(k))->at("n") == attribute_value(1));
}

asio::awaitable<void> old_item_on_failed_put() {
  client db(co_await asio::this_coro::executor, test::integration_config());
  dynasio::table t = db.table(co_await test::shared_table(db, "tx", false));
  item old{{"pk", "cc-fail"}, {"v", "old"}};
  co_await t.put_item(old);
  put_options o;
  o.condition = attribute_not_exists(attr("pk"));
  o.return_values_on_condition_check_failure = return_values_on_condition_check_failure::all_old;
  item replacement{{"pk", "cc-fail"}, {"v", "new"}};
  try {
    co_await t.put_item(replacement, o);
    FAIL("a conditional put over an existing item succeeded");
  } catch (const error& e) {
    CHECK(e.code() == service_errc::conditional_check_failed);
    std::optional<item> was = e.item();
    if (test::server_is_dynalite()) {
      MESSAGE("dynalite ignores ReturnValuesOnConditionCheckFailure: no item on the error");
      CHECK(!was);
    } else {
      REQUIRE(was);
      CHECK(*was == old);
    }
  }
}

}  // namespace

TEST_CASE("transactions: a write of put, update and condition check commits; a get reads it back") {
  if (skip_without_transactions()) return;
  test::run_coro(commit_and_read());
}

TEST_CASE("transactions: a cancelled transaction reports one reason per action, in order, with the old item") {
  if (skip_without_transactions()) return;
  test::run_coro(canceled_with_reasons());
}

TEST_CASE("transactions: a retry with the same client_request_token is applied once") {
  if (skip_without_transactions()) return;
  test::run_coro(idempotent_retry());
}

TEST_CASE("return_values_on_condition_check_failure: the failed put's error carries the old item") {
  test::run_coro(old_item_on_failed_put());
}
