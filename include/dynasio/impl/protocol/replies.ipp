//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_PROTOCOL_REPLIES_IPP
#define DYNASIO_IMPL_PROTOCOL_REPLIES_IPP

#include <dynasio/detail/protocol/json_reader.hpp>
#include <dynasio/detail/protocol/json_writer.hpp>
#include <dynasio/detail/protocol/replies.hpp>
#include <dynasio/error.hpp>

#include <boost/json/array.hpp>

#include <algorithm>

namespace dynasio::detail {

DYNASIO_DECL std::optional<item> optional_item(const boost::json::object& reply, std::string_view field) {
  auto it = reply.find(field);
  if (it == reply.end() || !it->value().is_object()) return std::nullopt;
  return read_item(it->value().get_object());
}

DYNASIO_DECL page read_page(const boost::json::object& reply) {
  page p;
  if (auto it = reply.find("Items"); it != reply.end() && it->value().is_array()) {
    p.items.reserve(it->value().get_array().size());
    for (const auto& v : it->value().get_array()) {
      if (!v.is_object()) throw error(errc::protocol_error, "Items holds a non-object");
      p.items.push_back(read_item(v.get_object()));
    }
  }
  p.last_evaluated_key = optional_item(reply, "LastEvaluatedKey");
  return p;
}

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

// Typed views of a DescribeTable member: a reply of another shape is a protocol_error, not
// Boost.JSON's own exception.
inline const boost::json::object& as_object_in(const boost::json::value& v, std::string_view key) {
  if (!v.is_object()) throw error(errc::protocol_error, "DescribeTable: " + std::string(key) + " is not an object");
  return v.get_object();
}
inline const boost::json::array& array_member(const boost::json::object& o, std::string_view key) {
  const auto& v = member(o, key, "DescribeTable");
  if (!v.is_array()) throw error(errc::protocol_error, "DescribeTable: " + std::string(key) + " is not a list");
  return v.get_array();
}
inline std::string_view string_member(const boost::json::object& o, std::string_view key) {
  const auto& v = member(o, key, "DescribeTable");
  if (!v.is_string()) throw error(errc::protocol_error, "DescribeTable: " + std::string(key) + " is not a string");
  return v.get_string();
}

DYNASIO_DECL table_description parse_table_description(const boost::json::object& reply) {
  const auto& t = as_object_in(member(reply, "Table", "DescribeTable"), "Table");
  table_description d;
  d.schema.table_name = std::string(string_member(t, "TableName"));
  d.status = std::string(string_member(t, "TableStatus"));
  if (auto it = t.find("ItemCount"); it != t.end() && it->value().is_int64()) d.item_count = it->value().as_int64();
  auto type_of = [&](std::string_view name) {
    for (const auto& a : array_member(t, "AttributeDefinitions")) {
      const auto& o = as_object_in(a, "an attribute definition");
      if (string_member(o, "AttributeName") == name) return parse_key_type(string_member(o, "AttributeType"));
    }
    throw error(errc::protocol_error, "DescribeTable: key attribute '" + std::string(name) + "' has no definition");
  };
  for (const auto& k : array_member(t, "KeySchema")) {
    const auto& o = as_object_in(k, "a key schema element");
    std::string name(string_member(o, "AttributeName"));
    key_attribute attr{name, type_of(name)};
    if (string_member(o, "KeyType") == "HASH") d.schema.partition_key = attr;
    else d.schema.sort_key = attr;
  }
  return d;
}

DYNASIO_DECL std::vector<std::vector<attribute_value>> unprocessed_write_keys(const boost::json::object& reply,
                                                                           std::string_view table,
                                                                           const std::vector<std::string>& key_names) {
  std::vector<std::vector<attribute_value>> keys;
  auto up = reply.find("UnprocessedItems");
  if (up == reply.end() || !up->value().is_object()) return keys;
  auto tab = up->value().get_object().find(table);
  if (tab == up->value().get_object().end()) return keys;
  if (!tab->value().is_array()) throw error(errc::protocol_error, "BatchWriteItem: UnprocessedItems is not a list");
  for (const auto& v : tab->value().get_array()) {
    if (!v.is_object()) throw error(errc::protocol_error, "BatchWriteItem: an unprocessed request is not an object");
    const auto& r = v.get_object();
    const boost::json::value* body = nullptr;
    if (auto p = r.find("PutRequest"); p != r.end() && p->value().is_object()) body = p->value().get_object().if_contains("Item");
    else if (auto d = r.find("DeleteRequest"); d != r.end() && d->value().is_object())
      body = d->value().get_object().if_contains("Key");
    if (!body || !body->is_object())
      throw error(errc::protocol_error, "BatchWriteItem: an unprocessed request is neither a put nor a delete");
    const auto& attrs = body->get_object();
    std::vector<attribute_value> k;
    k.reserve(key_names.size());
    for (const auto& name : key_names) {
      auto a = attrs.find(name);
      if (a == attrs.end()) throw error(errc::protocol_error, "BatchWriteItem: an unprocessed request has no key");
      k.push_back(read_value(a->value()));
    }
    keys.push_back(std::move(k));
  }
  return keys;
}

DYNASIO_DECL std::string batch_get_body(std::string_view table, const std::vector<key>& keys, std::size_t first,
                                        std::size_t last, bool consistent_read) {
  std::string body = "{\"RequestItems\":{";
  write_json_string(body, table);
  body += ":{\"Keys\":[";
  for (std::size_t i = first; i < last; ++i) {
    if (i != first) body += ',';
    write_item(body, keys[i]);
  }
  body += consistent_read ? "],\"ConsistentRead\":true}}}" : "]}}}";
  return body;
}

DYNASIO_DECL void read_batch_get(const boost::json::object& reply, std::string_view table, std::vector<item>& found,
                                 std::vector<key>& unprocessed) {
  const auto table_in = [&](std::string_view field) -> const boost::json::value* {
    auto r = reply.find(field);
    if (r == reply.end() || !r->value().is_object()) return nullptr;
    return r->value().get_object().if_contains(table);
  };
  if (const auto* items = table_in("Responses")) {
    if (!items->is_array()) throw error(errc::protocol_error, "BatchGetItem: Responses is not a list");
    for (const auto& v : items->get_array()) {
      if (!v.is_object()) throw error(errc::protocol_error, "BatchGetItem: a response is not an item");
      found.push_back(read_item(v.get_object()));
    }
  }
  if (const auto* u = table_in("UnprocessedKeys")) {
    const boost::json::value* keys = u->is_object() ? u->get_object().if_contains("Keys") : nullptr;
    if (!keys || !keys->is_array()) throw error(errc::protocol_error, "BatchGetItem: UnprocessedKeys has no Keys list");
    for (const auto& v : keys->get_array()) {
      if (!v.is_object()) throw error(errc::protocol_error, "BatchGetItem: an unprocessed key is not a key");
      unprocessed.push_back(read_item(v.get_object()));
    }
  }
}

}  // namespace dynasio::detail

#endif
