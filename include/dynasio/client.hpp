//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_CLIENT_HPP
#define DYNASIO_CLIENT_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/config.hpp>
#include <dynasio/detail/config.hpp>
#include <dynasio/operations/table_schema.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dynasio {

class table;
class transact_write;
struct transact_write_options;
struct transact_write_result;
struct transact_get;
struct statement_options;
struct statement_page;
struct statement;
struct statement_result;
namespace detail {
class client_impl;
struct access;
}  // namespace detail

/// Counters of one client, for tests and metrics.
struct client_stats {
  /// HTTP requests sent, retries included.
  std::uint64_t requests = 0;
  /// Retries after retryable errors (not counting the free retry on a stale connection).
  std::uint64_t retries = 0;
  /// Retryable errors that were throttling.
  std::uint64_t throttles = 0;
  /// Connections opened.
  std::uint64_t connections_opened = 0;
  /// Requests re-sent once on a fresh connection because a reused one had been closed.
  std::uint64_t stale_connection_retries = 0;
  /// Read capacity units the replies reported (client_config::return_consumed_capacity).
  double consumed_read_units = 0;
  /// Write capacity units the replies reported (client_config::return_consumed_capacity).
  double consumed_write_units = 0;
};

/**
 * @brief A DynamoDB client: a bounded pool of keep-alive connections, SigV4 signing, retries.
 * @details Copies share one connection pool and one retry token bucket; the pool lives while
 * any copy, table or operation in flight uses it.
 *
 * @par Per-operation cancellation
 * Every operation honours terminal cancellation from the awaiting coroutine (e.g.
 * `co_await (db.call(...) || timer.async_wait(use_awaitable))`). Cancelled before the request
 * is sent, nothing is sent; cancelled in flight, the operation throws dynasio::error with
 * `code() == std::errc::operation_canceled`, the connection is closed rather than returned to
 * the pool half-read, and the client stays usable.
 *
 * @par Thread safety
 * Not thread-safe. Use one client per thread or run it on a strand.
 */
class client {
 public:
  /// A client using `cfg`; nothing is connected until the first request.
  DYNASIO_DECL client(boost::asio::any_io_executor ex, client_config cfg);

  /// The executor every operation runs on.
  DYNASIO_DECL boost::asio::any_io_executor get_executor() const noexcept;

  /// The configuration this client was made with.
  DYNASIO_DECL const client_config& config() const noexcept;

  /// A snapshot of the client's counters.
  DYNASIO_DECL client_stats stats() const noexcept;

  /**
   * @brief Any DynamoDB operation, in its wire JSON.
   * @param operation The action name, e.g. "ListTables"; sent as `X-Amz-Target`.
   * @param request The request body.
   * @returns The reply body.
   * @throws dynasio::error with a service_errc for DynamoDB errors (after retries for the
   * retryable ones), errc::timeout, a network error code, or errc::protocol_error.
   */
  DYNASIO_DECL boost::asio::awaitable<boost::json::object> call(std::string_view operation,
                                                                boost::json::object request);

  /// call() with an already serialized JSON body (the batch writer's path: no DOM built).
  DYNASIO_DECL boost::asio::awaitable<boost::json::object> call_raw(std::string_view operation, std::string body);

  /// A handle to the table `name`: item operations, queries, the batch writer.
  dynasio::table table(std::string name);

  /// Creates a table (on-demand billing unless `schema.billing`, indexes, deletion protection);
  /// returns when DynamoDB accepted the request (the table is then usually CREATING: see
  /// wait_until_table_exists()).
  DYNASIO_DECL boost::asio::awaitable<void> create_table(table_schema schema);

  /// The table's schema (keys with their types, secondary indexes, billing, deletion
  /// protection), status, item count and index statuses. Throws service_errc::resource_not_found.
  DYNASIO_DECL boost::asio::awaitable<table_description> describe_table(std::string name);

  /// Starts deleting the table (it is then DELETING: see wait_until_table_not_exists()).
  DYNASIO_DECL boost::asio::awaitable<void> delete_table(std::string name);

  /// TransactWriteItems: up to 100 actions, all or nothing (transaction.hpp).
  boost::asio::awaitable<transact_write_result> transact_write_items(std::vector<transact_write> actions,
                                                                     transact_write_options opts);
  /// TransactWriteItems with default options.
  boost::asio::awaitable<transact_write_result> transact_write_items(std::vector<transact_write> actions);
  /// TransactGetItems: one consistent read of up to 100 items; empty where an item is absent.
  boost::asio::awaitable<std::vector<std::optional<item>>> transact_get_items(std::vector<transact_get> gets);

  /// ExecuteStatement: one page of a PartiQL statement with `?` parameters (statement.hpp).
  boost::asio::awaitable<statement_page> execute_statement(std::string statement,
                                                           std::vector<attribute_value> parameters,
                                                           statement_options opts);
  /// ExecuteStatement with default options.
  boost::asio::awaitable<statement_page> execute_statement(std::string statement,
                                                           std::vector<attribute_value> parameters);
  /// ExecuteStatement following NextToken: every item.
  boost::asio::awaitable<std::vector<item>> execute_statement_all(std::string statement,
                                                                  std::vector<attribute_value> parameters,
                                                                  statement_options opts);
  /// execute_statement_all() with default options.
  boost::asio::awaitable<std::vector<item>> execute_statement_all(std::string statement,
                                                                  std::vector<attribute_value> parameters);
  /// BatchExecuteStatement: up to 25 statements, a result or an error for each, in order.
  boost::asio::awaitable<std::vector<statement_result>> batch_execute_statement(std::vector<statement> statements);

  /// ListTables, following every page (admin.hpp).
  boost::asio::awaitable<std::vector<std::string>> list_tables();
  /// UpdateTimeToLive: enables or disables expiry by `attribute` (epoch seconds).
  boost::asio::awaitable<void> update_time_to_live(std::string table, std::string attribute, bool enabled);

  /// Polls describe_table() until the table is ACTIVE; errc::waiter_timeout after `timeout`.
  boost::asio::awaitable<void> wait_until_table_exists(std::string name,
                                                       std::chrono::milliseconds timeout = std::chrono::minutes(5)) {
    return wait_for_table(std::move(name), true, timeout);
  }

  /// Polls describe_table() until the table is gone; errc::waiter_timeout after `timeout`.
  boost::asio::awaitable<void> wait_until_table_not_exists(
      std::string name, std::chrono::milliseconds timeout = std::chrono::minutes(5)) {
    return wait_for_table(std::move(name), false, timeout);
  }

 private:
  friend struct detail::access;
  DYNASIO_DECL boost::asio::awaitable<void> wait_for_table(std::string name, bool want_exists,
                                                           std::chrono::milliseconds timeout);

  std::shared_ptr<detail::client_impl> impl_;
  // Starts every line this handle logs (the sink's name); copies made from it keep it.
  std::string log_prefix_;
};

}  // namespace dynasio

// client::table() returns a table, and the members above forward to the operation headers:
// including client.hpp alone is enough to call any of them.
#include <dynasio/admin.hpp>
#include <dynasio/statement.hpp>
#include <dynasio/table.hpp>
#include <dynasio/transaction.hpp>

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/client.ipp>
#endif

#endif
