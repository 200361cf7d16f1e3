// The batch writer against a scripted fake endpoint: a tiny in-memory "table" answers
// BatchWriteItem, and each test injects one kind of fault.

#include <dynasio/batch_writer.hpp>
#include <dynasio/client.hpp>
#include <dynasio/detail/protocol/json_writer.hpp>
#include <dynasio/error.hpp>

#include "fake_config.hpp"
#include "fake_endpoint.hpp"
#include "random_items.hpp"
#include "run_coro.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace json = boost::json;
using namespace dynasio;
using namespace std::chrono_literals;
using dynasio::test::exchange;
using dynasio::test::fake_endpoint;
using dynasio::test::recorded_request;
using dynasio::test::run_coro;
using dynasio::test::stop_when_done;
using sclock = std::chrono::steady_clock;

namespace {

// Items are {pk: S, v: N}; the fake table maps pk -> v text. It answers on the io_context thread.
struct fake_table {
  std::map<std::string, std::string> rows;
  // Which call (0-based) fails, and how; nullopt: the call goes through.
  std::function<std::optional<exchange>(std::size_t call, const std::vector<std::string>& pks)> fault;
  // Which request (0-based over all applied requests) comes back unprocessed.
  std::function<bool(std::size_t n, const std::string& pk)> unprocessed;
  std::chrono::milliseconds delay{0};
  std::size_t calls = 0;
  std::size_t applied = 0;
  std::size_t items_received = 0;
  std::size_t max_body = 0;
  std::set<std::string> in_flight;
  std::vector<std::string> overlaps;                             // keys seen in two calls in flight at once
  std::map<std::string, std::vector<sclock::time_point>> sends;  // per key, when each request arrived
  std::map<std::string, sclock::time_point> returned_at;         // per key, when it came back unprocessed
  std::vector<sclock::duration> resend_gaps;                     // from coming back to being sent again
  std::size_t max_calls_in_flight = 0;
  std::size_t calls_in_flight = 0;

  static std::string pk_of(const json::object& r) {
    const json::object& body = r.contains("PutRequest") ? r.at("PutRequest").at("Item").as_object()
                                                        : r.at("DeleteRequest").at("Key").as_object();
    return std::string(body.at("pk").at("S").as_string());
  }

  exchange handle(const recorded_request& req) {
    max_body = std::max(max_body, req.body.size());
    json::parse_options deep;  // items nest 32 levels of M and L, two JSON levels each
    deep.max_depth = 128;
    json::value body = json::parse(req.body, {}, deep);
    json::array requests = body.at("RequestItems").at("t").as_array();
    std::vector<std::string> pks;
    for (const auto& r : requests) {
      pks.push_back(pk_of(r.as_object()));
      sends[pks.back()].push_back(req.at);
      if (auto it = returned_at.find(pks.back()); it != returned_at.end()) {
        resend_gaps.push_back(req.at - it->second);
        returned_at.erase(it);
      }
      if (in_flight.contains(pks.back())) overlaps.push_back(pks.back());
    }
    items_received += pks.size();
    std::size_t call = calls++;
    if (fault)
      if (auto f = fault(call, pks)) return *f;
    for (const auto& pk : pks) in_flight.insert(pk);
    max_calls_in_flight = std::max(max_calls_in_flight, ++calls_in_flight);
    exchange e;
    e.delay = delay;
    e.body_fn = [this, requests, pks](const recorded_request&) {
      --calls_in_flight;
      json::array left;
      for (std::size_t i = 0; i < requests.size(); ++i) {
        in_flight.erase(pks[i]);
        const json::object& r = requests[i].as_object();
        if (unprocessed && unprocessed(applied++, pks[i])) {
          left.push_back(r);
          returned_at[pks[i]] = sclock::now();
          continue;
        }
        if (r.contains("PutRequest"))
          rows[pks[i]] = std::string(r.at("PutRequest").at("Item").at("v").at("N").as_string());
        else rows.erase(pks[i]);
      }
      json::object reply;
      json::object up;
      if (!left.empty()) up["t"] = std::move(left);
      reply["UnprocessedItems"] = std::move(up);
      return json::serialize(reply);
    };
    return e;
  }
};

client_config writer_config(const fake_endpoint& ep) {
  client_config c = test::fake_config(ep);
  c.retry.max_attempts = 2;
  return c;
}

batch_options fast_options() {
  batch_options o;
  o.key_names = {"pk"};
  o.base_delay = 2ms;
  o.max_delay = 20ms;
  return o;
}

// A fake table behind a fake endpoint, and a client for it, on one io_context.
struct harness {
  fake_table table;
  asio::io_context ioc;
  fake_endpoint ep;
  client db;

