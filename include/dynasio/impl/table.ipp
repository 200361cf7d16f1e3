//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_TABLE_IPP
#define DYNASIO_IMPL_TABLE_IPP

#include <dynasio/detail/client_impl.hpp>
#include <dynasio/detail/protocol/json_reader.hpp>
#include <dynasio/detail/protocol/replies.hpp>
#include <dynasio/detail/protocol/request_writer.hpp>
#include <dynasio/detail/protocol/write_fields.hpp>
#include <dynasio/detail/retry_policy.hpp>
#include <dynasio/detail/validate.hpp>
#include <dynasio/error.hpp>
#include <dynasio/impl/pager.ipp>
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
  if (k.size() > 2)
    throw error(errc::invalid_argument, std::string(operation) + ": the key has " + std::to_string(k.size()) +
                                            " attributes; a key is the partition key and at most a sort key");
  for (const auto& [name, value] : k) {
    if (name.empty())
      throw error(errc::invalid_argument, std::string(operation) + ": the key has an empty attribute name");
    validate_key_value(name, value, key_role::partition);
  }
}

// A value of a two-attribute key that is too large for a sort key: then only the table's
// schema tells whether it is valid (as the partition key) or not (as the sort key).
inline bool needs_key_roles(const key& k) {
  if (k.size() != 2) return false;
  for (const auto& [name, value] : k)
    if ((value.type() == attribute_type::S || value.type() == attribute_type::B) &&
        value_size(value) > max_sort_key_size)
      return true;
  return false;
}

inline void check_limit(std::string_view op, const std::optional<std::int32_t>& limit) {
  if (limit && *limit < 1)
    throw error(errc::invalid_argument, std::string(op) + ": limit must be at least 1, not " + std::to_string(*limit));
}

