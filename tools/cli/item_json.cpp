#include "item_json.hpp"

#include <dynasio/detail/protocol/base64.hpp>
#include <dynasio/detail/protocol/json_writer.hpp>
#include <dynasio/error.hpp>

#include <array>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace dynasio::cli {
namespace {

using kind = json_node::kind;

constexpr std::array<std::string_view, 5> plain_tags = {"$binary", "$ss", "$ns", "$bs", "$map"};

bool is_plain_tag(std::string_view name) noexcept {
  for (std::string_view t : plain_tags)
    if (t == name) return true;
  return false;
}

[[noreturn]] void fail(const json_node& at, const std::string& why) { throw input_error(at.offset, why); }

void expect(const json_node& n, kind k, std::string_view what) {
  if (n.type != k) fail(n, std::string(what) + " must be " + describe(k) + ", not " + describe(n.type));
}

number make_number(const json_node& n) {
  try {
    return number(n.text);
  } catch (const dynasio::error& e) {
    fail(n, "number " + n.text + ": " + e.what());
  }
}

binary make_binary(const json_node& n, std::string_view what) {
  expect(n, kind::string, what);
  std::optional<std::string> bytes = detail::base64_decode(n.text);
  if (!bytes) fail(n, std::string(what) + " is not valid base64");
  return binary(std::move(*bytes));
}

template <class Set, class Make>
Set make_set(const json_node& n, std::string_view what, Make make) {
  expect(n, kind::array, what);
  std::vector<typename Set::value_type> values;
  values.reserve(n.elements.size());
  for (const json_node& e : n.elements) values.push_back(make(e));
  try {
    return Set(std::move(values));
  } catch (const dynasio::error& e) {
    fail(n, std::string(what) + ": " + e.what());
  }
}

std::string make_string(const json_node& n, std::string_view what) {
  expect(n, kind::string, what);
  return n.text;
}

item plain_map(const json_node& n) {
  item out;
  for (std::size_t i = 0; i < n.keys.size(); ++i) out.emplace(n.keys[i], value_from_json(n.elements[i]));
  return out;
}

attribute_value plain_tagged(std::string_view tag, const json_node& v) {
  if (tag == "$binary") return make_binary(v, "\"$binary\"");
  if (tag == "$ss")
    return make_set<string_set>(v, "\"$ss\"",
                                [](const json_node& e) { return make_string(e, "an element of \"$ss\""); });
  if (tag == "$ns")
    return make_set<number_set>(v, "\"$ns\"", [](const json_node& e) {
      expect(e, kind::number, "an element of \"$ns\"");
      return make_number(e);
    });
  if (tag == "$bs")
    return make_set<binary_set>(v, "\"$bs\"",
                                [](const json_node& e) { return make_binary(e, "an element of \"$bs\""); });
  expect(v, kind::object, "\"$map\"");
  return plain_map(v);
}

attribute_value ddb_value(const json_node& n);

item ddb_map(const json_node& n) {
  item out;
  for (std::size_t i = 0; i < n.keys.size(); ++i) out.emplace(n.keys[i], ddb_value(n.elements[i]));
  return out;
}

attribute_value ddb_value(const json_node& n) {
  if (n.type != kind::object || n.keys.size() != 1)
    fail(n, "a DynamoDB JSON value must be an object with one type member such as {\"S\": \"text\"}");
  const std::string& tag = n.keys[0];
  const json_node& v = n.elements[0];
  if (tag == "S") return make_string(v, "\"S\"");
  if (tag == "N") {
    expect(v, kind::string, "\"N\"");
    return make_number(v);
  }
  if (tag == "B") return make_binary(v, "\"B\"");
  if (tag == "BOOL") {
    expect(v, kind::boolean, "\"BOOL\"");
    return v.flag;
  }
  if (tag == "NULL") {
    if (v.type != kind::boolean || !v.flag) fail(v, "\"NULL\" must be true");
    return nullptr;
  }
  if (tag == "M") {
    expect(v, kind::object, "\"M\"");
    return ddb_map(v);
  }
  if (tag == "L") {
    expect(v, kind::array, "\"L\"");
    list l;
    l.reserve(v.elements.size());
    for (const json_node& e : v.elements) l.push_back(ddb_value(e));
    return l;
  }
  if (tag == "SS")
    return make_set<string_set>(v, "\"SS\"", [](const json_node& e) { return make_string(e, "an element of \"SS\""); });
  if (tag == "NS")
    return make_set<number_set>(v, "\"NS\"", [](const json_node& e) {
      expect(e, kind::string, "an element of \"NS\"");
      return make_number(e);
    });
  if (tag == "BS")
    return make_set<binary_set>(v, "\"BS\"", [](const json_node& e) { return make_binary(e, "an element of \"BS\""); });
  fail(n, "unknown DynamoDB type \"" + tag + "\" (expected S, N, B, BOOL, NULL, M, L, SS, NS or BS)");
}

// {"Item": {...}} is the export wrapper unless it reads as an item with an attribute "Item"
// (its value then being one typed value such as {"M": {...}}).
bool is_export_wrapper(const json_node& line) {
  if (line.keys.size() != 1 || line.keys[0] != "Item") return false;
  const json_node& v = line.elements[0];
  if (v.type != kind::object) return false;
  if (v.keys.size() != 1) return true;
  try {
    (void)ddb_value(v);
    return false;
  } catch (const input_error&) {
    return true;
  }
}

void append_b64(std::string& out, const binary& b) {
  out += '"';
  detail::base64_encode(out, b.view());
  out += '"';
}

template <class Set, class Each>
void append_tagged_set(std::string& out, std::string_view tag, const Set& s, Each each) {
  out += "{\"";
  out += tag;
  out += "\":[";
  bool first = true;
  for (const auto& v : s) {
    if (!first) out += ',';
    first = false;
    each(v);
  }
  out += "]}";
}

void append_plain_map(std::string& out, const item& m) {
  out += '{';
  bool first = true;
  for (const auto& [name, v] : m) {
    if (!first) out += ',';
    first = false;
    detail::write_json_string(out, name);
    out += ':';
    append_json_value(out, v);
  }
  out += '}';
}

}  // namespace

