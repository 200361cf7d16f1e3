//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_ITEM_LIMITS_HPP
#define DYNASIO_ITEM_LIMITS_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/detail/config.hpp>

#include <cstddef>
#include <string_view>

namespace dynasio {

/// The largest item DynamoDB stores: 400 KB, names and values included.
inline constexpr std::size_t max_item_size = 400 * 1024;
/// The largest partition key value (S or B), in bytes.
inline constexpr std::size_t max_partition_key_size = 2048;
/// The largest sort key value (S or B), in bytes.
inline constexpr std::size_t max_sort_key_size = 1024;

/// Which part of the primary key an attribute is, for validate_key_value().
enum class key_role {
  /// The partition (hash) key: at most 2048 bytes.
  partition,
  /// The sort (range) key: at most 1024 bytes.
  sort,
};

/**
 * @brief The stored size of one value, by DynamoDB's rules ("Item sizes and formats").
 * @details S: UTF-8 bytes. B: raw bytes (not base64). N: 1 byte per two significant digits,
 * plus 1. BOOL and NULL: 1. Sets: the sum of their elements. L and M: 3 bytes, plus for each
 * element 1 byte and its size (and, in M, its name's UTF-8 length). The service documents the
 * number size as approximate; this is the documented formula.
 */
DYNASIO_DECL std::size_t value_size(const attribute_value& value) noexcept;

/// The stored size of an item: for each attribute, its name's UTF-8 length plus value_size().
DYNASIO_DECL std::size_t item_size(const item& value) noexcept;

/**
 * @brief Refuses an item DynamoDB would refuse for its size (over max_item_size).
 * @throws dynasio::error `errc::invalid_argument`, "Item size has exceeded the maximum
 * allowed size", followed by the computed size.
 */
DYNASIO_DECL void validate_item_size(const item& value);

/// The deepest nesting of M and L values DynamoDB stores.
inline constexpr std::size_t max_nesting_depth = 32;

/// The longest attribute name, in UTF-8 bytes.
inline constexpr std::size_t max_attribute_name_size = 65535;

/**
 * @brief Refuses an item DynamoDB would refuse, naming the attribute (by its document path)
 * and quoting the offending value.
 * @details Attribute names must be non-empty (at the top level), valid UTF-8 and at most
 * max_attribute_name_size bytes; strings (S and SS elements) valid UTF-8; M and L nested at
 * most max_nesting_depth deep; the whole item within max_item_size.
 * @param value The item.
 * @param who Starts the message, e.g. "put_item".
 * @throws dynasio::error `errc::invalid_argument`.
 */
DYNASIO_DECL void validate_item(const item& value, std::string_view who);

namespace detail {
/// validate_item() without its UTF-8 checks, for callers that write the item as JSON next: the
/// JSON writer refuses invalid UTF-8 as it copies, and the caller then calls validate_item() for
/// the message that names the attribute.
DYNASIO_DECL void validate_item_but_utf8(const item& value, std::string_view who);
}  // namespace detail

/**
 * @brief Refuses a key attribute DynamoDB would refuse, before anything is sent.
 * @details Key values must be S, N or B; S and B must not be empty; a partition key holds at
 * most 2048 bytes and a sort key at most 1024. Messages use the service's wording where it
 * has one, and always name the attribute.
 * @param attr_name The key attribute's name, for the message.
 * @param value Its value.
 * @param role Partition or sort key (they differ in their size limit).
 * @throws dynasio::error `errc::invalid_argument`.
 */
DYNASIO_DECL void validate_key_value(std::string_view attr_name, const attribute_value& value,
                                     key_role role = key_role::partition);

}  // namespace dynasio

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/item_limits.ipp>
#endif

#endif
