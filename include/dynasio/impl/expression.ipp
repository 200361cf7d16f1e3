//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_EXPRESSION_IPP
#define DYNASIO_IMPL_EXPRESSION_IPP

#include <dynasio/expression.hpp>

namespace dynasio::detail {

inline std::string name_placeholder(const std::string& attribute, std::map<std::string, std::string>& names) {
  for (const auto& [ph, name] : names)
    if (name == attribute && ph.starts_with("#dn")) return ph;
  std::string ph = "#dn" + std::to_string(names.size());
  while (names.count(ph)) ph += "_";
  names.emplace(ph, attribute);
  return ph;
}

// `#dn0.#dn1[2]`: each name gets its placeholder, indexes stay literal.
inline std::string path_placeholder(const std::vector<path_element>& path, std::map<std::string, std::string>& names) {
  std::string out;
  for (const auto& e : path) {
    if (e.name.empty() && &e != &path.front()) {
      out += "[" + std::to_string(e.index) + "]";
      continue;
    }
    if (!out.empty()) out += '.';
    out += name_placeholder(e.name, names);
  }
  return out;
}

inline std::string value_placeholder(const attribute_value& v, item& values) {
  std::string ph = ":dv" + std::to_string(values.size());
  while (values.count(ph)) ph += "_";
  values.emplace(ph, v);
  return ph;
}

inline void render_into(std::string& out, const condition& c, std::map<std::string, std::string>& names, item& values) {
  using k = condition::node::kind;
  const auto& n = c.root();
  switch (n.k) {
    // Placeholders are made one statement at a time: their numbering must not depend on the
    // unspecified evaluation order of operands.
    case k::compare:
      out += path_placeholder(n.path, names);
      out += " " + n.op + " ";
      out += value_placeholder(n.values[0], values);
      break;
    case k::between:
      out += path_placeholder(n.path, names);
      out += " BETWEEN ";
      out += value_placeholder(n.values[0], values);
      out += " AND ";
      out += value_placeholder(n.values[1], values);
      break;
    case k::begins_with:
      out += "begins_with(" + path_placeholder(n.path, names);
      out += ", " + value_placeholder(n.values[0], values) + ")";
      break;
    case k::exists: out += "attribute_exists(" + path_placeholder(n.path, names) + ")"; break;
    case k::not_exists: out += "attribute_not_exists(" + path_placeholder(n.path, names) + ")"; break;
    case k::and_:
    case k::or_:
      out += "(";
      render_into(out, n.children[0], names, values);
      out += n.k == k::and_ ? " AND " : " OR ";
      render_into(out, n.children[1], names, values);
      out += ")";
      break;
    case k::not_:
      out += "(NOT ";
      render_into(out, n.children[0], names, values);
      out += ")";
      break;
  }
}

DYNASIO_DECL std::string render(const condition& c, std::map<std::string, std::string>& names, item& values) {
  std::string out;
  render_into(out, c, names, values);
  return out;
}

}  // namespace dynasio::detail

#endif
