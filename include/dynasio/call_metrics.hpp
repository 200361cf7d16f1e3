//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_CALL_METRICS_HPP
#define DYNASIO_CALL_METRICS_HPP

#include <chrono>
#include <optional>
#include <string_view>
#include <system_error>

namespace dynasio {

/**
 * @brief What one DynamoDB call did: the argument of client_config::on_call.
 * @details One call is one operation as the caller sees it: its attempts and retries
 * included. Every call the client makes reports, successful or not, those the batch writer,
 * the sink and the waiters make on the caller's behalf included.
 *
 * Consumed capacity comes from the reply's `ConsumedCapacity` (an object, or a list of them
 * for batch and transaction operations), which DynamoDB sends only when the request asked
 * for it: set client_config::return_consumed_capacity. Where an entry states
 * `ReadCapacityUnits` or `WriteCapacityUnits` those are taken; where it states only
 * `CapacityUnits` (what DynamoDB sends for TOTAL and INDEXES), they count as read units for
 * GetItem, BatchGetItem, Query, Scan and TransactGetItems, as write units for PutItem,
 * UpdateItem, DeleteItem, BatchWriteItem and TransactWriteItems, and for PartiQL by the
 * statement (SELECT reads; a batch or transaction of statements is all reads or all writes).
 *
 * @par Object lifetimes
 * `operation` and `table` view the call's own strings: they are valid during the callback only.
 */
struct call_metrics {
  /// The DynamoDB action, e.g. "PutItem".
  std::string_view operation{};
  /// The request's `TableName` (the first one of a transaction, the first `RequestItems` table
  /// of a batch); empty when the request names none (PartiQL, ListTables).
  std::string_view table{};
  /// Attempts made, the first included.
  unsigned attempts = 0;
  /// Retries after retryable errors.
  unsigned retries = 0;
  /// Of those, the ones after throttling.
  unsigned throttles = 0;
  /// From the start of the call to its outcome: waiting for a connection, every attempt and
  /// every backoff included (steady clock).
  std::chrono::microseconds latency{0};
  /// Empty on success; else the error the call ended with (what the operation throws).
  std::error_code error{};
  /// Read capacity units the reply reports; nullopt when it reports none.
  std::optional<double> consumed_read_units{};
  /// Write capacity units the reply reports; nullopt when it reports none.
  std::optional<double> consumed_write_units{};
};

}  // namespace dynasio

#endif
