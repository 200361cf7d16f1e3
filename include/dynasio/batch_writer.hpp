//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_BATCH_WRITER_HPP
#define DYNASIO_BATCH_WRITER_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/batch_error.hpp>
#include <dynasio/describe.hpp>
#include <dynasio/detail/config.hpp>
#include <dynasio/detail/described_wire.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dynasio {

class client;
namespace detail {
class batch_writer_impl;
}

/// What one BatchWriteItem call did (the argument of batch_options::on_flush).
struct batch_metrics {
  /// Requests in the call.
  std::size_t items = 0;
  /// Requests DynamoDB returned in UnprocessedItems.
  std::size_t unprocessed = 0;
  /// Retries the client made for this call (throttling, 5xx, dropped connections).
  std::size_t retries = 0;
  /// Throttling replies among those retries, plus one if the call itself failed throttled.
  std::size_t throttles = 0;
  /// Time from sending to the reply.
  std::chrono::microseconds latency{0};
  /// Write capacity units the reply reports; nullopt unless client_config::return_consumed_capacity
  /// asks for them.
  std::optional<double> consumed_write_units{};
};

/// Counters of one batch writer.
struct batch_stats {
  /// BatchWriteItem calls completed.
  std::uint64_t requests_sent = 0;
  /// Put and delete requests acknowledged by DynamoDB.
  std::uint64_t items_written = 0;
  /// Call-level retries the client made for this writer's calls.
  std::uint64_t retries = 0;
  /// Requests re-sent after DynamoDB returned them in UnprocessedItems.
  std::uint64_t unprocessed_resent = 0;
  /// Throttling replies seen.
  std::uint64_t throttles = 0;
  /// Buffered requests replaced by a newer one for the same key (overwrite_by_pkeys).
  std::uint64_t superseded = 0;
  /// Requests that could not be written (reported in a batch_error).
  std::uint64_t failed = 0;
  /// The rate, in requests per second, the writer paces itself to (0: not paced yet, or off).
  double send_rate = 0;
  /// Times the pace was cut because the table did not take everything sent.
  std::uint64_t rate_cuts = 0;
  /// Write capacity units the replies reported (client_config::return_consumed_capacity).
  double consumed_write_units = 0;
};

/// Options of table::batch_writer().
struct batch_options {
  /// Requests per BatchWriteItem call, 1..25 (DynamoDB's limit).
  std::size_t flush_amount = 25;
  /// Key attribute names: a new request for the same key values replaces a buffered one.
  std::vector<std::string> overwrite_by_pkeys{};
  /// The table's key attribute names, partition key first, used to keep one request per key in
  /// flight and to detect duplicates within a batch. When empty: overwrite_by_pkeys, else
  /// learned once with DescribeTable when the first request is added. With both set, they
  /// must name the same attributes.
  std::vector<std::string> key_names{};
  /// Minimum pause before re-sending requests that were not written (so also between drain
  /// rounds in close() and flush()), whatever the jittered backoff says.
  std::chrono::milliseconds on_exit_loop_sleep{0};
  /// BatchWriteItem calls in flight at once.
  std::size_t max_in_flight = 4;
  /// Re-sends of one request (unprocessed, or after a call failed with a retryable error or a
  /// dropped connection) before it is reported as failed.
  unsigned max_request_attempts = 10;
  /// Time after which a request still not written is reported as failed.
  std::chrono::milliseconds retry_budget{std::chrono::minutes(2)};
  /// Backoff unit between re-sends of unprocessed requests (full jitter, doubling).
  std::chrono::milliseconds base_delay{50};
  /// Longest single backoff between re-sends.
  std::chrono::milliseconds max_delay{5'000};
  /**
   * Pace the calls to what the table accepts (on by default): from the share of each call
   * returned unprocessed and from throttling errors about the table's capacity, the writer
   * finds the rate the table takes and sends at it, probing upward again (the law:
   * detail/batch_pacer.hpp). Rejected requests then go again at that rate, without a backoff of
   * their own; they count in max_request_attempts only when the table took at least half of
   * their call (a request singled out, not a slow table), and retry_budget counts from the last
   * time the table acknowledged anything, so a slow table is waited for and a table that takes
   * nothing for retry_budget fails the requests. A hot key (ThrottlingReasons
   * `...KeyRangeThroughputExceeded`) backs off only its own requests. Off: every re-send backs
   * off and counts, as in aioboto3.
   */
  bool pace = true;
  /// Called after every BatchWriteItem call.
  std::function<void(const batch_metrics&)> on_flush{};
  /// Called with the requests still held when a writer is destroyed without close()
  /// (when empty, they are logged as an error through the client's logger).
  std::function<void(std::vector<write_request>)> on_abandoned{};
};

/**
 * @brief Buffers puts and deletes for one table and writes them with BatchWriteItem; paces
 * itself to the table's capacity (batch_options::pace).
 * @details aioboto3's `batch_writer` semantics: put_item() and delete_item() append to one
 * FIFO buffer; every `flush_amount` requests form one BatchWriteItem call; requests returned
 * as UnprocessedItems are sent again. Beyond aioboto3: unprocessed requests are re-sent with
 * backoff and a budget, a failed call's requests are retried or reported (never dropped), a
 * key never has two requests in flight, batches stay under 16 MB, items over 400 KB are
 * refused when added, a batch DynamoDB rejects as invalid is split to isolate the offending
 * request(s), and put_item() suspends when `max_in_flight` calls are in flight and the buffer
 * is full, so memory stays bounded.
 *
 * @par Durability
 * flush() and close() return when every request given so far is acknowledged by DynamoDB, or
 * throw batch_error listing exactly the requests that were not written.
 *
 * @par Errors
 * A call that fails with a retryable error, a dropped connection or UnprocessedItems has its
 * requests re-sent with full-jitter backoff (base_delay doubling up to max_delay, never less
 * than on_exit_loop_sleep) until `max_request_attempts` or `retry_budget` runs out (with pacing,
 * capacity rejections go again at the paced rate instead, see batch_options::pace). A
 * ValidationException on a call of several requests splits it in halves until the offending
 * request travels alone; it is then failed with the service's message. Other errors fail the
 * call's requests. Failed requests are kept and thrown, in the order given, as one batch_error
 * by the next put_item(), delete_item(), flush() or close(); the writer stays usable.
 *
 * @par Per-operation cancellation
 * put_item(), delete_item(), flush() and close() honour terminal cancellation while they
 * wait: they throw std::errc::operation_canceled; buffered requests stay buffered and calls
 * already out complete.
 *
 * @par Object lifetimes
 * The writer keeps its client alive. Destroying a writer that still holds requests is a
 * misuse: it is reported (on_abandoned, or an error log) and the requests are neither sent
 * nor silently dropped.
 *
 * @par Thread safety
 * Not thread-safe: use it from one strand.
 */
class batch_writer {
 public:
  /// Use table::batch_writer().
  DYNASIO_DECL batch_writer(dynasio::client db, std::string table_name, batch_options opts);
  batch_writer(batch_writer&&) noexcept = default;
  /// Reports what the assigned-to writer still holds, as the destructor does, then takes `other`'s.
  DYNASIO_DECL batch_writer& operator=(batch_writer&& other) noexcept;
  DYNASIO_DECL ~batch_writer();

