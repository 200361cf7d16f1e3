// Items as lines of JSON, both ways, in the two formats of `dynasio load` and `dynasio dump`.
//
// `json` (plain JSON): string S, number N with its exact digits, true/false BOOL, null NULL,
// array L, object M, and objects with one tagged member for what JSON has no type for:
// {"$binary": "<base64>"} B, {"$ss": [strings]} SS, {"$ns": [numbers]} NS,
// {"$bs": [base64 strings]} BS, and {"$map": {...}} for a map whose only member name is one of
// these tags (so such a map round-trips too).
// `ddb` (DynamoDB JSON): typed values such as {"N": "12"}; a line is an item, or
// {"Item": {...}} (the format of DynamoDB's export to S3, which dump writes).

#ifndef DYNASIO_TOOLS_CLI_ITEM_JSON_HPP
#define DYNASIO_TOOLS_CLI_ITEM_JSON_HPP

#include <dynasio/attribute_value.hpp>

#include "json_text.hpp"

#include <string>
#include <string_view>

namespace dynasio::cli {

enum class line_format { json, ddb };

/// "json" or "ddb"; throws std::invalid_argument otherwise.
line_format parse_line_format(std::string_view text);

/// A value of a plain JSON line. Throws input_error at the offending value.
attribute_value value_from_json(const json_node& node);

/// An item from a parsed line: the line must be an object. Throws input_error at the
/// offending value, e.g. for a number DynamoDB would refuse.
item item_from_line(const json_node& line, line_format format);

/// A line's item, parsed from its text.
item parse_item_line(std::string_view line, line_format format);

/// Appends `value` as plain JSON.
void append_json_value(std::string& out, const attribute_value& value);

/// Appends `it` as one line of `format` (no newline).
void append_item_line(std::string& out, const item& it, line_format format);

/// A number's text as a valid JSON number of the same value: DynamoDB's text is kept as it
/// is whenever it is already valid JSON ("007" becomes "7", ".5" "0.5", "1." "1").
std::string json_number_text(std::string_view dynamodb_number);

}  // namespace dynasio::cli

#endif
