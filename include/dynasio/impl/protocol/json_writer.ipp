//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_PROTOCOL_JSON_WRITER_IPP
#define DYNASIO_IMPL_PROTOCOL_JSON_WRITER_IPP

#include <dynasio/detail/protocol/json_writer.hpp>
#include <dynasio/detail/protocol/wire_writer.hpp>

namespace dynasio::detail {

inline void wire_writer::map(const item& m) {
  ch('{');
  bool first = true;
  for (const auto& [name, v] : m) {
    if (!first) ch(',');
    first = false;
    string(name);
    ch(':');
    value(v);
  }
  ch('}');
}

inline void wire_writer::value(const attribute_value& v) {
  switch (v.type()) {
    case attribute_type::S: lit("{\"S\":"), string(v.as_string()), ch('}'); break;
    case attribute_type::N: lit("{\"N\":"), num(v.as_number()), ch('}'); break;
    case attribute_type::B: lit("{\"B\":"), bin(v.as_binary()), ch('}'); break;
    case attribute_type::BOOL: v.as_bool() ? lit("{\"BOOL\":true}") : lit("{\"BOOL\":false}"); break;
    case attribute_type::NULL_: lit("{\"NULL\":true}"); break;
    case attribute_type::M: lit("{\"M\":"), map(v.as_map()), ch('}'); break;
    case attribute_type::L: {
      lit("{\"L\":[");
      bool first = true;
      for (const auto& e : v.as_list()) {
        if (!first) ch(',');
        first = false;
        value(e);
      }
      lit("]}");
      break;
    }
    case attribute_type::SS: lit("{\"SS\":["), set(v.as_string_set(), [&](const std::string& s) { string(s); }); break;
    case attribute_type::NS: lit("{\"NS\":["), set(v.as_number_set(), [&](const number& n) { num(n); }); break;
    case attribute_type::BS: lit("{\"BS\":["), set(v.as_binary_set(), [&](const binary& b) { bin(b); }); break;
  }
}

DYNASIO_DECL void write_json_string(std::string& out, std::string_view utf8) { wire_writer(out).string(utf8); }

DYNASIO_DECL void write_value(std::string& out, const attribute_value& value) { wire_writer(out).value(value); }

DYNASIO_DECL void write_item(std::string& out, const item& value) { wire_writer(out).map(value); }

}  // namespace dynasio::detail

#endif
