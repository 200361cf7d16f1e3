// Serialisation throughput of dynasio's wire writer against Boost.JSON's DOM path, in one run:
// write_item into a reused std::string versus boost::json::serialize of the same item, already
// built as a boost::json::value of the same wire shape. Release builds only give fair numbers.

#include <dynasio/attribute_value.hpp>
#include <dynasio/detail/protocol/base64.hpp>
#include <dynasio/detail/protocol/json_writer.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <utility>

using namespace dynasio;

namespace {

// The Boost.JSON tree a DOM-based client would build for the same item.
boost::json::value to_dom(const attribute_value& v);

boost::json::object to_dom(const item& m) {
  boost::json::object o;
  for (const auto& [k, v] : m) o[k] = to_dom(v);
  return o;
}

boost::json::value to_dom(const attribute_value& v) {
  auto b64 = [](const binary& b) {
    std::string s;
    detail::base64_encode(s, b.view());
    return boost::json::value(s);
  };
  boost::json::object o;
  switch (v.type()) {
    case attribute_type::S: o["S"] = v.as_string(); break;
    case attribute_type::N: o["N"] = v.as_number().text(); break;
    case attribute_type::B: o["B"] = b64(v.as_binary()); break;
    case attribute_type::BOOL: o["BOOL"] = v.as_bool(); break;
    case attribute_type::NULL_: o["NULL"] = true; break;
    case attribute_type::M: o["M"] = to_dom(v.as_map()); break;
    case attribute_type::L: {
      boost::json::array a;
      for (const auto& e : v.as_list()) a.push_back(to_dom(e));
      o["L"] = std::move(a);
      break;
    }
    case attribute_type::SS: o["SS"] = boost::json::array(v.as_string_set().begin(), v.as_string_set().end()); break;
    case attribute_type::NS: {
      boost::json::array a;
      for (const auto& n : v.as_number_set()) a.emplace_back(n.text());
      o["NS"] = std::move(a);
      break;
    }
    case attribute_type::BS: {
      boost::json::array a;
      for (const auto& b : v.as_binary_set()) a.push_back(b64(b));
      o["BS"] = std::move(a);
      break;
    }
  }
  return o;
}

item typical_item() {
  return {{"pk", "user#000123"},
          {"sk", "order#0042"},
          {"n", 1234},
          {"flag", true},
          {"s", "shipped to Lyon, tracking XZ-88213"}};
}

item nested_item() {
  item root{{"pk", "tenant#42"}, {"sk", "doc#7"}};
  std::string blob;
  for (int i = 0; i < 300; ++i) blob.push_back(static_cast<char>(i * 37));
  for (int g = 0; g < 4; ++g) {
    list rows;
    for (int r = 0; r < 6; ++r)
      rows.push_back(item{{"name", "row \"" + std::to_string(r) + "\" caf\xc3\xa9"},
                          {"price", number("19.99")},
                          {"qty", r * 3},
                          {"ok", r % 2 == 0},
                          {"tags", string_set{"new", "sale", "tag" + std::to_string(r)}}});
    root["group" + std::to_string(g)] = item{{"rows", std::move(rows)},
                                             {"scores", number_set{1, 2.5, 1e10, -7}},
                                             {"blob", binary(blob.substr(0, 90))},
                                             {"note", nullptr},
                                             {"path", list{"a", "b", 3, list{4.25, "\t"}}}};
  }
  return root;
}

struct result {
  double seconds;
  std::size_t bytes;
};

template <class F>
result time_round(int iterations, F& f) {
  std::size_t bytes = 0;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < iterations; ++i) bytes += f();
  return {std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), bytes};
}

// Rounds alternate between the two contenders, so load from other processes hits both alike.
template <class F, class G>
std::pair<result, result> best_of(int rounds, int iterations, F f, G g) {
  result a{1e300, 0}, b{1e300, 0};
  for (int r = 0; r < rounds; ++r) {
    if (result x = time_round(iterations, f); x.seconds < a.seconds) a = x;
    if (result y = time_round(iterations, g); y.seconds < b.seconds) b = y;
  }
  return {a, b};
}

void run(const char* name, const item& it, int iterations) {
  std::string buf;
  detail::write_item(buf, it);
  const std::size_t size = buf.size();
  const boost::json::value dom = to_dom(it);
  if (boost::json::parse(buf) != dom) std::printf("warning: the two outputs differ for %s\n", name);

  auto [ours, theirs] = best_of(
      7, iterations,
      [&] {
        buf.clear();
        detail::write_item(buf, it);
        return buf.size();
      },
      [&] { return boost::json::serialize(dom).size(); });

  auto print = [&](const char* who, result r) {
    std::printf("  %-28s %9.1f MB/s %12.0f items/s\n", who, static_cast<double>(r.bytes) / r.seconds / 1e6,
                iterations / r.seconds);
  };
  std::printf("%s (%zu bytes, %d items per round, best of 7)\n", name, size, iterations);
  print("dynasio write_item", ours);
  print("boost::json::serialize(DOM)", theirs);
  std::printf("  ratio (dynasio / Boost.JSON): %.2fx\n", theirs.seconds / ours.seconds);
}

}  // namespace

int main() {
  run("typical item", typical_item(), 200000);
  run("nested item", nested_item(), 10000);
}
