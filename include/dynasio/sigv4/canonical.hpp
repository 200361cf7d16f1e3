//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_SIGV4_CANONICAL_HPP
#define DYNASIO_SIGV4_CANONICAL_HPP

#include <dynasio/detail/config.hpp>

#include <chrono>
#include <span>
#include <string>
#include <string_view>

namespace dynasio::sigv4 {

/**
 * @brief Formats a UTC time point as an `X-Amz-Date` value, `YYYYMMDDTHHMMSSZ`.
 * @details Sub-second parts are truncated. Throws dynasio::error (errc::invalid_argument) for a
 * year outside 0000..9999.
 */
DYNASIO_DECL std::string format_amz_date(std::chrono::system_clock::time_point t);

/// The same, written into `out` (no terminator): no allocation, for a request path.
DYNASIO_DECL void format_amz_date(std::chrono::system_clock::time_point t, std::span<char, 16> out);

/**
 * @brief Percent-encodes `text` the SigV4 way.
 * @details Keeps the unreserved characters `A-Z a-z 0-9 - _ . ~` and, when `keep_slash`, `/`;
 * every other byte becomes `%XX` with upper-case hex digits.
 */
DYNASIO_DECL std::string uri_encode(std::string_view text, bool keep_slash = false);

/**
 * @brief Removes `.` and `..` segments and empty segments (duplicate slashes) from a path.
 * @details The result starts with `/` and keeps a trailing `/` when the input had one and any
 * segment remains: `//example//` gives `/example/`, `/example/..` gives `/`.
 */
DYNASIO_DECL std::string normalize_path(std::string_view path);

/**
 * @brief The canonical query string of a raw query (the part after `?`, without it).
 * @details Parameters are split on `&` and `=`, percent-decoded, re-encoded with uri_encode and
 * sorted by name then value; a parameter without `=` gets an empty value.
 */
DYNASIO_DECL std::string canonical_query(std::string_view query);

/**
 * @brief The canonical form of a header value.
 * @details Leading and trailing whitespace is removed and every inner run of whitespace,
 * including obsolete line folding, becomes one space.
 */
DYNASIO_DECL std::string canonical_header_value(std::string_view value);

}  // namespace dynasio::sigv4

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/sigv4/impl/canonical.ipp>
#endif

#endif
