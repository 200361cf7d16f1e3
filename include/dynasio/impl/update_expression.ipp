//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_UPDATE_EXPRESSION_IPP
#define DYNASIO_IMPL_UPDATE_EXPRESSION_IPP

#include <dynasio/error.hpp>
#include <dynasio/update_expression.hpp>

namespace dynasio {
namespace detail {

inline std::string describe_path(const std::vector<path_element>& path) {
  std::string out;
  for (const auto& e : path) {
    if (e.name.empty() && &e != &path.front()) out += "[" + std::to_string(e.index) + "]";
    else out += (out.empty() ? "" : ".") + e.name;
  }
  return out;
}

// DynamoDB refuses an update where one path is a prefix of another ("Two document paths
// overlap"); say which before sending.
inline bool overlaps(const std::vector<path_element>& a, const std::vector<path_element>& b) {
  std::size_t n = std::min(a.size(), b.size());
  return std::equal(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n), b.begin());
}

inline void render_operand(std::string& out, const operand& o, std::map<std::string, std::string>& names,
                           item& values) {
  using k = operand::node::kind;
  const auto& n = o.root();
  switch (n.k) {
    case k::value: out += value_placeholder(n.value, values); break;
    case k::path: out += path_placeholder(n.path, names); break;
    case k::plus:
    case k::minus:
      render_operand(out, n.children[0], names, values);
      out += n.k == k::plus ? " + " : " - ";
      render_operand(out, n.children[1], names, values);
      break;
    case k::if_not_exists:
    case k::list_append:
      out += n.k == k::if_not_exists ? "if_not_exists(" : "list_append(";
      render_operand(out, n.children[0], names, values);
      out += ", ";
      render_operand(out, n.children[1], names, values);
      out += ")";
      break;
  }
}

}  // namespace detail

DYNASIO_DECL update_expression& update_expression::set(const attribute_path& path, dynasio::operand value) {
  push(action_kind::set, path, std::move(value));
  return *this;
}

DYNASIO_DECL update_expression& update_expression::remove(const attribute_path& path) {
  push(action_kind::remove, path, std::nullopt);
  return *this;
}

DYNASIO_DECL update_expression& update_expression::add(const attribute_path& path, attribute_value value) {
  auto t = value.type();
  if (t != attribute_type::N && t != attribute_type::SS && t != attribute_type::NS && t != attribute_type::BS)
    throw error(errc::invalid_argument, "update_expression::add: the value for '" +
                                            detail::describe_path(path.elements()) + "' must be a number or a set");
  push(action_kind::add, path, dynasio::operand(std::move(value)));
  return *this;
}

DYNASIO_DECL update_expression& update_expression::remove_from_set(const attribute_path& path, attribute_value set) {
  auto t = set.type();
  if (t != attribute_type::SS && t != attribute_type::NS && t != attribute_type::BS)
    throw error(errc::invalid_argument, "update_expression::remove_from_set: the value for '" +
                                            detail::describe_path(path.elements()) + "' must be a set");
  push(action_kind::remove_from_set, path, dynasio::operand(std::move(set)));
  return *this;
}

inline void update_expression::push(action_kind k, const attribute_path& path, std::optional<dynasio::operand> v) {
  for (const auto& a : actions_)
    if (detail::overlaps(a.path, path.elements()))
      throw error(errc::invalid_argument, "update_expression: the paths '" + detail::describe_path(a.path) + "' and '" +
                                              detail::describe_path(path.elements()) + "' overlap");
  actions_.push_back({k, path.elements(), std::move(v)});
}

DYNASIO_DECL std::string detail::render(const update_expression& u, std::map<std::string, std::string>& names,
                                        item& values) {
  using k = update_expression::action_kind;
  static constexpr const char* keywords[] = {"SET", "REMOVE", "ADD", "DELETE"};
  std::string out;
  // One clause per kind, in a fixed order, each listing its actions in the order they were added.
  for (k kind : {k::set, k::remove, k::add, k::remove_from_set}) {
    bool first = true;
    for (const auto& a : u.actions()) {
      if (a.kind != kind) continue;
      if (first) out += std::string(out.empty() ? "" : " ") + keywords[static_cast<int>(kind)] + " ";
      else out += ", ";
      first = false;
      out += path_placeholder(a.path, names);
      if (kind == k::set) out += " = ";
      else if (a.operand) out += " ";
      if (a.operand) render_operand(out, *a.operand, names, values);
    }
  }
  return out;
}

}  // namespace dynasio

#endif
