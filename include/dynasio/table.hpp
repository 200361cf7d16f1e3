//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_TABLE_HPP
#define DYNASIO_TABLE_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/batch_writer.hpp>
#include <dynasio/client.hpp>
#include <dynasio/detail/config.hpp>
#include <dynasio/detail/validate.hpp>
#include <dynasio/operations/delete_item.hpp>
#include <dynasio/operations/get_item.hpp>
#include <dynasio/operations/put_item.hpp>
#include <dynasio/operations/query.hpp>
#include <dynasio/operations/update_item.hpp>
#include <dynasio/pager.hpp>

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dynasio {

/**
 * @brief One DynamoDB table: item operations, queries, scans and the batch writer.
 * @details A cheap handle (the client and the table name); copies share the client.
 * Items and keys are validated before anything is sent (item size, key attribute types,
 * empty keys), so bad input fails with errc::invalid_argument without a round trip.
 *
 * @par Per-operation cancellation
 * As client::call(): terminal cancellation stops the operation; nothing is sent if it was
 * cancelled before sending.
 *
 * @par Thread safety
 * Not thread-safe, like its client.
 *
 * Operations taking options have an overload without them rather than a default argument:
 * GCC 12 destroys non-trivial default arguments of coroutines twice.
 */
class table {
 public:
  /// A handle to table `name` through `db`.
  /// @throws dynasio::error `errc::invalid_argument` for a name DynamoDB refuses.
  table(dynasio::client db, std::string name) : db_(std::move(db)), name_(std::move(name)) {
    detail::validate_table_name("table", name_);
  }

  /// The table name.
  const std::string& name() const noexcept { return name_; }
  /// The client.
  dynasio::client& client() noexcept { return db_; }

  /// PutItem: stores `item` whole. Returns the old item when opts.return_values is all_old.
  /// Throws service_errc::conditional_check_failed when opts.condition is false.
  DYNASIO_DECL boost::asio::awaitable<std::optional<item>> put_item(item item, put_options opts);
  /// put_item() with default options.
  boost::asio::awaitable<std::optional<item>> put_item(item item) { return put_item(std::move(item), put_options()); }

  /// GetItem: the item with key `key`, or nullopt.
  DYNASIO_DECL boost::asio::awaitable<std::optional<item>> get_item(key key, get_options opts);
  /// get_item() with default options.
  boost::asio::awaitable<std::optional<item>> get_item(key key) { return get_item(std::move(key), get_options()); }

  /// UpdateItem: applies opts.update_expression; returns what opts.return_values asks for.
  DYNASIO_DECL boost::asio::awaitable<std::optional<item>> update_item(key key, update_options opts);

  /// DeleteItem: removes the item; returns it when opts.return_values is all_old.
  DYNASIO_DECL boost::asio::awaitable<std::optional<item>> delete_item(key key, delete_options opts);
  /// delete_item() with default options.
  boost::asio::awaitable<std::optional<item>> delete_item(key key) {
    return delete_item(std::move(key), delete_options());
  }

  /// Query: one page.
  DYNASIO_DECL boost::asio::awaitable<page> query(query_options opts);

  /// Scan: one page (of one segment, with scan_options::segment and total_segments).
  DYNASIO_DECL boost::asio::awaitable<page> scan(scan_options opts);
  /// scan() of the whole table, one page.
  boost::asio::awaitable<page> scan() { return scan(scan_options()); }

  /// Query page by page: a pager whose next() sends one Query per page, following
  /// `LastEvaluatedKey`. Validated here; nothing is sent before the first next().
  DYNASIO_DECL dynasio::pager query_pages(query_options opts);

  /// Scan page by page (see pager); with scan_options::total_segments > 1 and no `segment`,
  /// a parallel scan. Validated here; nothing is sent before the first next().
  DYNASIO_DECL dynasio::pager scan_pages(scan_options opts);
  /// scan_pages() of the whole table.
  dynasio::pager scan_pages() { return scan_pages(scan_options()); }

  /// Query following LastEvaluatedKey to the end; all items.
  DYNASIO_DECL boost::asio::awaitable<std::vector<item>> query_all(query_options opts);

  /// Scan following LastEvaluatedKey to the end; all items (every segment, in parallel, when
  /// scan_options::total_segments > 1 without `segment`).
  DYNASIO_DECL boost::asio::awaitable<std::vector<item>> scan_all(scan_options opts);
  /// scan_all() of the whole table.
  boost::asio::awaitable<std::vector<item>> scan_all() { return scan_all(scan_options()); }

  /// BatchGetItem in chunks of 100 keys, re-requesting UnprocessedKeys with backoff until
  /// every key is answered. Items come back in no particular order; missing keys are absent.
  DYNASIO_DECL boost::asio::awaitable<std::vector<item>> batch_get_item(std::vector<key> keys,
                                                                        bool consistent_read = false);

  /// A batch writer for this table (see batch_writer).
  dynasio::batch_writer batch_writer(batch_options opts = {}) {
    return dynasio::batch_writer(db_, name_, std::move(opts));
  }

 private:
  // Validates a key before sending; may learn which attribute is the sort key (see .ipp).
  DYNASIO_DECL boost::asio::awaitable<void> check_key(std::string_view operation, const key& k);

  dynasio::client db_;
  std::string name_;
  // The key schema, once check_key() needed it; shared by copies of this handle.
  std::shared_ptr<std::optional<table_schema>> schema_ = std::make_shared<std::optional<table_schema>>();
};

inline table client::table(std::string name) { return dynasio::table(*this, std::move(name)); }

}  // namespace dynasio

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/pager.ipp>
#include <dynasio/impl/table.ipp>
#endif

#endif
