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

// Adds `k` to the attribute definitions once; the same name with two types is refused.
inline void define(boost::json::array& defs, const key_attribute& k) {
  if (k.name.empty()) throw error(errc::invalid_argument, "create_table: a key attribute name is empty");
  for (const auto& d : defs) {
    const auto& o = d.as_object();
    if (o.at("AttributeName").as_string() != k.name) continue;
    if (o.at("AttributeType").as_string() != to_string(k.type))
      throw error(errc::invalid_argument, "create_table: key attribute '" + k.name + "' is given two types");
    return;
  }
  defs.push_back(boost::json::object{{"AttributeName", k.name}, {"AttributeType", to_string(k.type)}});
}

inline boost::json::array key_schema(boost::json::array& defs, const key_attribute& pk,
                                     const std::optional<key_attribute>& sk) {
  boost::json::array keys;
  define(defs, pk);
  keys.push_back(boost::json::object{{"AttributeName", pk.name}, {"KeyType", "HASH"}});
  if (sk) {
    define(defs, *sk);
    keys.push_back(boost::json::object{{"AttributeName", sk->name}, {"KeyType", "RANGE"}});
  }
  return keys;
}

inline boost::json::object throughput(const provisioned_throughput& p) {
  if (p.read_capacity_units < 1 || p.write_capacity_units < 1)
    throw error(errc::invalid_argument,
                "create_table: billing read_capacity_units and write_capacity_units must be at least 1");
  return {{"ReadCapacityUnits", p.read_capacity_units}, {"WriteCapacityUnits", p.write_capacity_units}};
}

inline boost::json::array indexes(boost::json::array& defs, const table_schema& s, bool global) {
  static constexpr const char* projections[] = {"ALL", "KEYS_ONLY", "INCLUDE"};
  const char* which = global ? "global_secondary_indexes" : "local_secondary_indexes";
  boost::json::array out;
  for (std::size_t i = 0; i < (global ? s.global_secondary_indexes : s.local_secondary_indexes).size(); ++i) {
    const auto& ix = (global ? s.global_secondary_indexes : s.local_secondary_indexes)[i];
    const std::string where = std::string("create_table: ") + which + "[" + std::to_string(i) + "]";
    if (ix.name.empty()) throw error(errc::invalid_argument, where + ": name is empty");
    if (!global && (!ix.sort_key || !(ix.partition_key == s.partition_key)))
      throw error(errc::invalid_argument, where + ": a local index has the table's partition key and a sort key");
    if (ix.projection != projection_type::include && !ix.non_key_attributes.empty())
      throw error(errc::invalid_argument, where + ": non_key_attributes needs projection include");
    boost::json::object projection{{"ProjectionType", projections[static_cast<int>(ix.projection)]}};
    if (!ix.non_key_attributes.empty()) {
      boost::json::array names;
      for (const auto& n : ix.non_key_attributes) names.push_back(boost::json::string(n));
      projection["NonKeyAttributes"] = std::move(names);
    }
    boost::json::object o{{"IndexName", ix.name},
                          {"KeySchema", key_schema(defs, ix.partition_key, ix.sort_key)},
                          {"Projection", std::move(projection)}};
    if (global && s.billing) o["ProvisionedThroughput"] = throughput(*s.billing);
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace detail

DYNASIO_DECL boost::asio::awaitable<void> client::create_table(table_schema schema) {
  detail::validate_table_name("create_table", schema.table_name);
  if (schema.partition_key.name.empty())
    throw error(errc::invalid_argument, "create_table: partition key name is empty");
  boost::json::array defs;
  boost::json::object req;
  req["TableName"] = schema.table_name;
  req["KeySchema"] = detail::key_schema(defs, schema.partition_key, schema.sort_key);
  if (!schema.global_secondary_indexes.empty()) req["GlobalSecondaryIndexes"] = detail::indexes(defs, schema, true);
  if (!schema.local_secondary_indexes.empty()) req["LocalSecondaryIndexes"] = detail::indexes(defs, schema, false);
  req["AttributeDefinitions"] = std::move(defs);
  if (schema.billing) {
    req["BillingMode"] = "PROVISIONED";
    req["ProvisionedThroughput"] = detail::throughput(*schema.billing);
  } else {
    req["BillingMode"] = "PAY_PER_REQUEST";
  }
  if (schema.deletion_protection) req["DeletionProtectionEnabled"] = true;
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
      throw error(errc::waiter_timeout, "table '" + name + "' " +
                                            (want_exists ? "did not become ACTIVE" : "was not deleted") + " within " +
                                            std::to_string(timeout.count()) + " ms");
    boost::asio::steady_timer timer(get_executor(), pause);
    co_await timer.async_wait(boost::asio::use_awaitable);
    pause = std::min<std::chrono::milliseconds>(pause * 2, std::chrono::seconds(2));
  }
}

}  // namespace dynasio

#endif
