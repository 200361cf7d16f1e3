// The lines of `dynasio load` and of its --failed file, which load reads back as they are.
//
// A failed item is written as its own line with one more top-level member, "$error", holding
// the reason. A bad line is written as {"$error": reason, "$text": "<the line>"}. load ignores
// a top-level "$error" and reads a line with "$text" as that text, so the --failed file can be
// loaded again once the cause is fixed.

#ifndef DYNASIO_TOOLS_CLI_LOAD_LINE_HPP
#define DYNASIO_TOOLS_CLI_LOAD_LINE_HPP

#include "item_json.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace dynasio::cli {

/// The item of one input line of load. Throws input_error (an offset into `line`).
item parse_load_line(std::string_view line, line_format format);

/// `FILE:LINE:COLUMN: reason` for a bad line.
std::string describe_bad_line(std::string_view file, std::uint64_t line_number, std::string_view line,
                              const input_error& e);

/// The --failed line of an item DynamoDB did not take.
std::string failed_item_line(const item& it, line_format format, std::string_view reason);

/// The --failed line of a line that could not be read as an item.
std::string failed_text_line(std::string_view text, std::string_view reason);

/// True for a line of only white space (skipped, though counted for line numbers).
bool is_blank(std::string_view line) noexcept;

}  // namespace dynasio::cli

#endif
