//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_PROTOCOL_JSON_READER_HPP
#define DYNASIO_DETAIL_PROTOCOL_JSON_READER_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/detail/config.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace dynasio::detail {

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
