//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_OPERATIONS_UPDATE_ITEM_HPP
#define DYNASIO_OPERATIONS_UPDATE_ITEM_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/expression.hpp>
#include <dynasio/operations/return_values.hpp>
#include <dynasio/update_expression.hpp>

#include <optional>
#include <string>

namespace dynasio {

/// Options of table::update_item().
struct update_options {
  /// The update, built with placeholders generated (`UpdateExpression`); this or
  /// update_expression is required.
  std::optional<dynasio::update_expression> update{};
  /// A hand-written `UpdateExpression`, e.g. "SET #q = :q"; not together with `update`.
  std::string update_expression{};
  /// A condition built with attr(); its placeholders are generated.
  std::optional<dynasio::condition> condition{};
  /// A hand-written ConditionExpression (AND-ed with `condition` when both are set).
  std::string condition_expression{};
  /// Placeholders used by the expressions.
  expression_names expression_attribute_names{};
  /// Values used by the expressions.
  item expression_attribute_values{};
  /// What to return; update_item() returns it when not `none`.
  dynasio::return_values return_values = dynasio::return_values::none;
  /// `ReturnValuesOnConditionCheckFailure`: `all_old` makes a failed condition's error carry
  /// the item as it was (read it with error::item()).
  dynasio::return_values_on_condition_check_failure return_values_on_condition_check_failure =
      dynasio::return_values_on_condition_check_failure::none;
};

}  // namespace dynasio

#endif
