// Number text: accepted exactly when it is a DynamoDB number, and then equal (and hashing
// alike) to its canonical spelling, which is accepted too; order agrees with the canonical
// forms; the JSON writer and reader keep the text.
#include <dynasio/attribute_value.hpp>
#include <dynasio/detail/protocol/json_reader.hpp>
#include <dynasio/detail/protocol/json_writer.hpp>
#include <dynasio/error.hpp>
#include <dynasio/number.hpp>

#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace {

#define CHECK(cond)                \
  do {                             \
    if (!(cond)) __builtin_trap(); \
  } while (0)

// `[-]d.dddE[+-]x` with no leading or trailing zeros, or "0": the value written one way.
std::string canonical(const std::string& text) {
  std::string digits;
  bool negative = false, seen_point = false;
  long long point = 0, exponent = 0;
  std::size_t i = 0;
  if (i < text.size() && text[i] == '-') negative = true, ++i;
  for (; i < text.size() && text[i] != 'e' && text[i] != 'E'; ++i) {
    if (text[i] == '.') seen_point = true;
    else {
      digits += text[i];
      if (!seen_point) ++point;
    }
  }
  if (i < text.size()) {
    std::size_t k = i + 1;
    const bool minus = k < text.size() && text[k] == '-';
    if (k < text.size() && (text[k] == '-' || text[k] == '+')) ++k;
    while (k < text.size() && text[k] == '0') ++k;
    // A nonzero number accepted by number() has a small exponent; a zero needs none.
    const std::string e = text.substr(k, 12);
    exponent = e.empty() ? 0 : std::stoll(e) * (minus ? -1 : 1);
  }
  const std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return "0";
  const std::size_t last = digits.find_last_not_of('0');
  const long long power = point - static_cast<long long>(first) - 1 + exponent;
  std::string out = negative ? "-" : "";
  out += digits[first];
  if (last > first) out += "." + digits.substr(first + 1, last - first);
  return out + "E" + std::to_string(power);
}

std::optional<dynasio::number> parse(std::string_view text) {
  try {
    return dynasio::number(text);
  } catch (const dynasio::error& e) {
    CHECK(e.code() == dynasio::errc::invalid_number);
    return std::nullopt;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  // Two numbers, split at the first '|'.
  const std::size_t bar = all.find('|');
  const std::string_view a_text = all.substr(0, bar);
  std::optional<dynasio::number> a = parse(a_text);
  if (!a) return 0;
  const std::string c = canonical(a->text());
  std::optional<dynasio::number> ca = parse(c);
  CHECK(ca);
  CHECK(*ca == *a);
  CHECK(ca->hash() == a->hash());
  CHECK(canonical(ca->text()) == c);
  CHECK(dynasio::number(a->text()) == *a);

  std::string json;
  dynasio::detail::write_value(json, dynasio::attribute_value(*a));
  const dynasio::attribute_value back = dynasio::detail::read_value(boost::json::parse(json));
  CHECK(back.as_number().text() == a->text());

  if (bar == std::string_view::npos) return 0;
  std::optional<dynasio::number> b = parse(all.substr(bar + 1));
  if (!b) return 0;
  const bool same = canonical(b->text()) == c;
  CHECK((*a == *b) == same);
  if (same) CHECK(a->hash() == b->hash());
  CHECK((*a < *b) == (*b > *a));
  CHECK(((*a < *b) + (*b < *a) + (*a == *b)) == 1);
  return 0;
}