  explicit harness(const std::function<void(client_config&)>& tweak = {})
      : ep(ioc.get_executor(), [this](const recorded_request& r) { return table.handle(r); }),
        db(ioc.get_executor(), configured(ep, tweak)) {}

  static client_config configured(const fake_endpoint& ep, const std::function<void(client_config&)>& tweak) {
    client_config c = writer_config(ep);
    if (tweak) tweak(c);
    return c;
  }

  // Runs a test body, then stops the endpoint so that the io_context runs out of work.
  template <class T>
  T run(asio::awaitable<T> body) {
    return run_coro(ioc, stop_when_done(ep, std::move(body)));
  }
};

item row(const std::string& pk, int v) { return item{{"pk", pk}, {"v", v}}; }

// Writes `ops` (a put of v = index, or a delete every `del_every`) and returns the expected rows.
std::map<std::string, std::string> expected_after(std::size_t ops, std::size_t keys, std::size_t del_every) {
  std::map<std::string, std::string> want;
  for (std::size_t i = 0; i < ops; ++i) {
    std::string pk = "k" + std::to_string(i * 7 % keys);
    if (del_every && i % del_every == 0) want.erase(pk);
    else want[pk] = std::to_string(i);
  }
  return want;
}

asio::awaitable<void> write_ops(batch_writer& w, std::size_t ops, std::size_t keys, std::size_t del_every) {
  for (std::size_t i = 0; i < ops; ++i) {
    std::string pk = "k" + std::to_string(i * 7 % keys);
    // Built before the co_await: GCC 12 loses initializer_list temporaries across a suspension.
    if (del_every && i % del_every == 0) {
      key k{{"pk", pk}};
      co_await w.delete_item(std::move(k));
    } else {
      co_await w.put_item(row(pk, static_cast<int>(i)));
    }
  }
}

asio::awaitable<void> write_and_close(batch_writer& w, std::size_t ops, std::size_t keys, std::size_t del_every) {
  co_await write_ops(w, ops, keys, del_every);
  co_await w.close();
}

// Runs `ops` writes through a writer against the harness' table; returns the writer's stats.
batch_stats run_against(harness& h, batch_options opts, std::size_t ops, std::size_t keys, std::size_t del_every) {
  batch_writer w(h.db, "t", std::move(opts));
  h.run(write_and_close(w, ops, keys, del_every));
  CHECK(h.ep.failures().empty());
  return w.stats();
}

}  // namespace

TEST_CASE("batch_writer (fake): 30% unprocessed per call are re-sent with bounded backoff, nothing lost") {
  harness h;
  fake_table& table = h.table;
  table.unprocessed = [](std::size_t n, const std::string&) { return n % 10 < 3; };
  auto opts = fast_options();
  opts.on_exit_loop_sleep = 5ms;
  opts.max_in_flight = 3;
  opts.max_request_attempts = 50;
  auto stats = run_against(h, opts, 2000, 300, 5);
  CHECK(table.rows == expected_after(2000, 300, 5));
  CHECK(table.overlaps.empty());
  CHECK(stats.unprocessed_resent > 0);
  CHECK(stats.failed == 0);
  // A request that came back unprocessed is sent again after at least on_exit_loop_sleep and at
  // most max_delay (plus slack for a free call slot), never at once and never forever.
  CHECK(table.resend_gaps.size() == stats.unprocessed_resent);
  for (auto gap : table.resend_gaps) {
    CHECK(gap >= opts.on_exit_loop_sleep);
    CHECK(gap <= opts.max_delay + 500ms);
  }
}

