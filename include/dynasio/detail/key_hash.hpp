//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_KEY_HASH_HPP
#define DYNASIO_DETAIL_KEY_HASH_HPP

#include <dynasio/attribute_value.hpp>

#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

namespace dynasio::detail {

/// The values of a request's key attributes, in key-name order (the batch writer's key).
using key_values = std::vector<attribute_value>;

/// The one hash of a key, consistent with attribute_value's equality (numbers by value): the
/// batch writer hashes the projected values, the sink the key item (names and values).
struct key_hash {
  static std::size_t combine(std::size_t h, std::size_t v) noexcept {
    return h ^ (v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2));
  }
  std::size_t operator()(const key_values& k) const noexcept {
    std::size_t h = 0x9e3779b97f4a7c15ull;
    for (const auto& v : k) h = combine(h, hash_value(v));
    return h;
  }
  std::size_t operator()(const key& k) const noexcept {
    std::size_t h = 0x9e3779b97f4a7c15ull;
    for (const auto& [name, value] : k) {
      h = combine(h, std::hash<std::string_view>{}(name));
      h = combine(h, hash_value(value));
    }
    return h;
  }
};

}  // namespace dynasio::detail

#endif
