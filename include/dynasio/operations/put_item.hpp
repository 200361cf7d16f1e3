//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_OPERATIONS_PUT_ITEM_HPP
#define DYNASIO_OPERATIONS_PUT_ITEM_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/expression.hpp>
#include <dynasio/operations/return_values.hpp>

#include <optional>
#include <string>

namespace dynasio {

/// Options of table::put_item() and table::delete_item() (DynamoDB parameters, in snake_case).
struct write_options {
  /// A condition built with attr(); its placeholders are generated.
  std::optional<dynasio::condition> condition{};
  /// A hand-written ConditionExpression (combined with `condition` by AND when both are set).
  std::string condition_expression{};
  /// Placeholders used by condition_expression.
  expression_names expression_attribute_names{};
  /// Values used by condition_expression.
  item expression_attribute_values{};
  /// `none` or `all_old` (then the old item is returned).
  dynasio::return_values return_values = dynasio::return_values::none;
  /// `ReturnValuesOnConditionCheckFailure`: `all_old` makes a failed condition's error carry
  /// the item as it was (read it with error::item()).
  dynasio::return_values_on_condition_check_failure return_values_on_condition_check_failure =
      dynasio::return_values_on_condition_check_failure::none;
};

/// Options of table::put_item().
using put_options = write_options;

}  // namespace dynasio

#endif
