//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_PROTOCOL_WIRE_WRITER_HPP
#define DYNASIO_DETAIL_PROTOCOL_WIRE_WRITER_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/detail/protocol/base64.hpp>
#include <dynasio/error.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace dynasio::detail {

// The cursor behind the JSON writers (json_writer.hpp) and the described-struct writer
// (described_wire.hpp). Header-only so that templates write through it too.

// Byte classes for the string writer: 0 copies as is, 1 needs an escape, 2..4 starts a UTF-8
// sequence of that length, 5 can never start a character.
inline constexpr std::array<std::uint8_t, 256> json_byte_class = [] {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[static_cast<std::size_t>(c)] = 1;
  t['"'] = 1;
  t['\\'] = 1;
  for (int c = 0x80; c < 0x100; ++c) t[static_cast<std::size_t>(c)] = 5;
  for (int c = 0xC2; c <= 0xDF; ++c) t[static_cast<std::size_t>(c)] = 2;
  for (int c = 0xE0; c <= 0xEF; ++c) t[static_cast<std::size_t>(c)] = 3;
  for (int c = 0xF0; c <= 0xF4; ++c) t[static_cast<std::size_t>(c)] = 4;
  return t;
}();

// Length of the valid UTF-8 sequence at p (of class k), or 0 if it is not valid.
inline std::size_t utf8_sequence(const unsigned char* p, std::size_t left, unsigned k) noexcept {
  if (k == 5 || left < k) return 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (p[0] == 0xE0) lo = 0xA0;         // overlong
  else if (p[0] == 0xED) hi = 0x9F;    // surrogates
  else if (p[0] == 0xF0) lo = 0x90;    // overlong
  else if (p[0] == 0xF4) hi = 0x8F;    // above U+10FFFF
  if (p[1] < lo || p[1] > hi) return 0;
  for (unsigned i = 2; i < k; ++i)
    if ((p[i] & 0xC0) != 0x80) return 0;
  return k;
}

// Length of the leading run of bytes that are copied as is (class 0: printable ASCII other than
// `"` and `\`). With SSE2 (every x86-64), sixteen bytes at a time: a byte is not plain when,
// read as signed, it is below 0x20 (so 0x80..0xFF too), or it is `"` or `\`; the mask's lowest
// bit is the first such byte. Then eight bytes at a time: a word has none of them when no byte
// has its high bit set, is below 0x20, or equals `"` or `\` (the "has a zero byte" test on
// x ^ c), which may report a plain byte beside one that is not, never miss one; the byte loop
// settles it. A tail shorter than the step is read as the last 16 (or 8) bytes of the string,
// overlapping bytes already known plain, instead of byte by byte.
inline std::size_t plain_prefix(const unsigned char* s, std::size_t n) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ull;
  constexpr std::uint64_t highs = 0x8080808080808080ull;
  std::size_t i = 0;
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  for (; i + 16 <= n; i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    const __m128i special =
        _mm_or_si128(_mm_cmplt_epi8(x, space), _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)));
    if (const int mask = _mm_movemask_epi8(special); mask != 0)
      return i + static_cast<std::size_t>(__builtin_ctz(mask));
  }
  if (i < n && n >= 16) {
    // The last sixteen bytes, overlapping what was read: those before i are plain, so the
    // first byte flagged is the answer.
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + n - 16));
    const __m128i special =
        _mm_or_si128(_mm_cmplt_epi8(x, space), _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)));
    const int mask = _mm_movemask_epi8(special);
    return mask == 0 ? n : n - 16 + static_cast<std::size_t>(__builtin_ctz(mask));
  }
#endif
  const auto plain_word = [&](std::size_t at) {
    std::uint64_t x;
    std::memcpy(&x, s + at, 8);
    const std::uint64_t quote = x ^ (ones * '"');
    const std::uint64_t backslash = x ^ (ones * '\\');
    return ((x | ((x - ones * 0x20) & ~x) | ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash)) & highs) ==
           0;
  };
  for (; i + 8 <= n; i += 8)
    if (!plain_word(i)) break;
  // The last eight bytes, overlapping: all plain means the whole string is.
  if (i < n && n >= 8 && i + 8 > n && plain_word(n - 8)) return n;
  while (i < n && json_byte_class[s[i]] == 0) ++i;
  return i;
}

