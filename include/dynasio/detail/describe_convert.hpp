//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_DESCRIBE_CONVERT_HPP
#define DYNASIO_DETAIL_DESCRIBE_CONVERT_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/detail/timestamp.hpp>
#include <dynasio/error.hpp>

#include <boost/describe/members.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace dynasio::detail {

template <class T>
inline constexpr bool always_false = false;

// Instantiated only for a member type without a mapping, so the compiler's message names it.
template <class T>
struct no_dynamodb_mapping_for_member_type {
  static_assert(always_false<T>, "dynasio::to_item/from_item: this member type has no DynamoDB mapping");
};

template <class T>
struct is_duration : std::false_type {};
template <class R, class P>
struct is_duration<std::chrono::duration<R, P>> : std::true_type {};
template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};
template <class T>
struct is_std_set : std::false_type {};
template <class T, class C, class A>
struct is_std_set<std::set<T, C, A>> : std::true_type {};
template <class T>
struct is_string_map : std::false_type {};
template <class T, class C, class A>
struct is_string_map<std::map<std::string, T, C, A>> : std::true_type {};
template <class T>
struct is_local_time : std::false_type {};
template <class D>
struct is_local_time<std::chrono::local_time<D>> : std::true_type {};
// Fixed-size sequences of positions: L of exactly their size.
template <class T>
struct is_tuple_like : std::false_type {};
template <class... T>
struct is_tuple_like<std::tuple<T...>> : std::true_type {};
template <class A, class B>
struct is_tuple_like<std::pair<A, B>> : std::true_type {};
template <class T, std::size_t N>
struct is_tuple_like<std::array<T, N>> : std::true_type {};

template <class T>
concept described = boost::describe::has_describe_members<T>::value;

template <class T>
concept byte_vector = std::same_as<T, std::vector<std::byte>> || std::same_as<T, std::vector<unsigned char>>;

template <class T>
item struct_to_item(const T& value, bool nullopt_as_null);
template <class T>
T struct_from_item(const item& value);
template <class T>
T from_attribute(const attribute_value& a);

// Element `i` of a list read into a tuple, naming the position when it does not convert.
template <class E>
E tuple_element_from(const list& l, std::size_t i) {
  try {
    return from_attribute<E>(l[i]);
  } catch (const error& e) {
    throw error(errc::invalid_argument, "element " + std::to_string(i) + ": " + e.diagnostics().message);
  }
}

// The JSON text of an S read back into a value; the error quotes the text's start.
inline boost::json::value json_from_string(const std::string& text) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec)
    throw error(errc::invalid_argument,
                "not JSON text (" + ec.message() + "): \"" + text.substr(0, 64) + (text.size() > 64 ? "...\"" : "\""));
  return v;
}

// nullopt: leave the attribute out.
template <class T>
std::optional<attribute_value> to_attribute(const T& v, bool nullopt_as_null) {
  if constexpr (std::is_same_v<T, attribute_value> || std::is_same_v<T, item> || std::is_same_v<T, list> ||
                std::is_same_v<T, std::string> || std::is_same_v<T, number> || std::is_same_v<T, binary> ||
                std::is_same_v<T, bool> || number_integer<T> || std::is_floating_point_v<T> ||
                std::is_same_v<T, string_set> || std::is_same_v<T, number_set> || std::is_same_v<T, binary_set>) {
    return attribute_value(v);
  } else if constexpr (std::is_same_v<T, std::chrono::system_clock::time_point>) {
    return attribute_value(format_timestamp(v));
  } else if constexpr (is_local_time<T>::value) {
    return attribute_value(format_time_point(v, false));
  } else if constexpr (std::is_same_v<T, boost::json::value>) {
    return attribute_value(boost::json::serialize(v));
  } else if constexpr (is_tuple_like<T>::value) {
    list l;
    l.reserve(std::tuple_size_v<T>);
    std::apply([&](const auto&... e) { (l.push_back(to_attribute(e, nullopt_as_null).value_or(nullptr)), ...); }, v);
    return attribute_value(std::move(l));
  } else if constexpr (is_duration<T>::value) {
    // Durations are stored as whole nanoseconds, whatever their C++ unit.
    return attribute_value(std::chrono::duration_cast<std::chrono::nanoseconds>(v).count());
  } else if constexpr (is_optional<T>::value) {
    if (v) return to_attribute(*v, nullopt_as_null);
    if (nullopt_as_null) return attribute_value(nullptr);
    return std::nullopt;
  } else if constexpr (byte_vector<T>) {
    return attribute_value(binary(std::span(v)));
  } else if constexpr (is_vector<T>::value) {
    list l;
    l.reserve(v.size());
    for (const auto& e : v)
      if (auto a = to_attribute(e, nullopt_as_null)) l.push_back(std::move(*a));
      else l.push_back(nullptr);  // a list keeps its positions
    return attribute_value(std::move(l));
  } else if constexpr (is_std_set<T>::value) {
    using E = typename T::value_type;
    if (v.empty()) return std::nullopt;
    if constexpr (std::is_same_v<E, std::string>) return attribute_value(string_set(v.begin(), v.end()));
    else if constexpr (std::is_same_v<E, binary>) return attribute_value(binary_set(v.begin(), v.end()));
    else if constexpr (std::is_same_v<E, number> || number_integer<E> || std::is_floating_point_v<E>)
      return attribute_value(number_set(v.begin(), v.end()));
    else no_dynamodb_mapping_for_member_type<T>{};
  } else if constexpr (is_string_map<T>::value) {
    item m;
    for (const auto& [k, e] : v)
      if (auto a = to_attribute(e, nullopt_as_null)) m.emplace(k, std::move(*a));
    return attribute_value(std::move(m));
  } else if constexpr (described<T>) {
    return attribute_value(struct_to_item(v, nullopt_as_null));
  } else {
    no_dynamodb_mapping_for_member_type<T>{};
    return std::nullopt;
  }
}

