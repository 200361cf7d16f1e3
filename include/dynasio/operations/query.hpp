//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_OPERATIONS_QUERY_HPP
#define DYNASIO_OPERATIONS_QUERY_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/expression.hpp>
#include <dynasio/operations/return_values.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dynasio {

/// One page of query() or scan() results.
struct page {
  /// The items of this page.
  std::vector<item> items{};
  /// Where the next page starts; empty on the last page.
  std::optional<key> last_evaluated_key{};
};

/// Options of table::query() and query_all().
struct query_options {
  /// The key condition, e.g. `key_name("pk") == "a" && key_name("sk").begins_with("x")`.
  std::optional<dynasio::condition> key_condition{};
  /// A hand-written KeyConditionExpression, used when key_condition is empty.
  std::string key_condition_expression{};
  /// A filter built with attr().
  std::optional<dynasio::condition> filter{};
  /// A hand-written FilterExpression (AND-ed with `filter` when both are set).
  std::string filter_expression{};
  /// Attributes to return (ProjectionExpression).
  std::string projection_expression{};
  /// Placeholders used by hand-written expressions.
  expression_names expression_attribute_names{};
  /// Values used by hand-written expressions.
  item expression_attribute_values{};
  /// Query a secondary index instead of the table.
  std::string index_name{};
  /// Most items DynamoDB evaluates for one page.
  std::optional<std::int32_t> limit{};
  /// Start after this key (the previous page's last_evaluated_key).
  std::optional<key> exclusive_start_key{};
  /// Strongly consistent read.
  bool consistent_read = false;
  /// Ascending sort-key order (false: descending).
  bool scan_index_forward = true;
};

/// Options of table::scan() and scan_all().
struct scan_options {
  /// A filter built with attr().
  std::optional<dynasio::condition> filter{};
  /// A hand-written FilterExpression (AND-ed with `filter` when both are set).
  std::string filter_expression{};
  /// Attributes to return (ProjectionExpression).
  std::string projection_expression{};
  /// Placeholders used by hand-written expressions.
  expression_names expression_attribute_names{};
  /// Values used by hand-written expressions.
  item expression_attribute_values{};
  /// Scan a secondary index instead of the table.
  std::string index_name{};
  /// Most items DynamoDB evaluates for one page.
  std::optional<std::int32_t> limit{};
  /// Start after this key.
  std::optional<key> exclusive_start_key{};
  /// Strongly consistent read.
  bool consistent_read = false;
  /// `TotalSegments` (1 to 1 000 000): with `segment`, scan only that segment of this many;
  /// alone and above 1, scan_pages() and scan_all() run a parallel scan of every segment.
  std::optional<std::int32_t> total_segments{};
  /// `Segment` (0 to total_segments - 1): scan only this segment (one worker of a scan
  /// spread over processes or machines).
  std::optional<std::int32_t> segment{};
  /// Segments scanned at once by a parallel scan (at least 1); each holds at most one page
  /// waiting to be taken.
  std::int32_t max_in_flight = 4;
};

}  // namespace dynasio

#endif
