//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_SINK_KEYS_HPP
#define DYNASIO_DETAIL_SINK_KEYS_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/detail/config.hpp>
#include <dynasio/operations/table_schema.hpp>

#include <optional>
#include <string>

namespace dynasio::detail {

/**
 * Validates the key attributes of `row` and returns them as a key. Throws errc::invalid_argument
 * naming the column when one is missing, is not S/N/B, differs from its configured type, is an
 * empty S or B, or is over the size limit of its role. `who` prefixes the message.
 */
DYNASIO_DECL key extract_key(const item& row, const table_schema& keys, const std::string& who);

/// `id="a", ts=5`: a validated key as messages show it (long strings cut, binaries by size).
DYNASIO_DECL std::string describe_key(const key& k);

/// "HASH id (S), RANGE ts (N)": a key schema as messages show it.
DYNASIO_DECL std::string describe_keys(const table_schema& keys);

/// nullopt when `actual` has the key schema of `wanted` (names, roles, types); otherwise a
/// message showing both.
DYNASIO_DECL std::optional<std::string> key_schema_mismatch(const table_schema& wanted, const table_schema& actual);

}  // namespace dynasio::detail

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/sink_keys.ipp>
#endif

#endif
