//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_ATTRIBUTE_VALUE_IPP
#define DYNASIO_IMPL_ATTRIBUTE_VALUE_IPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/error.hpp>

#include <array>

namespace dynasio {

DYNASIO_DECL std::string_view to_string(attribute_type t) noexcept {
  static constexpr std::array<std::string_view, 10> names{"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"};
  return names[static_cast<std::size_t>(t)];
}

DYNASIO_DECL void attribute_value::throw_type_mismatch(attribute_type expected, attribute_type actual) {
  throw error(errc::invalid_argument,
              "attribute value is " + std::string(to_string(actual)) + ", not " + std::string(to_string(expected)));
}

DYNASIO_DECL std::size_t hash_value(const attribute_value& v) noexcept {
  switch (v.type()) {
    case attribute_type::S: return std::hash<std::string_view>{}(v.as_string());
    case attribute_type::N: return v.as_number().hash();
    case attribute_type::B:
      // Differs from the S hash of the same bytes, though equality would tell them apart anyway.
      return hash_value(v.as_binary()) ^ 0x5bd1e995u;
    default: return 0x27d4eb2fu * (static_cast<std::size_t>(v.type()) + 1);
  }
}

}  // namespace dynasio

#endif
