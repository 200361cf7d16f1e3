// client_config::on_call, client_config::return_consumed_capacity and the consumed-capacity
// totals of client_stats and the batch writer, against the scripted fake endpoint.

#include <dynasio/batch_writer.hpp>
#include <dynasio/client.hpp>
#include <dynasio/error.hpp>
#include <dynasio/table.hpp>

#include "fake_config.hpp"
#include "fake_endpoint.hpp"
#include "run_coro.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>
#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace json = boost::json;
using namespace dynasio;
using namespace std::chrono_literals;
using test::aws_error;
using test::exchange;
using test::fake_endpoint;
using test::recorded_request;
using test::run_coro;
using test::stop_when_done;

namespace {

// call_metrics with its views copied, so they outlive the callback.
struct seen_call {
  std::string operation;
  std::string table;
  unsigned attempts = 0;
  unsigned retries = 0;
  unsigned throttles = 0;
  std::error_code error;
  std::optional<double> read;
  std::optional<double> write;
};

struct recorder {
  std::vector<seen_call> calls;
  std::vector<std::string> log;
};

client_config metrics_config(const fake_endpoint& ep, const std::shared_ptr<recorder>& rec) {
  client_config c = test::fake_config(ep);
  c.logger = test::guarded_logger([rec](log_level, std::string_view line) { rec->log.emplace_back(line); });
  c.on_call = [rec](const call_metrics& m) {
    rec->calls.push_back({std::string(m.operation), std::string(m.table), m.attempts, m.retries, m.throttles, m.error,
                          m.consumed_read_units, m.consumed_write_units});
  };
  return c;
}

exchange reply(std::string body) {
  exchange e;
  e.body = std::move(body);
  return e;
}

std::optional<std::string> capacity_field(const recorded_request& r) {
  const json::object body = json::parse(r.body).as_object();
  auto it = body.find("ReturnConsumedCapacity");
  if (it == body.end()) return std::nullopt;
  return std::string(it->value().as_string());
}

void play(std::vector<exchange> script, const std::function<asio::awaitable<void>(fake_endpoint&)>& body) {
  asio::io_context ioc;
  fake_endpoint ep(ioc.get_executor(), std::move(script));
  run_coro(ioc, stop_when_done(ep, body(ep)));
  CHECK(ep.failures().empty());
}

item row(std::string pk) {
  item it;
  it["pk"] = std::move(pk);
  return it;
}

asio::awaitable<void> put_with_total(fake_endpoint& ep) {
  auto rec = std::make_shared<recorder>();
  client_config cfg = metrics_config(ep, rec);
  cfg.return_consumed_capacity = return_consumed_capacity::total;
  client db(co_await asio::this_coro::executor, cfg);
  dynasio::table orders = db.table("orders");
  co_await orders.put_item(row("a"));
  key k = row("a");
  co_await orders.get_item(k);
  co_await db.call("ListTables", json::object{});
  REQUIRE(ep.requests().size() == 4);
  // The throttled attempt and its retry send the same body.
  CHECK(capacity_field(ep.requests()[0]) == "TOTAL");
  CHECK(ep.requests()[1].body == ep.requests()[0].body);
  CHECK(capacity_field(ep.requests()[2]) == "TOTAL");
  CHECK(capacity_field(ep.requests()[3]) == std::nullopt);
  REQUIRE(rec->calls.size() == 3);
  const seen_call& put = rec->calls[0];
  CHECK(put.operation == "PutItem");
  CHECK(put.table == "orders");
  CHECK(put.attempts == 2);
  CHECK(put.retries == 1);
  CHECK(put.throttles == 1);
  CHECK_FALSE(put.error);
  CHECK_FALSE(put.read);
  CHECK(put.write == 1.0);
  const seen_call& get = rec->calls[1];
  CHECK(get.operation == "GetItem");
  CHECK(get.read == 0.5);
  CHECK_FALSE(get.write);
  CHECK(get.attempts == 1);
  CHECK(rec->calls[2].operation == "ListTables");
  CHECK(rec->calls[2].table.empty());
  CHECK_FALSE(rec->calls[2].read);
  CHECK(db.stats().consumed_read_units == 0.5);
  CHECK(db.stats().consumed_write_units == 1.0);
}

}  // namespace

TEST_CASE("call metrics: return_consumed_capacity is sent, the units reported, counted and totalled") {
  play({aws_error(400, "ProvisionedThroughputExceededException", "slow down"),
        reply(R"({"ConsumedCapacity":{"TableName":"orders","CapacityUnits":1.0}})"),
        reply(R"({"Item":{"pk":{"S":"a"}},"ConsumedCapacity":{"TableName":"orders","CapacityUnits":0.5}})"),
        reply(R"({"TableNames":[]})")},
       put_with_total);
}

