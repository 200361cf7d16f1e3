// detail::parse_table_description: keys, secondary indexes, billing and deletion protection
// read back from DescribeTable replies of the shapes AWS, DynamoDB Local and dynalite send.

#include <dynasio/detail/protocol/replies.hpp>
#include <dynasio/error.hpp>

#include <boost/json.hpp>
#include <doctest/doctest.h>

#include <string>

namespace json = boost::json;
using namespace dynasio;

namespace {

table_description parse(std::string_view table_json) {
  return detail::parse_table_description(json::parse(R"({"Table":)" + std::string(table_json) + "}").as_object());
}

// An on-demand table with one global and one local index (the shape DynamoDB Local sends).
constexpr std::string_view on_demand = R"({
  "TableName": "orders", "TableStatus": "ACTIVE", "ItemCount": 3,
  "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
                           {"AttributeName": "g", "AttributeType": "B"}, {"AttributeName": "l", "AttributeType": "S"}],
  "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
  "ProvisionedThroughput": {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0},
  "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
  "GlobalSecondaryIndexes": [{"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                              "Projection": {"ProjectionType": "KEYS_ONLY"}, "IndexStatus": "CREATING"}],
  "LocalSecondaryIndexes": [{"IndexName": "by-l",
                             "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "l", "KeyType": "RANGE"}],
                             "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a", "b"]}}],
  "DeletionProtectionEnabled": true})";

}  // namespace

TEST_CASE("table description: keys, global and local indexes, on-demand billing, deletion protection") {
  const table_description d = parse(on_demand);
  CHECK(d.schema.table_name == "orders");
  CHECK(d.status == "ACTIVE");
  CHECK(d.item_count == 3);
  CHECK(d.schema.partition_key == key_attribute{"pk", key_type::S});
  REQUIRE(d.schema.sort_key);
  CHECK(*d.schema.sort_key == key_attribute{"sk", key_type::N});
  REQUIRE(d.schema.global_secondary_indexes.size() == 1);
  const secondary_index& g = d.schema.global_secondary_indexes[0];
  CHECK(g.name == "by-g");
  CHECK(g.partition_key == key_attribute{"g", key_type::B});
  CHECK_FALSE(g.sort_key);
  CHECK(g.projection == projection_type::keys_only);
  CHECK(g.non_key_attributes.empty());
  REQUIRE(d.schema.local_secondary_indexes.size() == 1);
  const secondary_index& l = d.schema.local_secondary_indexes[0];
  CHECK(l.name == "by-l");
  CHECK(l.partition_key == key_attribute{"pk", key_type::S});
  REQUIRE(l.sort_key);
  CHECK(*l.sort_key == key_attribute{"l", key_type::S});
  CHECK(l.projection == projection_type::include);
  CHECK(l.non_key_attributes == std::vector<std::string>{"a", "b"});
  CHECK(d.index_status.size() == 1);
  CHECK(d.index_status.at("by-g") == "CREATING");
  CHECK_FALSE(d.schema.billing);
  CHECK(d.schema.deletion_protection);
}

TEST_CASE("table description: provisioned billing, with or without a BillingModeSummary") {
  const std::string base = R"("TableName": "p", "TableStatus": "ACTIVE",
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 7})";
  for (const std::string& extra :
       {std::string(), std::string(R"(, "BillingModeSummary": {"BillingMode": "PROVISIONED"})")}) {
    CAPTURE(extra);
    const table_description d = parse("{" + base + extra + "}");
    REQUIRE(d.schema.billing);
    CHECK(d.schema.billing->read_capacity_units == 5);
    CHECK(d.schema.billing->write_capacity_units == 7);
    CHECK_FALSE(d.schema.deletion_protection);
    CHECK(d.schema.global_secondary_indexes.empty());
    CHECK(d.index_status.empty());
  }
  // dynalite: no DeletionProtectionEnabled, on-demand as zeros without a summary is on-demand.
  const table_description zeros = parse(R"({"TableName": "z", "TableStatus": "ACTIVE",
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
    "ProvisionedThroughput": {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0}})");
  CHECK_FALSE(zeros.schema.billing);
}

TEST_CASE("table description: a malformed index is a protocol_error naming what is wrong") {
  auto with_gsi = [](std::string gsi) {
    return R"({"TableName": "t", "TableStatus": "ACTIVE",
      "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
      "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}], "GlobalSecondaryIndexes": )" +
           gsi + "}";
  };
  const std::string cases[] = {
      R"({})",
      R"([{"IndexName": "i", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}])",
      R"([{"IndexName": "i", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}], "Projection": {"ProjectionType": "SOME"}}])",
      R"([{"IndexName": "i", "KeySchema": [{"AttributeName": "undefined", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}])",
      R"([{"IndexName": "i", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}], "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": [1]}}])",
  };
  for (const std::string& gsi : cases) {
    CAPTURE(gsi);
    try {
      parse(with_gsi(gsi));
      FAIL("parsed");
    } catch (const error& e) {
      CHECK(e.code() == errc::protocol_error);
      CHECK(std::string(e.what()).find("DescribeTable") != std::string::npos);
    }
  }
}
