// detail/consumed_capacity.hpp: ReturnConsumedCapacity added to request bodies, the table a
// request names, and the units a reply's ConsumedCapacity reports.

#include <dynasio/detail/consumed_capacity.hpp>

#include <boost/json.hpp>
#include <doctest/doctest.h>

#include <optional>
#include <string>

namespace json = boost::json;
using namespace dynasio;
using detail::read_consumed_capacity;
using detail::request_table;
using detail::with_return_consumed_capacity;

namespace {

detail::consumed_units units_of(std::string_view op, std::string_view reply, std::string_view body = "{}") {
  return read_consumed_capacity(op, body, json::parse(reply).as_object());
}

}  // namespace

TEST_CASE("consumed capacity: ReturnConsumedCapacity goes first in the bodies of the actions that take it") {
  CHECK(with_return_consumed_capacity("PutItem", R"({"TableName":"t"})", return_consumed_capacity::total) ==
        R"({"ReturnConsumedCapacity":"TOTAL","TableName":"t"})");
  CHECK(with_return_consumed_capacity("Query", " {}", return_consumed_capacity::indexes) ==
        R"( {"ReturnConsumedCapacity":"INDEXES"})");
  CHECK(with_return_consumed_capacity("BatchWriteItem", R"({ "RequestItems":{}})", return_consumed_capacity::total) ==
        R"({"ReturnConsumedCapacity":"TOTAL", "RequestItems":{}})");
  for (const char* op : {"GetItem", "UpdateItem", "DeleteItem", "Scan", "BatchGetItem", "TransactWriteItems",
                         "TransactGetItems", "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction"}) {
    CAPTURE(op);
    CHECK(with_return_consumed_capacity(op, "{}", return_consumed_capacity::total).has_value());
  }
}

TEST_CASE("consumed capacity: nothing is added for none, other actions, a body that sets it, or a non-object") {
  CHECK_FALSE(with_return_consumed_capacity("PutItem", "{}", return_consumed_capacity::none));
  for (const char* op : {"CreateTable", "DescribeTable", "ListTables", "UpdateTimeToLive", "DeleteTable"}) {
    CAPTURE(op);
    CHECK_FALSE(with_return_consumed_capacity(op, "{}", return_consumed_capacity::total));
  }
  CHECK_FALSE(with_return_consumed_capacity("TransactWriteItems",
                                            R"({"TransactItems":[],"ReturnConsumedCapacity":"NONE"})",
                                            return_consumed_capacity::total));
  CHECK_FALSE(with_return_consumed_capacity("PutItem", R"({"ReturnConsumedCapacity" : "INDEXES"})",
                                            return_consumed_capacity::total));
  CHECK_FALSE(with_return_consumed_capacity("PutItem", "[]", return_consumed_capacity::total));
  CHECK_FALSE(with_return_consumed_capacity("PutItem", "", return_consumed_capacity::total));
  // An item attribute of that name is not the parameter.
  CHECK(with_return_consumed_capacity("PutItem", R"({"Item":{"ReturnConsumedCapacity":{"S":"x"}}})",
                                      return_consumed_capacity::total) ==
        R"({"ReturnConsumedCapacity":"TOTAL","Item":{"ReturnConsumedCapacity":{"S":"x"}}})");
}