namespace {

asio::awaitable<void> default_sends_nothing(fake_endpoint& ep) {
  auto rec = std::make_shared<recorder>();
  client db(co_await asio::this_coro::executor, metrics_config(ep, rec));
  co_await db.table("orders").put_item(row("a"));
  REQUIRE(ep.requests().size() == 1);
  CHECK(capacity_field(ep.requests()[0]) == std::nullopt);
  REQUIRE(rec->calls.size() == 1);
  CHECK(rec->calls[0].operation == "PutItem");
  CHECK(rec->calls[0].table == "orders");
  CHECK(rec->calls[0].attempts == 1);
  CHECK_FALSE(rec->calls[0].read);
  CHECK_FALSE(rec->calls[0].write);
  CHECK(db.stats().consumed_read_units == 0);
  CHECK(db.stats().consumed_write_units == 0);
}

asio::awaitable<void> failure_reported(fake_endpoint& ep) {
  auto rec = std::make_shared<recorder>();
  client db(co_await asio::this_coro::executor, metrics_config(ep, rec));
  std::error_code thrown;
  try {
    co_await db.table("orders").delete_item(row("a"));
  } catch (const error& e) {
    thrown = e.code();
  }
  CHECK(thrown == service_errc::validation_exception);
  REQUIRE(rec->calls.size() == 1);
  CHECK(rec->calls[0].operation == "DeleteItem");
  CHECK(rec->calls[0].error == service_errc::validation_exception);
  CHECK(rec->calls[0].attempts == 1);
  CHECK_FALSE(rec->calls[0].write);
}

asio::awaitable<void> own_field_kept(fake_endpoint& ep) {
  auto rec = std::make_shared<recorder>();
  client_config cfg = metrics_config(ep, rec);
  cfg.return_consumed_capacity = return_consumed_capacity::total;
  client db(co_await asio::this_coro::executor, cfg);
  json::object req;
  req["TableName"] = "tbl";
  req["ReturnConsumedCapacity"] = "INDEXES";
  co_await db.call("Scan", std::move(req));
  REQUIRE(ep.requests().size() == 1);
  CHECK(capacity_field(ep.requests()[0]) == "INDEXES");
  CHECK(json::parse(ep.requests()[0].body).as_object().size() == 2);
  REQUIRE(rec->calls.size() == 1);
  CHECK(rec->calls[0].table == "tbl");
  CHECK(rec->calls[0].read == 4.0);
}

asio::awaitable<void> throwing_callback(fake_endpoint& ep) {
  auto rec = std::make_shared<recorder>();
  client_config cfg = metrics_config(ep, rec);
  int called = 0;
  cfg.on_call = [&called](const call_metrics&) {
    ++called;
    throw std::runtime_error("metrics backend down");
  };
  client db(co_await asio::this_coro::executor, cfg);
  json::object r = co_await db.call_raw("GetItem", R"({"TableName":"tbl"})");
  CHECK(r.contains("Item"));
  CHECK(called == 1);
  bool logged = false;
  for (const auto& line : rec->log)
    logged = logged || line.find("on_call threw: metrics backend down") != std::string::npos;
  CHECK(logged);
}

}  // namespace

TEST_CASE("call metrics: nothing is asked for by default, and no units are reported") {
  play({reply("{}")}, default_sends_nothing);
}

TEST_CASE("call metrics: a failed call is reported with its error") {
  play({aws_error(400, "ValidationException", "bad key")}, failure_reported);
}

TEST_CASE("call metrics: a request that sets ReturnConsumedCapacity itself keeps its own") {
  play({reply(R"({"Items":[],"ConsumedCapacity":{"TableName":"tbl","CapacityUnits":4}})")}, own_field_kept);
}

TEST_CASE("call metrics: an on_call that throws is logged; the call still returns its reply") {
  play({reply(R"({"Item":{}})")}, throwing_callback);
}

namespace {

// Answers every BatchWriteItem with one write unit per request (none when not asked for).
exchange batch_handler(const recorded_request& r) {
  const json::object body = json::parse(r.body).as_object();
  exchange e;
  if (!body.contains("ReturnConsumedCapacity")) {
    e.body = R"({"UnprocessedItems":{}})";
    return e;
  }
  const std::size_t n = body.at("RequestItems").at("tbl").as_array().size();
  e.body =
      R"({"UnprocessedItems":{},"ConsumedCapacity":[{"TableName":"tbl","CapacityUnits":)" + std::to_string(n) + "}]}";
  return e;
}

asio::awaitable<void> batch_units(fake_endpoint& ep, return_consumed_capacity mode, std::vector<batch_metrics>& seen,
                                  batch_stats& stats, client_stats& totals) {
  auto rec = std::make_shared<recorder>();
  client_config cfg = metrics_config(ep, rec);
  cfg.return_consumed_capacity = mode;
  client db(co_await asio::this_coro::executor, cfg);
  batch_options opts;
  opts.flush_amount = 2;
  opts.max_in_flight = 1;
  opts.key_names = {"pk"};
  opts.on_flush = [&seen](const batch_metrics& m) { seen.push_back(m); };
  auto writer = db.table("tbl").batch_writer(opts);
  for (int i = 0; i < 5; ++i) {
    item it = row("k" + std::to_string(i));
    co_await writer.put_item(std::move(it));
  }
  co_await writer.close();
  stats = writer.stats();
  totals = db.stats();
}

}  // namespace

TEST_CASE("call metrics: batch_metrics and batch_stats carry the write units of each BatchWriteItem") {
  for (auto mode : {return_consumed_capacity::total, return_consumed_capacity::none}) {
    const bool asked = mode != return_consumed_capacity::none;
    CAPTURE(asked);
    asio::io_context ioc;
    fake_endpoint ep(ioc.get_executor(), test::fake_handler(batch_handler));
    std::vector<batch_metrics> seen;
    batch_stats stats;
    client_stats totals;
    run_coro(ioc, stop_when_done(ep, batch_units(ep, mode, seen, stats, totals)));
    CHECK(ep.failures().empty());
    REQUIRE(seen.size() == 3);  // 2 + 2 + 1 requests
    double sum = 0;
    for (const auto& m : seen) {
      CHECK(m.consumed_write_units.has_value() == asked);
      if (asked) CHECK(*m.consumed_write_units == static_cast<double>(m.items));
      sum += m.consumed_write_units.value_or(0);
    }
    CHECK(sum == (asked ? 5.0 : 0.0));
    CHECK(stats.consumed_write_units == sum);
    CHECK(totals.consumed_write_units == sum);
  }
}
