#include <dynasio/detail/protocol/transaction_protocol.hpp>
#include <dynasio/transaction.hpp>

#include <boost/json/parse.hpp>
#include <doctest/doctest.h>

using namespace dynasio;

namespace {
std::string error_of(const std::vector<transact_write>& actions, const transact_write_options& opts = {}) {
  try {
    detail::validate_transact_write(actions, opts);
  } catch (const error& e) {
    CHECK(e.code() == errc::invalid_argument);
    return e.diagnostics().message;
  }
  return "no error";
}
}  // namespace

TEST_CASE("transact_write_body writes each action under its kind, in order") {
  std::vector<transact_write> actions;
  actions.push_back(transact_write::put("t", {{"id", "1"}, {"qty", 2}}, attribute_not_exists(attr("id"))));
  update_options u;
  u.update = update_expression().set(attr("qty"), attr("qty") + 1);
  actions.push_back(transact_write::update("t", {{"id", "2"}}, u));
  actions.push_back(transact_write::remove("t", {{"id", "3"}}));
  transact_condition c;
  c.condition = attr("qty") > 0;
  c.return_values_on_condition_check_failure = return_values_on_condition_check_failure::all_old;
  actions.push_back(transact_write::condition_check("u", {{"id", "4"}}, c));
  transact_write_options opts;
  opts.client_request_token = "token-1";
  opts.return_consumed_capacity = return_consumed_capacity::total;
  auto body = boost::json::parse(detail::transact_write_body(actions, opts)).as_object();
  const auto& items = body.at("TransactItems").as_array();
  REQUIRE(items.size() == 4);
  CHECK(items[0].as_object().at("Put").at("ConditionExpression") == "attribute_not_exists(#dn0)");
  CHECK(items[0].as_object().at("Put").at("Item").at("qty").at("N") == "2");
  CHECK(items[1].as_object().at("Update").at("UpdateExpression") == "SET #dn0 = #dn0 + :dv0");
  CHECK(items[2].as_object().at("Delete").at("Key").at("id").at("S") == "3");
  CHECK(!items[2].as_object().at("Delete").as_object().contains("ConditionExpression"));
  CHECK(items[3].as_object().at("ConditionCheck").at("TableName") == "u");
  CHECK(items[3].as_object().at("ConditionCheck").at("ReturnValuesOnConditionCheckFailure") == "ALL_OLD");
  CHECK(body.at("ClientRequestToken") == "token-1");
  CHECK(body.at("ReturnConsumedCapacity") == "TOTAL");
}

TEST_CASE("transactions are checked against DynamoDB's limits before sending") {
  CHECK(error_of({}) == "transact_write_items: there must be at least one action");
  std::vector<transact_write> many;
  for (int i = 0; i < 101; ++i) many.push_back(transact_write::remove("t", {{"id", std::to_string(i)}}));
  CHECK(error_of(many) == "transact_write_items: 101 actions; at most 100 are allowed");
  many.pop_back();
  CHECK(error_of(many) == "no error");
  transact_write_options long_token;
  long_token.client_request_token = std::string(37, 'x');
  CHECK(error_of({transact_write::remove("t", {{"id", "1"}})}, long_token) ==
        "transact_write_items: client_request_token has 37 characters; at most 36 are allowed");
  CHECK(error_of({transact_write::remove("t", {{"id", "1"}}),
                  transact_write::condition_check("t", {{"id", "1"}}, attr("a") == 1)}) ==
        "transact_write_items: actions[1] (ConditionCheck): touches the same item of 't' as actions[0]; a transaction "
        "touches each item once");
  // A put's key is known from the key attributes another action on its table uses.
  CHECK(error_of({transact_write::remove("t", {{"id", "1"}}), transact_write::put("t", {{"id", "1"}, {"x", 1}})})
            .find("touches the same item") != std::string::npos);
  CHECK(error_of({transact_write::remove("t", {{"id", "1"}}), transact_write::put("u", {{"id", "1"}, {"x", 1}})}) ==
        "no error");
  CHECK(error_of({transact_write::condition_check("t", {{"id", "1"}}, transact_condition{})}) ==
        "transact_write_items: actions[0] (ConditionCheck): a condition check needs a condition (or "
        "condition_expression)");
  CHECK(error_of({transact_write::put("", {{"id", "1"}})}) ==
        "transact_write_items: actions[0] (Put): table_name is empty");
  update_options rv;
  rv.update_expression = "SET a = :a";
  rv.return_values = return_values::all_new;
  CHECK(error_of({transact_write::update("t", {{"id", "1"}}, rv)}) ==
        "transact_write_items: actions[0] (Update): return_values must be none in a transaction");
  std::vector<transact_write> big;
  for (int i = 0; i < 11; ++i)
    big.push_back(transact_write::put("t" + std::to_string(i), {{"id", "1"}, {"blob", std::string(390 * 1024, 'x')}}));
  CHECK(error_of(big).find("a transaction holds at most 4 MB") != std::string::npos);
  update_options empty;
  CHECK_THROWS_WITH_AS(detail::transact_write_body({transact_write::update("t", {{"id", "1"}}, empty)}, {}),
                       doctest::Contains("actions[0] (Update): update (or update_expression) is required"), error);
}

