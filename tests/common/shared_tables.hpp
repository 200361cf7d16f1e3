#ifndef DYNASIO_TESTS_SHARED_TABLES_HPP
#define DYNASIO_TESTS_SHARED_TABLES_HPP

#include <dynasio/client.hpp>

#include "integration.hpp"

#include <boost/asio/awaitable.hpp>

#include <map>
#include <string>

namespace dynasio::test {

/**
 * A table with a string partition key `pk` (and, when `with_sort_key`, a number sort key `sk`)
 * created once per test process and shared by the cases that ask for the same `purpose`:
 * DynamoDB Local with -delayTransientStatuses keeps every new table CREATING for a while.
 * Cases sharing a table use partition keys of their own.
 */
inline boost::asio::awaitable<std::string> shared_table(client& db, const std::string& purpose, bool with_sort_key) {
  static std::map<std::string, std::string> made;
  const std::string slot = purpose + (with_sort_key ? "+sk" : "");
  if (auto it = made.find(slot); it != made.end()) co_return it->second;
  std::string name = unique_table_name("shared-" + purpose);
  table_schema schema{name, {"pk"}, std::nullopt};
  if (with_sort_key) schema.sort_key = key_attribute{"sk", key_type::N};
  co_await db.create_table(schema);
  co_await db.wait_until_table_exists(name);
  made.emplace(slot, name);
  co_return name;
}

}  // namespace dynasio::test

#endif
