//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_ITEM_LIMITS_IPP
#define DYNASIO_IMPL_ITEM_LIMITS_IPP

#include <dynasio/detail/validate.hpp>
#include <dynasio/error.hpp>
#include <dynasio/item_limits.hpp>

#include <string>

namespace dynasio {
namespace detail {

inline std::size_t number_size(const number& n) noexcept {
  decimal_parts p;
  parse_decimal(n.text(), p);
  return (p.digits + 1) / 2 + 1;
}

// Walks one value for validate_item(); `path` is its document path.
class item_checker {
 public:
  item_checker(std::string_view who, bool utf8) : who_(who), utf8_(utf8) {}

  void name(const std::string& path, std::string_view name, bool top) {
    if (top && name.empty()) refuse(path, "the attribute name is empty");
    if (name.size() > max_attribute_name_size)
      refuse(path, "the attribute name has " + std::to_string(name.size()) + " bytes; the limit is " +
                       std::to_string(max_attribute_name_size));
    if (!utf8_) return;
    if (auto at = invalid_utf8_at(name))
      refuse(path, "the attribute name is not valid UTF-8 at byte " + std::to_string(*at));
  }

  void value(const std::string& path, const attribute_value& v, std::size_t depth) {
    switch (v.type()) {
      case attribute_type::S: text(path, v.as_string()); break;
      case attribute_type::SS:
        for (const std::string& s : v.as_string_set()) text(path, s);
        break;
      case attribute_type::M:
        nested(path, depth);
        for (const auto& [k, e] : v.as_map()) {
          const std::string inner = path + "." + k;
          name(inner, k, false);
          value(inner, e, depth + 1);
        }
        break;
      case attribute_type::L: {
        nested(path, depth);
        std::size_t i = 0;
        for (const auto& e : v.as_list()) value(path + "[" + std::to_string(i++) + "]", e, depth + 1);
        break;
      }
      default: break;
    }
  }

 private:
  [[noreturn]] void refuse(const std::string& path, const std::string& why) const {
    throw error(errc::invalid_argument, std::string(who_) + ": attribute " + quote_text(path) + ": " + why);
  }
  void text(const std::string& path, const std::string& s) const {
    if (!utf8_) return;
    if (auto at = invalid_utf8_at(s))
      refuse(path, "string " + quote_text(s) + " is not valid UTF-8 at byte " + std::to_string(*at));
  }
  void nested(const std::string& path, std::size_t depth) const {
    if (depth >= max_nesting_depth)
      refuse(path, "nesting exceeds " + std::to_string(max_nesting_depth) + " levels of M and L");
  }

  std::string_view who_;
  bool utf8_;
};

inline void check_item(const item& value, std::string_view who, bool utf8) {
  detail::item_checker check(who, utf8);
  for (const auto& [name, v] : value) {
    check.name(name, name, true);
    check.value(name, v, 0);
  }
  try {
    validate_item_size(value);
  } catch (const error& e) {
    throw error(errc::invalid_argument, std::string(who) + ": " + e.diagnostics().message);
  }
}

DYNASIO_DECL void validate_item_but_utf8(const item& value, std::string_view who) { check_item(value, who, false); }

}  // namespace detail

DYNASIO_DECL void validate_item(const item& value, std::string_view who) { detail::check_item(value, who, true); }

DYNASIO_DECL std::size_t value_size(const attribute_value& value) noexcept {
  switch (value.type()) {
    case attribute_type::S: return value.as_string().size();
    case attribute_type::N: return detail::number_size(value.as_number());
    case attribute_type::B: return value.as_binary().size();
    case attribute_type::BOOL:
    case attribute_type::NULL_: return 1;
    case attribute_type::M: return 3 + value.as_map().size() + item_size(value.as_map());
    case attribute_type::L: {
      std::size_t size = 3;
      for (const auto& v : value.as_list()) size += 1 + value_size(v);
      return size;
    }
    case attribute_type::SS: {
      std::size_t size = 0;
      for (const auto& s : value.as_string_set()) size += s.size();
      return size;
    }
    case attribute_type::NS: {
      std::size_t size = 0;
      for (const auto& n : value.as_number_set()) size += detail::number_size(n);
      return size;
    }
    case attribute_type::BS: {
      std::size_t size = 0;
      for (const auto& b : value.as_binary_set()) size += b.size();
      return size;
    }
  }
  return 0;
}

DYNASIO_DECL std::size_t item_size(const item& value) noexcept {
  std::size_t size = 0;
  for (const auto& [name, v] : value) size += name.size() + value_size(v);
  return size;
}

DYNASIO_DECL void validate_item_size(const item& value) {
  const std::size_t size = item_size(value);
  if (size > max_item_size)
    throw error(errc::invalid_argument, "Item size has exceeded the maximum allowed size (" + std::to_string(size) +
                                            " bytes; the limit is " + std::to_string(max_item_size) + ")");
}

DYNASIO_DECL void validate_key_value(std::string_view attr_name, const attribute_value& value, key_role role) {
  // The name is only copied into a message: this runs for every request the batch writer takes.
  const auto name = [&] { return std::string(attr_name); };
  std::size_t size = 0;
  switch (value.type()) {
    case attribute_type::N: return;  // 38 digits at most: always within the limits
    case attribute_type::S:
      size = value.as_string().size();
      if (size == 0)
        throw error(errc::invalid_argument,
                    "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
                    "contain an empty string value. Key: " +
                        name());
      break;
    case attribute_type::B:
      size = value.as_binary().size();
      if (size == 0)
        throw error(errc::invalid_argument,
                    "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
                    "contain an empty binary value. Key: " +
                        name());
      break;
    default:
      throw error(errc::invalid_argument, "One or more parameter values were invalid: key attribute " + name() +
                                              " must be of type S, N or B, not " +
                                              std::string(to_string(value.type())));
  }
  // The service's own messages, down to the missing space in "of2048".
  if (role == key_role::partition && size > max_partition_key_size)
    throw error(errc::invalid_argument,
                "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit "
                "of2048 bytes (key attribute " +
                    name() + ": " + std::to_string(size) + " bytes)");
  if (role == key_role::sort && size > max_sort_key_size)
    throw error(errc::invalid_argument,
                "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size "
                "limit of 1024 bytes (key attribute " +
                    name() + ": " + std::to_string(size) + " bytes)");
}

}  // namespace dynasio

#endif
