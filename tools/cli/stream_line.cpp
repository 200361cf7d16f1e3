#include "stream_line.hpp"

namespace dynasio::cli {
namespace {

attribute_type type_of(key_type t) noexcept {
  return t == key_type::S ? attribute_type::S : t == key_type::N ? attribute_type::N : attribute_type::B;
}

}  // namespace

stream_event parse_stream_line(std::string_view line, line_format format, const std::vector<key_attribute>& key) {
  json_node root = parse_json(line);
  if (root.type != json_node::kind::object)
    throw input_error(root.offset, std::string("a line must be a JSON object, not ") + describe(root.type));
  stream_event out;
  bool have_diff = false, have_time = false;
  for (std::size_t i = 0; i < root.keys.size();) {
    const json_node& v = root.elements[i];
    if (root.keys[i] == "diff") {
      if (v.type != json_node::kind::number || (v.text != "1" && v.text != "-1"))
        throw input_error(v.offset, "\"diff\" must be 1 or -1");
      out.diff = v.text == "1" ? 1 : -1;
      have_diff = true;
    } else if (root.keys[i] == "time") {
      if (v.type != json_node::kind::number && v.type != json_node::kind::string)
        throw input_error(v.offset, "\"time\" must be a number or a string");
      out.time = (v.type == json_node::kind::number ? "n" : "s") + v.text;
      have_time = true;
    } else {
      ++i;
      continue;
    }
    root.keys.erase(root.keys.begin() + static_cast<std::ptrdiff_t>(i));
    root.elements.erase(root.elements.begin() + static_cast<std::ptrdiff_t>(i));
  }
  if (!have_diff) throw input_error(line.size(), "the line has no \"diff\" (1 or -1)");
  if (!have_time) throw input_error(line.size(), "the line has no \"time\"");
  out.row = item_from_line(root, format);
  for (const key_attribute& k : key) {
    const auto it = out.row.find(k.name);
    const json_node* at = root.find(k.name);
    if (it == out.row.end()) throw input_error(0, "the key column \"" + k.name + "\" is missing");
    const attribute_value& v = it->second;
    if (v.type() != type_of(k.type))
      throw input_error(at->offset, "the key column \"" + k.name + "\" must be " + to_string(k.type) + ", not " +
                                        std::string(to_string(v.type())));
    if ((v.is(attribute_type::S) && v.as_string().empty()) || (v.is(attribute_type::B) && v.as_binary().empty()))
      throw input_error(at->offset, "the key column \"" + k.name + "\" is empty");
  }
  return out;
}

}  // namespace dynasio::cli
