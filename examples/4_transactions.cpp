// Transactions: move stock between two warehouses and record the order, all or nothing.
// A condition that fails cancels the whole transaction; transaction_canceled says which action
// failed and why, in the order the actions were given. A client_request_token makes a retry
// after a lost reply safe: DynamoDB applies the same transaction once.
// Needs a server with transactions (AWS, or DynamoDB Local: scripts/ddblocal.sh).

#include <dynasio.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/this_coro.hpp>

#include <iostream>

namespace asio = boost::asio;
using dynasio::attr;

asio::awaitable<void> co_main() {
  dynasio::client db(co_await asio::this_coro::executor, dynasio::client_config::from_env());
  const std::string name = "transactions_stock";
  dynasio::table_schema schema{name, {"pk"}, std::nullopt};
  bool exists = true;
  try {
    co_await db.describe_table(name);
  } catch (const dynasio::error& e) {
    if (e.code() != dynasio::service_errc::resource_not_found) throw;
    exists = false;
  }
  if (!exists) co_await db.create_table(schema);
  co_await db.wait_until_table_exists(name);
  dynasio::table stock = db.table(name);
  dynasio::item north{{"pk", "warehouse#north"}, {"units", 10}};
  dynasio::item south{{"pk", "warehouse#south"}, {"units", 0}};
  co_await stock.put_item(north);
  co_await stock.put_item(south);

  // Move `units` from north to south, and record the order once.
  auto transfer = [&](int units, const std::string& order) {
    dynasio::update_options take;
    take.update = dynasio::update_expression().set(attr("units"), attr("units") - units);
    take.condition = attr("units") >= units;
    dynasio::update_options give;
    give.update = dynasio::update_expression().add(attr("units"), units);
    std::vector<dynasio::transact_write> actions;
    actions.push_back(dynasio::transact_write::update(name, {{"pk", "warehouse#north"}}, take));
    actions.push_back(dynasio::transact_write::update(name, {{"pk", "warehouse#south"}}, give));
    actions.push_back(dynasio::transact_write::put(name, {{"pk", "order#" + order}, {"units", units}},
                                                   dynasio::attribute_not_exists(attr("pk"))));
    return actions;
  };

  dynasio::transact_write_options once;
  once.client_request_token = "order-1001";
  co_await dynasio::transact_write_items(db, transfer(4, "1001"), once);
  // The reply was lost, say: the same request with the same token is not applied again.
  co_await dynasio::transact_write_items(db, transfer(4, "1001"), once);

  try {
    co_await dynasio::transact_write_items(db, transfer(50, "1002"));  // north has only 6 left
  } catch (const dynasio::transaction_canceled& e) {
    for (std::size_t i = 0; i < e.reasons().size(); ++i)
      std::cout << "action " << i << ": " << e.reasons()[i].code << '\n';
  }

  // Read both warehouses as one snapshot.
  std::vector<dynasio::transact_get> gets;
  gets.push_back(dynasio::transact_get{name, {{"pk", "warehouse#north"}}});
  gets.push_back(dynasio::transact_get{name, {{"pk", "warehouse#south"}}});
  std::vector<std::optional<dynasio::item>> now = co_await dynasio::transact_get_items(db, gets);
  std::cout << "north " << now[0]->at("units").as_number().text() << ", south "
            << now[1]->at("units").as_number().text() << '\n';  // north 6, south 4
}
