//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_NUMBER_HPP
#define DYNASIO_NUMBER_HPP

#include <dynasio/detail/config.hpp>
#include <dynasio/error.hpp>

#include <charconv>
#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace dynasio {
namespace detail {

// Integer types a number converts from implicitly; character types are left out so that 'a'
// never silently becomes 97.
template <class T>
concept number_integer =
    std::integral<T> && !std::same_as<T, bool> && !std::same_as<T, char> && !std::same_as<T, wchar_t> &&
    !std::same_as<T, char8_t> && !std::same_as<T, char16_t> && !std::same_as<T, char32_t>;

// The shape of a decimal text, as DynamoDB reads it: sign, first and last significant digit
// (positions in the text, possibly on either side of the point), and the power of ten of the
// first significant digit. Zero has no significant digit.
struct decimal_parts {
  bool negative = false;
  bool zero = true;
  int exponent = 0;
  std::size_t digits = 0;
  std::size_t first = 0;
  std::size_t last = 0;
};

// False when `text` is not `-?(d+(.d*)?|.d+)([eE][+-]?d+)?`.
DYNASIO_DECL bool parse_decimal(std::string_view text, decimal_parts& out) noexcept;

}  // namespace detail

/**
 * @brief A DynamoDB number (type N): decimal text that DynamoDB accepts.
 * @details The text is checked when the number is made, by the service's rules: at most 38
 * significant digits (leading and trailing zeros do not count), magnitude from 1e-130 up to
 * below 1e126, or zero. Anything else throws `dynasio::error` with `errc::invalid_number` and
 * the message DynamoDB itself would give. The text is kept as written and sent as is.
 *
 * Numbers compare and hash by value: `number("1") == number("1.0")` and `number("1e0")`.
 *
 * @par Thread safety
 * Distinct objects: safe. Shared objects: safe for const access.
 */
class number {
 public:
  /// Zero.
  number() : text_("0") {}

  /**
   * @brief Checks and keeps decimal text such as `"12"`, `"-0.5"` or `"1.5E+10"`.
   * @throws dynasio::error `errc::invalid_number` for text DynamoDB would refuse.
   */
  DYNASIO_DECL explicit number(std::string_view text);

  /**
   * @brief Any integer, 64-bit extremes included.
   * @throws dynasio::error `errc::invalid_number` for a 128-bit integer of more than the 38
   * digits DynamoDB keeps (64-bit integers have at most 20).
   */
  template <detail::number_integer T>
  number(T value) {  // NOLINT(google-explicit-constructor)
    char buf[48];    // a 128-bit integer too
    auto res = std::to_chars(buf, buf + sizeof buf, value);
    if constexpr (sizeof(T) > 8) *this = number(std::string_view(buf, static_cast<std::size_t>(res.ptr - buf)));
    else text_.assign(buf, res.ptr);
  }

  /**
   * @brief The shortest text that reads back as the same `float` or `double`.
   * @throws dynasio::error `errc::invalid_number` for NaN, infinities and values outside
   * DynamoDB's range (e.g. 1e300 or denormals).
   */
  template <std::floating_point T>
  number(T value) : number(from_floating(static_cast<double>(value), std::is_same_v<T, float>)) {}  // NOLINT

  /// The decimal text, as written (or as produced for integers and floating values).
  const std::string& text() const noexcept { return text_; }

  /// The value as an integer of type T, or nullopt if it has a fraction or does not fit.
  template <std::integral T>
  std::optional<T> to_integer() const {
    if constexpr (std::is_signed_v<T>) {
      auto v = to_int64();
      if (!v || *v < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
          *v > static_cast<std::int64_t>(std::numeric_limits<T>::max()))
        return std::nullopt;
      return static_cast<T>(*v);
    } else {
      auto v = to_uint64();
      if (!v || *v > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) return std::nullopt;
      return static_cast<T>(*v);
    }
  }

  /// The nearest `double` (DynamoDB keeps 38 digits; a double holds about 17).
  DYNASIO_DECL double to_double() const;

  /// Equal when the numeric values are equal, whatever the spelling.
  friend bool operator==(const number& a, const number& b) noexcept { return compare(a, b) == 0; }
  /// Orders by numeric value.
  friend std::strong_ordering operator<=>(const number& a, const number& b) noexcept { return compare(a, b) <=> 0; }

  /// A hash consistent with equality: `1`, `1.0` and `10e-1` hash alike.
  DYNASIO_DECL std::size_t hash() const noexcept;

 private:
  struct unchecked {};
  number(unchecked, std::string text) : text_(std::move(text)) {}
  DYNASIO_DECL static number from_floating(double value, bool is_float);
  DYNASIO_DECL static int compare(const number& a, const number& b) noexcept;
  DYNASIO_DECL std::optional<std::int64_t> to_int64() const;
  DYNASIO_DECL std::optional<std::uint64_t> to_uint64() const;

  std::string text_;
};

/// A hash consistent with equality, for Boost.ContainerHash and friends.
inline std::size_t hash_value(const number& n) noexcept { return n.hash(); }

}  // namespace dynasio

/// Hashes by numeric value, like number's equality.
template <>
struct std::hash<dynasio::number> {
  std::size_t operator()(const dynasio::number& n) const noexcept { return n.hash(); }
};

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/number.ipp>
#endif

#endif