template <class T>
T from_attribute(const attribute_value& a) {
  if constexpr (std::is_same_v<T, attribute_value>) {
    return a;
  } else if constexpr (std::is_same_v<T, item>) {
    return a.as_map();
  } else if constexpr (std::is_same_v<T, list>) {
    return a.as_list();
  } else if constexpr (std::is_same_v<T, std::string>) {
    return a.as_string();
  } else if constexpr (std::is_same_v<T, number>) {
    return a.as_number();
  } else if constexpr (std::is_same_v<T, binary>) {
    return a.as_binary();
  } else if constexpr (std::is_same_v<T, bool>) {
    return a.as_bool();
  } else if constexpr (std::is_same_v<T, string_set>) {
    return a.as_string_set();
  } else if constexpr (std::is_same_v<T, number_set>) {
    return a.as_number_set();
  } else if constexpr (std::is_same_v<T, binary_set>) {
    return a.as_binary_set();
  } else if constexpr (number_integer<T>) {
    auto v = a.as_number().template to_integer<T>();
    if (!v) throw error(errc::invalid_argument, "number " + a.as_number().text() + " does not fit the member's type");
    return *v;
  } else if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(a.as_number().to_double());
  } else if constexpr (std::is_same_v<T, std::chrono::system_clock::time_point>) {
    return parse_timestamp(a.as_string());
  } else if constexpr (is_local_time<T>::value) {
    return parse_time_point<std::chrono::local_t, typename T::duration>(a.as_string(), false);
  } else if constexpr (std::is_same_v<T, boost::json::value>) {
    return json_from_string(a.as_string());
  } else if constexpr (is_tuple_like<T>::value) {
    constexpr std::size_t n = std::tuple_size_v<T>;
    const list& l = a.as_list();
    if (l.size() != n)
      throw error(errc::invalid_argument,
                  "a list of " + std::to_string(l.size()) + " elements for " + std::to_string(n) + " positions");
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return T{tuple_element_from<std::tuple_element_t<I, T>>(l, I)...};
    }
    (std::make_index_sequence<n>{});
  } else if constexpr (is_duration<T>::value) {
    auto ns = a.as_number().template to_integer<std::int64_t>();
    if (!ns)
      throw error(errc::invalid_argument, "duration " + a.as_number().text() + " is not a whole number of nanoseconds");
    return std::chrono::duration_cast<T>(std::chrono::nanoseconds(*ns));
  } else if constexpr (is_optional<T>::value) {
    if (a.is_null()) return std::nullopt;
    return from_attribute<typename T::value_type>(a);
  } else if constexpr (byte_vector<T>) {
    const auto& b = a.as_binary();
    const auto* p = reinterpret_cast<const typename T::value_type*>(b.data());
    return T(p, p + b.size());
  } else if constexpr (is_vector<T>::value) {
    T out;
    out.reserve(a.as_list().size());
    for (const auto& e : a.as_list()) out.push_back(from_attribute<typename T::value_type>(e));
    return out;
  } else if constexpr (is_std_set<T>::value) {
    using E = typename T::value_type;
    T out;
    if constexpr (std::is_same_v<E, std::string>) out.insert(a.as_string_set().begin(), a.as_string_set().end());
    else if constexpr (std::is_same_v<E, binary>) out.insert(a.as_binary_set().begin(), a.as_binary_set().end());
    else
      for (const auto& n : a.as_number_set()) out.insert(from_attribute<E>(attribute_value(n)));
    return out;
  } else if constexpr (is_string_map<T>::value) {
    T out;
    for (const auto& [k, e] : a.as_map()) out.emplace(k, from_attribute<typename T::mapped_type>(e));
    return out;
  } else if constexpr (described<T>) {
    return struct_from_item<T>(a.as_map());
  } else {
    no_dynamodb_mapping_for_member_type<T>{};
  }
}

template <class T>
item struct_to_item(const T& value, bool nullopt_as_null) {
  static_assert(described<T>, "dynasio::to_item needs a type described with BOOST_DESCRIBE_STRUCT");
  item out;
  boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>([&](auto d) {
    if (auto a = to_attribute(value.*d.pointer, nullopt_as_null)) out.emplace(d.name, std::move(*a));
  });
  return out;
}

template <class T>
T struct_from_item(const item& value) {
  static_assert(described<T>, "dynasio::from_item needs a type described with BOOST_DESCRIBE_STRUCT");
  T out{};
  boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>([&](auto d) {
    using M = std::remove_cvref_t<decltype(out.*d.pointer)>;
    auto it = value.find(std::string_view(d.name));
    if (it == value.end()) {
      if constexpr (is_optional<M>::value || is_std_set<M>::value) return;
      else throw error(errc::invalid_argument, std::string("missing attribute ") + d.name);
    } else {
      try {
        out.*d.pointer = from_attribute<M>(it->second);
      } catch (const error& e) {
        throw error(errc::invalid_argument, std::string("attribute ") + d.name + ": " + e.diagnostics().message);
      }
    }
  });
  return out;
}

}  // namespace dynasio::detail

#endif
