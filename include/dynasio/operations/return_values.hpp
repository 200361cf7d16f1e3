//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_OPERATIONS_RETURN_VALUES_HPP
#define DYNASIO_OPERATIONS_RETURN_VALUES_HPP

#include <map>
#include <string>

namespace dynasio {

/// Which item attributes a write returns (DynamoDB `ReturnValues`).
enum class return_values { none, all_old, updated_old, all_new, updated_new };

/// Whether a write whose condition fails returns the item as it was (DynamoDB
/// `ReturnValuesOnConditionCheckFailure`: `NONE` or `ALL_OLD`).
enum class return_values_on_condition_check_failure { none, all_old };

/// How much consumed capacity DynamoDB reports (`ReturnConsumedCapacity`).
enum class return_consumed_capacity { none, total, indexes };

/// Placeholder name -> attribute name (DynamoDB `ExpressionAttributeNames`).
using expression_names = std::map<std::string, std::string>;

}  // namespace dynasio

#endif
