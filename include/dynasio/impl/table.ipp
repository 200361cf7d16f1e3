//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_TABLE_IPP
#define DYNASIO_IMPL_TABLE_IPP

#include <dynasio/detail/client_impl.hpp>
#include <dynasio/detail/protocol/json_reader.hpp>
#include <dynasio/detail/protocol/replies.hpp>
#include <dynasio/detail/protocol/request_writer.hpp>
#include <dynasio/detail/retry_policy.hpp>
#include <dynasio/detail/validate.hpp>
#include <dynasio/error.hpp>
#include <dynasio/item_limits.hpp>
#include <dynasio/table.hpp>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace dynasio {
namespace detail {

// Key attributes must be non-empty S, N or B, within the partition-key limit; checked before
// anything is sent. (table::check_key() also applies the sort-key limit.)
inline void validate_key(std::string_view operation, const key& k) {
  if (k.empty()) throw error(errc::invalid_argument, std::string(operation) + ": the key is empty");
  if (k.size() > 2) throw error(errc::invalid_argument, std::string(operation) + ": the key has " + std::to_string(k.size()) + " attributes; a key is the partition key and at most a sort key");
  for (const auto& [name, value] : k) {
    if (name.empty()) throw error(errc::invalid_argument, std::string(operation) + ": the key has an empty attribute name");
    validate_key_value(name, value, key_role::partition);
  }
}

// A value of a two-attribute key that is too large for a sort key: then only the table's
// schema tells whether it is valid (as the partition key) or not (as the sort key).
inline bool needs_key_roles(const key& k) {
  if (k.size() != 2) return false;
  for (const auto& [name, value] : k)
    if ((value.type() == attribute_type::S || value.type() == attribute_type::B) && value_size(value) > max_sort_key_size)
      return true;
  return false;
}

inline std::string query_body(const std::string& table, const query_options& o) {
  expression_context ctx{o.expression_attribute_names, o.expression_attribute_values};
  std::string key_cond = ctx.combine(o.key_condition, o.key_condition_expression);
  if (key_cond.empty()) throw error(errc::invalid_argument, "query: key_condition (or key_condition_expression) is required");
  std::string filter = ctx.combine(o.filter, o.filter_expression);
  validate_expressions("query", {{"key_condition_expression", key_cond}, {"filter_expression", filter}, {"projection_expression", o.projection_expression}}, ctx.names, ctx.values);
  validate_limit("query", o.limit);
  request_writer w;
  w.string("TableName", table).string("IndexName", o.index_name).string("KeyConditionExpression", key_cond);
  w.string("FilterExpression", filter).string("ProjectionExpression", o.projection_expression);
  w.names(ctx.names).values(ctx.values);
  if (o.limit) w.integer("Limit", *o.limit);
  if (o.exclusive_start_key) w.item("ExclusiveStartKey", *o.exclusive_start_key);
  if (o.consistent_read) w.boolean("ConsistentRead", true);
  if (!o.scan_index_forward) w.boolean("ScanIndexForward", false);
  return w.finish();
}

inline std::string scan_body(const std::string& table, const scan_options& o) {
  expression_context ctx{o.expression_attribute_names, o.expression_attribute_values};
  std::string filter = ctx.combine(o.filter, o.filter_expression);
  validate_expressions("scan", {{"filter_expression", filter}, {"projection_expression", o.projection_expression}}, ctx.names, ctx.values);
  validate_limit("scan", o.limit);
  request_writer w;
  w.string("TableName", table).string("IndexName", o.index_name).string("FilterExpression", filter);
  w.string("ProjectionExpression", o.projection_expression).names(ctx.names).values(ctx.values);
  if (o.limit) w.integer("Limit", *o.limit);
  if (o.exclusive_start_key) w.item("ExclusiveStartKey", *o.exclusive_start_key);
  if (o.consistent_read) w.boolean("ConsistentRead", true);
  return w.finish();
}

}  // namespace detail

DYNASIO_DECL boost::asio::awaitable<void> table::check_key(std::string_view operation, const key& k) {
  detail::validate_key(operation, k);
  if (!detail::needs_key_roles(k)) co_return;
  // Rare (a key over 1 KB): learn the roles once per table handle and its copies.
  if (!*schema_) {
    table_description d = co_await db_.describe_table(name_);
    *schema_ = std::move(d.schema);
  }
  const auto& sort = (*schema_)->sort_key;
  for (const auto& [name, value] : k)
    validate_key_value(name, value, sort && sort->name == name ? key_role::sort : key_role::partition);
}

DYNASIO_DECL boost::asio::awaitable<std::optional<item>> table::put_item(item item, put_options opts) {
  validate_item(item, "put_item");
  if (item.empty()) throw error(errc::invalid_argument, "put_item: the item is empty");
  detail::expression_context ctx{std::move(opts.expression_attribute_names), std::move(opts.expression_attribute_values)};
  std::string cond = ctx.combine(opts.condition, opts.condition_expression);
  detail::validate_expressions("put_item", {{"condition_expression", cond}}, ctx.names, ctx.values);
  detail::validate_return_values("put_item", opts.return_values, false);
  detail::request_writer w;
  w.string("TableName", name_).item("Item", item).string("ConditionExpression", cond).names(ctx.names).values(ctx.values);
  w.return_values(opts.return_values);
  auto reply = co_await db_.call_raw("PutItem", w.finish());
  co_return detail::optional_item(reply, "Attributes");
}

