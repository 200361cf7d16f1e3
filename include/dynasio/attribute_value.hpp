//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_ATTRIBUTE_VALUE_HPP
#define DYNASIO_ATTRIBUTE_VALUE_HPP

#include <dynasio/binary.hpp>
#include <dynasio/detail/config.hpp>
#include <dynasio/detail/value_box.hpp>
#include <dynasio/number.hpp>
#include <dynasio/sets.hpp>

#include <concepts>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace dynasio {

/**
 * @brief The ten DynamoDB data types, in the order attribute_value::type() reports them.
 * @details `NULL` is spelled `NULL_` because `NULL` is a macro; to_string() gives the
 * wire names ("S", "NULL", ...).
 */
enum class attribute_type : unsigned char { S, N, B, BOOL, NULL_, M, L, SS, NS, BS };

namespace detail {
struct value_access;
}  // namespace detail

/// The wire name of a type: "S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS" or "BS".
DYNASIO_DECL std::string_view to_string(attribute_type t) noexcept;

/**
 * @brief One DynamoDB attribute value: exactly one of S, N, B, BOOL, NULL, M, L, SS, NS, BS.
 * @details Converts implicitly from what it holds, so items read like JSON:
 * @code
 * dynasio::item row{{"id", "123"}, {"qty", 3}, {"price", 9.5}, {"tags", dynasio::string_set{"a", "b"}},
 *                   {"blob", dynasio::binary(bytes)}, {"gone", nullptr}, {"ok", true},
 *                   {"list", dynasio::list{1, "two"}}, {"map", dynasio::item{{"k", "v"}}}};
 * @endcode
 * Strings (`std::string`, `std::string_view`, `const char*`) become S; integers (not
 * character types) and finite `float`/`double` become N (see number: NaN, infinities and
 * out-of-range values throw); `bool` becomes BOOL; `nullptr` becomes NULL. A
 * default-constructed value is NULL.
 *
 * Equality compares type and content; numbers compare by value (`1 == 1.0`), sets ignore
 * the order they were written in. The `as_*` accessors throw `dynasio::error`
 * (`errc::invalid_argument`) when the value holds another type.
 *
 * @par Thread safety
 * Distinct objects: safe. Shared objects: safe for const access.
 */
class attribute_value {
 public:
  /// The map type behind M; also available as dynasio::item.
  using map_type = std::map<std::string, attribute_value, std::less<>>;
  /// The list type behind L; also available as dynasio::list.
  using list_type = std::vector<attribute_value>;

  /// NULL.
  attribute_value() noexcept : v_(std::in_place_index<4>, nullptr) {}
  /// S.
  attribute_value(std::string s) noexcept : v_(std::in_place_index<0>, std::move(s)) {}
  /// S.
  attribute_value(std::string_view s) : v_(std::in_place_index<0>, s) {}
  /// S.
  attribute_value(const char* s) : v_(std::in_place_index<0>, s) {}
  /// N.
  attribute_value(number n) noexcept : v_(std::in_place_index<1>, std::move(n)) {}
  /// N, from any integer type except character types.
  template <detail::number_integer T>
  attribute_value(T n) : v_(std::in_place_index<1>, number(n)) {}
  /// N, from a finite float or double; throws `errc::invalid_number` otherwise.
  template <std::floating_point T>
  attribute_value(T n) : v_(std::in_place_index<1>, number(n)) {}
  /// BOOL (only from `bool` itself, so pointers never turn into booleans).
  template <std::same_as<bool> T>
  attribute_value(T b) noexcept : v_(std::in_place_index<3>, b) {}
  /// NULL.
  attribute_value(std::nullptr_t) noexcept : attribute_value() {}
  /// B.
  attribute_value(binary b) noexcept : v_(std::in_place_index<2>, std::move(b)) {}
  /// M.
  attribute_value(map_type m);
  /// L.
  attribute_value(list_type l) noexcept : v_(std::in_place_index<6>, std::move(l)) {}
  /// SS.
  attribute_value(string_set s) noexcept : v_(std::in_place_index<7>, std::move(s)) {}
  /// NS.
  attribute_value(number_set s) noexcept : v_(std::in_place_index<8>, std::move(s)) {}
  /// BS.
  attribute_value(binary_set s) noexcept : v_(std::in_place_index<9>, std::move(s)) {}

