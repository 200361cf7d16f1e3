//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_SETS_HPP
#define DYNASIO_SETS_HPP

#include <dynasio/binary.hpp>
#include <dynasio/detail/config.hpp>
#include <dynasio/number.hpp>

#include <algorithm>
#include <initializer_list>
#include <iterator>
#include <string>
#include <vector>

namespace dynasio {
namespace detail {

// Sort the elements (numbers by value) and refuse an empty set or a duplicate, with the
// service's wording.
DYNASIO_DECL void normalize_set(std::vector<std::string>& values);
DYNASIO_DECL void normalize_set(std::vector<number>& values);
DYNASIO_DECL void normalize_set(std::vector<binary>& values);

}  // namespace detail

/**
 * @brief A DynamoDB set (SS, NS or BS): non-empty, no duplicates, one element type.
 * @details Checked when made: an empty set or a repeated element (numbers compared by value,
 * so `1` and `1.0` are duplicates) throws `dynasio::error` with `errc::invalid_argument` and
 * the service's message. DynamoDB sets have no order; this one keeps its elements sorted
 * (strings and binaries byte-wise, numbers by value), so equal sets compare equal and are
 * written identically. Use string_set, number_set or binary_set.
 *
 * @par Thread safety
 * Distinct objects: safe. Shared objects: safe for const access.
 */
template <class T>
class basic_set {
 public:
  using value_type = T;
  using const_iterator = typename std::vector<T>::const_iterator;
  using iterator = const_iterator;
  using size_type = std::size_t;

  /// From a braced list: `string_set{"a", "b"}`, `number_set{1, 2.5}`.
  basic_set(std::initializer_list<T> values) : basic_set(std::vector<T>(values)) {}
  /// From a vector, in any order.
  explicit basic_set(std::vector<T> values) : values_(std::move(values)) { detail::normalize_set(values_); }
  /// From a range of anything T is constructible from.
  template <std::input_iterator It, std::sentinel_for<It> S>
  basic_set(It first, S last) : basic_set(std::vector<T>(first, last)) {}

  /// The first element, in sorted order.
  const_iterator begin() const noexcept { return values_.begin(); }
  /// Past the last element.
  const_iterator end() const noexcept { return values_.end(); }
  /// The number of elements (at least one).
  size_type size() const noexcept { return values_.size(); }
  /// The sorted elements.
  const std::vector<T>& values() const noexcept { return values_; }
  /// True when `v` is an element (numbers by value).
  bool contains(const T& v) const { return std::binary_search(values_.begin(), values_.end(), v); }

  /// Same elements.
  friend bool operator==(const basic_set&, const basic_set&) = default;

 private:
  std::vector<T> values_;
};

/// A string set (SS).
using string_set = basic_set<std::string>;
/// A number set (NS).
using number_set = basic_set<number>;
/// A binary set (BS).
using binary_set = basic_set<binary>;

}  // namespace dynasio

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/sets.ipp>
#endif

#endif
