//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_SINK_KEYS_IPP
#define DYNASIO_IMPL_SINK_KEYS_IPP

#include <dynasio/detail/sink_keys.hpp>
#include <dynasio/error.hpp>
#include <dynasio/item_limits.hpp>

namespace dynasio::detail {

inline attribute_type sink_attribute_type(key_type t) noexcept {
  return t == key_type::S ? attribute_type::S : t == key_type::N ? attribute_type::N : attribute_type::B;
}

inline void sink_check_key_value(key& out, const item& row, const key_attribute& attr, bool partition,
                                 const std::string& who) {
  // Spelled out only for an error: this runs for every event.
  auto column = [&] { return who + ": " + (partition ? "partition" : "sort") + " key column '" + attr.name + "'"; };
  auto it = row.find(attr.name);
  if (it == row.end()) throw error(errc::invalid_argument, column() + " is missing from the row");
  const attribute_value& v = it->second;
  try {
    validate_key_value(attr.name, v, partition ? key_role::partition : key_role::sort);
  } catch (const error& e) {
    throw error(errc::invalid_argument, column() + ": " + e.diagnostics().message);
  }
  if (v.type() != sink_attribute_type(attr.type))
    throw error(errc::invalid_argument, column() + " is " + std::string(to_string(v.type())) +
                                            " but the key is declared " + to_string(attr.type));
  out.emplace(attr.name, v);
}

DYNASIO_DECL key extract_key(const item& row, const table_schema& keys, const std::string& who) {
  key k;
  sink_check_key_value(k, row, keys.partition_key, true, who);
  if (keys.sort_key) sink_check_key_value(k, row, *keys.sort_key, false, who);
  return k;
}

DYNASIO_DECL std::string describe_key(const key& k) {
  std::string out;
  for (const auto& [name, value] : k) {
    if (!out.empty()) out += ", ";
    out += name + "=";
    if (value.is(attribute_type::S)) {
      const std::string& text = value.as_string();
      out += '"' + text.substr(0, 64) + (text.size() > 64 ? "...\"" : "\"");
    } else if (value.is(attribute_type::N)) {
      out += value.as_number().text();
    } else {
      out += "<" + std::to_string(value.as_binary().size()) + " bytes>";
    }
  }
  return out;
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
