//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_EXPRESSION_HPP
#define DYNASIO_EXPRESSION_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/detail/config.hpp>

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dynasio {

/// One step of a document path: an attribute or map member name, or a list index.
struct path_element {
  /// The name; empty for a list index.
  std::string name{};
  /// The list index, for `[N]`.
  std::size_t index = 0;

  friend bool operator==(const path_element&, const path_element&) = default;
};

/**
 * @brief A key condition, condition or filter expression built from C++ operators.
 * @details Attribute names and values never appear in the text: each becomes a generated
 * `#dnN` / `:dvN` placeholder, so reserved words ("name", "status", ...) and any value are safe.
 * Build one with key_name() or attr(), e.g. `key_name("pk") == "a" && key_name("sk").begins_with("2024-")`
 * or `attr("qty") > 5 || attribute_not_exists("qty")`.
 */
class condition {
 public:
  /// @cond internal
  struct node {
    enum class kind { compare, between, begins_with, exists, not_exists, and_, or_, not_ } k;
    std::string op;                  // for compare: = <> < <= > >=
    std::vector<path_element> path;  // for leaves
    std::vector<attribute_value> values;
    std::vector<condition> children;  // for and/or/not
  };
  explicit condition(node n) : n_(std::make_shared<const node>(std::move(n))) {}
  const node& root() const noexcept { return *n_; }
  /// @endcond

 private:
  std::shared_ptr<const node> n_;
};

/**
 * @brief An attribute, or a document path into one, in an expression; comparisons on it make
 * a condition. `attr("a")` is the top-level attribute named `a` (dots included: `attr("a.b")`
 * is one attribute named "a.b"); `attr("a").field("b")[2]` is the path `a.b[2]`.
 */
class attribute_path {
 public:
  explicit attribute_path(std::string name) { path_.push_back({std::move(name), 0}); }

  /// The member `name` of this map.
  attribute_path field(std::string name) const {
    attribute_path p = *this;
    p.path_.push_back({std::move(name), 0});
    return p;
  }
  /// The element `i` of this list.
  attribute_path operator[](std::size_t i) const {
    attribute_path p = *this;
    p.path_.push_back({{}, i});
    return p;
  }

  condition operator==(attribute_value v) const { return cmp("=", std::move(v)); }
  condition operator!=(attribute_value v) const { return cmp("<>", std::move(v)); }
  condition operator<(attribute_value v) const { return cmp("<", std::move(v)); }
  condition operator<=(attribute_value v) const { return cmp("<=", std::move(v)); }
  condition operator>(attribute_value v) const { return cmp(">", std::move(v)); }
  condition operator>=(attribute_value v) const { return cmp(">=", std::move(v)); }
  /// `begins_with(attr, prefix)`.
  condition begins_with(attribute_value prefix) const {
    return condition({condition::node::kind::begins_with, {}, path_, {std::move(prefix)}, {}});
  }
  /// `attr BETWEEN low AND high`.
  condition between(attribute_value low, attribute_value high) const {
    return condition({condition::node::kind::between, {}, path_, {std::move(low), std::move(high)}, {}});
  }
  /// The top-level attribute name.
  const std::string& name() const noexcept { return path_.front().name; }
  /// Every step of the path; the first is the top-level attribute.
  const std::vector<path_element>& elements() const noexcept { return path_; }

 private:
  condition cmp(const char* op, attribute_value v) const {
    return condition({condition::node::kind::compare, op, path_, {std::move(v)}, {}});
  }
  std::vector<path_element> path_;
};

/// A key attribute, for key conditions of query().
inline attribute_path key_name(std::string name) { return attribute_path(std::move(name)); }
/// Any attribute, for conditions and filters.
inline attribute_path attr(std::string name) { return attribute_path(std::move(name)); }

/// `attribute_exists(attr)`.
inline condition attribute_exists(const attribute_path& p) {
  return condition({condition::node::kind::exists, {}, p.elements(), {}, {}});
}
/// `attribute_not_exists(attr)`.
inline condition attribute_not_exists(const attribute_path& p) {
  return condition({condition::node::kind::not_exists, {}, p.elements(), {}, {}});
}
inline condition operator&&(condition a, condition b) {
  return condition({condition::node::kind::and_, {}, {}, {}, {std::move(a), std::move(b)}});
}
inline condition operator||(condition a, condition b) {
  return condition({condition::node::kind::or_, {}, {}, {}, {std::move(a), std::move(b)}});
}
inline condition operator!(condition a) { return condition({condition::node::kind::not_, {}, {}, {}, {std::move(a)}}); }

namespace detail {

/// Renders `c`, adding its placeholders to `names` and `values`.
DYNASIO_DECL std::string render(const condition& c, std::map<std::string, std::string>& names, item& values);

}  // namespace detail

}  // namespace dynasio

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/expression.ipp>
#endif

#endif
