//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_VALIDATE_IPP
#define DYNASIO_IMPL_VALIDATE_IPP

#include <dynasio/config.hpp>
#include <dynasio/detail/transport/endpoint.hpp>
#include <dynasio/detail/validate.hpp>
#include <dynasio/error.hpp>

#include <cstdint>
#include <cstring>
#include <set>

namespace dynasio::detail {

DYNASIO_DECL std::string quote_text(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < 64; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') out += static_cast<char>(c);
    else out += std::string("\\x") + hex[c >> 4] + hex[c & 15];
  }
  return out + (text.size() > 64 ? "...\"" : "\"");
}

DYNASIO_DECL std::optional<std::size_t> invalid_utf8_at(std::string_view text) noexcept {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n;) {
    // Most text is ASCII: eight bytes at a time while none has its high bit set.
    if (n - i >= 8) {
      std::uint64_t word;
      std::memcpy(&word, s + i, sizeof word);
      if ((word & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // Length and the smallest code point a sequence of that length may hold (no overlong forms).
    std::size_t len;
    std::uint32_t cp, least;
    if ((c & 0xe0) == 0xc0) len = 2, cp = c & 0x1f, least = 0x80;
    else if ((c & 0xf0) == 0xe0) len = 3, cp = c & 0x0f, least = 0x800;
    else if ((c & 0xf8) == 0xf0) len = 4, cp = c & 0x07, least = 0x10000;
    else return i;
    if (n - i < len) return i;
    for (std::size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if (cp < least || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += len;
  }
  return std::nullopt;
}

DYNASIO_DECL void validate_table_name(std::string_view who, std::string_view name) {
  auto refuse = [&](const std::string& why) {
    throw error(errc::invalid_argument, std::string(who) + ": table name " + quote_text(name) + " " + why);
  };
  if (name.size() < 3 || name.size() > 255)
    refuse("has " + std::to_string(name.size()) + " characters; table names have 3 to 255");
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
          c == '.'))
      refuse("holds " + quote_text(std::string_view(&c, 1)) + "; table names hold only A-Z a-z 0-9 _ - .");
}

inline bool placeholder_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

DYNASIO_DECL void validate_expressions(std::string_view who, std::initializer_list<named_expression> expressions,
                                       const expression_names& names, const item& values) {
  const std::string prefix = std::string(who) + ": ";
  std::set<std::string, std::less<>> used;
  for (const named_expression& e : expressions) {
    int depth = 0;
    for (std::size_t i = 0; i < e.text.size(); ++i) {
      const char c = e.text[i];
      if (c == '(') ++depth;
      if (c == ')' && --depth < 0)
        throw error(errc::invalid_argument, prefix + std::string(e.field) + " " + quote_text(e.text) +
                                                " closes a parenthesis it never opened (at character " +
                                                std::to_string(i) + ")");
      if (c != '#' && c != ':') continue;
      std::size_t end = i + 1;
      while (end < e.text.size() && placeholder_char(e.text[end])) ++end;
      const std::string_view ph = e.text.substr(i, end - i);
      if (ph.size() == 1)
        throw error(errc::invalid_argument, prefix + std::string(e.field) + " " + quote_text(e.text) + " has a bare '" +
                                                std::string(1, c) + "' (at character " + std::to_string(i) + ")");
      const bool defined = c == '#' ? names.count(std::string(ph)) != 0 : values.find(ph) != values.end();
      if (!defined)
        throw error(errc::invalid_argument,
                    prefix + std::string(e.field) + " uses " + std::string(ph) + ", which " +
                        (c == '#' ? "expression_attribute_names" : "expression_attribute_values") + " does not define");
      used.emplace(ph);
      i = end - 1;
    }
    if (depth != 0)
      throw error(errc::invalid_argument, prefix + std::string(e.field) + " " + quote_text(e.text) + " leaves " +
                                              std::to_string(depth) + " parenthesis unclosed");
  }
  for (const auto& [ph, name] : names)
    if (!used.count(ph))
      throw error(errc::invalid_argument, prefix + "expression_attribute_names defines " + quote_text(ph) + " (for " +
                                              quote_text(name) + "), which no expression uses");
  for (const auto& [ph, value] : values)
    if (!used.count(ph))
      throw error(errc::invalid_argument,
                  prefix + "expression_attribute_values defines " + quote_text(ph) + ", which no expression uses");
}

DYNASIO_DECL void validate_return_values(std::string_view who, return_values rv, bool update) {
  if (update || rv == return_values::none || rv == return_values::all_old) return;
  static constexpr const char* spelled[] = {"none", "all_old", "updated_old", "all_new", "updated_new"};
  throw error(errc::invalid_argument, std::string(who) + ": return_values " + spelled[static_cast<int>(rv)] +
                                          " is for update_item; this operation takes none or all_old");
}

DYNASIO_DECL void validate_limit(std::string_view who, const std::optional<std::int32_t>& limit) {
  if (limit && *limit < 1)
    throw error(errc::invalid_argument, std::string(who) + ": limit must be at least 1, not " + std::to_string(*limit));
}

DYNASIO_DECL retry_mode validate_retry_mode(std::string_view value) {
  if (value == "standard" || value == "legacy") return retry_mode::standard;
  if (value == "adaptive") return retry_mode::adaptive;
  throw error(errc::invalid_configuration,
              "AWS_RETRY_MODE must be standard, legacy or adaptive, not " + quote_text(value));
}

DYNASIO_DECL void validate_endpoint_url(std::string_view field, std::string_view url) { parse_endpoint(url, field); }

}  // namespace dynasio::detail

#endif
