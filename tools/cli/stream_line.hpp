// The lines of `dynasio sink`: a row's columns plus "diff" and "time", as Pathway's JSON Lines
// output writes them.

#ifndef DYNASIO_TOOLS_CLI_STREAM_LINE_HPP
#define DYNASIO_TOOLS_CLI_STREAM_LINE_HPP

#include <dynasio/operations/table_schema.hpp>

#include "item_json.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace dynasio::cli {

/// One change: the row (without "diff" and "time"), +1 or -1, and the step it belongs to.
struct stream_event {
  item row;
  int diff = 1;
  /// "time" as written (a number's digits or a string's text): equal times are one step.
  std::string time;
};

/// Parses one line. Throws input_error for a missing or malformed "diff" (1 or -1) or
/// "time" (a number or a string), and for a key column that is missing, empty or not of its
/// type, at the offending value.
stream_event parse_stream_line(std::string_view line, line_format format, const std::vector<key_attribute>& key);

}  // namespace dynasio::cli

#endif
