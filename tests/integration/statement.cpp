#include <dynasio/client.hpp>
#include <dynasio/error.hpp>
#include <dynasio/statement.hpp>
#include <dynasio/table.hpp>

#include "integration.hpp"
#include "run_coro.hpp"
#include "shared_tables.hpp"

#include <doctest/doctest.h>

#include <algorithm>

namespace asio = boost::asio;
using namespace dynasio;

namespace {

bool skip_without_partiql() {
  if (!test::server_is_dynalite()) return false;
  MESSAGE("skipped: dynalite has no PartiQL (run against DynamoDB Local)");
  return true;
}

asio::awaitable<void> statements_with_parameters() {
  client db(co_await asio::this_coro::executor, test::integration_config());
  std::string t = co_await test::shared_table(db, "partiql", true);
  const std::string insert = "INSERT INTO \"" + t + "\" VALUE {'pk': ?, 'sk': ?, 'note': ?}";
  for (int i = 0; i < 12; ++i) {
    std::vector<attribute_value> params{"p", i, "n" + std::to_string(i)};
    co_await execute_statement(db, insert, params);
  }
  // Paged: Limit 5 gives pages of at most 5 items, joined by NextToken.
  statement_options paged;
  paged.limit = 5;
  std::vector<attribute_value> pk{"p"};
  const std::string select = "SELECT * FROM \"" + t + "\" WHERE pk = ?";
  statement_page first = co_await execute_statement(db, select, pk, paged);
  CHECK(first.items.size() <= 5);
  CHECK(!first.next_token.empty());
  std::vector<item> all = co_await execute_statement_all(db, select, pk, paged);
  REQUIRE(all.size() == 12);
  std::vector<int> sks;
  for (const auto& it : all) sks.push_back(std::stoi(it.at("sk").as_number().text()));
  std::sort(sks.begin(), sks.end());
  CHECK(sks.front() == 0);
  CHECK(sks.back() == 11);
  CHECK(std::adjacent_find(sks.begin(), sks.end()) == sks.end());

  std::vector<attribute_value> update_params{"changed", "p", 3};
  co_await execute_statement(db, "UPDATE \"" + t + "\" SET note = ? WHERE pk = ? AND sk = ?", update_params);
  key k{{"pk", "p"}, {"sk", 3}};
  CHECK((co_await db.table(t).get_item(k))->at("note") == attribute_value("changed"));
}

asio::awaitable<void> bad_parameter() {
  client db(co_await asio::this_coro::executor, test::integration_config());
  std::string t = co_await test::shared_table(db, "partiql", true);
  // Two placeholders, one parameter.
  std::vector<attribute_value> one{"p"};
  try {
    co_await execute_statement(db, "SELECT * FROM \"" + t + "\" WHERE pk = ? AND sk = ?", one);
    FAIL("a statement with a missing parameter ran");
  } catch (const error& e) {
    CHECK(e.code() == service_errc::validation_exception);
    MESSAGE("missing parameter: " << e.diagnostics().message);
  }
  // A string where the number sort key is.
  std::vector<attribute_value> wrong_type{"bad", "not a number", "x"};
  try {
    co_await execute_statement(db, "INSERT INTO \"" + t + "\" VALUE {'pk': ?, 'sk': ?, 'note': ?}", wrong_type);
    FAIL("an insert with a string sort key ran");
  } catch (const error& e) {
    CHECK(e.code() == service_errc::validation_exception);
    MESSAGE("wrong key type: " << e.diagnostics().message);
  }
  // Refused before sending.
  std::vector<attribute_value> none;
  CHECK_THROWS_WITH_AS(co_await execute_statement(db, "", none),
                       doctest::Contains("execute_statement: the statement is empty"), error);
}

asio::awaitable<void> batch_with_one_failure() {
  client db(co_await asio::this_coro::executor, test::integration_config());
  std::string t = co_await test::shared_table(db, "partiql", true);
  const std::string insert = "INSERT INTO \"" + t + "\" VALUE {'pk': ?, 'sk': ?}";
  std::vector<statement> writes;
  writes.push_back(statement{insert, {"batch", 1}});
  writes.push_back(statement{insert, {"batch", 2}});
  std::vector<statement_result> first = co_await batch_execute_statement(db, writes);
  REQUIRE(first.size() == 2);
  CHECK(first[0].ok());
  CHECK(first[1].ok());
  // The same two again plus a new one: the duplicates fail alone, in their places.
  writes.insert(writes.begin() + 1, statement{insert, {"batch", 3}});
  std::vector<statement_result> second = co_await batch_execute_statement(db, writes);
  REQUIRE(second.size() == 3);
  REQUIRE(second[0].error);
  CHECK(second[0].error->code == "DuplicateItem");
  CHECK(second[1].ok());
  REQUIRE(second[2].error);
  CHECK(second[2].error->code == "DuplicateItem");
  key three{{"pk", "batch"}, {"sk", 3}};
  CHECK((co_await db.table(t).get_item(three)));

  std::vector<statement> reads;
  reads.push_back(statement{"SELECT * FROM \"" + t + "\" WHERE pk = ? AND sk = ?", {"batch", 1}});
  reads.push_back(statement{"SELECT * FROM \"" + t + "\" WHERE pk = ? AND sk = ?", {"batch", 99}});
  std::vector<statement_result> got = co_await batch_execute_statement(db, reads);
  REQUIRE(got.size() == 2);
  REQUIRE(got[0].item);
  CHECK(got[0].item->at("sk") == attribute_value(1));
  CHECK(got[1].ok());
  CHECK(!got[1].item);
}

}  // namespace

TEST_CASE("PartiQL: execute_statement with parameters, pages joined by next_token") {
  if (skip_without_partiql()) return;
  test::run_coro(statements_with_parameters());
}

TEST_CASE("PartiQL: a statement with a bad parameter is refused with ValidationException") {
  if (skip_without_partiql()) return;
  test::run_coro(bad_parameter());
}

TEST_CASE("PartiQL: batch_execute_statement reports each statement's result and error in order") {
  if (skip_without_partiql()) return;
  test::run_coro(batch_with_one_failure());
}
