// invalid_utf8_at scans ASCII eight bytes at a time: a bad byte, a good sequence or a cut one
// at every offset, across those eight-byte steps, is found (or passed) where it is; so is the
// first byte plain_prefix (the string writer's fast scan) must stop at.

#include <dynasio/detail/protocol/json_writer.hpp>
#include <dynasio/detail/protocol/wire_writer.hpp>
#include <dynasio/detail/validate.hpp>
#include <dynasio/error.hpp>

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

// The batch writer leaves UTF-8 to the JSON writer (one scan per string) and calls
// validate_item() only for the message: the two must refuse exactly the same strings.
TEST_CASE("invalid_utf8_at and the JSON writer refuse the same byte sequences") {
  std::size_t checked = 0, refused = 0;
  const auto agree = [&](const std::string& text) {
    bool writer_refused = false;
    std::string out;
    try {
      dynasio::detail::write_json_string(out, text);
    } catch (const dynasio::error& e) {
      writer_refused = true;
      CHECK(e.code() == dynasio::errc::invalid_argument);
    }
    const bool scan_refused = invalid_utf8_at(text).has_value();
    if (writer_refused != scan_refused) {
      std::string hex;
      for (unsigned char c : text) hex += std::to_string(c) + " ";
      FAIL_CHECK("they disagree on bytes " << hex << "(writer " << writer_refused << ")");
    }
    ++checked;
    refused += scan_refused;
  };
  const unsigned char probes[] = {0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff};
  for (unsigned a = 0; a < 256; ++a)
    for (unsigned b = 0; b < 256; ++b) {
      const std::string two{static_cast<char>(a), static_cast<char>(b)};
      agree(two);
      if (a < 0xe0) continue;
      // Three and four bytes: every lead and second byte, third and fourth from the boundaries.
      for (unsigned char c : probes) {
        agree(two + static_cast<char>(c));
        if (a >= 0xf0 && a <= 0xf7 && (c == 0x80 || c == 0xbf || c == 0x41))
          for (unsigned char d : {0x80, 0xbf, 0x41})
            agree("xxxxxxxx" + two + static_cast<char>(c) + static_cast<char>(d));
      }
    }
  CHECK(checked > 170000);
  CHECK(refused > checked / 2);
  CHECK(refused < checked);
}

TEST_CASE("plain_prefix stops at the first byte that is not copied as is, at any offset, for every byte value") {
  // The reference: the byte table the string writer escapes and checks by.
  const auto reference = [](const std::string& t) {
    std::size_t i = 0;
    while (i < t.size() && dynasio::detail::json_byte_class[static_cast<unsigned char>(t[i])] == 0) ++i;
    return i;
  };
  for (int byte = 0; byte < 256; ++byte) {
    for (std::size_t size : {1u, 7u, 15u, 16u, 17u, 33u, 47u}) {
      for (std::size_t at = 0; at < size; ++at) {
        std::string text(size, 'a');
        text[at] = static_cast<char>(byte);
        // Another byte that is never plain further on: the scan must stop at the first.
        if (at + 3 < size) text[at + 3] = '"';
        CAPTURE(byte);
        CAPTURE(size);
        CAPTURE(at);
        const auto* p = reinterpret_cast<const unsigned char*>(text.data());
        REQUIRE(dynasio::detail::plain_prefix(p, text.size()) == reference(text));
      }
    }
  }
}
