//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_NUMBER_IPP
#define DYNASIO_IMPL_NUMBER_IPP

#include <dynasio/number.hpp>

#include <cmath>

namespace dynasio {
namespace detail {

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '0' + 9; }

DYNASIO_DECL bool parse_decimal(std::string_view s, decimal_parts& out) noexcept {
  out = decimal_parts{};
  std::size_t i = 0, n = s.size();
  if (i < n && s[i] == '-') {
    out.negative = true;
    ++i;
  }
  const std::size_t int_begin = i;
  while (i < n && is_digit(s[i])) ++i;
  const std::size_t int_end = i;
  std::size_t frac_digits = 0;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && is_digit(s[i])) ++i, ++frac_digits;
  }
  if (int_end == int_begin && frac_digits == 0) return false;
  const std::size_t mant_end = i;
  long exp = 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) exp_negative = s[i++] == '-';
    if (i == n) return false;
    for (; i < n && is_digit(s[i]); ++i) {
      // Saturate: anything this large is out of range anyway, and must not overflow.
      if (exp < 1000000) exp = exp * 10 + (s[i] - '0');
    }
    if (exp_negative) exp = -exp;
  }
  if (i != n) return false;

  std::size_t first = int_begin;
  while (first < mant_end && (s[first] == '0' || s[first] == '.')) ++first;
  if (first == mant_end) return true;  // zero, whatever its exponent
  std::size_t last = mant_end - 1;
  while (s[last] == '0' || s[last] == '.') --last;
  out.zero = false;
  out.first = first;
  out.last = last;
  out.digits = last - first + 1;
  if (int_end < mant_end && first < int_end && last > int_end) --out.digits;  // the point
  long e = first < int_end ? static_cast<long>(int_end - first) - 1 : -static_cast<long>(first - int_end);
  out.exponent = static_cast<int>(e + exp);
  return true;
}

// Calls f(digit) for each significant digit, skipping the point.
template <class F>
void for_each_digit(std::string_view s, const decimal_parts& p, F f) {
  for (std::size_t i = p.first; i <= p.last; ++i)
    if (s[i] != '.') f(s[i]);
}

}  // namespace detail

DYNASIO_DECL number::number(std::string_view text) : text_(text) {
  detail::decimal_parts p;
  if (!detail::parse_decimal(text, p))
    throw error(errc::invalid_number, "The parameter cannot be converted to a numeric value: " + text_);
  if (p.zero) return;
  if (p.exponent > 125)
    throw error(errc::invalid_number,
                "Number overflow. Attempting to store a number with magnitude larger than supported range: " + text_);
  if (p.exponent < -130)
    throw error(errc::invalid_number,
                "Number underflow. Attempting to store a number with magnitude smaller than supported range: " + text_);
  if (p.digits > 38)
    throw error(errc::invalid_number, "Attempting to store more than 38 significant digits in a Number: " + text_);
}

DYNASIO_DECL number number::from_floating(double value, bool is_float) {
  if (!std::isfinite(value))
    throw error(errc::invalid_number,
                std::string("The parameter cannot be converted to a numeric value: ") + (std::isnan(value) ? "NaN"
                                                                                         : value < 0       ? "-Infinity"
                                                                                                     : "Infinity"));
  char buf[40];
  auto res = is_float ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(value))
                      : std::to_chars(buf, buf + sizeof buf, value);
  return number(std::string_view(buf, static_cast<std::size_t>(res.ptr - buf)));
}

DYNASIO_DECL int number::compare(const number& a, const number& b) noexcept {
  // The same text is the same value (and the common case: a row compared with its own copy).
  if (a.text_ == b.text_) return 0;
  detail::decimal_parts pa, pb;
  detail::parse_decimal(a.text_, pa);
  detail::parse_decimal(b.text_, pb);
  int sa = pa.zero ? 0 : pa.negative ? -1 : 1;
  int sb = pb.zero ? 0 : pb.negative ? -1 : 1;
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  // Same sign: compare magnitudes, then flip for negatives.
  int mag = 0;
  if (pa.exponent != pb.exponent) {
    mag = pa.exponent < pb.exponent ? -1 : 1;
  } else {
    std::size_t i = pa.first, j = pb.first;
    for (;;) {
      if (i <= pa.last && a.text_[i] == '.') ++i;
      if (j <= pb.last && b.text_[j] == '.') ++j;
      bool ea = i > pa.last, eb = j > pb.last;
      if (ea || eb) {
        mag = ea == eb ? 0 : ea ? -1 : 1;
        break;
      }
      if (a.text_[i] != b.text_[j]) {
        mag = a.text_[i] < b.text_[j] ? -1 : 1;
        break;
      }
      ++i, ++j;
    }
  }
  return sa * mag;
}

DYNASIO_DECL std::size_t number::hash() const noexcept {
  detail::decimal_parts p;
  detail::parse_decimal(text_, p);
  if (p.zero) return 0x9e3779b97f4a7c15ull;
  std::uint64_t h = 1469598103934665603ull ^ static_cast<std::uint64_t>(p.negative);
  h = (h ^ static_cast<std::uint64_t>(p.exponent + 1000)) * 1099511628211ull;
  detail::for_each_digit(text_, p, [&](char c) { h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull; });
  return static_cast<std::size_t>(h);
}

DYNASIO_DECL std::optional<std::uint64_t> number::to_uint64() const {
  detail::decimal_parts p;
  detail::parse_decimal(text_, p);
  if (p.zero) return 0;
  if (p.negative) return std::nullopt;
  int zeros = p.exponent - static_cast<int>(p.digits) + 1;
  if (zeros < 0 || p.exponent > 19) return std::nullopt;
  constexpr auto max = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t v = 0;
  bool overflow = false;
  auto push = [&](unsigned d) {
    if (v > (max - d) / 10) overflow = true;
    else v = v * 10 + d;
  };
  detail::for_each_digit(text_, p, [&](char c) { push(static_cast<unsigned>(c - '0')); });
  for (int k = 0; k < zeros; ++k) push(0);
  if (overflow) return std::nullopt;
  return v;
}

DYNASIO_DECL std::optional<std::int64_t> number::to_int64() const {
  if (!text_.empty() && text_[0] == '-') {
    number magnitude(unchecked{}, text_.substr(1));
    auto m = magnitude.to_uint64();
    constexpr auto limit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1;
    if (!m || *m > limit) return std::nullopt;
    return *m == limit ? std::numeric_limits<std::int64_t>::min() : -static_cast<std::int64_t>(*m);
  }
  auto m = to_uint64();
  if (!m || *m > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
  return static_cast<std::int64_t>(*m);
}

DYNASIO_DECL double number::to_double() const {
  double v = 0;
  std::from_chars(text_.data(), text_.data() + text_.size(), v);
  return v;
}

}  // namespace dynasio

#endif