TEST_CASE("batch_writer (fake): whole-call throttling, 500s and dropped connections are retried, nothing lost") {
  harness h;
  fake_table& table = h.table;
  table.fault = [](std::size_t call, const std::vector<std::string>&) -> std::optional<exchange> {
    switch (call % 7) {
      case 1:
        return dynasio::test::aws_error(400, "ThrottlingException", "Rate of requests exceeds the allowed throughput.");
      case 3: return dynasio::test::aws_error(500, "InternalServerError", "Internal server error");
      case 5: {
        exchange e;
        e.act = exchange::action::close_after_read;
        return e;
      }
      default: return std::nullopt;
    }
  };
  auto opts = fast_options();
  opts.max_in_flight = 4;
  auto stats = run_against(h, opts, 3000, 500, 4);
  CHECK(table.rows == expected_after(3000, 500, 4));
  CHECK(table.overlaps.empty());
  CHECK(stats.throttles > 0);
  CHECK(stats.retries > 0);
  CHECK(stats.failed == 0);
}

TEST_CASE("batch_writer (fake): pipelined calls never carry one key twice, and per-key order holds") {
  harness h;
  fake_table& table = h.table;
  table.delay = 3ms;
  table.unprocessed = [](std::size_t n, const std::string&) { return n % 5 == 0; };
  auto opts = fast_options();
  opts.max_in_flight = 8;
  opts.flush_amount = 5;
  opts.max_request_attempts = 50;
  // Few keys, many writes each: the same key is always due again while a call carries it.
  auto stats = run_against(h, opts, 1500, 12, 6);
  CHECK(table.overlaps.empty());
  CHECK(table.rows == expected_after(1500, 12, 6));
  CHECK(table.max_calls_in_flight > 1);
  CHECK(table.max_calls_in_flight <= 8);
  CHECK(stats.failed == 0);
}

TEST_CASE("batch_writer (fake): overwrite_by_pkeys sends only the newest request per buffered key") {
  harness h;
  fake_table& table = h.table;
  auto opts = fast_options();
  opts.key_names.clear();
  opts.overwrite_by_pkeys = {"pk"};
  opts.max_in_flight = 1;
  auto stats = run_against(h, opts, 1000, 10, 3);
  CHECK(table.rows == expected_after(1000, 10, 3));
  CHECK(stats.superseded > 0);
  CHECK(stats.items_written + stats.superseded == 1000);
}

namespace {
asio::awaitable<void> poison_run(batch_writer& w, std::optional<batch_error>& caught) {
  for (int i = 0; i < 40; ++i) {
    // Not inside the co_await: GCC 12 destroys a conditional's temporaries there twice.
    item r = row(i == 17 ? "poison" : "p" + std::to_string(i), i);
    co_await w.put_item(std::move(r));
  }
  try {
    co_await w.close();
  } catch (const batch_error& e) {
    caught = e;
  }
}
}  // namespace

TEST_CASE("batch_writer (fake): a poison request is isolated by splitting, the rest is written") {
  harness h;
  fake_table& table = h.table;
  const std::string msg = "One or more parameter values were invalid: Type mismatch for key pk expected: N actual: S";
  table.fault = [&](std::size_t, const std::vector<std::string>& pks) -> std::optional<exchange> {
    for (const auto& pk : pks)
      if (pk == "poison") return dynasio::test::aws_error(400, "ValidationException", msg);
    return std::nullopt;
  };
  batch_writer w(h.db, "t", fast_options());
  std::optional<batch_error> caught;
  h.run(poison_run(w, caught));
  REQUIRE(caught);
  REQUIRE(caught->unwritten().size() == 1);
  CHECK(caught->unwritten()[0].request == write_request{write_request::kind::put, row("poison", 17)});
  CHECK(caught->unwritten()[0].code == service_errc::validation_exception);
  CHECK(caught->unwritten()[0].message == msg);
  CHECK(table.rows.size() == 39);
  CHECK(w.stats().failed == 1);
}

