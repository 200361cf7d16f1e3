// Quick start: connect with the standard AWS environment variables, make sure a table exists,
// then put, get, update, query and delete items with the typed table API.
//
// Run it against a local DynamoDB with scripts/demo.sh, or against AWS with AWS_REGION and
// credentials in the environment.

#include <dynasio.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/this_coro.hpp>

#include <iostream>

namespace asio = boost::asio;

namespace {

// Prints an item as name=value pairs (strings and numbers only; enough for this example).
void print(const dynasio::item& it) {
  for (const auto& [name, value] : it) {
    std::cout << "  " << name << '=';
    if (value.type() == dynasio::attribute_type::S) std::cout << value.as_string();
    else if (value.type() == dynasio::attribute_type::N) std::cout << value.as_number().text();
    else std::cout << '<' << dynasio::to_string(value.type()) << '>';
  }
  std::cout << '\n';
}

asio::awaitable<void> ensure_table(dynasio::client& db, const std::string& name) {
  bool exists = true;
  try {
    co_await db.describe_table(name);
  } catch (const dynasio::error& e) {
    if (e.code() != dynasio::service_errc::resource_not_found) throw;
    exists = false;  // C++ forbids co_await inside a catch block: create it below
  }
  if (!exists) {
    dynasio::table_schema schema{name, {"customer"}, dynasio::key_attribute{"order_id", dynasio::key_type::N}};
    co_await db.create_table(schema);
  }
  co_await db.wait_until_table_exists(name);
}

}  // namespace

asio::awaitable<void> co_main() {
  dynasio::client db(co_await asio::this_coro::executor, dynasio::client_config::from_env());
  const std::string name = "quick_start_orders";
  co_await ensure_table(db, name);
  dynasio::table orders = db.table(name);

  // Items are built from plain values: strings are S, numbers N, sets SS/NS/BS.
  for (int id = 1; id <= 5; ++id) {
    dynasio::item order{{"customer", "ada"},
                        {"order_id", id},
                        {"qty", id * 2},
                        {"tags", dynasio::string_set{"new", id % 2 ? "odd" : "even"}}};
    co_await orders.put_item(order);
  }

  dynasio::key first{{"customer", "ada"}, {"order_id", 1}};
  std::optional<dynasio::item> got = co_await orders.get_item(first);
  std::cout << "get_item:\n";
  if (got) print(*got);

  // Conditions and updates: names and values become placeholders, so reserved words are fine.
  dynasio::update_options bump{.update_expression = "SET qty = qty + :n",
                               .condition = dynasio::attr("qty") < 100,
                               .expression_attribute_values = {{":n", 10}},
                               .return_values = dynasio::return_values::updated_new};
  std::optional<dynasio::item> updated = co_await orders.update_item(first, bump);
  std::cout << "update_item:\n";
  if (updated) print(*updated);

  dynasio::query_options recent{.key_condition = dynasio::key_name("customer") == "ada" &&
                                                 dynasio::key_name("order_id").between(2, 4)};
  std::vector<dynasio::item> found = co_await orders.query_all(recent);
  std::cout << "query_all found " << found.size() << " orders:\n";
  for (const auto& it : found) print(it);

  co_await orders.delete_item(first);
  std::cout << "after delete_item, get_item finds " << ((co_await orders.get_item(first)) ? "it" : "nothing") << '\n';
}
