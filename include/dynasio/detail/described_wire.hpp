//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_DESCRIBED_WIRE_HPP
#define DYNASIO_DETAIL_DESCRIBED_WIRE_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/detail/describe_convert.hpp>
#include <dynasio/detail/protocol/wire_writer.hpp>

#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>

#include <array>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace dynasio::detail {

// A described struct whose public members are all strings, numbers and booleans (or
// std::optional of them) is written to wire JSON straight from its members, with the mapping
// of to_item(): std::string -> S, integers, floating values and number -> N, bool -> BOOL, an
// empty optional left out (or NULL). Such an item is one level deep and its names are the
// members' names, so only UTF-8 and the size remain to check: the writer checks UTF-8, and the
// JSON text of an item is never shorter than its stored size (item_limits.hpp), so text within
// max_item_size is an item within it. Any other struct goes through to_item().

template <class M>
concept wire_scalar = std::is_same_v<M, std::string> || std::is_same_v<M, number> || number_integer<M> ||
    std::is_floating_point_v<M> || std::is_same_v<M, bool>;

template <class M>
struct is_wire_member : std::bool_constant<wire_scalar<M>> {};
template <class M>
struct is_wire_member<std::optional<M>> : std::bool_constant<wire_scalar<M>> {};

template <class P>
struct member_pointee;
template <class M, class C>
struct member_pointee<M C::*> {
  using type = std::remove_cv_t<M>;
};

template <class D>
using wire_member_descriptor = is_wire_member<typename member_pointee<std::remove_cv_t<decltype(D::pointer)>>::type>;

template <class T>
using public_members = boost::describe::describe_members<T, boost::describe::mod_public>;

template <class T>
concept wire_struct = described<T> && boost::mp11::mp_all_of<public_members<T>, wire_member_descriptor>::value;

template <class M>
void write_wire_scalar(wire_writer& w, const M& v) {
  if constexpr (std::is_same_v<M, std::string>) {
    w.lit("{\"S\":");
    w.string(v);
    w.ch('}');
  } else if constexpr (std::is_same_v<M, number>) {
    w.lit("{\"N\":");
    w.num(v);
    w.ch('}');
  } else if constexpr (number_integer<M> && sizeof(M) > 8) {
    w.lit("{\"N\":");
    w.num(number(v));  // throws past DynamoDB's 38 digits
    w.ch('}');
  } else if constexpr (number_integer<M>) {
    // The text number(v) holds.
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    w.lit("{\"N\":\"");
    w.raw(buf, static_cast<std::size_t>(r.ptr - buf));
    w.lit("\"}");
  } else if constexpr (std::is_floating_point_v<M>) {
    w.lit("{\"N\":");
    w.num(number(v));  // throws for NaN, infinities and out-of-range values
    w.ch('}');
  } else {
    if (v) w.lit("{\"BOOL\":true}");
    else w.lit("{\"BOOL\":false}");
  }
}

// `,"name":` for the member of descriptor D, built at compile time, so that a member's name
// is one copy; the first member written skips the comma.
template <class D>
struct member_head {
  static constexpr std::size_t name_size = std::char_traits<char>::length(D::name);
  static constexpr std::array<char, name_size + 4> text = [] {
    std::array<char, name_size + 4> t{};
    t[0] = ',';
    t[1] = '"';
    for (std::size_t i = 0; i < name_size; ++i) t[2 + i] = D::name[i];
    t[name_size + 2] = '"';
    t[name_size + 3] = ':';
    return t;
  }();
};

template <wire_struct T>
void write_wire_members(wire_writer& w, const T& value, bool nullopt_as_null) {
  w.ch('{');
  bool first = true;
  boost::mp11::mp_for_each<public_members<T>>([&](auto d) {
    const auto& m = value.*d.pointer;
    using M = std::remove_cvref_t<decltype(m)>;
    if constexpr (is_optional<M>::value) {
      if (!m && !nullopt_as_null) return;
    }
    // A C++ identifier: nothing to escape, and valid UTF-8.
    const auto& head = member_head<decltype(d)>::text;
    const std::size_t skip = first ? 1 : 0;
    w.raw(head.data() + skip, head.size() - skip);
    first = false;
    if constexpr (is_optional<M>::value) {
      if (m) write_wire_scalar(w, *m);
      else w.lit("{\"NULL\":true}");
    } else {
      write_wire_scalar(w, m);
    }
  });
  w.ch('}');
}