TEST_CASE("consumed capacity: the table a request names") {
  CHECK(request_table("PutItem", R"({"TableName":"orders","Item":{}})") == "orders");
  CHECK(request_table("PutItem", R"({"Item":{"TableName":{"S":"not this"}},"TableName" : "real"})") == "real");
  CHECK(request_table("TransactWriteItems",
                      R"({"TransactItems":[{"Put":{"TableName":"a"}},{"Put":{"TableName":"b"}}]})") == "a");
  CHECK(request_table("BatchWriteItem", R"({"RequestItems":{"t1":[{"PutRequest":{}}],"t2":[]}})") == "t1");
  CHECK(request_table("BatchGetItem", R"({"ReturnConsumedCapacity":"TOTAL","RequestItems": { "g" :{"Keys":[]}}})") ==
        "g");
  CHECK(request_table("BatchWriteItem", R"({"RequestItems":{}})").empty());
  CHECK(request_table("ExecuteStatement", R"({"Statement":"SELECT * FROM t"})").empty());
  CHECK(request_table("ListTables", "{}").empty());
  CHECK(request_table("PutItem", R"({"TableName":"unterminated)").empty());
}

TEST_CASE("consumed capacity: CapacityUnits count as reads or writes by the action") {
  auto put = units_of("PutItem", R"({"ConsumedCapacity":{"TableName":"t","CapacityUnits":2}})");
  CHECK_FALSE(put.read);
  CHECK(put.write == 2.0);
  auto get = units_of("GetItem", R"({"ConsumedCapacity":{"TableName":"t","CapacityUnits":0.5}})");
  CHECK(get.read == 0.5);
  CHECK_FALSE(get.write);
  for (const char* op : {"Query", "Scan", "BatchGetItem", "TransactGetItems"}) {
    CAPTURE(op);
    CHECK(units_of(op, R"({"ConsumedCapacity":{"CapacityUnits":1.5}})").read == 1.5);
  }
  for (const char* op : {"UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}) {
    CAPTURE(op);
    CHECK(units_of(op, R"({"ConsumedCapacity":{"CapacityUnits":3}})").write == 3.0);
  }
  // An action that consumes no capacity reports none, whatever the reply says.
  auto other = units_of("DescribeTable", R"({"ConsumedCapacity":{"CapacityUnits":1}})");
  CHECK_FALSE(other.read);
  CHECK_FALSE(other.write);
}

TEST_CASE("consumed capacity: lists are summed; explicit read and write units win over CapacityUnits") {
  auto batch =
      units_of("BatchWriteItem",
               R"({"ConsumedCapacity":[{"TableName":"a","CapacityUnits":1},{"TableName":"b","CapacityUnits":2.5}]})");
  CHECK(batch.write == 3.5);
  auto split = units_of("TransactWriteItems",
                        R"({"ConsumedCapacity":[{"CapacityUnits":6,"ReadCapacityUnits":2,"WriteCapacityUnits":4}]})");
  CHECK(split.read == 2.0);
  CHECK(split.write == 4.0);
  auto indexes = units_of(
      "PutItem",
      R"({"ConsumedCapacity":{"CapacityUnits":2,"Table":{"CapacityUnits":1},"GlobalSecondaryIndexes":{"g":{"CapacityUnits":1}}}})");
  CHECK(indexes.write == 2.0);
}

TEST_CASE("consumed capacity: PartiQL counts by its statement") {
  const std::string reply = R"({"ConsumedCapacity":{"CapacityUnits":1}})";
  CHECK(units_of("ExecuteStatement", reply, R"({"Statement":"  select * from \"t\""})").read == 1.0);
  CHECK(units_of("ExecuteStatement", reply, R"({"Statement":"UPDATE t SET a = 1 WHERE id = 'x'"})").write == 1.0);
  CHECK(units_of("BatchExecuteStatement", reply, R"({"Statements":[{"Statement":"SELECT * FROM t WHERE id = ?"}]})")
            .read == 1.0);
  CHECK(units_of("ExecuteTransaction", reply,
                 R"({"TransactStatements":[{"Statement":"INSERT INTO t VALUE {'id':'a'}"}]})")
            .write == 1.0);
}

TEST_CASE("consumed capacity: absent or malformed ConsumedCapacity reports nothing") {
  for (const char* reply : {R"({})", R"({"ConsumedCapacity":"TOTAL"})", R"({"ConsumedCapacity":[1,"x"]})",
                            R"({"ConsumedCapacity":{"CapacityUnits":"1"}})"}) {
    CAPTURE(reply);
    auto u = units_of("PutItem", reply);
    CHECK_FALSE(u.read);
    CHECK_FALSE(u.write);
  }
}
