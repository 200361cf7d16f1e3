// invalid_utf8_at scans ASCII eight bytes at a time: a bad byte, a good sequence or a cut one
// at every offset, across those eight-byte steps, is found (or passed) where it is.

#include <dynasio/detail/validate.hpp>

#include <doctest/doctest.h>

#include <optional>
#include <string>

using dynasio::detail::invalid_utf8_at;

TEST_CASE("invalid_utf8_at: a bad byte at any offset of ASCII text is reported at that offset") {
  for (std::size_t at = 0; at < 40; ++at) {
    CAPTURE(at);
    std::string text(40, 'a');
    text[at] = '\xff';
    CHECK(invalid_utf8_at(text) == std::optional<std::size_t>(at));
    text[at] = '\x80';  // a continuation byte with no lead
    CHECK(invalid_utf8_at(text) == std::optional<std::size_t>(at));
  }
}

TEST_CASE("invalid_utf8_at: good sequences straddling the eight-byte steps pass; a cut one is reported") {
  for (std::size_t at = 0; at + 4 <= 40; ++at) {
    CAPTURE(at);
    std::string text(40, 'a');
    text.replace(at, 4, "\xf0\x9f\x98\x80");  // U+1F600, four bytes
    CHECK_FALSE(invalid_utf8_at(text));
    text.replace(at, 3, "\xe2\x82\xac");  // U+20AC, three bytes, then the fourth byte is a stray continuation
    CHECK(invalid_utf8_at(text) == std::optional<std::size_t>(at + 3));
  }
  std::string cut(38, 'a');
  cut += "\xe2\x82";
  CHECK(invalid_utf8_at(cut) == std::optional<std::size_t>(38));
  CHECK_FALSE(invalid_utf8_at(std::string(1000, 'z')));
}