// The text around a BatchWriteItem request's item or key, `{"PutRequest":{"Item":...}}`:
// the batch writer writes each request as head, item, "}}".
inline constexpr char put_request_head[] = "{\"PutRequest\":{\"Item\":";
inline constexpr char delete_request_head[] = "{\"DeleteRequest\":{\"Key\":";
inline constexpr std::size_t put_request_overhead = sizeof put_request_head - 1 + 2;

// Appends `{"PutRequest":{"Item":{"member":{...},...}}}`, members in declaration order, through
// one writer (the fixed text is a constant-size copy). Throws errc::invalid_argument for a
// string that is not UTF-8 or a floating value DynamoDB refuses, leaving `out` as it was (the
// caller then takes the to_item() path, whose messages name the attribute).
template <wire_struct T>
void write_wire_put(std::string& out, const T& value, bool nullopt_as_null) {
  const std::size_t size = out.size();
  try {
    wire_writer w(out);
    w.lit(put_request_head);
    write_wire_members(w, value, nullopt_as_null);
    w.lit("}}");
  } catch (...) {
    out.resize(size);
    throw;
  }
}

// out = attribute_value(m), a string assigned over the one `out` holds (a reused slot's key):
// no temporary value, and its memory kept.
template <class M>
void assign_key_value(attribute_value& out, const M& m) {
  if constexpr (std::is_same_v<M, std::string> || std::is_same_v<M, std::string_view>) {
    if (std::string* s = value_access::string_if(out)) {
      s->assign(m.data(), m.size());
      return;
    }
  }
  out = attribute_value(m);
}

// The value of member `name` as to_item() maps it; false when no member has that name or the
// member is an empty optional (with nullopt_as_null, a NULL: a key the caller refuses).
template <wire_struct T>
bool wire_struct_member(const T& value, std::string_view name, bool nullopt_as_null, attribute_value& out) {
  bool found = false;
  boost::mp11::mp_for_each<public_members<T>>([&](auto d) {
    if (found || name != d.name) return;
    const auto& m = value.*d.pointer;
    using M = std::remove_cvref_t<decltype(m)>;
    if constexpr (is_optional<M>::value) {
      if (m) assign_key_value(out, *m), found = true;
      else if (nullopt_as_null) out = attribute_value(nullptr), found = true;
    } else {
      assign_key_value(out, m);
      found = true;
    }
  });
  return found;
}

// A described struct seen through plain function pointers, so that the compiled batch writer
// can write it without being a template. `value` is borrowed.
struct wire_source {
  const void* value = nullptr;
  bool nullopt_as_null = false;
  // Appends the item's put request to `out` (as write_wire_put()); null for a struct that is not
  // a wire_struct, which only converts.
  void (*write)(const void* value, bool nullopt_as_null, std::string& out) = nullptr;
  // As wire_struct_member().
  bool (*member)(const void* value, std::string_view name, bool nullopt_as_null, attribute_value& out) = nullptr;
  // to_item(): the item a batch_error hands back, and the path for everything else.
  item (*to_item)(const void* value, bool nullopt_as_null) = nullptr;
};

template <described T>
wire_source make_wire_source(const T& value, bool nullopt_as_null) {
  wire_source s;
  s.value = &value;
  s.nullopt_as_null = nullopt_as_null;
  s.to_item = [](const void* v, bool n) { return struct_to_item(*static_cast<const T*>(v), n); };
  if constexpr (wire_struct<T>) {
    s.write = [](const void* v, bool n, std::string& out) { write_wire_put(out, *static_cast<const T*>(v), n); };
    s.member = [](const void* v, std::string_view name, bool n, attribute_value& out) {
      return wire_struct_member(*static_cast<const T*>(v), name, n, out);
    };
  }
  return s;
}

}  // namespace dynasio::detail

#endif
