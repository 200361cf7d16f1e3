// A small JSON reader for one line of input: numbers keep their exact text, and every value
// knows its byte offset in the line, so that an error can name the column it is at.

#ifndef DYNASIO_TOOLS_CLI_JSON_TEXT_HPP
#define DYNASIO_TOOLS_CLI_JSON_TEXT_HPP

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dynasio::cli {

/// What is wrong with a line, and where (a byte offset into the line).
class input_error : public std::runtime_error {
 public:
  input_error(std::size_t offset, const std::string& reason) : std::runtime_error(reason), offset_(offset) {}
  std::size_t offset() const noexcept { return offset_; }

 private:
  std::size_t offset_;
};

/// One JSON value of a line.
struct json_node {
  enum class kind : unsigned char { null, boolean, number, string, array, object };
  kind type = kind::null;
  /// The value of a boolean.
  bool flag = false;
  /// A string's value (unescaped UTF-8), or a number's text exactly as written.
  std::string text;
  /// An object's member names, in the order written (no duplicates).
  std::vector<std::string> keys;
  /// An array's elements, or an object's member values (parallel to keys).
  std::vector<json_node> elements;
  /// Byte offset of the value's first character in the line.
  std::size_t offset = 0;

  /// The member named `name`, or nullptr.
  const json_node* find(std::string_view name) const noexcept;
};

/// Parses exactly one JSON value, with optional surrounding white space. Throws input_error
/// for malformed JSON, invalid UTF-8, duplicate member names or nesting deeper than 64 levels.
json_node parse_json(std::string_view text);

/// The 1-based column of byte `offset` in `line`, counting UTF-8 characters.
std::size_t column_of(std::string_view line, std::size_t offset) noexcept;

/// A readable name of the kind, for messages ("an object", "a number", ...).
const char* describe(json_node::kind k) noexcept;

}  // namespace dynasio::cli

#endif
