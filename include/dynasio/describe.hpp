//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DESCRIBE_HPP
#define DYNASIO_DESCRIBE_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/detail/describe_convert.hpp>

namespace dynasio {

/// How to_item() maps values that have more than one DynamoDB spelling.
struct item_options {
  /// An empty std::optional becomes `{"NULL": true}` instead of an absent attribute.
  bool nullopt_as_null = false;
};

/**
 * @brief Converts a struct described with `BOOST_DESCRIBE_STRUCT` to an item.
 * @details Each public described member becomes an attribute of the same name:
 * strings -> S; integers, floating values and number -> N; bool -> BOOL; binary,
 * `std::vector<std::byte>` and `std::vector<unsigned char>` -> B; described structs and
 * `std::map<std::string, T>` -> M; other `std::vector<T>` -> L; `std::set<T>` of strings,
 * numbers or binaries -> SS, NS or BS (an empty set, which DynamoDB cannot store, becomes
 * an absent attribute); `std::optional<T>` -> T, or absent when empty (NULL with
 * `options.nullopt_as_null`); `std::chrono::system_clock::time_point` -> S in ISO-8601 UTC
 * (`2024-05-01T12:30:00.25Z`); `std::chrono::local_time<D>` -> S in ISO-8601 without zone
 * (`2024-05-01T12:30:00.25`); `boost::json::value` -> S holding its compact JSON text;
 * `std::tuple`, `std::pair` and `std::array` -> L of exactly their size (an empty optional
 * element is NULL); attribute_value, item and list as they are.
 * A member of any other type fails to compile, in
 * `dynasio::detail::no_dynamodb_mapping_for_member_type<T>`, which names the type.
 * @throws dynasio::error for values DynamoDB refuses (NaN, invalid UTF-8 is left to the writer).
 */
template <class T>
item to_item(const T& value, const item_options& options = {}) {
  return detail::struct_to_item(value, options.nullopt_as_null);
}

/**
 * @brief Builds a described struct from an item, the inverse of to_item().
 * @details Attributes the struct does not describe are ignored. A missing attribute is an
 * error unless the member is a std::optional (which becomes empty, as does NULL) or a std::set
 * (which becomes empty).
 * @throws dynasio::error `errc::invalid_argument` naming the attribute when one is missing or
 * cannot be converted (wrong type, number out of range, bad timestamp, a date-time finer than
 * or outside the member's type, text that is not JSON, a list of the wrong size for a tuple).
 */
template <class T>
T from_item(const item& value) {
  return detail::struct_from_item<T>(value);
}

}  // namespace dynasio

#endif
