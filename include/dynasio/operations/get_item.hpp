//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_OPERATIONS_GET_ITEM_HPP
#define DYNASIO_OPERATIONS_GET_ITEM_HPP

#include <dynasio/operations/return_values.hpp>

#include <string>

namespace dynasio {

/// Options of table::get_item().
struct get_options {
  /// Strongly consistent read.
  bool consistent_read = false;
  /// Attributes to return (ProjectionExpression); all when empty.
  std::string projection_expression{};
  /// Placeholders used by projection_expression.
  expression_names expression_attribute_names{};
};

}  // namespace dynasio

#endif