namespace {
asio::awaitable<void> budget_run(batch_writer& w, std::vector<write_request>& given,
                                 std::optional<batch_error>& caught) {
  for (int i = 0; i < 30; ++i) {
    given.push_back(write_request{write_request::kind::put, row("b" + std::to_string(i), i)});
    co_await w.put_item(given.back().item);
  }
  given.push_back(write_request{write_request::kind::del, key{{"pk", "b3"}}});
  co_await w.delete_item(given.back().item);
  try {
    co_await w.flush();
  } catch (const batch_error& e) {
    caught = e;
  }
}
}  // namespace

TEST_CASE("batch_writer (fake): past the attempt budget, batch_error holds exactly the unwritten requests") {
  harness h;
  fake_table& table = h.table;
  // Every third key is never processed; the rest goes through.
  table.unprocessed = [](std::size_t, const std::string& pk) { return std::stoi(pk.substr(1)) % 3 == 0; };
  auto opts = fast_options();
  opts.max_request_attempts = 3;
  // Paced, the keys left alone in their calls are waited for retry_budget (the table takes
  // nothing of those calls): this test is about the attempt count.
  opts.pace = false;
  batch_writer w(h.db, "t", opts);
  std::vector<write_request> given;
  std::optional<batch_error> caught;
  const auto start = sclock::now();
  h.run(budget_run(w, given, caught));
  REQUIRE(caught);
  CHECK(caught->code() == errc::batch_incomplete);
  std::vector<write_request> want;
  for (const auto& r : given)
    if (std::stoi(r.item.at("pk").as_string().substr(1)) % 3 == 0) want.push_back(r);
  std::vector<write_request> got;
  for (const auto& f : caught->unwritten()) got.push_back(f.request);
  CHECK(got == want);
  // b3's delete waited behind its put, which failed; the delete then had its own attempts.
  for (const auto& f : caught->unwritten()) CHECK(f.message.find("UnprocessedItems") != std::string::npos);
  CHECK(table.sends["b0"].size() == 4);  // first send + 3 re-sends
  CHECK(sclock::now() - start < 5s);
  // The writer is usable again once the failure has been reported.
  CHECK(w.stats().failed == want.size());
}

namespace {
asio::awaitable<void> fail_run(batch_writer& w, std::optional<batch_error>& caught) {
  for (int i = 0; i < 10; ++i) co_await w.put_item(row("f" + std::to_string(i), i));
  try {
    co_await w.close();
  } catch (const batch_error& e) {
    caught = e;
  }
}
}  // namespace

TEST_CASE("batch_writer (fake): a call failing for good hands every one of its requests back") {
  harness h;
  fake_table& table = h.table;
  table.fault = [](std::size_t, const std::vector<std::string>&) -> std::optional<exchange> {
    return dynasio::test::aws_error(400, "ResourceNotFoundException", "Requested resource not found");
  };
  batch_writer w(h.db, "t", fast_options());
  std::optional<batch_error> caught;
  h.run(fail_run(w, caught));
  REQUIRE(caught);
  REQUIRE(caught->unwritten().size() == 10);
  for (int i = 0; i < 10; ++i) {
    CHECK(caught->unwritten()[i].request.item == row("f" + std::to_string(i), i));
    CHECK(caught->unwritten()[i].code == service_errc::resource_not_found);
  }
}

