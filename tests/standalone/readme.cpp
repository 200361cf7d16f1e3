// The README's usage snippet, compiled so that it stays true.
#include <dynasio.hpp>
namespace asio = boost::asio;

asio::awaitable<void> co_main() {
  // AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL_DYNAMODB, AWS_PROFILE...
  dynasio::client db(co_await asio::this_coro::executor, dynasio::client_config::from_env());
  dynasio::table orders = db.table("orders");

  dynasio::item order{{"id", "123"}, {"name", "John Doe"}, {"qty", 3}};
  co_await orders.put_item(order);
  dynasio::key id{{"id", "123"}};
  std::optional<dynasio::item> got = co_await orders.get_item(id);

  // Expressions get generated placeholders: reserved words and any value are safe.
  dynasio::update_options bump{.update_expression = "SET qty = qty + :n",
                               .condition = dynasio::attr("qty") < 100,
                               .expression_attribute_values = {{":n", 1}}};
  co_await orders.update_item(id, bump);

  dynasio::delete_options only_jane{.condition = dynasio::attr("name") == "Jane"};
  try {
    co_await orders.delete_item(id, only_jane);
  } catch (const dynasio::error& e) {
    // e.code() == dynasio::service_errc::conditional_check_failed
    // e.diagnostics(): AWS type, message, HTTP status, request id
  }
}