  /// Buffers a put of `item`; suspends only for backpressure (`flush_amount` requests buffered
  /// while `max_in_flight` calls are out). Throws errc::invalid_argument for an item DynamoDB
  /// would refuse (over 400 KB, a key attribute missing, empty or too large, invalid UTF-8),
  /// errc::closed after close(), or a batch_error holding the requests that earlier calls
  /// could not write. When it throws, `item` was not buffered. Cancelling the awaiting
  /// coroutine while it waits for room throws with std::errc::operation_canceled; the item is
  /// then already buffered.
  DYNASIO_DECL boost::asio::awaitable<void> put_item(item item);

  /**
   * @brief Buffers a put of a struct described with `BOOST_DESCRIBE_STRUCT`: the item
   * `to_item(value, options)` builds, with the same checks, errors and messages.
   * @details When every public member is a std::string, an integer, a floating value, a
   * number or a bool (or a std::optional of one), the request's JSON is written straight from
   * the members and no item is built; a batch_error then hands back the item read from that
   * JSON, equal to what to_item() returns. Other structs go through to_item().
   * @par Lifetime
   * Unlike put_item(item), which takes its item by value, this borrows `value`: it is read when
   * the returned awaitable starts, and not after. `co_await w.put_item(row)` starts it at
   * once; an awaitable kept for later, or handed to `co_spawn`, must not outlive `value`.
   */
  template <detail::described T>
  boost::asio::awaitable<void> put_item(const T& value) {
    return put_described(detail::make_wire_source(value, false));
  }

  /// As put_item(const T&), with `options` as to_item() takes them.
  template <detail::described T>
  boost::asio::awaitable<void> put_item(const T& value, const item_options& options) {
    return put_described(detail::make_wire_source(value, options.nullopt_as_null));
  }

  /// Buffers a delete of `key`, which must hold exactly the key attributes; as put_item().
  DYNASIO_DECL boost::asio::awaitable<void> delete_item(key key);

  /// Returns when everything buffered so far is acknowledged; throws batch_error otherwise.
  DYNASIO_DECL boost::asio::awaitable<void> flush();

  /// flush(), then refuse further writes.
  DYNASIO_DECL boost::asio::awaitable<void> close();

  /// A snapshot of the counters.
  DYNASIO_DECL batch_stats stats() const noexcept;

  /// The executor of the client.
  DYNASIO_DECL boost::asio::any_io_executor get_executor() const noexcept;

 private:
  DYNASIO_DECL boost::asio::awaitable<void> put_described(detail::wire_source source);

  std::shared_ptr<detail::batch_writer_impl> impl_{};
};

}  // namespace dynasio

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/batch_writer.ipp>
#endif

#endif