// Writes through a raw cursor into the caller's string, growing it ahead of each piece by that
// piece's worst case, so the inner loops carry no capacity checks. The string is cut back to
// what was written by finish(), or by the destructor when a throw unwinds.
class wire_writer {
 public:
  explicit wire_writer(std::string& out) : out_(out), start_(out.size()) {
    p_ = out_.data() + start_;
    end_ = p_;
  }
  wire_writer(const wire_writer&) = delete;
  wire_writer& operator=(const wire_writer&) = delete;
  ~wire_writer() { out_.resize(static_cast<std::size_t>(p_ - out_.data())); }

  // The check is inline in every piece; the growth is not, so the pieces stay small.
  void reserve(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) grow(n);
  }
  void raw(const char* s, std::size_t n) {
    reserve(n);
    std::memcpy(p_, s, n);
    p_ += n;
  }
  template <std::size_t N>
  void lit(const char (&s)[N]) {
    raw(s, N - 1);
  }
  void ch(char c) {
    reserve(1);
    *p_++ = c;
  }

  void string(std::string_view utf8) {
    static constexpr char hex[] = "0123456789abcdef";
    const auto* s = reinterpret_cast<const unsigned char*>(utf8.data());
    const std::size_t n = utf8.size();
    std::size_t i = plain_prefix(s, n);
    if (i == n) {
      // The common case: nothing to escape or check, one copy.
      reserve(n + 2);
      *p_++ = '"';
      std::memcpy(p_, s, n);
      p_ += n;
      *p_++ = '"';
      return;
    }
    reserve(i + (n - i) * 6 + 2);  // every byte after the plain prefix escaped as \u00XX, at worst
    char* p = p_;
    *p++ = '"';
    std::memcpy(p, s, i);
    p += i;
    while (i < n) {
      const unsigned char c = s[i];
      const unsigned k = json_byte_class[c];
      if (k == 0) {
        const std::size_t run = plain_prefix(s + i, n - i);
        std::memcpy(p, s + i, run);
        p += run;
        i += run;
      } else if (k == 1) {
        *p++ = '\\';
        switch (c) {
          case '"': *p++ = '"'; break;
          case '\\': *p++ = '\\'; break;
          case '\b': *p++ = 'b'; break;
          case '\f': *p++ = 'f'; break;
          case '\n': *p++ = 'n'; break;
          case '\r': *p++ = 'r'; break;
          case '\t': *p++ = 't'; break;
          default: p[0] = 'u', p[1] = '0', p[2] = '0', p[3] = hex[c >> 4], p[4] = hex[c & 15], p += 5;
        }
        ++i;
      } else {
        const std::size_t len = utf8_sequence(s + i, n - i, k);
        if (len == 0) {
          p_ = p;
          throw error(errc::invalid_argument, "string is not valid UTF-8 (at byte " + std::to_string(i) + ")");
        }
        std::memcpy(p, s + i, len);
        p += len;
        i += len;
      }
    }
    *p++ = '"';
    p_ = p;
  }

  // Validated number text is ASCII digits, sign, point and exponent: nothing to escape.
  void num(const number& n) {
    const std::string& t = n.text();
    reserve(t.size() + 2);
    *p_++ = '"';
    std::memcpy(p_, t.data(), t.size());
    p_ += t.size();
    *p_++ = '"';
  }

  void bin(const binary& b) {
    reserve(base64_encoded_size(b.size()) + 2);
    *p_++ = '"';
    // base64_encode appends to a string; write through a view of our own buffer instead.
    const std::size_t used = static_cast<std::size_t>(p_ - out_.data());
    out_.resize(used);
    base64_encode(out_, b.view());
    out_.push_back('"');
    p_ = out_.data() + out_.size();
    end_ = p_;
  }

  template <class Set, class F>
  void set(const Set& s, F element) {
    bool first = true;
    for (const auto& v : s) {
      if (!first) ch(',');
      first = false;
      element(v);
    }
    lit("]}");
  }

  // Attribute values and items: defined in impl/protocol/json_writer.ipp, the one file that
  // writes them (through write_value() and write_item()).
  void value(const attribute_value& v);
  void map(const item& m);

 private:
  [[gnu::noinline]] void grow(std::size_t n) {
    const std::size_t used = static_cast<std::size_t>(p_ - out_.data());
    // Geometric growth over what this writer added, so zero-filling stays proportional to it.
    out_.resize(used + std::max(n, out_.size() - start_ + 256));
    p_ = out_.data() + used;
    end_ = out_.data() + out_.size();
  }

  std::string& out_;
  std::size_t start_;
  char* p_;
  char* end_;
};

}  // namespace dynasio::detail

#endif