TEST_CASE("batch_writer (fake): a failed put hands back its item as given, read back from the wire, every type") {
  // A put's item is kept only as its wire text: what batch_error hands back is read from it.
  // It must be the item given, to the text of each number and the order of each set.
  harness h;
  h.table.fault = [](std::size_t, const std::vector<std::string>&) -> std::optional<exchange> {
    return dynasio::test::aws_error(400, "ResourceNotFoundException", "Requested resource not found");
  };
  batch_options opts = fast_options();
  opts.flush_amount = 7;
  batch_writer w(h.db, "t", opts);
  dynasio::test::random_items gen(2026);
  std::vector<item> given;
  for (int i = 0; i < 300; ++i) {
    item it = gen.map(3);
    it["pk"] = "r" + std::to_string(i);
    it["ss"] = string_set{"b", "a", "c"};
    it["ns"] = number_set{number("10"), number("1.50"), number("-0.0")};
    given.push_back(it);
  }
  // Every call fails for good, so later puts report the earlier failures (and are not taken).
  std::vector<failed_request> back;
  std::vector<item> taken;
  h.run([&]() -> asio::awaitable<void> {
    for (const item& it : given) {
      try {
        co_await w.put_item(it);
        taken.push_back(it);
      } catch (const batch_error& e) {
        back.insert(back.end(), e.unwritten().begin(), e.unwritten().end());
      } catch (const error& e) {
        REQUIRE(e.code() == errc::invalid_argument);  // random_items may make an item DynamoDB refuses
      }
    }
    try {
      co_await w.close();
    } catch (const batch_error& e) {
      back.insert(back.end(), e.unwritten().begin(), e.unwritten().end());
    }
  }());
  CHECK(taken.size() > 200);
  REQUIRE(back.size() == taken.size());
  // Each report lists its failures in the order given, but calls complete in any order: the
  // rows are matched by key.
  std::map<std::string, const item*> by_key;
  for (const item& it : taken) by_key.emplace(it.at("pk").as_string(), &it);
  REQUIRE(by_key.size() == taken.size());
  for (const failed_request& f : back) {
    const item& got = f.request.item;
    const std::string pk = got.at("pk").as_string();
    CAPTURE(pk);
    auto it = by_key.find(pk);
    REQUIRE(it != by_key.end());
    const item& want = *it->second;
    by_key.erase(it);  // each row once
    CHECK(got == want);
    std::string want_text, got_text;
    dynasio::detail::write_item(want_text, want);
    dynasio::detail::write_item(got_text, got);
    CHECK(got_text == want_text);
  }
}

TEST_CASE("batch_writer (fake): a failed put as deep as DynamoDB allows is handed back (its JSON read back)") {
  // 32 levels of M: the request's JSON is 70 levels deep, past Boost.JSON's default limit.
  harness h;
  h.table.fault = [](std::size_t, const std::vector<std::string>&) -> std::optional<exchange> {
    return dynasio::test::aws_error(400, "ResourceNotFoundException", "Requested resource not found");
  };
  batch_writer w(h.db, "t", fast_options());
  attribute_value deep = 1;
  for (int i = 0; i < 32; ++i) deep = item{{"m", deep}};
  std::vector<item> given;
  for (int i = 0; i < 3; ++i) given.push_back(item{{"pk", "d" + std::to_string(i)}, {"doc", deep}});
  std::optional<batch_error> caught;
  h.run([&]() -> asio::awaitable<void> {
    for (const item& it : given) co_await w.put_item(it);
    try {
      co_await w.close();
    } catch (const batch_error& e) {
      caught = e;
    }
  }());
  REQUIRE(caught);
  REQUIRE(caught->unwritten().size() == given.size());
  for (std::size_t i = 0; i < given.size(); ++i) {
    CHECK(caught->unwritten()[i].request.item == given[i]);
    CHECK(caught->unwritten()[i].code == service_errc::resource_not_found);
  }
}

TEST_CASE("batch_writer (fake): persistent throttling ends in batch_error within the retry budget") {
  harness h;
  fake_table& table = h.table;
  table.fault = [](std::size_t, const std::vector<std::string>&) -> std::optional<exchange> {
    return dynasio::test::aws_error(400, "ProvisionedThroughputExceededException", "slow down");
  };
  auto opts = fast_options();
  opts.retry_budget = 300ms;
  opts.max_request_attempts = 1000;
  batch_writer w(h.db, "t", opts);
  std::optional<batch_error> caught;
  auto start = sclock::now();
  h.run(fail_run(w, caught));
  auto took = sclock::now() - start;
  REQUIRE(caught);
  CHECK(caught->unwritten().size() == 10);
  CHECK(caught->unwritten()[0].code == service_errc::provisioned_throughput_exceeded);
  CHECK(took >= 300ms);
  CHECK(took < 300ms + opts.max_delay + 1s);
  CHECK(w.stats().throttles > 0);
}

