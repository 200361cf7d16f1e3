//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_JSON_WRITER_IPP
#define DYNASIO_IMPL_JSON_WRITER_IPP

#include <dynasio/detail/protocol/base64.hpp>
#include <dynasio/detail/protocol/json_writer.hpp>
#include <dynasio/error.hpp>

#include <array>
#include <cstdint>

namespace dynasio::detail {

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
  auto cont = [](unsigned char c) { return (c & 0xC0) == 0x80; };
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (p[0] == 0xE0) lo = 0xA0;         // overlong
  else if (p[0] == 0xED) hi = 0x9F;    // surrogates
  else if (p[0] == 0xF0) lo = 0x90;    // overlong
  else if (p[0] == 0xF4) hi = 0x8F;    // above U+10FFFF
  if (p[1] < lo || p[1] > hi) return 0;
  for (unsigned i = 2; i < k; ++i)
    if (!cont(p[i])) return 0;
  return k;
}

DYNASIO_DECL void write_json_string(std::string& out, std::string_view utf8) {
  static constexpr char hex[] = "0123456789abcdef";
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const std::size_t n = utf8.size();
  out.push_back('"');
  std::size_t i = 0, run = 0;
  while (i < n) {
    const unsigned k = json_byte_class[p[i]];
    if (k == 0) {
      ++i;
    } else if (k == 1) {
      out.append(utf8.data() + run, i - run);
      const unsigned char c = p[i];
      char esc[6] = {'\\', 0, 0, 0, 0, 0};
      std::size_t len = 2;
      switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
          esc[1] = 'u', esc[2] = '0', esc[3] = '0', esc[4] = hex[c >> 4], esc[5] = hex[c & 15];
          len = 6;
      }
      out.append(esc, len);
      run = ++i;
    } else {
      const std::size_t len = utf8_sequence(p + i, n - i, k);
      if (len == 0)
        throw error(errc::invalid_argument, "string is not valid UTF-8 (at byte " + std::to_string(i) + ")");
      i += len;
    }
  }
  out.append(utf8.data() + run, n - run);
  out.push_back('"');
}

// The set writers share one shape: {"SS":[...]}.
template <class Set, class F>
void write_set(std::string& out, std::string_view head, const Set& s, F element) {
  out.append(head);
  bool first = true;
  for (const auto& v : s) {
    if (!first) out.push_back(',');
    first = false;
    element(v);
  }
  out.append("]}");
}

DYNASIO_DECL void write_value(std::string& out, const attribute_value& value) {
  auto write_number = [&](const number& n) {
    // Validated number text is ASCII digits, sign, point and exponent: nothing to escape.
    out.push_back('"');
    out.append(n.text());
    out.push_back('"');
  };
  auto write_binary = [&](const binary& b) {
    out.push_back('"');
    base64_encode(out, b.view());
    out.push_back('"');
  };
  switch (value.type()) {
    case attribute_type::S:
      out.append("{\"S\":");
      write_json_string(out, value.as_string());
      out.push_back('}');
      break;
    case attribute_type::N:
      out.append("{\"N\":");
      write_number(value.as_number());
      out.push_back('}');
      break;
    case attribute_type::B:
      out.append("{\"B\":");
      write_binary(value.as_binary());
      out.push_back('}');
      break;
    case attribute_type::BOOL:
      out.append(value.as_bool() ? "{\"BOOL\":true}" : "{\"BOOL\":false}");
      break;
    case attribute_type::NULL_:
      out.append("{\"NULL\":true}");
      break;
    case attribute_type::M:
      out.append("{\"M\":");
      write_item(out, value.as_map());
      out.push_back('}');
      break;
    case attribute_type::L: {
      out.append("{\"L\":[");
      bool first = true;
      for (const auto& v : value.as_list()) {
        if (!first) out.push_back(',');
        first = false;
        write_value(out, v);
      }
      out.append("]}");
      break;
    }
    case attribute_type::SS:
      write_set(out, "{\"SS\":[", value.as_string_set(), [&](const std::string& s) { write_json_string(out, s); });
      break;
    case attribute_type::NS:
      write_set(out, "{\"NS\":[", value.as_number_set(), write_number);
      break;
    case attribute_type::BS:
      write_set(out, "{\"BS\":[", value.as_binary_set(), write_binary);
      break;
  }
}

DYNASIO_DECL void write_item(std::string& out, const item& value) {
  out.push_back('{');
  bool first = true;
  for (const auto& [name, v] : value) {
    if (!first) out.push_back(',');
    first = false;
    write_json_string(out, name);
    out.push_back(':');
    write_value(out, v);
  }
  out.push_back('}');
}

}  // namespace dynasio::detail

#endif