TEST_CASE("cancellation reasons come from CancellationReasons, in request order, with items") {
  auto reasons = detail::read_cancellation_reasons(
      R"({"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","Message":"Transaction cancelled",)"
      R"("CancellationReasons":[{"Code":"None"},{"Code":"ConditionalCheckFailed","Message":"The conditional request failed",)"
      R"("Item":{"id":{"S":"2"},"qty":{"N":"0"}}}]})",
      "Transaction cancelled");
  REQUIRE(reasons.size() == 2);
  CHECK(reasons[0].code == "None");
  CHECK(!reasons[0].item);
  CHECK(reasons[1].code == "ConditionalCheckFailed");
  CHECK(reasons[1].message == "The conditional request failed");
  REQUIRE(reasons[1].item);
  CHECK(reasons[1].item->at("qty") == attribute_value(0));
}

TEST_CASE("without a structured body, cancellation codes are read from the message") {
  auto reasons =
      detail::read_cancellation_reasons("",
                                        "Transaction cancelled, please refer cancellation reasons for specific reasons "
                                        "[ConditionalCheckFailed, None, TransactionConflict]");
  REQUIRE(reasons.size() == 3);
  CHECK(reasons[0].code == "ConditionalCheckFailed");
  CHECK(reasons[1].code == "None");
  CHECK(reasons[2].code == "TransactionConflict");
  CHECK(detail::read_cancellation_reasons("", "no list").empty());
}

TEST_CASE("transact_get_body refuses empty and repeated gets, and reads answers in order") {
  CHECK_THROWS_WITH_AS(detail::transact_get_body({}), doctest::Contains("at least one action"), error);
  CHECK_THROWS_WITH_AS(detail::transact_get_body({transact_get{"t", {{"id", "1"}}}, transact_get{"t", {{"id", "1"}}}}),
                       doctest::Contains("gets[1]: the same item of 't' is read twice"), error);
  CHECK_THROWS_WITH_AS(detail::transact_get_body({transact_get{"t", {}}}),
                       doctest::Contains("gets[0]: the key is empty"), error);
  auto body = boost::json::parse(detail::transact_get_body({transact_get{"t", {{"id", "1"}}, "qty"}})).as_object();
  CHECK(body.at("TransactItems").as_array()[0].at("Get").at("ProjectionExpression") == "qty");
  auto got =
      detail::read_transact_get(boost::json::parse(R"({"Responses":[{},{"Item":{"id":{"S":"2"}}}]})").as_object(), 2);
  REQUIRE(got.size() == 2);
  CHECK(!got[0]);
  CHECK(got[1]->at("id") == attribute_value("2"));
  CHECK_THROWS_AS(detail::read_transact_get(boost::json::parse(R"({"Responses":[]})").as_object(), 1), error);
}
