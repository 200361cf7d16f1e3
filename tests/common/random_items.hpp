#ifndef DYNASIO_TESTS_RANDOM_ITEMS_HPP
#define DYNASIO_TESTS_RANDOM_ITEMS_HPP

#include <dynasio/attribute_value.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace dynasio::test {

/// Random attribute values for property tests: every type, random nesting, strings with
/// every control character and 1- to 4-byte UTF-8, binaries with every byte value, and
/// numbers across DynamoDB's whole range. Deterministic for a given seed.
class random_items {
 public:
  explicit random_items(std::uint64_t seed) : rng_(seed) {}

  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  std::string utf8_string(int max_chars = 12) {
    std::string s;
    for (int n = uniform(0, max_chars); n > 0; --n) {
      std::uint32_t cp;
      switch (uniform(0, 5)) {
        case 0: cp = static_cast<std::uint32_t>(uniform(0, 0x1f)); break;  // control characters
        case 1: cp = static_cast<std::uint32_t>(uniform(0x80, 0x7ff)); break;
        case 2:
          do cp = static_cast<std::uint32_t>(uniform(0x800, 0xffff));
          while (cp >= 0xd800 && cp <= 0xdfff);
          break;
        case 3: cp = static_cast<std::uint32_t>(uniform(0x10000, 0x10ffff)); break;
        default: cp = static_cast<std::uint32_t>(uniform(0x20, 0x7f));  // includes " \ and DEL
      }
      append_utf8(s, cp);
    }
    return s;
  }

  binary bytes(int max = 20) {
    std::string b;
    for (int n = uniform(0, max); n > 0; --n) b.push_back(static_cast<char>(uniform(0, 255)));
    return binary(std::move(b));
  }

  number num() {
    switch (uniform(0, 3)) {
      case 0: return number(static_cast<std::int64_t>(rng_()));
      case 1: return number(std::uniform_real_distribution<double>(-1e6, 1e6)(rng_));
      default: {
        std::string t = uniform(0, 1) ? "-" : "";
        int digits = uniform(1, 38);
        for (int i = 0; i < digits; ++i) t.push_back(static_cast<char>('0' + uniform(i == 0 ? 1 : 0, 9)));
        t += "e" + std::to_string(uniform(-129 - digits, 126 - digits));  // first digit within 1e-130..1e125
        return number(t);
      }
    }
  }

  attribute_value value(int depth) {
    int kind = uniform(0, depth > 0 ? 9 : 7);
    switch (kind) {
      case 0: return utf8_string();
      case 1: return num();
      case 2: return bytes();
      case 3: return uniform(0, 1) == 1;
      case 4: return nullptr;
      case 5: return string_set(distinct<std::string>([&] { return utf8_string(); }));
      case 6: return number_set(distinct<number>([&] { return num(); }));
      case 7: return binary_set(distinct<binary>([&] { return bytes(); }));
      case 8: {
        list l;
        for (int n = uniform(0, 4); n > 0; --n) l.push_back(value(depth - 1));
        return l;
      }
      default: return map(depth - 1);
    }
  }

  item map(int depth) {
    item m;
    for (int n = uniform(0, 6); n > 0; --n) m.emplace((empty_names ? "" : "k") + utf8_string(8), value(depth));
    return m;
  }

  /// Whether map keys may be empty: DynamoDB Local refuses an empty attribute name even in a
  /// nested map ("Empty attribute name"), as the AWS naming rules say; dynalite accepts it.
  bool empty_names = true;

 private:
  // One to five elements, duplicates dropped, as a set needs.
  template <class T, class F>
  std::vector<T> distinct(F make) {
    std::vector<T> v;
    for (int n = uniform(1, 5); n > 0; --n) v.push_back(make());
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  }

  static void append_utf8(std::string& s, std::uint32_t cp) {
    auto put = [&](std::uint32_t b) { s.push_back(static_cast<char>(b)); };
    if (cp < 0x80) {
      put(cp);
    } else if (cp < 0x800) {
      put(0xc0 | (cp >> 6)), put(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      put(0xe0 | (cp >> 12)), put(0x80 | ((cp >> 6) & 0x3f)), put(0x80 | (cp & 0x3f));
    } else {
      put(0xf0 | (cp >> 18)), put(0x80 | ((cp >> 12) & 0x3f)), put(0x80 | ((cp >> 6) & 0x3f)), put(0x80 | (cp & 0x3f));
    }
  }

  std::mt19937_64 rng_;
};

}  // namespace dynasio::test

#endif