namespace {
asio::awaitable<void> big_run(batch_writer& w) {
  // A string of control characters is stored as 1 byte each but travels as 6 ("\u0001"):
  // 300 KB items are 1.8 MB on the wire, and 25 of them would exceed 16 MB.
  for (int i = 0; i < 20; ++i) {
    item big{{"pk", "big" + std::to_string(i)}, {"v", i}, {"s", std::string(300 * 1024, '\x01')}};
    co_await w.put_item(std::move(big));
  }
  co_await w.close();
}
}  // namespace

TEST_CASE("batch_writer (fake): a call never exceeds 16 MB") {
  harness h;
  fake_table& table = h.table;
  batch_writer w(h.db, "t", fast_options());
  h.run(big_run(w));
  CHECK(table.rows.size() == 20);
  CHECK(table.max_body <= 16u * 1024 * 1024);
  CHECK(table.calls >= 3);
}

namespace {
asio::awaitable<void> pressure_run(batch_writer& w, fake_table& table, std::size_t& worst_backlog) {
  for (std::size_t i = 0; i < 400; ++i) {
    co_await w.put_item(row("q" + std::to_string(i), static_cast<int>(i)));
    worst_backlog = std::max(worst_backlog, i + 1 - table.items_received);
  }
  co_await w.close();
}
}  // namespace

TEST_CASE("batch_writer (fake): put_item suspends when max_in_flight calls are out and the buffer is full") {
  harness h;
  fake_table& table = h.table;
  table.delay = 5ms;
  auto opts = fast_options();
  opts.flush_amount = 10;
  opts.max_in_flight = 2;
  batch_writer w(h.db, "t", opts);
  std::size_t worst_backlog = 0;
  h.run(pressure_run(w, table, worst_backlog));
  CHECK(table.rows.size() == 400);
  CHECK(table.max_calls_in_flight <= 2);
  // Accepted but not yet received by the endpoint: the buffer plus the calls being sent.
  CHECK(worst_backlog <= opts.flush_amount * (opts.max_in_flight + 1));
}

namespace {
asio::awaitable<void> metrics_run(batch_writer& w) {
  for (int i = 0; i < 60; ++i) co_await w.put_item(row("m" + std::to_string(i), i));
  co_await w.close();
}
}  // namespace

TEST_CASE("batch_writer (fake): on_flush reports each call; stats() adds them up") {
  harness h;
  fake_table& table = h.table;
  table.unprocessed = [](std::size_t n, const std::string&) { return n == 3; };
  auto opts = fast_options();
  std::vector<batch_metrics> seen;
  opts.on_flush = [&](const batch_metrics& m) { seen.push_back(m); };
  batch_writer w(h.db, "t", opts);
  h.run(metrics_run(w));
  REQUIRE(seen.size() == 4);  // 25 + 25 + 10, and the one unprocessed request again
  std::size_t items = 0, unprocessed = 0;
  for (const auto& m : seen) {
    items += m.items;
    unprocessed += m.unprocessed;
    CHECK(m.latency.count() > 0);
  }
  CHECK(items == 61);
  CHECK(unprocessed == 1);
  auto s = w.stats();
  CHECK(s.requests_sent == 4);
  CHECK(s.items_written == 60);
  CHECK(s.unprocessed_resent == 1);
}

namespace {
asio::awaitable<void> leave_unsent(batch_writer& w) {
  co_await w.put_item(row("x", 1));
  key y{{"pk", "y"}};
  co_await w.delete_item(std::move(y));
}
}  // namespace

