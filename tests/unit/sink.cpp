// The sink against a fake DynamoDB that fails on purpose: throttling, 500s (some after applying
// the batch), and UnprocessedItems for part of every batch. Nothing may be lost; a request that
// is never processed must come back from commit() exactly.
#include <dynasio/client.hpp>
#include <dynasio/detail/protocol/json_reader.hpp>
#include <dynasio/error.hpp>
#include <dynasio/sink.hpp>

#include "change_stream.hpp"
#include "fake_config.hpp"
#include "fake_endpoint.hpp"
#include "run_coro.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

using namespace dynasio;
namespace asio = boost::asio;
using test::exchange;
using test::recorded_request;

TEST_CASE("sink init_mode_from_string takes Pathway's spellings") {
  CHECK(init_mode_from_string("default") == init_mode::existing);
  CHECK(init_mode_from_string("existing") == init_mode::existing);
  CHECK(init_mode_from_string("create_if_not_exists") == init_mode::create_if_not_exists);
  CHECK(init_mode_from_string("replace") == init_mode::replace);
  CHECK(to_string(init_mode::create_if_not_exists) == "create_if_not_exists");
  try {
    init_mode_from_string("overwrite");
    FAIL("accepted");
  } catch (const error& e) {
    CHECK(e.code() == errc::invalid_argument);
    CHECK(std::string(e.what()).find("unknown init_mode 'overwrite'") != std::string::npos);
  }
}

namespace {

// DescribeTable's reply for table "tbl" (HASH id S, RANGE n N) in `status`.
exchange described(std::string status) {
  exchange e;
  e.expect_target = "DynamoDB_20120810.DescribeTable";
  e.body =
      R"({"Table":{"TableName":"tbl","TableStatus":")" + status +
      R"(","ItemCount":0,"KeySchema":[{"AttributeName":"id","KeyType":"HASH"},{"AttributeName":"n","KeyType":"RANGE"}],)"
      R"("AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"},{"AttributeName":"n","AttributeType":"N"}]}})";
  return e;
}

exchange expect(std::string operation, exchange e = {}) {
  e.expect_target = "DynamoDB_20120810." + operation;
  return e;
}

exchange not_found() {
  return expect("DescribeTable", test::aws_error(400, "ResourceNotFoundException", "Requested resource not found"));
}

// A one-table DynamoDB (HASH id S, RANGE n N) that misbehaves on a fixed rhythm.
class flaky_table {
 public:
  using store_type = std::map<key, item, test::change_stream::key_less>;

  // BatchWriteItem calls received so far.
  std::size_t calls() const noexcept { return calls_; }

  exchange operator()(const recorded_request& r) {
    if (r.target.ends_with(".DescribeTable")) return described("ACTIVE");
    if (!r.target.ends_with(".BatchWriteItem"))
      return test::aws_error(400, "ValidationException", "unexpected " + r.target);
    const std::size_t n = calls_++;
    if (n % 7 == 5)
      return test::aws_error(400, "ThrottlingException", "Rate of requests exceeds the allowed throughput.");
    const auto body = boost::json::parse(r.body).as_object();
    const auto& requests = body.at("RequestItems").as_object().at("tbl").as_array();
    boost::json::array unprocessed;
    std::size_t index = 0;
    for (const auto& v : requests) {
      const auto& req = v.as_object();
      const bool put = req.contains("PutRequest");
      item it = detail::read_item(put ? req.at("PutRequest").at("Item").as_object()
                                      : req.at("DeleteRequest").at("Key").as_object());
      key k{{"id", it.at("id")}, {"n", it.at("n")}};
      // Every third request, and the poison row always, is left for the client to send again;
      // but no other request more than twice in a row (the rhythm could otherwise meet the
      // writer's re-sends in step, and refuse one request past its attempts).
      const bool rhythm = (n + index++) % 3 == 0 && refused_in_a_row_[k] < 2;
      if (rhythm || it.at("id") == attribute_value("poison")) {
        ++refused_in_a_row_[k];
        unprocessed.push_back(v);
        continue;
      }
      refused_in_a_row_.erase(k);
      if (put) store[k] = std::move(it);
      else store.erase(k);
    }
    // Sometimes the batch is applied and the reply lost: re-sending must be harmless.
    exchange e = n % 7 == 3 ? test::aws_error(500, "InternalServerError", "Internal server error") : exchange{};
    if (n % 7 != 3) {
      boost::json::object out;
      if (!unprocessed.empty()) out["UnprocessedItems"].emplace_object()["tbl"] = std::move(unprocessed);
      e.body = boost::json::serialize(out);
    }
    e.delay = write_delay;
    return e;
  }

