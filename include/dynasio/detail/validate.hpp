//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_VALIDATE_HPP
#define DYNASIO_DETAIL_VALIDATE_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/detail/config.hpp>
#include <dynasio/operations/return_values.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

// Checks of requests and configuration that DynamoDB (or the SDKs) would refuse, run once
// before anything is sent. Each throws dynasio::error naming `who` and the field, quoting the
// offending value; `who` is the operation ("put_item") or the configuration source.
namespace dynasio {
enum class retry_mode;  // dynasio/config.hpp
}

namespace dynasio::detail {

/// Table names: 3 to 255 characters of A-Z a-z 0-9 _ - and '.'.
DYNASIO_DECL void validate_table_name(std::string_view who, std::string_view name);

/// One expression of a request: the option's name and its text.
struct named_expression {
  std::string_view field;
  std::string_view text;
};

/**
 * The placeholders of a request's expressions against its names and values: every `#n` and
 * `:v` used is defined, every defined one is used (DynamoDB refuses unused ones), and each
 * expression's parentheses balance.
 */
DYNASIO_DECL void validate_expressions(std::string_view who, std::initializer_list<named_expression> expressions,
                                       const expression_names& names, const item& values);

/// PutItem and DeleteItem take return_values none or all_old only (`update` allows all).
DYNASIO_DECL void validate_return_values(std::string_view who, return_values rv, bool update);

/// Query and Scan: a limit, when given, is at least 1.
DYNASIO_DECL void validate_limit(std::string_view who, const std::optional<std::int32_t>& limit);

/// AWS_RETRY_MODE: "standard", "legacy" or "adaptive", as the SDKs spell them; the mode it
/// names (legacy, the SDKs' older backoff, is served by standard).
DYNASIO_DECL retry_mode validate_retry_mode(std::string_view value);

/// An endpoint URL: http:// or https://, a host, no path, a port from 1 to 65535 if any.
/// Throws errc::invalid_configuration naming `field`.
DYNASIO_DECL void validate_endpoint_url(std::string_view field, std::string_view url);

/// The offset of the first byte that is not part of valid UTF-8 (overlong forms and
/// surrogates included), or nullopt.
DYNASIO_DECL std::optional<std::size_t> invalid_utf8_at(std::string_view text) noexcept;

/// `"text"` for messages: cut after 64 bytes, bytes outside printable ASCII as \xNN.
DYNASIO_DECL std::string quote_text(std::string_view text);

}  // namespace dynasio::detail

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/validate.ipp>
#endif

#endif
