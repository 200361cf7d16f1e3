#include "json_text.hpp"

#include <algorithm>
#include <cstdint>

namespace dynasio::cli {
namespace {

constexpr int max_depth = 64;

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Length of the well-formed UTF-8 sequence starting at s[0] (lead byte >= 0x80), or 0.
std::size_t utf8_sequence(std::string_view s) noexcept {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = b(0);
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  if (b(1) < lo || b(1) > hi) return 0;
  for (std::size_t i = 2; i < n; ++i)
    if (b(i) < 0x80 || b(i) > 0xBF) return 0;
  return n;
}

class reader {
 public:
  explicit reader(std::string_view text) : s_(text) {}

  json_node document() {
    skip_ws();
    json_node root = value(0);
    skip_ws();
    if (pos_ != s_.size()) fail("unexpected text after the JSON value");
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const { throw input_error(pos_, why); }
  [[noreturn]] void fail_at(std::size_t at, const std::string& why) const { throw input_error(at, why); }

  bool at_end() const noexcept { return pos_ >= s_.size(); }
  char peek() const noexcept { return at_end() ? '\0' : s_[pos_]; }

  void skip_ws() noexcept {
    while (!at_end() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }

  void literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) fail("invalid literal (expected a JSON value)");
    pos_ += word.size();
  }

  json_node value(int depth) {
    if (depth >= max_depth) fail("nesting deeper than 64 levels");
    json_node n;
    n.offset = pos_;
    if (at_end()) fail("unexpected end of line (expected a JSON value)");
    switch (s_[pos_]) {
      case '{': object(n, depth); break;
      case '[': array(n, depth); break;
      case '"':
        n.type = json_node::kind::string;
        n.text = string();
        break;
      case 't':
        literal("true");
        n.type = json_node::kind::boolean;
        n.flag = true;
        break;
      case 'f':
        literal("false");
        n.type = json_node::kind::boolean;
        break;
      case 'n': literal("null"); break;
      default:
        if (s_[pos_] == '-' || is_digit(s_[pos_])) {
          n.type = json_node::kind::number;
          n.text = number();
        } else {
          fail("unexpected character (expected a JSON value)");
        }
    }
    return n;
  }

  void object(json_node& n, int depth) {
    n.type = json_node::kind::object;
    ++pos_;
    skip_ws();
    if (peek() == '}') {
      ++pos_;
      return;
    }
    for (;;) {
      skip_ws();
      if (at_end()) fail("unexpected end of line (expected a member name)");
      if (peek() != '"') fail("expected a member name in double quotes");
      const std::size_t key_at = pos_;
      std::string key = string();
      if (std::find(n.keys.begin(), n.keys.end(), key) != n.keys.end())
        fail_at(key_at, "duplicate member name \"" + key + "\"");
      skip_ws();
      if (peek() != ':') fail("expected ':' after the member name");
      ++pos_;
      skip_ws();
      n.keys.push_back(std::move(key));
      n.elements.push_back(value(depth + 1));
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return;
      }
      fail(at_end() ? "unexpected end of line (expected ',' or '}')" : "expected ',' or '}'");
    }
  }

  void array(json_node& n, int depth) {
    n.type = json_node::kind::array;
    ++pos_;
    skip_ws();
    if (peek() == ']') {
      ++pos_;
      return;
    }
    for (;;) {
      skip_ws();
      n.elements.push_back(value(depth + 1));
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return;
      }
      fail(at_end() ? "unexpected end of line (expected ',' or ']')" : "expected ',' or ']'");
    }
  }

  std::string number() {
    const std::size_t start = pos_;
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
    } else if (is_digit(peek())) {
      while (is_digit(peek())) ++pos_;
    } else {
      fail("invalid number: expected a digit");
    }
    if (peek() == '.') {
      ++pos_;
      if (!is_digit(peek())) fail("invalid number: expected a digit after '.'");
      while (is_digit(peek())) ++pos_;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!is_digit(peek())) fail("invalid number: expected a digit in the exponent");
      while (is_digit(peek())) ++pos_;
    }
    if (is_digit(peek())) fail("invalid number: leading zero");
    return std::string(s_.substr(start, pos_ - start));
  }

  unsigned hex4() {
    if (s_.size() - pos_ < 4) fail("invalid \\u escape: expected four hex digits");
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = s_[pos_ + i];
      v <<= 4;
      if (is_digit(c)) v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
      else fail("invalid \\u escape: expected four hex digits");
    }
    pos_ += 4;
    return v;
  }

  std::string string() {
    ++pos_;  // the opening quote
    std::string out;
    for (;;) {
      if (at_end()) fail("unterminated string");
      const char c = s_[pos_];
      const auto u = static_cast<unsigned char>(c);
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (u < 0x20) fail("control character in a string (write it as an escape)");
      if (c == '\\') {
        const std::size_t esc_at = pos_;
        ++pos_;
        if (at_end()) fail("unterminated string");
        const char e = s_[pos_++];
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            std::uint32_t cp = hex4();
            if (cp >= 0xDC00 && cp <= 0xDFFF) fail_at(esc_at, "lone low surrogate in a \\u escape");
            if (cp >= 0xD800 && cp <= 0xDBFF) {
              if (s_.substr(pos_, 2) != "\\u") fail_at(esc_at, "high surrogate without its low surrogate");
              pos_ += 2;
              const std::uint32_t lo = hex4();
              if (lo < 0xDC00 || lo > 0xDFFF) fail_at(esc_at, "high surrogate without its low surrogate");
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            append_utf8(out, cp);
            break;
          }
          default: fail_at(esc_at, "invalid escape sequence");
        }
        continue;
      }
      if (u < 0x80) {
        out += c;
        ++pos_;
        continue;
      }
      const std::size_t n = utf8_sequence(s_.substr(pos_));
      if (n == 0) fail("invalid UTF-8");
      out.append(s_.substr(pos_, n));
      pos_ += n;
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

const json_node* json_node::find(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (keys[i] == name) return &elements[i];
  return nullptr;
}

json_node parse_json(std::string_view text) { return reader(text).document(); }

std::size_t column_of(std::string_view line, std::size_t offset) noexcept {
  offset = std::min(offset, line.size());
  std::size_t col = 1;
  for (std::size_t i = 0; i < offset; ++i)
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++col;
  return col;
}

const char* describe(json_node::kind k) noexcept {
  switch (k) {
    case json_node::kind::null: return "null";
    case json_node::kind::boolean: return "a boolean";
    case json_node::kind::number: return "a number";
    case json_node::kind::string: return "a string";
    case json_node::kind::array: return "an array";
    case json_node::kind::object: return "an object";
  }
  return "a value";
}

}  // namespace dynasio::cli
