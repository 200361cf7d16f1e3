//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_ADMIN_IPP
#define DYNASIO_IMPL_ADMIN_IPP

#include <dynasio/admin.hpp>
#include <dynasio/error.hpp>

#include <boost/json/object.hpp>

namespace dynasio {

DYNASIO_DECL boost::asio::awaitable<std::vector<std::string>> list_tables(client db) {
  std::vector<std::string> names;
  std::string start;
  // 100 names a page; a bound far above any account's table quota.
  for (int page = 0; page < 100000; ++page) {
    boost::json::object req;
    if (!start.empty()) req["ExclusiveStartTableName"] = start;
    boost::json::object reply = co_await db.call("ListTables", std::move(req));
    if (auto it = reply.find("TableNames"); it != reply.end() && it->value().is_array())
      for (const auto& n : it->value().get_array())
        if (n.is_string()) names.emplace_back(n.get_string());
    auto last = reply.find("LastEvaluatedTableName");
    if (last == reply.end() || !last->value().is_string()) co_return names;
    start = last->value().get_string();
  }
  throw error(errc::protocol_error, "list_tables: LastEvaluatedTableName did not end");
}

DYNASIO_DECL boost::asio::awaitable<void> update_time_to_live(client db, std::string table, std::string attribute,
                                                              bool enabled) {
  if (table.empty()) throw error(errc::invalid_argument, "update_time_to_live: table is empty");
  if (attribute.empty()) throw error(errc::invalid_argument, "update_time_to_live: attribute is empty");
  boost::json::object spec;
  spec["AttributeName"] = attribute;
  spec["Enabled"] = enabled;
  boost::json::object req;
  req["TableName"] = table;
  req["TimeToLiveSpecification"] = std::move(spec);
  co_await db.call("UpdateTimeToLive", std::move(req));
}

}  // namespace dynasio

#endif
