//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_PROTOCOL_BASE64_HPP
#define DYNASIO_DETAIL_PROTOCOL_BASE64_HPP

#include <dynasio/detail/config.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace dynasio::detail {

/// Characters base64 needs for `n` bytes, padding included.
constexpr std::size_t base64_encoded_size(std::size_t n) noexcept { return (n + 2) / 3 * 4; }

/// Appends the standard (RFC 4648 section 4), padded base64 form of `bytes` to `out`.
DYNASIO_DECL void base64_encode(std::string& out, std::string_view bytes);

/// Decodes padded standard base64; nullopt on any other character, bad length or bad padding.
DYNASIO_DECL std::optional<std::string> base64_decode(std::string_view text);

}  // namespace dynasio::detail

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/protocol/base64.ipp>
#endif

#endif
