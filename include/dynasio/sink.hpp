//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_SINK_HPP
#define DYNASIO_SINK_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/batch_error.hpp>
#include <dynasio/batch_writer.hpp>
#include <dynasio/client.hpp>
#include <dynasio/detail/config.hpp>
#include <dynasio/operations/table_schema.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dynasio {

namespace detail {
class sink_impl;
}

/// What sink::open() does to the table before the first write.
enum class init_mode {
  /// Prepare nothing: the table must exist with the configured key schema (Pathway's "default").
  existing,
  /// Create the table (on-demand billing unless sink_config::billing) when it does not exist.
  create_if_not_exists,
  /// Drop the table if it exists, then create it empty.
  replace,
};

/**
 * @brief Parses an init mode as Pathway spells it: "default" (or "existing"),
 * "create_if_not_exists", "replace".
 * @throws dynasio::error `errc::invalid_argument` for any other text, quoting it.
 */
DYNASIO_DECL init_mode init_mode_from_string(std::string_view text);

/// The spelling of a mode: "existing", "create_if_not_exists" or "replace".
DYNASIO_DECL std::string_view to_string(init_mode mode) noexcept;

/// Configuration of sink::open().
struct sink_config {
  /// The DynamoDB table the stream is mirrored into.
  std::string table_name;
  /// The partition key column and its type; `{"id"}` is a string key.
  key_attribute partition_key;
  /// The sort key column, when the table has one.
  std::optional<key_attribute> sort_key;
  /// What open() does to the table.
  dynasio::init_mode init_mode = init_mode::existing;
  /// Global secondary indexes of a table open() creates (create_if_not_exists, replace).
  std::vector<secondary_index> global_secondary_indexes{};
  /// Local secondary indexes of a table open() creates.
  std::vector<secondary_index> local_secondary_indexes{};
  /// Provisioned capacity of a table open() creates; nullopt: on-demand billing.
  std::optional<provisioned_throughput> billing{};
  /// `DeletionProtectionEnabled` on a table open() creates (a later replace then fails until
  /// it is turned off).
  bool deletion_protection = false;
  /// Shown in every log line and in stats(); the table name when empty.
  std::string name;
  /// Options of the batch writer behind commit() (key_names is set by the sink).
  batch_options batch;
  /// Longest wait for a table to become ACTIVE, or to be gone before it is recreated.
  std::chrono::milliseconds table_wait_timeout{std::chrono::minutes(5)};
};

/// Counters of one sink.
struct sink_stats {
  /// The sink's name (sink_config::name).
  std::string name;
  /// Puts acknowledged by DynamoDB.
  std::uint64_t rows_upserted = 0;
  /// Deletes acknowledged by DynamoDB.
  std::uint64_t rows_deleted = 0;
  /// Events that needed no request of their own: folded with other events of their key within
  /// a step, or netting to nothing (an insert and a delete of one row).
  std::uint64_t rows_coalesced = 0;
  /// Keys that got two or more different rows inserted (net +1 each) in one step, which a
  /// consistent change stream never does: the row inserted last was put, and the key logged.
  std::uint64_t key_conflicts = 0;
  /// Re-sends: the client's retries of failed calls plus unprocessed requests sent again.
  std::uint64_t retries = 0;
  /// Successful commits.
  std::uint64_t commits = 0;
};

