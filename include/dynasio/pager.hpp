//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_PAGER_HPP
#define DYNASIO_PAGER_HPP

#include <dynasio/detail/config.hpp>
#include <dynasio/operations/query.hpp>

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>

namespace dynasio {

namespace detail {
struct pager_state;
}

/**
 * @brief The pages of a query or scan, fetched one at a time as they are asked for.
 * @details Made by table::query_pages() and table::scan_pages(); nothing is sent before the
 * first next(). `while (std::optional<page> p = co_await pager.next()) ...` visits every page
 * with one page in memory, however large the table. A parallel scan (scan_options::
 * total_segments > 1 without `segment`) scans `max_in_flight` segments at once and returns
 * their pages in arrival order; then up to `max_in_flight` pages wait in memory besides the
 * one returned. Pages may be empty (a `limit` with a filter), yet not the last.
 *
 * @par Object lifetimes
 * Destroying the pager stops a parallel scan: requests in flight complete and are dropped.
 *
 * @par Thread safety
 * Not thread-safe; one next() at a time.
 */
class pager {
 public:
  /// @cond internal
  explicit pager(std::shared_ptr<detail::pager_state> s) : s_(std::move(s)) {}
  /// @endcond
  pager(pager&&) noexcept = default;
  pager& operator=(pager&&) noexcept = default;
  DYNASIO_DECL ~pager();

  /// The next page, or nullopt after the last one. Throws what the query or scan throws;
  /// after an error the pager is finished.
  DYNASIO_DECL boost::asio::awaitable<std::optional<page>> next();

 private:
  std::shared_ptr<detail::pager_state> s_;
};

}  // namespace dynasio

#endif
