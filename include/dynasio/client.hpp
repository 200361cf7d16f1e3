//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_CLIENT_HPP
#define DYNASIO_CLIENT_HPP

#include <dynasio/config.hpp>
#include <dynasio/detail/config.hpp>
#include <dynasio/operations/table_schema.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace dynasio {

class table;
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
  DYNASIO_DECL boost::asio::awaitable<boost::json::object> call(std::string_view operation, boost::json::object request);

  /// call() with an already serialized JSON body (the batch writer's path: no DOM built).
  DYNASIO_DECL boost::asio::awaitable<boost::json::object> call_raw(std::string_view operation, std::string body);

  /// A handle to the table `name`: item operations, queries, the batch writer.
  dynasio::table table(std::string name);

  /// Creates a table with on-demand billing; returns when DynamoDB accepted the request
  /// (the table is then usually CREATING: see wait_until_table_exists()).
  DYNASIO_DECL boost::asio::awaitable<void> create_table(table_schema schema);

  /// The table's key schema, status and item count. Throws service_errc::resource_not_found.
  DYNASIO_DECL boost::asio::awaitable<table_description> describe_table(std::string name);

  /// Starts deleting the table (it is then DELETING: see wait_until_table_not_exists()).
  DYNASIO_DECL boost::asio::awaitable<void> delete_table(std::string name);

  /// Polls describe_table() until the table is ACTIVE; errc::waiter_timeout after `timeout`.
  boost::asio::awaitable<void> wait_until_table_exists(std::string name,
                                                       std::chrono::milliseconds timeout = std::chrono::minutes(5)) {
    return wait_for_table(std::move(name), true, timeout);
  }

  /// Polls describe_table() until the table is gone; errc::waiter_timeout after `timeout`.
  boost::asio::awaitable<void> wait_until_table_not_exists(std::string name,
                                                           std::chrono::milliseconds timeout = std::chrono::minutes(5)) {
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

// client::table() returns a table: including client.hpp alone is enough to call it.
#include <dynasio/table.hpp>

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/client.ipp>
#endif

#endif
