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

inline projection_type parse_projection_type(std::string_view t) {
  if (t == "ALL") return projection_type::all;
  if (t == "KEYS_ONLY") return projection_type::keys_only;
  if (t == "INCLUDE") return projection_type::include;
  throw error(errc::protocol_error, "DescribeTable: unknown ProjectionType '" + std::string(t) + "'");
}

// An optional member: nullptr when absent, a protocol_error when of another JSON kind.
inline const boost::json::value* optional_member(const boost::json::object& o, std::string_view key,
                                                 boost::json::kind kind) {
  auto it = o.find(key);
  if (it == o.end()) return nullptr;
  const bool ok = kind == boost::json::kind::int64 ? it->value().is_number() : it->value().kind() == kind;
  if (!ok) throw error(errc::protocol_error, "DescribeTable: " + std::string(key) + " has an unexpected type");
  return &it->value();
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
  auto read_keys = [&](const boost::json::object& holder, key_attribute& partition,
                       std::optional<key_attribute>& sort) {
    for (const auto& k : array_member(holder, "KeySchema")) {
      const auto& o = as_object_in(k, "a key schema element");
      std::string name(string_member(o, "AttributeName"));
      key_attribute attr{name, type_of(name)};
      if (string_member(o, "KeyType") == "HASH") partition = attr;
      else sort = attr;
    }
  };
  read_keys(t, d.schema.partition_key, d.schema.sort_key);
  auto read_indexes = [&](std::string_view field, std::vector<secondary_index>& out, bool global) {
    const auto* list = optional_member(t, field, boost::json::kind::array);
    if (!list) return;
    for (const auto& v : list->get_array()) {
      const auto& o = as_object_in(v, field);
      secondary_index ix;
      ix.name = std::string(string_member(o, "IndexName"));
      read_keys(o, ix.partition_key, ix.sort_key);
      const auto& projection = as_object_in(member(o, "Projection", "DescribeTable"), "Projection");
      ix.projection = parse_projection_type(string_member(projection, "ProjectionType"));
      if (const auto* names = optional_member(projection, "NonKeyAttributes", boost::json::kind::array))
        for (const auto& n : names->get_array()) {
          if (!n.is_string()) throw error(errc::protocol_error, "DescribeTable: NonKeyAttributes holds a non-string");
          ix.non_key_attributes.emplace_back(n.get_string());
        }
      if (global)
        if (const auto* status = optional_member(o, "IndexStatus", boost::json::kind::string))
          d.index_status[ix.name] = std::string(status->get_string());
      out.push_back(std::move(ix));
    }
  };
  read_indexes("GlobalSecondaryIndexes", d.schema.global_secondary_indexes, true);
  read_indexes("LocalSecondaryIndexes", d.schema.local_secondary_indexes, false);
  // Without a BillingModeSummary (a table never switched modes) billing is provisioned; on-demand
  // tables report a ProvisionedThroughput of zeros.
  std::optional<std::string_view> mode;
  if (const auto* summary = optional_member(t, "BillingModeSummary", boost::json::kind::object))
    if (const auto* m = optional_member(summary->get_object(), "BillingMode", boost::json::kind::string))
      mode = m->get_string();
  if (const auto* pt = optional_member(t, "ProvisionedThroughput", boost::json::kind::object)) {
    const auto units = [&](std::string_view key) -> std::int64_t {
      const auto* n = optional_member(pt->get_object(), key, boost::json::kind::int64);
      return n ? n->to_number<std::int64_t>() : 0;
    };
    provisioned_throughput p{units("ReadCapacityUnits"), units("WriteCapacityUnits")};
    if (mode ? *mode == "PROVISIONED" : p.read_capacity_units > 0) d.schema.billing = p;
  }
  if (const auto* dp = optional_member(t, "DeletionProtectionEnabled", boost::json::kind::bool_))
    d.schema.deletion_protection = dp->get_bool();
  return d;
}

DYNASIO_DECL std::vector<std::vector<attribute_value>> unprocessed_write_keys(
    const boost::json::object& reply, std::string_view table, const std::vector<std::string>& key_names) {
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
    if (auto p = r.find("PutRequest"); p != r.end() && p->value().is_object())
      body = p->value().get_object().if_contains("Item");
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
