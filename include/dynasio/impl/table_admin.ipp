//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_TABLE_ADMIN_IPP
#define DYNASIO_IMPL_TABLE_ADMIN_IPP

#include <dynasio/client.hpp>
#include <dynasio/error.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/array.hpp>

namespace dynasio {
namespace detail {

inline key_type parse_key_type(std::string_view t) {
  if (t == "S") return key_type::S;
  if (t == "N") return key_type::N;
  if (t == "B") return key_type::B;
  throw error(errc::protocol_error, "unknown key attribute type '" + std::string(t) + "'");
}

inline const boost::json::value& member(const boost::json::object& o, std::string_view key, std::string_view where) {
  auto it = o.find(key);
  if (it == o.end()) throw error(errc::protocol_error, std::string(where) + ": reply has no " + std::string(key));
  return it->value();
}

inline table_description parse_table_description(const boost::json::object& reply) {
  const auto& t = member(reply, "Table", "DescribeTable").as_object();
  table_description d;
  d.schema.table_name = std::string(member(t, "TableName", "DescribeTable").as_string());
  d.status = std::string(member(t, "TableStatus", "DescribeTable").as_string());
  if (auto it = t.find("ItemCount"); it != t.end() && it->value().is_int64()) d.item_count = it->value().as_int64();
  auto type_of = [&](std::string_view name) {
    for (const auto& a : member(t, "AttributeDefinitions", "DescribeTable").as_array()) {
      const auto& o = a.as_object();
      if (member(o, "AttributeName", "DescribeTable").as_string() == name)
        return parse_key_type(member(o, "AttributeType", "DescribeTable").as_string());
    }
    throw error(errc::protocol_error, "DescribeTable: key attribute '" + std::string(name) + "' has no definition");
  };
  for (const auto& k : member(t, "KeySchema", "DescribeTable").as_array()) {
    const auto& o = k.as_object();
    std::string name(member(o, "AttributeName", "DescribeTable").as_string());
    key_attribute attr{name, type_of(name)};
    if (member(o, "KeyType", "DescribeTable").as_string() == "HASH") d.schema.partition_key = attr;
    else d.schema.sort_key = attr;
  }
  return d;
}

// Polls `done` with growing pauses (50 ms doubling to 2 s) until it says yes or time is up.
template <class Done>
boost::asio::awaitable<void> poll_until(boost::asio::any_io_executor ex, std::chrono::milliseconds timeout, std::string what,
                                        Done done) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::chrono::milliseconds pause(50);
  while (!co_await done()) {
    if (std::chrono::steady_clock::now() + pause > deadline)
      throw error(errc::waiter_timeout, what + " did not happen within " + std::to_string(timeout.count()) + " ms");
    boost::asio::steady_timer timer(ex, pause);
    co_await timer.async_wait(boost::asio::use_awaitable);
    pause = std::min<std::chrono::milliseconds>(pause * 2, std::chrono::seconds(2));
  }
}

}  // namespace detail

DYNASIO_DECL boost::asio::awaitable<void> client::create_table(table_schema schema) {
  if (schema.table_name.empty()) throw error(errc::invalid_argument, "create_table: table_name is empty");
  if (schema.partition_key.name.empty()) throw error(errc::invalid_argument, "create_table: partition key name is empty");
  boost::json::array defs, keys;
  auto add = [&](const key_attribute& k, const char* role) {
    defs.push_back({{"AttributeName", k.name}, {"AttributeType", to_string(k.type)}});
    keys.push_back({{"AttributeName", k.name}, {"KeyType", role}});
  };
  add(schema.partition_key, "HASH");
  if (schema.sort_key) add(*schema.sort_key, "RANGE");
  boost::json::object req{{"TableName", schema.table_name},
                          {"AttributeDefinitions", std::move(defs)},
                          {"KeySchema", std::move(keys)},
                          {"BillingMode", "PAY_PER_REQUEST"}};
  co_await call("CreateTable", std::move(req));
}

DYNASIO_DECL boost::asio::awaitable<table_description> client::describe_table(std::string name) {
  auto reply = co_await call("DescribeTable", {{"TableName", name}});
  co_return detail::parse_table_description(reply);
}

DYNASIO_DECL boost::asio::awaitable<void> client::delete_table(std::string name) {
  co_await call("DeleteTable", {{"TableName", name}});
}

DYNASIO_DECL boost::asio::awaitable<void> client::wait_until_table_exists(std::string name, std::chrono::milliseconds timeout) {
  co_await detail::poll_until(get_executor(), timeout, "table '" + name + "' becoming ACTIVE",
                              [&]() -> boost::asio::awaitable<bool> {
                                try {
                                  co_return (co_await describe_table(name)).status == "ACTIVE";
                                } catch (const error& e) {
                                  if (e.code() != service_errc::resource_not_found) throw;
                                }
                                co_return false;
                              });
}

DYNASIO_DECL boost::asio::awaitable<void> client::wait_until_table_not_exists(std::string name,
                                                                              std::chrono::milliseconds timeout) {
  co_await detail::poll_until(get_executor(), timeout, "table '" + name + "' being deleted",
                              [&]() -> boost::asio::awaitable<bool> {
                                try {
                                  co_await describe_table(name);
                                } catch (const error& e) {
                                  if (e.code() == service_errc::resource_not_found) co_return true;
                                  throw;
                                }
                                co_return false;
                              });
}

}  // namespace dynasio

#endif