  store_type store;
  /// How long each BatchWriteItem takes.
  std::chrono::milliseconds write_delay{0};

 private:
  static exchange reply(std::string body) {
    exchange e;
    e.body = std::move(body);
    return e;
  }

  std::size_t calls_ = 0;
  std::map<key, int, test::change_stream::key_less> refused_in_a_row_;
};

// Patient retries (5 attempts, a bucket that never runs dry); every log line kept in `log`.
client_config logged_config(const test::fake_endpoint& ep, std::vector<std::string>& log) {
  client_config c = test::fake_config(ep);
  c.retry.max_attempts = 5;
  c.retry.max_delay = std::chrono::milliseconds(5);
  c.retry.token_bucket_capacity = 1'000'000;
  c.logger = test::guarded_logger([&log](log_level, std::string_view line) { log.emplace_back(line); });
  return c;
}

sink_config flaky_sink_config() {
  sink_config c;
  c.table_name = "tbl";
  c.partition_key = {"id"};
  c.sort_key = key_attribute{"n", key_type::N};
  c.name = "flaky-mirror";
  c.batch.base_delay = std::chrono::milliseconds(1);
  c.batch.max_delay = std::chrono::milliseconds(5);
  c.batch.max_request_attempts = 6;
  // The never-processed row must come back after its attempts, not after retry_budget.
  c.batch.pace = false;
  return c;
}

asio::awaitable<void> stream_through_faults(client& db, flaky_table& table) {
  sink_config c = flaky_sink_config();
  sink s = co_await sink::open(db, std::move(c));
  test::change_stream stream(7);
  for (int step = 0; step < 30; ++step) {
    // Odd steps hand their rows over (write(item&&)), even ones have them copied.
    for (auto& [row, diff] : stream.step(100, 40, 5)) {
      if (step % 2 == 0) {
        co_await s.write(row, diff);
      } else {
        co_await s.write(std::move(row), diff);
        CHECK(row.empty());
      }
    }
    co_await s.commit();
    CHECK_MESSAGE(table.store == stream.snapshot(), "after commit " << step);
  }
  co_await s.close();
  CHECK(s.stats().commits == 31);
  CHECK(s.stats().retries > 0);
}

asio::awaitable<void> poison_row_is_reported(client& db, flaky_table& table) {
  sink_config c = flaky_sink_config();
  sink s = co_await sink::open(db, std::move(c));
  const item poison{{"id", "poison"}, {"n", 1}, {"v", 7}};
  std::vector<item> fine;
  for (int i = 0; i < 30; ++i) fine.push_back(item{{"id", "ok" + std::to_string(i)}, {"n", i}});
  for (const item& row : fine) co_await s.write(row, +1);
  co_await s.write(poison, +1);
  bool reported = false;
  try {
    co_await s.commit();
  } catch (const batch_error& e) {
    reported = true;
    REQUIRE(e.unwritten().size() == 1);
    CHECK(e.unwritten()[0].request == write_request{write_request::kind::put, poison});
    CHECK(std::string(e.what()).find("sink 'flaky-mirror': commit wrote 30 of 31 requests") != std::string::npos);
  }
  CHECK(reported);
  CHECK(table.store.size() == fine.size());
  sink_stats st = s.stats();
  CHECK(st.rows_upserted == 30);
  CHECK(st.commits == 0);
  // The sink stays usable, and the failed row is not sent again by itself.
  const item later{{"id", "later"}, {"n", 1}};
  co_await s.write(later, +1);
  co_await s.close();
  CHECK(table.store.size() == fine.size() + 1);
  CHECK(s.stats().commits == 1);
}

