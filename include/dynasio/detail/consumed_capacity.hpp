//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_CONSUMED_CAPACITY_HPP
#define DYNASIO_DETAIL_CONSUMED_CAPACITY_HPP

#include <dynasio/detail/config.hpp>
#include <dynasio/operations/return_values.hpp>

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace dynasio::detail {

/// True for the actions whose request takes `ReturnConsumedCapacity`.
DYNASIO_DECL bool takes_consumed_capacity(std::string_view operation) noexcept;

/**
 * The request body with `"ReturnConsumedCapacity"` added first, or nullopt when nothing is to
 * be added: `mode` is none, the action does not take it, the body sets it already, or the body
 * is not a JSON object.
 */
DYNASIO_DECL std::optional<std::string> with_return_consumed_capacity(std::string_view operation, std::string_view body,
                                                                      return_consumed_capacity mode);

/// The table a request body names: the first key of its `"RequestItems"` for BatchWriteItem
/// and BatchGetItem, else its first `"TableName"` string; empty when it names none.
DYNASIO_DECL std::string_view request_table(std::string_view operation, std::string_view body);

/// Read and write units of a reply's ConsumedCapacity.
struct consumed_units {
  std::optional<double> read;
  std::optional<double> write;
};

/// The units the reply's `ConsumedCapacity` (an object or a list of them) reports, split into
/// reads and writes as call_metrics documents; `body` is the request (PartiQL statements).
DYNASIO_DECL consumed_units read_consumed_capacity(std::string_view operation, std::string_view body,
                                                   const boost::json::object& reply);

}  // namespace dynasio::detail

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/consumed_capacity.ipp>
#endif

#endif
