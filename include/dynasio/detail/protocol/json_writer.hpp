//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_PROTOCOL_JSON_WRITER_HPP
#define DYNASIO_DETAIL_PROTOCOL_JSON_WRITER_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/detail/config.hpp>

#include <string>
#include <string_view>

namespace dynasio::detail {

// The writers append DynamoDB wire JSON straight to a caller-owned buffer: no JSON tree is
// built, and a buffer reused across items stops allocating once it has grown. They sit on the
// batch writer's hot path. On a throw, `out` may hold a partial write; callers resize it back.

/**
 * Appends `utf8` as a quoted JSON string. `"` and `\` are escaped, control characters become
 * \b \f \n \r \t or \u00XX; everything else, multi-byte UTF-8 included, is copied as is.
 * Throws `errc::invalid_argument` if `utf8` is not valid UTF-8 (overlong forms, surrogates and
 * code points above U+10FFFF included), since DynamoDB would store or refuse garbage.
 */
DYNASIO_DECL void write_json_string(std::string& out, std::string_view utf8);

/// Appends one value in wire form, e.g. `{"S":"abc"}`, `{"N":"12"}`, `{"B":"AAE="}`.
DYNASIO_DECL void write_value(std::string& out, const attribute_value& value);

/// Appends an item (or M content) as `{"name":{"S":"..."},...}`, in name order.
DYNASIO_DECL void write_item(std::string& out, const item& value);

}  // namespace dynasio::detail

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/protocol/json_writer.ipp>
#endif

#endif
