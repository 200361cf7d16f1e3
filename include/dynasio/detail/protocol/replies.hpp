//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_PROTOCOL_REPLIES_HPP
#define DYNASIO_DETAIL_PROTOCOL_REPLIES_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/detail/config.hpp>
#include <dynasio/operations/query.hpp>
#include <dynasio/operations/table_schema.hpp>

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dynasio::detail {

// The reply parsers of every operation, in one place (request bodies: request_writer.hpp).
// Each throws errc::protocol_error for a reply DynamoDB could not have sent.

/// The item in `reply[field]` (GetItem's Item, the Attributes of put/update/delete), if any.
DYNASIO_DECL std::optional<item> optional_item(const boost::json::object& reply, std::string_view field);

/// A Query or Scan page: Items and LastEvaluatedKey.
DYNASIO_DECL page read_page(const boost::json::object& reply);

/// DescribeTable's Table: name, status, item count and key schema.
DYNASIO_DECL table_description parse_table_description(const boost::json::object& reply);

/// The keys of the requests a BatchWriteItem reply returned in UnprocessedItems for `table`,
/// projected on `key_names` (in that order).
DYNASIO_DECL std::vector<std::vector<attribute_value>> unprocessed_write_keys(
    const boost::json::object& reply, std::string_view table, const std::vector<std::string>& key_names);

/// BatchGetItem's body for `keys[first, last)` of `table`.
DYNASIO_DECL std::string batch_get_body(std::string_view table, const std::vector<key>& keys, std::size_t first,
                                        std::size_t last, bool consistent_read);

/// BatchGetItem's reply: the items found go to `found`, the UnprocessedKeys to `unprocessed`.
DYNASIO_DECL void read_batch_get(const boost::json::object& reply, std::string_view table, std::vector<item>& found,
                                 std::vector<key>& unprocessed);

}  // namespace dynasio::detail

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/protocol/replies.ipp>
#endif

#endif
