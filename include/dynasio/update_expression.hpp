//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_UPDATE_EXPRESSION_HPP
#define DYNASIO_UPDATE_EXPRESSION_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/detail/config.hpp>
#include <dynasio/expression.hpp>

#include <concepts>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace dynasio {

/**
 * @brief The right-hand side of a `SET` action: a value, a document path, `a + b`, `a - b`,
 * `if_not_exists(path, operand)` or `list_append(a, b)`.
 * @details Anything an attribute_value is made from is an operand (`1`, `"x"`, `list{...}`),
 * and so is an attribute_path: `attr("qty") + 1` reads the stored value.
 */
class operand {
 public:
  /// @cond internal
  struct node {
    enum class kind { value, path, plus, minus, if_not_exists, list_append } k;
    attribute_value value;
    std::vector<path_element> path;
    std::vector<operand> children;
  };
  const node& root() const noexcept { return *n_; }
  explicit operand(node n) : n_(std::make_shared<const node>(std::move(n))) {}
  /// @endcond

  /// The stored value at `p`.
  operand(const attribute_path& p) : operand(node{node::kind::path, {}, p.elements(), {}}) {}
  /// A literal value.
  template <class T>
  requires(std::is_constructible_v<attribute_value, T> && !std::is_same_v<std::remove_cvref_t<T>, operand>)
      operand(T&& v)
      : operand(node{node::kind::value, attribute_value(std::forward<T>(v)), {}, {}}) {}

 private:
  std::shared_ptr<const node> n_;
};

/// `a + b` (numbers).
inline operand operator+(operand a, operand b) {
  return operand(operand::node{operand::node::kind::plus, {}, {}, {std::move(a), std::move(b)}});
}
/// `a - b` (numbers).
inline operand operator-(operand a, operand b) {
  return operand(operand::node{operand::node::kind::minus, {}, {}, {std::move(a), std::move(b)}});
}
/// `if_not_exists(path, fallback)`: the stored value, or `fallback` when there is none.
inline operand if_not_exists(const attribute_path& p, operand fallback) {
  return operand(operand::node{operand::node::kind::if_not_exists, {}, {}, {operand(p), std::move(fallback)}});
}
/// `list_append(a, b)`: the lists a and b, concatenated.
inline operand list_append(operand a, operand b) {
  return operand(operand::node{operand::node::kind::list_append, {}, {}, {std::move(a), std::move(b)}});
}

/**
 * @brief An `UpdateExpression` built action by action, with generated placeholders.
 * @details `update_expression().set(attr("qty"), attr("qty") + 1).remove(attr("tmp"))` renders
 * as `SET #dn0 = #dn0 + :dv0 REMOVE #dn1`. Placeholders share the request's numbering with the
 * condition builder, so an update and a condition on one request never collide. Actions are
 * checked as they are added (errc::invalid_argument): `add` takes a number or a set,
 * `remove_from_set` a set, and no path may be the target of two actions.
 */
class update_expression {
 public:
  /// @cond internal
  enum class action_kind { set, remove, add, remove_from_set };
  struct action {
    action_kind kind;
    std::vector<path_element> path;
    std::optional<dynasio::operand> operand;
  };
  const std::vector<action>& actions() const noexcept { return actions_; }
  /// @endcond

  /// `SET path = value`.
  DYNASIO_DECL update_expression& set(const attribute_path& path, operand value);
  /// `REMOVE path` (an attribute, a map member or a list element).
  DYNASIO_DECL update_expression& remove(const attribute_path& path);
  /// `ADD path value`: adds to a number (creating it from 0) or adds elements to a set.
  DYNASIO_DECL update_expression& add(const attribute_path& path, attribute_value value);
  /// `DELETE path set`: removes the elements of `set` from the set at `path`.
  DYNASIO_DECL update_expression& remove_from_set(const attribute_path& path, attribute_value set);

  /// True when no action was added.
  bool empty() const noexcept { return actions_.empty(); }

 private:
  void push(action_kind k, const attribute_path& path, std::optional<dynasio::operand> v);
  std::vector<action> actions_;
};

namespace detail {

/// Renders `u`, adding its placeholders to `names` and `values`.
DYNASIO_DECL std::string render(const update_expression& u, std::map<std::string, std::string>& names, item& values);

}  // namespace detail

}  // namespace dynasio

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/update_expression.ipp>
#endif

#endif
