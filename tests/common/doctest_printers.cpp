#include "doctest_printers.hpp"

#include <dynasio/detail/protocol/base64.hpp>

#include <cstdio>
#include <string_view>

namespace dynasio::test {
namespace {

void quoted(std::string& out, std::string_view text) {
  out.push_back('"');
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out.append(buf);
    } else {
      out.push_back(static_cast<char>(c));  // UTF-8 as is; a failed check shows it raw
    }
  }
  out.push_back('"');
}

void append(std::string& out, const attribute_value& v);

void append_map(std::string& out, const item& m) {
  out.push_back('{');
  for (const auto& [name, value] : m) {
    if (out.back() != '{') out.push_back(',');
    quoted(out, name);
    out.push_back(':');
    append(out, value);
  }
  out.push_back('}');
}

// `[e1,e2,...]`, each element written by `one`.
template <class Range, class One>
void append_array(std::string& out, const Range& range, One one) {
  out.push_back('[');
  for (const auto& e : range) {
    if (out.back() != '[') out.push_back(',');
    one(e);
  }
  out.push_back(']');
}

void append(std::string& out, const attribute_value& v) {
  auto bin = [&](const binary& b) {
    std::string text;
    detail::base64_encode(text, std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
    quoted(out, text);
  };
  out.append("{\"").append(to_string(v.type())).append("\":");
  switch (v.type()) {
    case attribute_type::S: quoted(out, v.as_string()); break;
    case attribute_type::N: quoted(out, v.as_number().text()); break;
    case attribute_type::B: bin(v.as_binary()); break;
    case attribute_type::BOOL: out.append(v.as_bool() ? "true" : "false"); break;
    case attribute_type::NULL_: out.append("true"); break;
    case attribute_type::M: append_map(out, v.as_map()); break;
    case attribute_type::L: append_array(out, v.as_list(), [&](const attribute_value& e) { append(out, e); }); break;
    case attribute_type::SS: append_array(out, v.as_string_set(), [&](const std::string& s) { quoted(out, s); }); break;
    case attribute_type::NS:
      append_array(out, v.as_number_set(), [&](const number& n) { quoted(out, n.text()); });
      break;
    case attribute_type::BS: append_array(out, v.as_binary_set(), bin); break;
  }
  out.push_back('}');
}

doctest::String to_doctest(const std::string& s) {
  return doctest::String(s.data(), static_cast<doctest::String::size_type>(s.size()));
}

}  // namespace

std::string show(const attribute_value& value) {
  std::string out;
  append(out, value);
  return out;
}

std::string show(const item& value) {
  std::string out;
  append_map(out, value);
  return out;
}

std::string show(const list& value) {
  std::string out;
  append_array(out, value, [&](const attribute_value& e) { append(out, e); });
  return out;
}

}  // namespace dynasio::test

namespace doctest {

String StringMaker<dynasio::attribute_value>::convert(const dynasio::attribute_value& value) {
  return dynasio::test::to_doctest(dynasio::test::show(value));
}
String StringMaker<dynasio::item>::convert(const dynasio::item& value) {
  return dynasio::test::to_doctest(dynasio::test::show(value));
}
String StringMaker<dynasio::list>::convert(const dynasio::list& value) {
  return dynasio::test::to_doctest(dynasio::test::show(value));
}

}  // namespace doctest