line_format parse_line_format(std::string_view text) {
  if (text == "json") return line_format::json;
  if (text == "ddb") return line_format::ddb;
  throw std::invalid_argument("--format takes json or ddb, not '" + std::string(text) + "'");
}

attribute_value value_from_json(const json_node& n) {
  switch (n.type) {
    case kind::null: return nullptr;
    case kind::boolean: return n.flag;
    case kind::number: return make_number(n);
    case kind::string: return n.text;
    case kind::array: {
      list l;
      l.reserve(n.elements.size());
      for (const json_node& e : n.elements) l.push_back(value_from_json(e));
      return l;
    }
    case kind::object:
      if (n.keys.size() == 1 && is_plain_tag(n.keys[0])) return plain_tagged(n.keys[0], n.elements[0]);
      return plain_map(n);
  }
  fail(n, "unexpected value");
}

item item_from_line(const json_node& line, line_format format) {
  if (line.type != kind::object) fail(line, std::string("a line must be a JSON object, not ") + describe(line.type));
  if (format == line_format::json) return plain_map(line);
  if (is_export_wrapper(line)) return ddb_map(line.elements[0]);
  return ddb_map(line);
}

item parse_item_line(std::string_view line, line_format format) { return item_from_line(parse_json(line), format); }

void append_json_value(std::string& out, const attribute_value& v) {
  switch (v.type()) {
    case attribute_type::S: detail::write_json_string(out, v.as_string()); break;
    case attribute_type::N: out += json_number_text(v.as_number().text()); break;
    case attribute_type::B:
      out += "{\"$binary\":";
      append_b64(out, v.as_binary());
      out += '}';
      break;
    case attribute_type::BOOL: out += v.as_bool() ? "true" : "false"; break;
    case attribute_type::NULL_: out += "null"; break;
    case attribute_type::M: {
      const item& m = v.as_map();
      const bool wrap = m.size() == 1 && is_plain_tag(m.begin()->first);
      if (wrap) out += "{\"$map\":";
      append_plain_map(out, m);
      if (wrap) out += '}';
      break;
    }
    case attribute_type::L: {
      out += '[';
      bool first = true;
      for (const attribute_value& e : v.as_list()) {
        if (!first) out += ',';
        first = false;
        append_json_value(out, e);
      }
      out += ']';
      break;
    }
    case attribute_type::SS:
      append_tagged_set(out, "$ss", v.as_string_set(),
                        [&](const std::string& s) { detail::write_json_string(out, s); });
      break;
    case attribute_type::NS:
      append_tagged_set(out, "$ns", v.as_number_set(), [&](const number& n) { out += json_number_text(n.text()); });
      break;
    case attribute_type::BS:
      append_tagged_set(out, "$bs", v.as_binary_set(), [&](const binary& b) { append_b64(out, b); });
      break;
  }
}

void append_item_line(std::string& out, const item& it, line_format format) {
  if (format == line_format::json) {
    append_plain_map(out, it);
    return;
  }
  out += "{\"Item\":";
  detail::write_item(out, it);
  out += '}';
}

std::string json_number_text(std::string_view t) {
  std::string out;
  std::size_t i = 0;
  if (i < t.size() && t[i] == '-') out += t[i++];
  const std::size_t int_start = i;
  while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
  std::string_view int_part = t.substr(int_start, i - int_start);
  while (int_part.size() > 1 && int_part[0] == '0') int_part.remove_prefix(1);
  out += int_part.empty() ? "0" : std::string(int_part);
  if (i < t.size() && t[i] == '.') {
    ++i;
    const std::size_t frac_start = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    if (i > frac_start) {
      out += '.';
      out += t.substr(frac_start, i - frac_start);
    }
  }
  out += t.substr(i);  // the exponent, valid JSON as DynamoDB spells it
  return out;
}

}  // namespace dynasio::cli