inline std::string query_body(const std::string& table, const query_options& o) {
  check_limit("query", o.limit);
  expression_context ctx{o.expression_attribute_names, o.expression_attribute_values};
  std::string key_cond = ctx.combine(o.key_condition, o.key_condition_expression);
  if (key_cond.empty())
    throw error(errc::invalid_argument, "query: key_condition (or key_condition_expression) is required");
  std::string filter = ctx.combine(o.filter, o.filter_expression);
  validate_expressions("query",
                       {{"key_condition_expression", key_cond},
                        {"filter_expression", filter},
                        {"projection_expression", o.projection_expression}},
                       ctx.names, ctx.values);
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

// Segment, TotalSegments and max_in_flight; `parallel` when the caller runs every segment.
inline void check_segments(std::string_view op, const scan_options& o, bool parallel_ok) {
  const std::string who(op);
  if (o.total_segments && (*o.total_segments < 1 || *o.total_segments > 1000000))
    throw error(errc::invalid_argument,
                who + ": total_segments must be 1 to 1000000, not " + std::to_string(*o.total_segments));
  if (o.segment && !o.total_segments) throw error(errc::invalid_argument, who + ": segment needs total_segments");
  if (o.segment && (*o.segment < 0 || *o.segment >= *o.total_segments))
    throw error(errc::invalid_argument, who + ": segment must be 0 to total_segments - 1 (" +
                                            std::to_string(*o.total_segments - 1) + "), not " +
                                            std::to_string(*o.segment));
  if (o.max_in_flight < 1)
    throw error(errc::invalid_argument,
                who + ": max_in_flight must be at least 1, not " + std::to_string(o.max_in_flight));
  const bool parallel = !o.segment && o.total_segments.value_or(1) > 1;
  if (parallel && !parallel_ok)
    throw error(errc::invalid_argument,
                who + ": total_segments without segment is a parallel scan: use scan_pages() or scan_all()");
  if (parallel && o.exclusive_start_key)
    throw error(errc::invalid_argument,
                who + ": a parallel scan starts every segment at its beginning: exclusive_start_key needs segment");
}

inline std::string scan_body(const std::string& table, const scan_options& o) {
  check_limit("scan", o.limit);
  check_segments("scan", o, false);
  expression_context ctx{o.expression_attribute_names, o.expression_attribute_values};
  std::string filter = ctx.combine(o.filter, o.filter_expression);
  validate_expressions("scan", {{"filter_expression", filter}, {"projection_expression", o.projection_expression}},
                       ctx.names, ctx.values);
  validate_limit("scan", o.limit);
  request_writer w;
  w.string("TableName", table).string("IndexName", o.index_name).string("FilterExpression", filter);
  w.string("ProjectionExpression", o.projection_expression).names(ctx.names).values(ctx.values);
  if (o.limit) w.integer("Limit", *o.limit);
  if (o.exclusive_start_key) w.item("ExclusiveStartKey", *o.exclusive_start_key);
  if (o.consistent_read) w.boolean("ConsistentRead", true);
  if (o.segment) w.integer("Segment", *o.segment).integer("TotalSegments", *o.total_segments);
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
  detail::validate_return_values("put_item", opts.return_values, false);
  detail::request_writer w;
  w.string("TableName", name_).item("Item", item);
  detail::write_condition_fields(w, opts.condition, opts.condition_expression,
                                 std::move(opts.expression_attribute_names),
                                 std::move(opts.expression_attribute_values), "put_item");
  w.return_values(opts.return_values)
      .return_values_on_condition_check_failure(opts.return_values_on_condition_check_failure);
  auto reply = co_await db_.call_raw("PutItem", w.finish());
  co_return detail::optional_item(reply, "Attributes");
}

DYNASIO_DECL boost::asio::awaitable<std::optional<item>> table::get_item(key key, get_options opts) {
  co_await check_key("get_item", key);
  detail::validate_expressions("get_item", {{"projection_expression", opts.projection_expression}},
                               opts.expression_attribute_names, {});
  detail::request_writer w;
  w.string("TableName", name_).item("Key", key).string("ProjectionExpression", opts.projection_expression);
  w.names(opts.expression_attribute_names);
  if (opts.consistent_read) w.boolean("ConsistentRead", true);
  auto reply = co_await db_.call_raw("GetItem", w.finish());
  co_return detail::optional_item(reply, "Item");
}

DYNASIO_DECL boost::asio::awaitable<std::optional<item>> table::update_item(key key, update_options opts) {
  co_await check_key("update_item", key);
  detail::request_writer w;
  w.string("TableName", name_).item("Key", key);
  detail::write_update_fields(w, opts, "update_item");
  w.return_values(opts.return_values)
      .return_values_on_condition_check_failure(opts.return_values_on_condition_check_failure);
  auto reply = co_await db_.call_raw("UpdateItem", w.finish());
  co_return detail::optional_item(reply, "Attributes");
}

DYNASIO_DECL boost::asio::awaitable<std::optional<item>> table::delete_item(key key, delete_options opts) {
  co_await check_key("delete_item", key);
  detail::validate_return_values("delete_item", opts.return_values, false);
  detail::request_writer w;
  w.string("TableName", name_).item("Key", key);
  detail::write_condition_fields(w, opts.condition, opts.condition_expression,
                                 std::move(opts.expression_attribute_names),
                                 std::move(opts.expression_attribute_values), "delete_item");
  w.return_values(opts.return_values)
      .return_values_on_condition_check_failure(opts.return_values_on_condition_check_failure);
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
  dynasio::pager pages = scan_pages(std::move(opts));
  while (std::optional<page> p = co_await pages.next())
    std::move(p->items.begin(), p->items.end(), std::back_inserter(all));
  co_return all;
}

DYNASIO_DECL dynasio::pager table::query_pages(query_options opts) {
  (void)detail::query_body(name_, opts);  // refuse bad options now, not at the first next()
  auto st = std::make_shared<detail::pager_state>(*this, true);
  st->q = std::move(opts);
  return dynasio::pager(std::move(st));
}

DYNASIO_DECL dynasio::pager table::scan_pages(scan_options opts) {
  detail::check_limit("scan_pages", opts.limit);
  detail::check_segments("scan_pages", opts, true);
  auto st = std::make_shared<detail::pager_state>(*this, false);
  st->s = std::move(opts);
  return dynasio::pager(std::move(st));
}

DYNASIO_DECL boost::asio::awaitable<std::vector<item>> table::batch_get_item(std::vector<key> keys,
                                                                             bool consistent_read) {
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
      throw error(errc::batch_incomplete, "batch_get_item: " + std::to_string(todo.size()) +
                                              " keys still unprocessed after " + std::to_string(round) + " rounds");
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
