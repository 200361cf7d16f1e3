//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_TABLE_ADMIN_IPP
#define DYNASIO_IMPL_TABLE_ADMIN_IPP

#include <dynasio/client.hpp>
#include <dynasio/detail/protocol/replies.hpp>
#include <dynasio/error.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/array.hpp>

namespace dynasio {
namespace detail {

inline void add_key(boost::json::array& defs, boost::json::array& keys, const key_attribute& k, const char* role) {
  defs.push_back(boost::json::object{{"AttributeName", k.name}, {"AttributeType", to_string(k.type)}});
  keys.push_back(boost::json::object{{"AttributeName", k.name}, {"KeyType", role}});
}

}  // namespace detail

DYNASIO_DECL boost::asio::awaitable<void> client::create_table(table_schema schema) {
  detail::validate_table_name("create_table", schema.table_name);
  if (schema.partition_key.name.empty()) throw error(errc::invalid_argument, "create_table: partition key name is empty");
  boost::json::array defs, keys;
  detail::add_key(defs, keys, schema.partition_key, "HASH");
  if (schema.sort_key) detail::add_key(defs, keys, *schema.sort_key, "RANGE");
  boost::json::object req{{"TableName", schema.table_name},
                          {"AttributeDefinitions", std::move(defs)},
                          {"KeySchema", std::move(keys)},
                          {"BillingMode", "PAY_PER_REQUEST"}};
  co_await call("CreateTable", std::move(req));
}

DYNASIO_DECL boost::asio::awaitable<table_description> client::describe_table(std::string name) {
  // Built outside the co_await: GCC 12 cannot keep an initializer_list alive across a suspension.
  detail::validate_table_name("describe_table", name);
  boost::json::object req;
  req["TableName"] = name;
  auto reply = co_await call("DescribeTable", std::move(req));
  co_return detail::parse_table_description(reply);
}

DYNASIO_DECL boost::asio::awaitable<void> client::delete_table(std::string name) {
  detail::validate_table_name("delete_table", name);
  boost::json::object req;
  req["TableName"] = name;
  co_await call("DeleteTable", std::move(req));
}

// Polls DescribeTable with growing pauses (50 ms doubling to 2 s) until the table is ACTIVE
// (want_exists) or gone, or the time is up.
DYNASIO_DECL boost::asio::awaitable<void> client::wait_for_table(std::string name, bool want_exists,
                                                                 std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::chrono::milliseconds pause(50);
  for (;;) {
    bool exists = true;
    std::string status;
    try {
      status = (co_await describe_table(name)).status;
    } catch (const error& e) {
      if (e.code() != service_errc::resource_not_found) throw;
      exists = false;
    }
    if (want_exists ? (exists && status == "ACTIVE") : !exists) co_return;
    if (std::chrono::steady_clock::now() + pause > deadline)
      throw error(errc::waiter_timeout, "table '" + name + "' " + (want_exists ? "did not become ACTIVE" : "was not deleted") +
                                            " within " + std::to_string(timeout.count()) + " ms");
    boost::asio::steady_timer timer(get_executor(), pause);
    co_await timer.async_wait(boost::asio::use_awaitable);
    pause = std::min<std::chrono::milliseconds>(pause * 2, std::chrono::seconds(2));
  }
}

}  // namespace dynasio

#endif
