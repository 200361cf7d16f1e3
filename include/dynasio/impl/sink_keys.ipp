//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_SINK_KEYS_IPP
#define DYNASIO_IMPL_SINK_KEYS_IPP

#include <dynasio/detail/sink_keys.hpp>
#include <dynasio/error.hpp>

namespace dynasio::detail {

inline attribute_type sink_attribute_type(key_type t) noexcept {
  return t == key_type::S ? attribute_type::S : t == key_type::N ? attribute_type::N : attribute_type::B;
}

inline void sink_check_key_value(key& out, const item& row, const key_attribute& attr, bool partition,
                                 const std::string& who) {
  const std::string role = partition ? "partition key" : "sort key";
  const std::string column = who + ": " + role + " column '" + attr.name + "'";
  auto it = row.find(attr.name);
  if (it == row.end()) throw error(errc::invalid_argument, column + " is missing from the row");
  const attribute_value& v = it->second;
  const attribute_type t = v.type();
  if (t != attribute_type::S && t != attribute_type::N && t != attribute_type::B)
    throw error(errc::invalid_argument, column + " is " + std::string(to_string(t)) +
                                            "; key attributes must be S, N or B (string, number or binary)");
  if (t != sink_attribute_type(attr.type))
    throw error(errc::invalid_argument, column + " is " + std::string(to_string(t)) + " but the key is declared " +
                                            to_string(attr.type));
  // Numbers are already bounded by dynasio::number (38 digits); S and B have byte limits.
  std::size_t bytes = t == attribute_type::S ? v.as_string().size() : t == attribute_type::B ? v.as_binary().size() : 1;
  if (bytes == 0)
    throw error(errc::invalid_argument,
                column + " is an empty " + (t == attribute_type::S ? "string" : "binary") + "; DynamoDB refuses empty key values");
  const std::size_t limit = partition ? sink_max_partition_key_bytes : sink_max_sort_key_bytes;
  if (bytes > limit)
    throw error(errc::invalid_argument, column + " is " + std::to_string(bytes) + " bytes, over the " +
                                            std::to_string(limit) + "-byte limit of a " + role);
  out.emplace(attr.name, v);
}

DYNASIO_DECL key extract_key(const item& row, const table_schema& keys, const std::string& who) {
  key k;
  sink_check_key_value(k, row, keys.partition_key, true, who);
  if (keys.sort_key) sink_check_key_value(k, row, *keys.sort_key, false, who);
  return k;
}

DYNASIO_DECL std::string describe_keys(const table_schema& keys) {
  std::string s = "HASH " + keys.partition_key.name + " (" + to_string(keys.partition_key.type) + ")";
  if (keys.sort_key) s += ", RANGE " + keys.sort_key->name + " (" + to_string(keys.sort_key->type) + ")";
  return s;
}

DYNASIO_DECL std::optional<std::string> key_schema_mismatch(const table_schema& wanted, const table_schema& actual) {
  if (wanted.partition_key == actual.partition_key && wanted.sort_key == actual.sort_key) return std::nullopt;
  return "table '" + actual.table_name + "' has key schema [" + describe_keys(actual) + "] but [" +
         describe_keys(wanted) + "] is configured";
}

}  // namespace dynasio::detail

#endif
