// Defects of the first round's request path, each pinned by a test against the fake endpoint:
// key roles and size limits, the writer's key-name order, re-send counting, and BatchGetItem's
// re-requests drawing on the client's token bucket.

#include <dynasio/batch_writer.hpp>
#include <dynasio/client.hpp>
#include <dynasio/detail/client_impl.hpp>
#include <dynasio/error.hpp>
#include <dynasio/table.hpp>

#include "fake_config.hpp"
#include "fake_endpoint.hpp"
#include "run_coro.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <doctest/doctest.h>

#include <optional>
#include <string>

namespace asio = boost::asio;
using namespace dynasio;
using namespace std::chrono_literals;
using test::exchange;
using test::fake_endpoint;
using test::run_coro;
using test::stop_when_done;

namespace {

// DescribeTable of a table keyed (pk S, sk S).
exchange describe_pk_sk() {
  exchange e;
  e.expect_target = "DynamoDB_20120810.DescribeTable";
  e.body =
      R"({"Table":{"TableName":"tbl","TableStatus":"ACTIVE","ItemCount":0,)"
      R"("KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],)"
      R"("AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"S"}]}})";
  return e;
}

exchange reply_to(std::string target, std::string body = "{}") {
  exchange e;
  e.expect_target = "DynamoDB_20120810." + target;
  e.body = std::move(body);
  return e;
}

template <class Body>
void play(std::vector<exchange> script, Body body) {
  asio::io_context ioc;
  fake_endpoint ep(ioc.get_executor(), std::move(script));
  run_coro(ioc, stop_when_done(ep, body(ep)));
  CHECK(ep.failures().empty());
  CHECK(ep.script_remaining() == 0);
}

asio::awaitable<std::optional<error>> get_error(table& t, key k) {
  try {
    co_await t.get_item(std::move(k));
  } catch (const error& e) {
    co_return e;
  }
  co_return std::nullopt;
}

}  // namespace

TEST_CASE("defect: get_item refuses a sort key over 1024 bytes (it was checked against the 2048 limit)") {
  play({describe_pk_sk()}, [](fake_endpoint& ep) -> asio::awaitable<void> {
    client db(co_await asio::this_coro::executor, test::fake_config(ep));
    table t = db.table("tbl");
    key k{{"pk", "a"}, {"sk", std::string(1500, 'x')}};
    auto e = co_await get_error(t, k);
    REQUIRE(e);
    CHECK(e->code() == errc::invalid_argument);
    CHECK(std::string(e->what()).find("sk") != std::string::npos);
    CHECK(std::string(e->what()).find("1024") != std::string::npos);
    // Only the DescribeTable that told the roles; no GetItem.
    CHECK(ep.request_count() == 1);
  });
}

TEST_CASE("defect: a 1500-byte partition key with a sort key is valid, and the roles are learned once") {
  play({describe_pk_sk(), reply_to("GetItem"), reply_to("DeleteItem")}, [](fake_endpoint& ep) -> asio::awaitable<void> {
    client db(co_await asio::this_coro::executor, test::fake_config(ep));
    table t = db.table("tbl");
    key k{{"pk", std::string(1500, 'p')}, {"sk", "s"}};
    auto got = co_await t.get_item(k);
    CHECK_FALSE(got);
    co_await t.delete_item(k);
    CHECK(ep.request_count() == 3);
  });
}

TEST_CASE("defect: overwrite_by_pkeys = {sk, pk} takes a 1500-byte partition key (roles from the table)") {
  play({describe_pk_sk(), reply_to("BatchWriteItem", R"({"UnprocessedItems":{}})")},
       [](fake_endpoint& ep) -> asio::awaitable<void> {
         client db(co_await asio::this_coro::executor, test::fake_config(ep));
         batch_options o;
         o.overwrite_by_pkeys = {"sk", "pk"};
         batch_writer w(db, "tbl", o);
         item it{{"pk", std::string(1500, 'p')}, {"sk", "s"}, {"v", 1}};
         co_await w.put_item(it);
         co_await w.close();
         CHECK(w.stats().items_written == 1);
       });
}

