#include <dynasio/error.hpp>
#include <dynasio/statement.hpp>

#include <boost/json/parse.hpp>
#include <doctest/doctest.h>

using namespace dynasio;

TEST_CASE("execute_statement_body writes the statement, typed parameters and options") {
  statement_options o;
  o.limit = 5;
  o.next_token = "tok";
  o.consistent_read = true;
  std::vector<attribute_value> params{"a", 1, string_set{"x"}};
  auto body = boost::json::parse(detail::execute_statement_body("SELECT * FROM t WHERE pk = ?", params, o)).as_object();
  CHECK(body.at("Statement") == "SELECT * FROM t WHERE pk = ?");
  CHECK(body.at("Parameters").as_array().size() == 3);
  CHECK(body.at("Parameters").as_array()[1].at("N") == "1");
  CHECK(body.at("Parameters").as_array()[2].at("SS").as_array()[0] == "x");
  CHECK(body.at("Limit") == 5);
  CHECK(body.at("NextToken") == "tok");
  CHECK(body.at("ConsistentRead") == true);
  auto bare = boost::json::parse(detail::execute_statement_body("SELECT * FROM t", {}, {})).as_object();
  CHECK(!bare.contains("Parameters"));
  CHECK(!bare.contains("Limit"));
}

TEST_CASE("statements are checked before sending") {
  CHECK_THROWS_WITH_AS(detail::execute_statement_body("", {}, {}),
                       doctest::Contains("execute_statement: the statement is empty"), error);
  CHECK_THROWS_WITH_AS(detail::execute_statement_body(std::string(8193, 'x'), {}, {}),
                       doctest::Contains("the statement has 8193 characters; at most 8192"), error);
  statement_options zero;
  zero.limit = 0;
  CHECK_THROWS_WITH_AS(detail::execute_statement_body("SELECT * FROM t", {}, zero),
                       doctest::Contains("limit must be at least 1"), error);
  CHECK_THROWS_WITH_AS(detail::batch_execute_statement_body({}), doctest::Contains("at least one statement"), error);
  std::vector<statement> many(26, statement{"SELECT * FROM t", {}, false});
  CHECK_THROWS_WITH_AS(detail::batch_execute_statement_body(many), doctest::Contains("26 statements; at most 25"),
                       error);
  std::vector<statement> one_empty{statement{"SELECT * FROM t", {}, false}, statement{"", {}, false}};
  CHECK_THROWS_WITH_AS(detail::batch_execute_statement_body(one_empty),
                       doctest::Contains("batch_execute_statement: statements[1]: the statement is empty"), error);
}

TEST_CASE("batch results keep their order, with per-statement errors and items") {
  auto reply = boost::json::parse(R"({"Responses":[
      {"TableName":"t","Item":{"pk":{"S":"a"}}},
      {"TableName":"t","Error":{"Code":"ConditionalCheckFailed","Message":"no","Item":{"pk":{"S":"b"}}}},
      {"TableName":"t"}]})")
                   .as_object();
  auto results = detail::read_batch_statement(reply, 3);
  REQUIRE(results.size() == 3);
  CHECK(results[0].ok());
  CHECK(results[0].item->at("pk") == attribute_value("a"));
  CHECK(!results[1].ok());
  CHECK(results[1].error->code == "ConditionalCheckFailed");
  CHECK(results[1].error->item->at("pk") == attribute_value("b"));
  CHECK(results[2].ok());
  CHECK(!results[2].item);
  CHECK_THROWS_AS(detail::read_batch_statement(reply, 2), error);
}
