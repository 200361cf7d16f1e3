// An item derived from the fuzz bytes (every type, nesting, any bytes in strings and names):
// written as DynamoDB JSON and read back, it is equal, number texts included. The writer
// refuses only what validate_item refuses too.
#include <dynasio/attribute_value.hpp>
#include <dynasio/detail/protocol/json_reader.hpp>
#include <dynasio/detail/protocol/json_writer.hpp>
#include <dynasio/error.hpp>
#include <dynasio/item_limits.hpp>

#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace {

#define CHECK(cond)                \
  do {                             \
    if (!(cond)) __builtin_trap(); \
  } while (0)

class source {
 public:
  source(const std::uint8_t* p, std::size_t n) : p_(p), n_(n) {}
  std::uint8_t byte() { return i_ < n_ ? p_[i_++] : 0; }
  bool done() const { return i_ >= n_; }
  std::string text() {
    std::string s;
    for (std::size_t len = byte() % 12; len > 0 && !done(); --len) s += static_cast<char>(byte());
    return s;
  }
  dynasio::number num() {
    static const char alphabet[] = "0123456789.-eE+";
    std::string s;
    for (std::size_t len = 1 + byte() % 10; len > 0; --len) s += alphabet[byte() % 15];
    try {
      return dynasio::number(s);
    } catch (const dynasio::error&) {
      return dynasio::number(static_cast<int>(byte()) - 128);
    }
  }

 private:
  const std::uint8_t* p_;
  std::size_t n_;
  std::size_t i_ = 0;
};

template <class Set, class F>
dynasio::attribute_value make_set(source& in, F element) {
  std::vector<typename Set::value_type> values;
  for (std::size_t n = 1 + in.byte() % 4; n > 0; --n) values.push_back(element());
  try {
    return Set(std::move(values));
  } catch (const dynasio::error&) {
    return nullptr;  // duplicates
  }
}

dynasio::attribute_value value(source& in, int depth) {
  const int kind = in.byte() % (depth > 4 ? 8 : 10);
  switch (kind) {
    case 0: return in.text();
    case 1: return in.num();
    case 2: return dynasio::binary(in.text());
    case 3: return (in.byte() & 1) != 0;
    case 4: return nullptr;
    case 5: return make_set<dynasio::string_set>(in, [&] { return in.text(); });
    case 6: return make_set<dynasio::number_set>(in, [&] { return in.num(); });
    case 7: return make_set<dynasio::binary_set>(in, [&] { return dynasio::binary(in.text()); });
    case 8: {
      dynasio::item m;
      for (std::size_t n = in.byte() % 4; n > 0; --n) m[in.text()] = value(in, depth + 1);
      return m;
    }
    default: {
      dynasio::list l;
      for (std::size_t n = in.byte() % 4; n > 0; --n) l.push_back(value(in, depth + 1));
      return l;
    }
  }
}

// Same values, and numbers with the same text (equality compares numbers by value only).
bool same_text(const dynasio::attribute_value& a, const dynasio::attribute_value& b) {
  if (!(a == b)) return false;
  switch (a.type()) {
    case dynasio::attribute_type::N: return a.as_number().text() == b.as_number().text();
    case dynasio::attribute_type::M: {
      auto i = b.as_map().begin();
      for (const auto& [k, v] : a.as_map())
        if (!same_text(v, (i++)->second)) return false;
      return true;
    }
    case dynasio::attribute_type::L:
      for (std::size_t i = 0; i < a.as_list().size(); ++i)
        if (!same_text(a.as_list()[i], b.as_list()[i])) return false;
      return true;
    default: return true;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  source in(data, size);
  dynasio::item it;
  while (!in.done() && it.size() < 16) it[in.text()] = value(in, 0);
  std::string json;
  try {
    dynasio::detail::write_item(json, it);
  } catch (const dynasio::error& e) {
    CHECK(e.code() == dynasio::errc::invalid_argument);
    // The writer refuses invalid UTF-8; validation must have said so first.
    bool refused = false;
    try {
      dynasio::validate_item(it, "fuzz");
    } catch (const dynasio::error&) {
      refused = true;
    }
    CHECK(refused);
    return 0;
  }
  const dynasio::item back = dynasio::detail::read_item(boost::json::parse(json).as_object());
  CHECK(same_text(dynasio::attribute_value(back), dynasio::attribute_value(it)));
  return 0;
}