TEST_CASE("batch_writer (fake): destroying a writer holding requests reports them and sends nothing") {
  std::vector<std::string> logged;
  harness h([&](client_config& cfg) {
    cfg.logger = [&](log_level level, std::string_view m) {
      if (level == log_level::error) logged.emplace_back(m);
    };
  });
  fake_table& table = h.table;
  std::vector<write_request> handed_back;
  {
    auto opts = fast_options();
    opts.on_abandoned = [&](std::vector<write_request> r) { handed_back = std::move(r); };
    batch_writer w(h.db, "t", opts);
    h.run(leave_unsent(w));
  }
  REQUIRE(handed_back.size() == 2);
  CHECK(handed_back[0] == write_request{write_request::kind::put, row("x", 1)});
  CHECK(handed_back[1] == write_request{write_request::kind::del, key{{"pk", "y"}}});
  {
    batch_writer w(h.db, "t", fast_options());
    h.run(leave_unsent(w));
  }
  REQUIRE(logged.size() == 1);
  CHECK(logged[0].find("destroyed without close()") != std::string::npos);
  CHECK(logged[0].find("2 request(s)") != std::string::npos);
  h.ioc.restart();
  h.ioc.run_for(50ms);
  CHECK(table.calls == 0);
}

namespace {
const char* const refusal_parts[] = {"key attribute 'pk'", "hashkey", "maximum allowed size", "exactly the key"};

// The part of an invalid_argument message a test looks for, or what went wrong instead.
asio::awaitable<std::string> refusal(asio::awaitable<void> op) {
  try {
    co_await std::move(op);
  } catch (const error& e) {
    if (e.code() != errc::invalid_argument) co_return std::string("wrong code: ") + e.what();
    std::string what = e.what();
    for (const char* part : refusal_parts)
      if (what.find(part) != std::string::npos) co_return part;
    co_return "unexpected message: " + what;
  }
  co_return "not refused";
}

asio::awaitable<void> misuse(batch_writer& w) {
  co_await w.put_item(row("a", 1));
  item no_key{{"v", 1}};
  CHECK(co_await refusal(w.put_item(no_key)) == "key attribute 'pk'");
  item long_key{{"pk", std::string(2049, 'x')}};
  CHECK(co_await refusal(w.put_item(long_key)) == "hashkey");
  item huge{{"pk", "a"}, {"s", std::string(401 * 1024, 'x')}};
  CHECK(co_await refusal(w.put_item(huge)) == "maximum allowed size");
  key not_a_key{{"pk", "a"}, {"v", 1}};
  CHECK(co_await refusal(w.delete_item(not_a_key)) == "exactly the key");
  co_await w.close();
  try {
    co_await w.put_item(row("b", 2));
    FAIL("put_item after close() did not throw");
  } catch (const error& e) {
    CHECK(e.code() == errc::closed);
  }
}
}  // namespace

TEST_CASE("batch_writer (fake): bad items are refused when added; writing after close() is an error") {
  harness h;
  fake_table& table = h.table;
  batch_writer w(h.db, "t", fast_options());
  h.run(misuse(w));
  CHECK(table.rows.size() == 1);
  for (std::size_t bad : {0u, 26u}) {
    batch_options o;
    o.flush_amount = bad;
    CHECK_THROWS_WITH_AS(batch_writer(h.db, "t", o), doctest::Contains("flush_amount must be 1..25"), error);
  }
}

namespace {
asio::awaitable<void> cancel_run(batch_writer& w, sclock::duration& waited) {
  using namespace boost::asio::experimental::awaitable_operators;
  co_await w.put_item(row("c1", 1));  // sent at once (flush_amount 1)
  asio::steady_timer timer(co_await asio::this_coro::executor, 30ms);
  auto start = sclock::now();
  item second = row("c2", 2);
  // Buffered, then waits for the only call slot: the timer wins and cancels the wait.
  auto first_done = co_await (w.put_item(std::move(second)) || timer.async_wait(asio::use_awaitable));
  waited = sclock::now() - start;
  CHECK(first_done.index() == 1);
  co_await w.close();
}
}  // namespace

TEST_CASE("batch_writer (fake): a put_item waiting for room can be cancelled; its item stays buffered") {
  harness h;
  fake_table& table = h.table;
  table.delay = 400ms;
  auto opts = fast_options();
  opts.flush_amount = 1;
  opts.max_in_flight = 1;
  batch_writer w(h.db, "t", opts);
  sclock::duration waited{};
  h.run(cancel_run(w, waited));
  CHECK(waited < 300ms);
  CHECK(table.rows.size() == 2);
}
