//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_PROTOCOL_WRITE_FIELDS_HPP
#define DYNASIO_DETAIL_PROTOCOL_WRITE_FIELDS_HPP

#include <dynasio/detail/protocol/request_writer.hpp>
#include <dynasio/detail/validate.hpp>
#include <dynasio/error.hpp>
#include <dynasio/operations/update_item.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace dynasio::detail {

/// ConditionExpression and every placeholder, for PutItem, DeleteItem and their transactional
/// forms: the generated condition AND the hand-written one.
inline void write_condition_fields(request_writer& w, const std::optional<condition>& generated,
                                   const std::string& hand, expression_names names, item values,
                                   std::string_view who = "condition") {
  expression_context ctx{std::move(names), std::move(values)};
  std::string cond = ctx.combine(generated, hand);
  validate_expressions(who, {{"condition_expression", cond}}, ctx.names, ctx.values);
  w.string("ConditionExpression", cond).names(ctx.names).values(ctx.values);
}

/// UpdateExpression, ConditionExpression and every placeholder, for UpdateItem and a
/// transaction's Update. `who` names the caller in the error when there is no update.
inline void write_update_fields(request_writer& w, const update_options& o, std::string_view who) {
  expression_context ctx{o.expression_attribute_names, o.expression_attribute_values};
  if (o.update && !o.update_expression.empty())
    throw error(errc::invalid_argument, std::string(who) + ": set update or update_expression, not both");
  if (o.update && o.update->empty()) throw error(errc::invalid_argument, std::string(who) + ": update has no action");
  std::string update = o.update ? render(*o.update, ctx.names, ctx.values) : o.update_expression;
  if (update.empty())
    throw error(errc::invalid_argument, std::string(who) + ": update (or update_expression) is required");
  std::string cond = ctx.combine(o.condition, o.condition_expression);
  validate_expressions(who, {{"update_expression", update}, {"condition_expression", cond}}, ctx.names, ctx.values);
  w.string("UpdateExpression", update).string("ConditionExpression", cond).names(ctx.names).values(ctx.values);
}

}  // namespace dynasio::detail

#endif