  /// The type held.
  attribute_type type() const noexcept { return static_cast<attribute_type>(v_.index()); }
  /// True when the type held is `t`.
  bool is(attribute_type t) const noexcept { return type() == t; }
  /// True for NULL.
  bool is_null() const noexcept { return type() == attribute_type::NULL_; }

  /// The S value.
  const std::string& as_string() const { return get<0>(); }
  /// The N value.
  const number& as_number() const { return get<1>(); }
  /// The B value.
  const binary& as_binary() const { return get<2>(); }
  /// The BOOL value.
  bool as_bool() const { return get<3>(); }
  /// The M value.
  const map_type& as_map() const { return get<5>().get(); }
  /// The M value, to modify in place.
  map_type& as_map() { return get<5>().get(); }
  /// The L value.
  const list_type& as_list() const { return get<6>(); }
  /// The L value, to modify in place.
  list_type& as_list() { return get<6>(); }
  /// The SS value.
  const string_set& as_string_set() const { return get<7>(); }
  /// The NS value.
  const number_set& as_number_set() const { return get<8>(); }
  /// The BS value.
  const binary_set& as_binary_set() const { return get<9>(); }

  /// Same type and equal content; numbers by value.
  friend bool operator==(const attribute_value& a, const attribute_value& b) { return a.v_ == b.v_; }

 private:
  friend struct detail::value_access;
  using variant_type = std::variant<std::string, number, binary, bool, std::nullptr_t, detail::value_box<map_type>,
                                    list_type, string_set, number_set, binary_set>;

  [[noreturn]] DYNASIO_DECL static void throw_type_mismatch(attribute_type expected, attribute_type actual);

  template <std::size_t I>
  const std::variant_alternative_t<I, variant_type>& get() const {
    if (v_.index() != I) throw_type_mismatch(static_cast<attribute_type>(I), type());
    return *std::get_if<I>(&v_);
  }
  template <std::size_t I>
  std::variant_alternative_t<I, variant_type>& get() {
    if (v_.index() != I) throw_type_mismatch(static_cast<attribute_type>(I), type());
    return *std::get_if<I>(&v_);
  }

  variant_type v_;
};

/// A DynamoDB list (L): values of any types, in order.
using list = attribute_value::list_type;

/**
 * @brief A DynamoDB item (or map, M): attribute name -> value, with std::map's interface.
 * @details Ordered by name, so the JSON written for an item is deterministic. The comparator
 * is transparent: `find("id")` does not allocate.
 */
using item = attribute_value::map_type;

/// An item holding only key attributes (partition key, and sort key if the table has one).
using key = item;

inline attribute_value::attribute_value(map_type m) : v_(std::in_place_index<5>, std::move(m)) {}

namespace detail {
/// What the library's own writers may reach inside an attribute_value.
struct value_access {
  /// The S string held, to assign over in place (its memory reused); null for another type.
  static std::string* string_if(attribute_value& v) noexcept { return std::get_if<0>(&v.v_); }
};
}  // namespace detail

/**
 * @brief A hash consistent with equality, meant for key values (S, N and B).
 * @details Strings and binaries hash their bytes, numbers their value (`1` and `1.0` alike).
 * Other types hash to a per-type constant: correct, but useless for spreading them.
 */
DYNASIO_DECL std::size_t hash_value(const attribute_value& v) noexcept;

}  // namespace dynasio

/// Hashes key values (S, N, B) by content, like attribute_value's equality.
template <>
struct std::hash<dynasio::attribute_value> {
  std::size_t operator()(const dynasio::attribute_value& v) const noexcept { return dynasio::hash_value(v); }
};

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/attribute_value.ipp>
// error::item() returns an item: defined where item is complete.
#include <dynasio/impl/error_item.ipp>
#endif

#endif
