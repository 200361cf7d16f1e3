//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_TIMESTAMP_HPP
#define DYNASIO_DETAIL_TIMESTAMP_HPP

#include <dynasio/detail/config.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace dynasio::detail {

/// ISO-8601 in UTC, fraction only as long as needed: `2024-05-01T12:30:00Z`, `...:00.25Z`.
DYNASIO_DECL std::string format_timestamp(std::chrono::system_clock::time_point t);

/// Reads what format_timestamp writes (`YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z`); throws
/// `errc::invalid_argument` for anything else.
DYNASIO_DECL std::chrono::system_clock::time_point parse_timestamp(std::string_view text);

}  // namespace dynasio::detail

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/timestamp.ipp>
#endif

#endif
