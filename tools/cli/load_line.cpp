#include "load_line.hpp"

#include <dynasio/detail/protocol/json_writer.hpp>

namespace dynasio::cli {

item parse_load_line(std::string_view line, line_format format) {
  json_node root = parse_json(line);
  if (root.type == json_node::kind::object) {
    if (const json_node* text = root.find("$text")) {
      if (text->type != json_node::kind::string) throw input_error(text->offset, "\"$text\" must be a string");
      try {
        return parse_item_line(text->text, format);
      } catch (const input_error& e) {
        throw input_error(text->offset, std::string("in \"$text\" at column ") +
                                            std::to_string(column_of(text->text, e.offset())) + ": " + e.what());
      }
    }
    for (std::size_t i = 0; i < root.keys.size(); ++i) {
      if (root.keys[i] != "$error") continue;
      root.keys.erase(root.keys.begin() + static_cast<std::ptrdiff_t>(i));
      root.elements.erase(root.elements.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
  }
  return item_from_line(root, format);
}

std::string describe_bad_line(std::string_view file, std::uint64_t line_number, std::string_view line,
                              const input_error& e) {
  return std::string(file) + ":" + std::to_string(line_number) + ":" + std::to_string(column_of(line, e.offset())) +
         ": " + e.what();
}

std::string failed_item_line(const item& it, line_format format, std::string_view reason) {
  std::string body;
  append_item_line(body, it, format);
  std::string out = "{\"$error\":";
  detail::write_json_string(out, reason);
  // body is "{...}": splice its members in after "$error".
  if (body.size() > 2) out += ',';
  out.append(body, 1);
  return out;
}

std::string failed_text_line(std::string_view text, std::string_view reason) {
  std::string out = "{\"$error\":";
  detail::write_json_string(out, reason);
  out += ",\"$text\":";
  // A line that is not UTF-8 cannot travel in a JSON string: keep what can be kept.
  std::string safe;
  safe.reserve(text.size());
  for (unsigned char c : text) safe += c < 0x80 ? static_cast<char>(c) : '?';
  try {
    std::string exact;
    detail::write_json_string(exact, text);
    out += exact;
  } catch (const std::exception&) {
    detail::write_json_string(out, safe);
  }
  out += '}';
  return out;
}

bool is_blank(std::string_view line) noexcept {
  for (char c : line)
    if (c != ' ' && c != '\t' && c != '\r') return false;
  return true;
}

}  // namespace dynasio::cli