TEST_CASE("defect: overwrite_by_pkeys naming other attributes than the table's key is refused") {
  play({describe_pk_sk()}, [](fake_endpoint& ep) -> asio::awaitable<void> {
    client db(co_await asio::this_coro::executor, test::fake_config(ep));
    batch_options o;
    o.overwrite_by_pkeys = {"pk", "other"};
    batch_writer w(db, "tbl", o);
    item it{{"pk", "a"}, {"other", "b"}};
    std::optional<error> e;
    try {
      co_await w.put_item(it);
    } catch (const error& x) {
      e = x;
    }
    REQUIRE(e);
    CHECK(e->code() == errc::invalid_argument);
    CHECK(std::string(e->what()).find("overwrite_by_pkeys") != std::string::npos);
    co_await w.close();
  });
}

TEST_CASE("defect: unprocessed_resent counts re-sends only, not the last return that is given up") {
  // Every call returns the request unprocessed: max_request_attempts = 3 re-sends, so 4 calls,
  // then the request is given up (the last return is not a re-send).
  const std::string unprocessed =
      R"({"UnprocessedItems":{"tbl":[{"PutRequest":{"Item":{"pk":{"S":"a"},"v":{"N":"1"}}}}]}})";
  play({reply_to("BatchWriteItem", unprocessed), reply_to("BatchWriteItem", unprocessed),
        reply_to("BatchWriteItem", unprocessed), reply_to("BatchWriteItem", unprocessed)},
       [](fake_endpoint& ep) -> asio::awaitable<void> {
         client db(co_await asio::this_coro::executor, test::fake_config(ep));
         batch_options o;
         o.key_names = {"pk"};
         o.max_request_attempts = 3;
         o.pace = false;  // paced, a table that takes nothing is waited for retry_budget
         o.base_delay = 1ms;
         o.max_delay = 2ms;
         batch_writer w(db, "tbl", o);
         item it{{"pk", "a"}, {"v", 1}};
         co_await w.put_item(it);
         std::optional<batch_error> failed;
         try {
           co_await w.close();
         } catch (const batch_error& e) {
           failed = e;
         }
         REQUIRE(failed);
         CHECK(failed->unwritten().size() == 1);
         CHECK(w.stats().requests_sent == 4);
         CHECK(w.stats().unprocessed_resent == 3);
         CHECK(w.stats().failed == 1);
         CHECK(ep.request_count() == 4);
       });
}

TEST_CASE("defect: batch_get_item re-requests UnprocessedKeys through the client's token bucket") {
  const std::string unprocessed = R"({"Responses":{"tbl":[]},"UnprocessedKeys":{"tbl":{"Keys":[{"pk":{"S":"a"}}]}}})";
  play({reply_to("BatchGetItem", unprocessed)}, [](fake_endpoint& ep) -> asio::awaitable<void> {
    client_config cfg = test::fake_config(ep);
    cfg.retry.token_bucket_capacity = 4;  // less than one retry costs (5)
    client db(co_await asio::this_coro::executor, cfg);
    table t = db.table("tbl");
    std::optional<error> e;
    try {
      key k{{"pk", "a"}};
      std::vector<key> keys{k};
      co_await t.batch_get_item(std::move(keys));
    } catch (const error& x) {
      e = x;
    }
    REQUIRE(e);
    CHECK(e->code() == errc::retry_quota_exceeded);
    CHECK(dynasio::detail::access::retry(db).tokens() == 4);
    CHECK(ep.request_count() == 1);
  });
}

TEST_CASE("defect: batch_get_item's re-requests are paid for and refunded on success") {
  const std::string unprocessed = R"({"Responses":{"tbl":[]},"UnprocessedKeys":{"tbl":{"Keys":[{"pk":{"S":"a"}}]}}})";
  play({reply_to("BatchGetItem", unprocessed),
        reply_to("BatchGetItem", R"({"Responses":{"tbl":[{"pk":{"S":"a"},"v":{"N":"7"}}]},"UnprocessedKeys":{}})")},
       [](fake_endpoint& ep) -> asio::awaitable<void> {
         client db(co_await asio::this_coro::executor, test::fake_config(ep));
         table t = db.table("tbl");
         key k{{"pk", "a"}};
         std::vector<key> keys{k};
         auto items = co_await t.batch_get_item(std::move(keys));
         REQUIRE(items.size() == 1);
         CHECK(items[0].at("v") == attribute_value(7));
         CHECK(dynasio::detail::access::retry(db).tokens() == 500);
       });
}
