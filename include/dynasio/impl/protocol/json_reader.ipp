//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_PROTOCOL_JSON_READER_IPP
#define DYNASIO_IMPL_PROTOCOL_JSON_READER_IPP

#include <dynasio/detail/protocol/base64.hpp>
#include <dynasio/detail/protocol/json_reader.hpp>
#include <dynasio/error.hpp>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/string.hpp>

#include <vector>

namespace dynasio::detail {

DYNASIO_DECL boost::json::value parse_wire_json(std::string_view text, boost::system::error_code& ec) {
  boost::json::parse_options opts;
  opts.max_depth = max_wire_json_depth;
  return boost::json::parse(text, ec, {}, opts);
}

[[noreturn]] inline void throw_malformed(std::string_view what) {
  throw error(errc::protocol_error, "malformed AttributeValue: " + std::string(what));
}

inline std::string_view read_json_string(const boost::json::value& v, std::string_view tag) {
  if (!v.is_string()) throw_malformed(std::string(tag) + " must hold a string");
  return v.get_string();
}

inline number read_number(const boost::json::value& v) {
  try {
    return number(read_json_string(v, "N"));
  } catch (const error& e) {
    throw_malformed(e.diagnostics().message);
  }
}

inline binary read_binary(const boost::json::value& v) {
  auto bytes = base64_decode(read_json_string(v, "B"));
  if (!bytes) throw_malformed("B must hold base64 text");
  return binary(std::move(*bytes));
}

template <class Set, class F>
Set read_set(const boost::json::value& v, std::string_view tag, F element) {
  if (!v.is_array()) throw_malformed(std::string(tag) + " must hold an array");
  std::vector<typename Set::value_type> values;
  values.reserve(v.get_array().size());
  for (const auto& e : v.get_array()) values.push_back(element(e));
  try {
    return Set(std::move(values));
  } catch (const error& e) {
    throw_malformed(e.diagnostics().message);
  }
}

DYNASIO_DECL attribute_value read_value(const boost::json::value& json) {
  const auto* obj = json.if_object();
  if (!obj || obj->size() != 1) throw_malformed("expected an object with exactly one type tag");
  const auto& [tag_key, v] = *obj->begin();
  const std::string_view tag = tag_key;
  if (tag == "S") return std::string(read_json_string(v, tag));
  if (tag == "N") return read_number(v);
  if (tag == "B") return read_binary(v);
  if (tag == "BOOL") {
    if (!v.is_bool()) throw_malformed("BOOL must hold true or false");
    return v.get_bool();
  }
  if (tag == "NULL") {
    if (!v.is_bool() || !v.get_bool()) throw_malformed("NULL must hold true");
    return nullptr;
  }
  if (tag == "M") {
    if (!v.is_object()) throw_malformed("M must hold an object");
    return read_item(v.get_object());
  }
  if (tag == "L") {
    if (!v.is_array()) throw_malformed("L must hold an array");
    list values;
    values.reserve(v.get_array().size());
    for (const auto& e : v.get_array()) values.push_back(read_value(e));
    return values;
  }
  if (tag == "SS")
    return read_set<string_set>(v, tag,
                                [&](const boost::json::value& e) { return std::string(read_json_string(e, tag)); });
  if (tag == "NS") return read_set<number_set>(v, tag, [](const boost::json::value& e) { return read_number(e); });
  if (tag == "BS") return read_set<binary_set>(v, tag, [](const boost::json::value& e) { return read_binary(e); });
  throw_malformed("unknown type tag \"" + std::string(tag) + "\"");
}

DYNASIO_DECL item read_item(const boost::json::object& json) {
  item result;
  for (const auto& [name, v] : json) result.emplace_hint(result.end(), std::string(name), read_value(v));
  return result;
}

}  // namespace dynasio::detail

#endif