asio::awaitable<void> first_call_arrived(const flaky_table& table) {
  asio::steady_timer tick(co_await asio::this_coro::executor);
  for (int i = 0; i < 10'000 && table.calls() == 0; ++i) {
    tick.expires_after(std::chrono::milliseconds(1));
    co_await tick.async_wait(asio::use_awaitable);
  }
  REQUIRE(table.calls() > 0);
}

asio::awaitable<void> cancelled_commit_loses_nothing(client& db, flaky_table& table) {
  sink_config c = flaky_sink_config();
  c.batch.max_in_flight = 1;  // so that handing the step on waits for room, and is cancelled there
  sink s = co_await sink::open(db, std::move(c));
  for (int i = 0; i < 80; ++i) {
    const item row{{"id", "r" + std::to_string(i)}, {"n", i}};
    co_await s.write(row, +1);
  }
  // Cancelled once the first call has reached the table: every call takes write_delay, and
  // four are needed one after the other, so commit() is then waiting for room.
  using namespace asio::experimental::awaitable_operators;
  auto first = co_await (s.commit() || first_call_arrived(table));
  CHECK(first.index() == 1);  // commit() was cancelled half-way
  CHECK(table.store.size() < 80);
  table.write_delay = std::chrono::milliseconds(0);
  co_await s.commit();
  CHECK(table.store.size() == 80);
  co_await s.close();
}

asio::awaitable<void> step_semantics(client& db, flaky_table& table) {
  sink_config c = flaky_sink_config();
  sink s = co_await sink::open(db, std::move(c));
  const item kept{{"id", "kept"}, {"n", 1}, {"v", 1}};
  table.store[key{{"id", "kept"}, {"n", 1}}] = kept;
  // A row refused by write(item&&) is not taken.
  item refused{{"id", ""}, {"n", 1}, {"v", "payload that would be moved"}};
  const item before = refused;
  bool threw = false;
  try {
    co_await s.write(std::move(refused), +1);
  } catch (const error& e) {
    threw = e.code() == errc::invalid_argument;
  }
  CHECK(threw);
  CHECK(refused == before);
  // An insert and a delete of one row within a step net to nothing: no request at all.
  co_await s.write(kept, +1);
  co_await s.write(kept, -1);
  co_await s.commit();
  CHECK(table.calls() == 0);
  CHECK(table.store.size() == 1);
  CHECK(s.stats().rows_coalesced == 2);
  // Two different rows inserted for one key: a broken stream; the last one is put, and counted.
  const item first{{"id", "twice"}, {"n", 2}, {"v", "first"}}, last{{"id", "twice"}, {"n", 2}, {"v", "last"}};
  co_await s.write(first, +1);
  co_await s.write(last, +1);
  co_await s.close();
  CHECK(table.store.at(key{{"id", "twice"}, {"n", 2}}) == last);
  CHECK(s.stats().key_conflicts == 1);
  CHECK(s.stats().rows_upserted == 1);
  CHECK(s.stats().rows_coalesced == 3);
}

