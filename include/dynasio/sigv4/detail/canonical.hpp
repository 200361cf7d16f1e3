//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_SIGV4_DETAIL_CANONICAL_HPP
#define DYNASIO_SIGV4_DETAIL_CANONICAL_HPP

// Append-to-buffer building blocks of the canonical request, shared by the public helpers and
// both signing paths so the fast DynamoDB path cannot drift from the general one.

#include <string>
#include <string_view>

namespace dynasio::sigv4::detail {

inline bool is_unreserved(unsigned char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

// Spaces and tabs, plus the CR/LF of obsolete line folding; what the AWS SDKs collapse too.
inline bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

inline char to_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  return true;
}

inline void append_uri_encoded(std::string& out, std::string_view text, bool keep_slash) {
  constexpr std::string_view hex = "0123456789ABCDEF";
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0x0f]);
    }
  }
}

inline int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A '%' not followed by two hex digits is kept literally, as browsers and the AWS SDKs do.
inline std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// Trims and collapses whitespace runs to one space; folded lines are whitespace runs too.
// Copies runs between spaces whole: a session token (hundreds of characters, no spaces) is one
// append, not one push_back per character.
inline void append_canonical_value(std::string& out, std::string_view value) {
  std::size_t b = 0, e = value.size();
  while (b < e && is_space(value[b])) ++b;
  while (e > b && is_space(value[e - 1])) --e;
  while (b < e) {
    std::size_t run = b;
    while (run < e && !is_space(value[run])) ++run;
    out.append(value.data() + b, run - b);
    if (run == e) break;
    out.push_back(' ');
    b = run;
    while (is_space(value[b])) ++b;  // the trimmed end is not a space, so this stops before e
  }
}

inline void append_lower(std::string& out, std::string_view text) {
  for (char c : text) out.push_back(to_lower(c));
}

}  // namespace dynasio::sigv4::detail

#endif