/**
 * @brief Mirrors a change stream (rows with diff +1/-1) into a DynamoDB table.
 * @details The behaviour of Pathway's DynamoDB output connector: writes go by primary key, so
 * rows with equal keys overwrite each other; `+1` puts the whole row (attributes absent from
 * the row disappear from the item), `-1` deletes the row's key. Events between two commits
 * form one step, whose events are unordered: each key is reconciled by the net multiplicity
 * of its rows. A row netting +1 is put (an update, `-1` old and `+1` new in either order,
 * becomes one put); a row netting -1 with none netting +1 deletes the key; when every row
 * nets to 0 (an insert then delete) nothing is sent. Steps land in order.
 * @code
 * dynasio::sink_config cfg;
 * cfg.table_name = "orders";
 * cfg.partition_key = {"id"};
 * cfg.init_mode = dynasio::init_mode::create_if_not_exists;
 * auto sink = co_await dynasio::sink::open(db, std::move(cfg));
 * dynasio::item row{{"id", "7"}, {"qty", 1}};  // in its own statement for GCC 12 (README)
 * co_await sink.write(std::move(row), +1);
 * co_await sink.commit();
 * @endcode
 *
 * @par Durability
 * commit() returns when DynamoDB has acknowledged every write so far, or throws batch_error
 * listing exactly the requests (rows to put, keys to delete) that were not written. Those are
 * not retried by later commits: the caller owns them. Destroying a sink with uncommitted
 * writes logs an error naming their count; they are not sent.
 *
 * @par Per-operation cancellation
 * Cancelling commit() rethrows the cancellation. Requests of the step not yet handed to the
 * batch writer go back into the sink (unless the key was written since); those already handed
 * stay with the writer. The next commit() or close() sends both.
 *
 * @par Logging
 * The sink writes through the client given to open() (its connection pool and retry token
 * bucket are shared with everything else using that client); every line it logs, the batch
 * writer's and the client's included, starts with `sink '<name>': `.
 *
 * @par Object lifetimes
 * The sink keeps a handle on the client; the client object given to open() may be destroyed
 * after open() returns.
 *
 * @par Thread safety
 * Not thread-safe: use it from one strand.
 */
class sink {
 public:
  /**
   * @brief Prepares the table per `cfg.init_mode` and returns a sink writing to it.
   * @details `existing` requires the table; `create_if_not_exists` creates it when missing;
   * `replace` deletes it (waiting until it is gone) and creates it. New tables get the
   * configured secondary indexes, billing (on-demand by default) and deletion protection, and
   * are ACTIVE on return. An existing table must have exactly the configured key schema
   * (names, HASH/RANGE roles and types); its indexes and billing are left as they are.
   * @throws dynasio::error: `errc::invalid_argument` for a malformed config,
   * `service_errc::resource_not_found` for a missing table in mode `existing`,
   * `errc::key_schema_mismatch` with both schemas in the message, `errc::waiter_timeout`, or
   * the client's errors.
   */
  DYNASIO_DECL static boost::asio::awaitable<sink> open(client& db, sink_config cfg);

  DYNASIO_DECL sink(sink&&) noexcept;
  DYNASIO_DECL sink& operator=(sink&&) noexcept;
  DYNASIO_DECL ~sink();

  /**
   * @brief Records one event of the current step; nothing is sent before commit().
   * @param row The whole row; its key columns must be present, S/N/B as configured, non-empty
   * and within DynamoDB's key size limits.
   * @param diff `+1` to upsert the row, `-1` to delete its key.
   * @throws dynasio::error `errc::invalid_argument` naming the column (the event is not
   * recorded), for a `+1` row DynamoDB would refuse (validate_item(): over 400 KB, nested too
   * deep, an empty or invalid name, invalid UTF-8; named by its key and the attribute), or for
   * a diff other than ±1; `errc::closed` after close().
   */
  DYNASIO_DECL boost::asio::awaitable<void> write(const item& row, int diff);

  /// write(), keeping `row` itself instead of a copy (a row built for the event and handed
  /// over: `co_await sink.write(std::move(row), +1)`). A row it takes is left empty; a row it
  /// refuses (`errc::invalid_argument`, `errc::closed`) is left as it was.
  DYNASIO_DECL boost::asio::awaitable<void> write(item&& row, int diff);

  /// Ends the step: returns when every write so far is acknowledged; throws batch_error
  /// with the unwritten requests otherwise.
  DYNASIO_DECL boost::asio::awaitable<void> commit();

  /// commit(), then refuse further writes; the sink is closed even when commit() throws.
  DYNASIO_DECL boost::asio::awaitable<void> close();

  /// A snapshot of the counters.
  DYNASIO_DECL sink_stats stats() const;

  /// The configuration (with the defaults filled in).
  DYNASIO_DECL const sink_config& config() const noexcept;

  /// The executor of the client.
  DYNASIO_DECL boost::asio::any_io_executor get_executor() const noexcept;

 private:
  DYNASIO_DECL explicit sink(std::unique_ptr<detail::sink_impl> impl) noexcept;
  std::unique_ptr<detail::sink_impl> impl_;
};

}  // namespace dynasio

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/sink.ipp>
#endif

#endif
