//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_PROTOCOL_JSON_READER_HPP
#define DYNASIO_DETAIL_PROTOCOL_JSON_READER_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/detail/config.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <string_view>

namespace dynasio::detail {

/**
 * Parses DynamoDB JSON (a reply, an error's body, a request the writer wrote): as
 * boost::json::parse(), but deep enough for an item of max_nesting_depth levels of M and L,
 * each two JSON levels, inside the deepest envelope (a BatchWriteItem reply's
 * UnprocessedItems: six more). Boost.JSON's default limit of 32 levels stops at about 14.
 */
DYNASIO_DECL boost::json::value parse_wire_json(std::string_view text, boost::system::error_code& ec);

/// parse_wire_json()'s limit: 2 * max_nesting_depth + 16 (a static_assert in the tests checks it;
/// including item_limits.hpp here would close an include cycle in header-only mode).
inline constexpr std::size_t max_wire_json_depth = 80;

/**
 * Reads one wire value such as `{"N":"12"}`. Throws `errc::protocol_error` when the JSON is
 * not exactly one known type tag with a payload of the right shape, when a number, base64
 * text or set is one DynamoDB could not have sent, or when NULL is not `true`.
 */
DYNASIO_DECL attribute_value read_value(const boost::json::value& json);

/// Reads an item (or M content) `{"name":{...},...}`; same errors as read_value.
DYNASIO_DECL item read_item(const boost::json::object& json);

}  // namespace dynasio::detail

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/protocol/json_reader.ipp>
#endif

#endif
