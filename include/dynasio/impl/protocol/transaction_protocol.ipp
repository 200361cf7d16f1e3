//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_PROTOCOL_TRANSACTION_PROTOCOL_IPP
#define DYNASIO_IMPL_PROTOCOL_TRANSACTION_PROTOCOL_IPP

#include <dynasio/detail/protocol/json_reader.hpp>
#include <dynasio/detail/protocol/json_writer.hpp>
#include <dynasio/detail/protocol/request_writer.hpp>
#include <dynasio/detail/protocol/transaction_protocol.hpp>
#include <dynasio/detail/protocol/write_fields.hpp>
#include <dynasio/item_limits.hpp>

#include <map>
#include <set>

namespace dynasio::detail {

inline const char* transact_kind_name(transact_write::kind k) {
  switch (k) {
    case transact_write::kind::put: return "Put";
    case transact_write::kind::update: return "Update";
    case transact_write::kind::remove: return "Delete";
    case transact_write::kind::condition_check: return "ConditionCheck";
  }
  return "?";
}

inline std::string action_label(std::string_view op, std::size_t i, transact_write::kind k) {
  return std::string(op) + ": actions[" + std::to_string(i) + "] (" + transact_kind_name(k) + ")";
}

inline void check_count(std::string_view op, std::size_t n) {
  if (n == 0) throw error(errc::invalid_argument, std::string(op) + ": there must be at least one action");
  if (n > max_transact_items)
    throw error(errc::invalid_argument, std::string(op) + ": " + std::to_string(n) + " actions; at most " +
                                            std::to_string(max_transact_items) + " are allowed");
}

// The key of `a` as comparable text, or empty when it cannot be known: a put's key is its
// item projected on the key attributes other actions on the same table name.
inline std::string touched_key(const transact_write& a, const std::map<std::string, std::set<std::string>>& key_names) {
  if (a.op() != transact_write::kind::put) {
    std::string out;
    write_item(out, a.item());
    return out;
  }
  auto names = key_names.find(a.table_name());
  if (names == key_names.end()) return {};
  item k;
  for (const auto& n : names->second) {
    auto v = a.item().find(n);
    if (v == a.item().end()) return {};
    k.emplace(n, v->second);
  }
  std::string out;
  write_item(out, k);
  return out;
}

DYNASIO_DECL void validate_transact_write(const std::vector<transact_write>& actions,
                                          const transact_write_options& opts) {
  constexpr std::string_view op = "transact_write_items";
  check_count(op, actions.size());
  if (opts.client_request_token.size() > max_client_request_token)
    throw error(errc::invalid_argument, "transact_write_items: client_request_token has " +
                                            std::to_string(opts.client_request_token.size()) + " characters; at most " +
                                            std::to_string(max_client_request_token) + " are allowed");
  std::map<std::string, std::set<std::string>> key_names;
  std::size_t total = 0;
  for (std::size_t i = 0; i < actions.size(); ++i) {
    const auto& a = actions[i];
    const std::string label = action_label(op, i, a.op());
    if (a.table_name().empty()) throw error(errc::invalid_argument, label + ": table_name is empty");
    if (a.item().empty())
      throw error(errc::invalid_argument,
                  label + (a.op() == transact_write::kind::put ? ": the item is empty" : ": the key is empty"));
    if (a.op() == transact_write::kind::put) {
      validate_item_size(a.item());
    } else {
      for (const auto& [name, value] : a.item()) validate_key_value(name, value);
      auto& names = key_names[a.table_name()];
      for (const auto& kv : a.item()) names.insert(kv.first);
    }
    if (a.op() == transact_write::kind::condition_check && !a.condition().condition &&
        a.condition().condition_expression.empty())
      throw error(errc::invalid_argument, label + ": a condition check needs a condition (or condition_expression)");
    if (a.op() == transact_write::kind::update && a.update_opts().return_values != return_values::none)
      throw error(errc::invalid_argument, label + ": return_values must be none in a transaction");
    total += item_size(a.item());
    total += item_size(a.op() == transact_write::kind::update ? a.update_opts().expression_attribute_values
                                                              : a.condition().expression_attribute_values);
  }
  if (total > max_transact_size)
    throw error(errc::invalid_argument, "transact_write_items: the items total " + std::to_string(total) +
                                            " bytes; a transaction holds at most 4 MB");
  std::map<std::string, std::size_t> seen;  // table + key -> first action touching it
  for (std::size_t i = 0; i < actions.size(); ++i) {
    std::string k = touched_key(actions[i], key_names);
    if (k.empty()) continue;
    auto [it, fresh] = seen.emplace(actions[i].table_name() + '\n' + k, i);
    if (!fresh)
      throw error(errc::invalid_argument, action_label(op, i, actions[i].op()) + ": touches the same item of '" +
                                              actions[i].table_name() + "' as actions[" + std::to_string(it->second) +
                                              "]; a transaction touches each item once");
  }
}

DYNASIO_DECL std::string transact_write_body(const std::vector<transact_write>& actions,
                                             const transact_write_options& opts) {
  validate_transact_write(actions, opts);
  std::string items = "[";
  for (std::size_t i = 0; i < actions.size(); ++i) {
    const auto& a = actions[i];
    request_writer w;
    w.string("TableName", a.table_name());
    if (a.op() == transact_write::kind::put) w.item("Item", a.item());
    else w.item("Key", a.item());
    if (a.op() == transact_write::kind::update) {
      write_update_fields(w, a.update_opts(), action_label("transact_write_items", i, a.op()));
      w.return_values_on_condition_check_failure(a.update_opts().return_values_on_condition_check_failure);
    } else {
      const auto& c = a.condition();
      write_condition_fields(w, c.condition, c.condition_expression, c.expression_attribute_names,
                             c.expression_attribute_values);
      w.return_values_on_condition_check_failure(c.return_values_on_condition_check_failure);
    }
    if (i != 0) items += ',';
    request_writer element;
    element.raw(transact_kind_name(a.op()), w.finish());
    items += element.finish();
  }
  items += ']';
  request_writer body;
  body.raw("TransactItems", items).string("ClientRequestToken", opts.client_request_token);
  body.return_consumed_capacity(opts.return_consumed_capacity);
  return body.finish();
}

DYNASIO_DECL std::string transact_get_body(const std::vector<transact_get>& gets) {
  constexpr std::string_view op = "transact_get_items";
  check_count(op, gets.size());
  std::set<std::string> seen;
  std::string items = "[";
  for (std::size_t i = 0; i < gets.size(); ++i) {
    const auto& g = gets[i];
    const std::string label = std::string(op) + ": gets[" + std::to_string(i) + "]";
    if (g.table.empty()) throw error(errc::invalid_argument, label + ": table is empty");
    if (g.key.empty()) throw error(errc::invalid_argument, label + ": the key is empty");
    for (const auto& [name, value] : g.key) validate_key_value(name, value);
    request_writer w;
    w.string("TableName", g.table).item("Key", g.key).string("ProjectionExpression", g.projection_expression);
    w.names(g.expression_attribute_names);
    std::string get = w.finish();
    std::string k;
    write_item(k, g.key);
    if (!seen.insert(g.table + '\n' + k).second)
      throw error(errc::invalid_argument, label + ": the same item of '" + g.table + "' is read twice");
    if (i != 0) items += ',';
    request_writer element;
    element.raw("Get", get);
    items += element.finish();
  }
  items += ']';
  request_writer body;
  body.raw("TransactItems", items);
  return body.finish();
}

DYNASIO_DECL std::vector<std::optional<item>> read_transact_get(const boost::json::object& reply,
                                                                std::size_t expected) {
  std::vector<std::optional<item>> out;
  auto it = reply.find("Responses");
  if (it == reply.end() || !it->value().is_array())
    throw error(errc::protocol_error, "TransactGetItems: the reply has no Responses");
  for (const auto& r : it->value().get_array()) {
    if (!r.is_object()) throw error(errc::protocol_error, "TransactGetItems: a response is not an object");
    auto item_it = r.get_object().find("Item");
    if (item_it != r.get_object().end() && item_it->value().is_object())
      out.push_back(read_item(item_it->value().get_object()));
    else out.emplace_back();
  }
  if (out.size() != expected)
    throw error(errc::protocol_error, "TransactGetItems: " + std::to_string(out.size()) + " responses for " +
                                          std::to_string(expected) + " gets");
  return out;
}

DYNASIO_DECL std::vector<cancellation_reason> read_cancellation_reasons(std::string_view details,
                                                                        std::string_view message) {
  std::vector<cancellation_reason> out;
  boost::system::error_code ec;
  boost::json::value body = details.empty() ? boost::json::value() : parse_wire_json(details, ec);
  if (!ec && body.is_object()) {
    if (auto it = body.get_object().find("CancellationReasons");
        it != body.get_object().end() && it->value().is_array()) {
      for (const auto& r : it->value().get_array()) {
        cancellation_reason reason;
        if (r.is_object()) {
          const auto& o = r.get_object();
          if (auto c = o.find("Code"); c != o.end() && c->value().is_string()) reason.code = c->value().get_string();
          if (auto m = o.find("Message"); m != o.end() && m->value().is_string())
            reason.message = m->value().get_string();
          if (auto i = o.find("Item"); i != o.end() && i->value().is_object())
            reason.item = read_item(i->value().get_object());
        }
        out.push_back(std::move(reason));
      }
      return out;
    }
  }
  // "Transaction cancelled, please refer cancellation reasons for specific reasons [A, B]"
  auto open = message.rfind('[');
  auto close = message.rfind(']');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return out;
  std::string_view list = message.substr(open + 1, close - open - 1);
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view code = list.substr(0, comma);
    while (!code.empty() && code.front() == ' ') code.remove_prefix(1);
    while (!code.empty() && code.back() == ' ') code.remove_suffix(1);
    cancellation_reason reason;
    reason.code = std::string(code);
    out.push_back(std::move(reason));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace dynasio::detail

#endif
