#include <dynasio/attribute_value.hpp>
#include <dynasio/detail/protocol/json_reader.hpp>
#include <dynasio/detail/protocol/json_writer.hpp>

#include <boost/json/serialize.hpp>

#include <doctest/doctest.h>

#include "random_items.hpp"
#include "raw_dynamodb.hpp"

#include <thread>

using namespace dynasio;

namespace {

constexpr std::string_view table = "dynasio_values_roundtrip";

void ensure_table(const std::string& endpoint) {
  auto created = test::raw_call(endpoint, "CreateTable",
                                R"({"TableName":"dynasio_values_roundtrip",)"
                                R"("AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],)"
                                R"("KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],)"
                                R"("BillingMode":"PAY_PER_REQUEST"})");
  REQUIRE_MESSAGE((created.status == 200 || boost::json::serialize(created.body).find("ResourceInUse") !=
                                                std::string::npos),
                  boost::json::serialize(created.body));
  for (int i = 0; i < 100; ++i) {
    auto d = test::raw_call(endpoint, "DescribeTable", R"({"TableName":"dynasio_values_roundtrip"})");
    if (d.status == 200 && d.body.at("Table").at("TableStatus") == "ACTIVE") return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("table did not become ACTIVE");
}

item put_then_get(const std::string& endpoint, const item& row) {
  std::string body = R"({"TableName":")" + std::string(table) + R"(","Item":)";
  detail::write_item(body, row);
  body += '}';
  auto put = test::raw_call(endpoint, "PutItem", body);
  REQUIRE_MESSAGE(put.status == 200, boost::json::serialize(put.body), "\nrequest: ", body);

  std::string get_body = R"({"TableName":")" + std::string(table) + R"(","ConsistentRead":true,"Key":)";
  detail::write_item(get_body, key{{"pk", row.at("pk")}});
  get_body += '}';
  auto got = test::raw_call(endpoint, "GetItem", get_body);
  REQUIRE_MESSAGE(got.status == 200, boost::json::serialize(got.body));
  return detail::read_item(got.body.at("Item").as_object());
}

}  // namespace

TEST_CASE("dynalite stores and returns an item holding every type, unchanged") {
  const std::string endpoint = test::test_endpoint();  // throws (fails) when unset
  ensure_table(endpoint);

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
  CHECK(put_then_get(endpoint, row) == row);
}

TEST_CASE("dynalite round-trips random items") {
  const std::string endpoint = test::test_endpoint();
  ensure_table(endpoint);
  test::random_items gen(20260101);
  for (int i = 0; i < 150; ++i) {
    item row;
    // DynamoDB refuses empty attribute names, so prefix the generated ones.
    for (auto& [name, v] : gen.map(3)) row.emplace("a" + name, v);
    row["pk"] = "random-" + std::to_string(i);
    INFO("item ", i);
    CHECK(put_then_get(endpoint, row) == row);
  }
}