// Runs `body(db, table)` with a client on a flaky_table; returns the client's log lines.
std::vector<std::string> run_flaky(asio::awaitable<void> (*body)(client&, flaky_table&),
                                   std::chrono::milliseconds write_delay = std::chrono::milliseconds(0)) {
  asio::io_context ioc;
  flaky_table table;
  table.write_delay = write_delay;
  test::fake_endpoint ep(ioc.get_executor(), std::ref(table));
  std::vector<std::string> log;
  client db(ioc.get_executor(), logged_config(ep, log));
  test::run_coro(ioc, test::stop_when_done(ep, body(db, table)));
  CHECK(ep.failures().empty());
  CHECK_FALSE(log.empty());
  for (const std::string& line : log) CHECK_MESSAGE(line.starts_with("sink 'flaky-mirror': "), line);
  return log;
}

}  // namespace

TEST_CASE("sink under throttling, 500s and UnprocessedItems loses nothing") { run_flaky(stream_through_faults); }

TEST_CASE("sink reports the exact row that is never processed, and names itself in the log") {
  std::vector<std::string> log = run_flaky(poison_row_is_reported);
  bool logged = false;
  for (const std::string& line : log)
    if (line.find("sink 'flaky-mirror': commit wrote 30 of 31") != std::string::npos) logged = true;
  CHECK(logged);
}

namespace {

asio::awaitable<std::string> open_sequence(client& db, init_mode mode) {
  sink_config c = flaky_sink_config();
  c.init_mode = mode;
  try {
    sink s = co_await sink::open(db, std::move(c));
  } catch (const error& e) {
    co_return e.what();
  }
  co_return "opened";
}

// Plays `script` to open() in `mode`; returns "opened" or the error's message.
std::string play(std::vector<exchange> script, init_mode mode) {
  asio::io_context ioc;
  test::fake_endpoint ep(ioc.get_executor(), std::move(script));
  std::vector<std::string> log;
  client db(ioc.get_executor(), logged_config(ep, log));
  std::string result = test::run_coro(ioc, test::stop_when_done(ep, open_sequence(db, mode)));
  CHECK(ep.failures().empty());
  CHECK(ep.script_remaining() == 0);
  return result;
}

}  // namespace

TEST_CASE("sink open: the init modes' request sequences around tables in transition") {
  SUBCASE("replace waits for a table being created before deleting it") {
    CHECK(play({described("CREATING"), described("ACTIVE"), expect("DeleteTable"), not_found(), expect("CreateTable"),
                described("ACTIVE")},
               init_mode::replace) == "opened");
  }
  SUBCASE("create_if_not_exists lets a table being deleted go, then creates it") {
    CHECK(play({described("DELETING"), expect("DeleteTable", test::aws_error(400, "ResourceInUseException", "busy")),
                described("DELETING"), not_found(), expect("CreateTable"), described("CREATING"), described("ACTIVE")},
               init_mode::create_if_not_exists) == "opened");
  }
  SUBCASE("create_if_not_exists losing a creation race checks the winner's table") {
    CHECK(play({not_found(), expect("CreateTable", test::aws_error(400, "ResourceInUseException", "exists")),
                described("ACTIVE")},
               init_mode::create_if_not_exists) == "opened");
  }
  SUBCASE("existing waits for a table being created") {
    CHECK(play({described("CREATING"), described("ACTIVE")}, init_mode::existing) == "opened");
  }
  SUBCASE("existing refuses a table being deleted") {
    std::string why = play({described("DELETING")}, init_mode::existing);
    CHECK(why.find("sink 'flaky-mirror': table 'tbl' is being deleted") != std::string::npos);
  }
}

TEST_CASE("sink: a step is reconciled by net multiplicity; a key given two rows is logged") {
  std::vector<std::string> log = run_flaky(step_semantics);
  std::size_t warned = 0;
  for (const std::string& line : log)
    if (line.find("1 key got two or more different rows inserted in one step") != std::string::npos &&
        line.find("id=\"twice\", n=2") != std::string::npos)
      ++warned;
  CHECK(warned == 1);
}

TEST_CASE("sink: a cancelled commit loses nothing; the next commit writes the rest") {
  run_flaky(cancelled_commit_loses_nothing, std::chrono::milliseconds(100));
}
