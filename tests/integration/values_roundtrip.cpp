#include <dynasio/attribute_value.hpp>
#include <dynasio/client.hpp>
#include <dynasio/table.hpp>

#include "integration.hpp"
#include "random_items.hpp"
#include "run_coro.hpp"

#include <doctest/doctest.h>

#include <limits>

namespace asio = boost::asio;
using namespace dynasio;

namespace {

// Puts every row, reads each back with a consistent read, and returns what came back.
asio::awaitable<std::vector<item>> put_then_get(std::vector<item> rows) {
  client db(co_await asio::this_coro::executor, test::integration_config());
  std::string name = test::unique_table_name("values-roundtrip");
  table_schema schema{name, {"pk"}, std::nullopt};
  co_await db.create_table(schema);
  co_await db.wait_until_table_exists(name);
  dynasio::table t = db.table(name);
  std::vector<item> back;
  for (const auto& row : rows) {
    co_await t.put_item(row);
    key k{{"pk", row.at("pk")}};
    get_options consistent{.consistent_read = true};
    std::optional<item> got = co_await t.get_item(k, consistent);
    back.push_back(got.value_or(item{}));
  }
  co_await db.delete_table(name);
  co_return back;
}

}  // namespace

TEST_CASE("dynalite stores and returns an item holding every type, unchanged") {
  std::string all_bytes;
  for (int c = 0; c < 256; ++c) all_bytes.push_back(static_cast<char>(c));
  std::string controls;
  for (int c = 1; c < 0x20; ++c) controls.push_back(static_cast<char>(c));
  item row{{"pk", "every-type"},
           {"s", "caf\xc3\xa9 \xf0\x9f\x98\x80 \"quoted\" \\ " + controls},
           {"n_int", std::numeric_limits<std::int64_t>::min()},
           {"n_u64", std::numeric_limits<std::uint64_t>::max()},
           {"n_dec", number("123.4500")},
           {"n_small", number("-1e-130")},
           {"n_big", number("9.9999999999999999999999999999999999999E+125")},
           {"n_double", 0.1},
           {"b", binary(all_bytes)},
           {"yes", true},
           {"no", false},
           {"nothing", nullptr},
           {"m", item{{"inner", item{{"deep", list{1, "two", nullptr}}}}, {"empty", item{}}}},
           {"l", list{"a", 1, binary(std::string("\x00", 1)), list{}, string_set{"x"}}},
           {"ss", string_set{"b", "a", "\xe2\x82\xac"}},
           {"ns", number_set{1, 2.5, number("-3e10")}},
           {"bs", binary_set{binary(std::string("\x00", 1)), binary(std::string("\xff\xfe"))}}};
  std::vector<item> back = test::run_coro(put_then_get({row}));
  CHECK(back.at(0) == row);
}

TEST_CASE("dynalite round-trips random items") {
  test::random_items gen(20260101);
  gen.empty_names = false;
  std::vector<item> rows;
  for (int i = 0; i < 150; ++i) {
    item row;
    // DynamoDB refuses empty attribute names, so prefix the top-level ones.
    for (auto& [name, v] : gen.map(3)) row.emplace("a" + name, v);
    row["pk"] = "random-" + std::to_string(i);
    rows.push_back(std::move(row));
  }
  std::vector<item> back = test::run_coro(put_then_get(rows));
  REQUIRE(back.size() == rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    INFO("item ", i);
    CHECK(back[i] == rows[i]);
  }
}