DYNASIO_DECL boost::asio::awaitable<std::optional<item>> table::get_item(key key, get_options opts) {
  co_await check_key("get_item", key);
  detail::validate_expressions("get_item", {{"projection_expression", opts.projection_expression}}, opts.expression_attribute_names, {});
  detail::request_writer w;
  w.string("TableName", name_).item("Key", key).string("ProjectionExpression", opts.projection_expression);
  w.names(opts.expression_attribute_names);
  if (opts.consistent_read) w.boolean("ConsistentRead", true);
  auto reply = co_await db_.call_raw("GetItem", w.finish());
  co_return detail::optional_item(reply, "Item");
}

DYNASIO_DECL boost::asio::awaitable<std::optional<item>> table::update_item(key key, update_options opts) {
  co_await check_key("update_item", key);
  if (opts.update_expression.empty()) throw error(errc::invalid_argument, "update_item: update_expression is required");
  detail::expression_context ctx{std::move(opts.expression_attribute_names), std::move(opts.expression_attribute_values)};
  std::string cond = ctx.combine(opts.condition, opts.condition_expression);
  detail::validate_expressions("update_item", {{"update_expression", opts.update_expression}, {"condition_expression", cond}}, ctx.names, ctx.values);
  detail::request_writer w;
  w.string("TableName", name_).item("Key", key).string("UpdateExpression", opts.update_expression);
  w.string("ConditionExpression", cond).names(ctx.names).values(ctx.values).return_values(opts.return_values);
  auto reply = co_await db_.call_raw("UpdateItem", w.finish());
  co_return detail::optional_item(reply, "Attributes");
}

DYNASIO_DECL boost::asio::awaitable<std::optional<item>> table::delete_item(key key, delete_options opts) {
  co_await check_key("delete_item", key);
  detail::expression_context ctx{std::move(opts.expression_attribute_names), std::move(opts.expression_attribute_values)};
  std::string cond = ctx.combine(opts.condition, opts.condition_expression);
  detail::validate_expressions("delete_item", {{"condition_expression", cond}}, ctx.names, ctx.values);
  detail::validate_return_values("delete_item", opts.return_values, false);
  detail::request_writer w;
  w.string("TableName", name_).item("Key", key).string("ConditionExpression", cond).names(ctx.names).values(ctx.values);
  w.return_values(opts.return_values);
  auto reply = co_await db_.call_raw("DeleteItem", w.finish());
  co_return detail::optional_item(reply, "Attributes");
}

DYNASIO_DECL boost::asio::awaitable<page> table::query(query_options opts) {
  std::string body = detail::query_body(name_, opts);
  auto reply = co_await db_.call_raw("Query", std::move(body));
  co_return detail::read_page(reply);
}

DYNASIO_DECL boost::asio::awaitable<page> table::scan(scan_options opts) {
  std::string body = detail::scan_body(name_, opts);
  auto reply = co_await db_.call_raw("Scan", std::move(body));
  co_return detail::read_page(reply);
}

DYNASIO_DECL boost::asio::awaitable<std::vector<item>> table::query_all(query_options opts) {
  std::vector<item> all;
  for (;;) {
    page p = co_await query(opts);
    std::move(p.items.begin(), p.items.end(), std::back_inserter(all));
    if (!p.last_evaluated_key) co_return all;
    opts.exclusive_start_key = std::move(p.last_evaluated_key);
  }
}

DYNASIO_DECL boost::asio::awaitable<std::vector<item>> table::scan_all(scan_options opts) {
  std::vector<item> all;
  for (;;) {
    page p = co_await scan(opts);
    std::move(p.items.begin(), p.items.end(), std::back_inserter(all));
    if (!p.last_evaluated_key) co_return all;
    opts.exclusive_start_key = std::move(p.last_evaluated_key);
  }
}

DYNASIO_DECL boost::asio::awaitable<std::vector<item>> table::batch_get_item(std::vector<key> keys, bool consistent_read) {
  for (const auto& k : keys) co_await check_key("batch_get_item", k);
  std::vector<item> found;
  // Re-requests draw on the client's token bucket and jitter, like every other retry.
  detail::retry_policy& retry = detail::access::retry(db_);
  unsigned spent = 0;
  constexpr std::size_t max_keys = 100;  // DynamoDB's limit per BatchGetItem
  constexpr unsigned max_rounds = 50;    // unprocessed keys are re-requested at most this often
  std::vector<key> todo = std::move(keys);
  for (unsigned round = 1; !todo.empty(); ++round) {
    std::vector<key> unprocessed;
    for (std::size_t start = 0; start < todo.size(); start += max_keys) {
      const std::size_t last = std::min(todo.size(), start + max_keys);
      std::string body = detail::batch_get_body(name_, todo, start, last, consistent_read);
      auto reply = co_await db_.call_raw("BatchGetItem", std::move(body));
      detail::read_batch_get(reply, name_, found, unprocessed);
    }
    todo = std::move(unprocessed);
    if (todo.empty()) break;
    if (round >= max_rounds)
      throw error(errc::batch_incomplete, "batch_get_item: " + std::to_string(todo.size()) + " keys still unprocessed after " +
                                              std::to_string(round) + " rounds");
    auto cost = retry.acquire(false);
    if (!cost)
      throw error(errc::retry_quota_exceeded, "batch_get_item: " + std::to_string(todo.size()) +
                                                  " keys unprocessed and the retry token bucket is empty");
    spent += *cost;
    boost::asio::steady_timer timer(db_.get_executor(), retry.backoff(round));
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
  if (spent != 0) retry.on_success(spent);
  co_return found;
}

}  // namespace dynasio

#endif
