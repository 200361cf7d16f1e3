// The batch writer against dynalite: final table contents after long mixed streams.

#include <dynasio/batch_writer.hpp>
#include <dynasio/client.hpp>
#include <dynasio/describe.hpp>
#include <dynasio/detail/protocol/json_reader.hpp>
#include <dynasio/error.hpp>

#include "integration.hpp"
#include "run_coro.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/describe/class.hpp>
#include <boost/json.hpp>
#include <doctest/doctest.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace asio = boost::asio;
namespace json = boost::json;
using namespace dynasio;
using dynasio::test::run_coro;

namespace {

// (pk, sk) -> v: what the table must hold.
using table_state = std::map<std::pair<std::string, long>, long>;

asio::awaitable<void> make_table(client& db, const std::string& name) {
  table_schema schema{name, key_attribute{"pk", key_type::S}, key_attribute{"sk", key_type::N}};
  co_await db.create_table(std::move(schema));
  co_await db.wait_until_table_exists(name);
}

asio::awaitable<std::vector<item>> scan_items(client& db, const std::string& name) {
  std::vector<item> got;
  std::optional<json::value> start;
  for (int page = 0; page < 100000; ++page) {
    json::object req;
    req["TableName"] = name;
    if (start) req["ExclusiveStartKey"] = *start;
    json::object reply = co_await db.call("Scan", std::move(req));
    for (const auto& v : reply.at("Items").as_array()) got.push_back(detail::read_item(v.as_object()));
    auto it = reply.find("LastEvaluatedKey");
    if (it == reply.end()) co_return got;
    start = it->value();
  }
  throw std::runtime_error("scan did not end");
}

asio::awaitable<table_state> scan_all(client& db, const std::string& name) {
  table_state got;
  const std::vector<item> rows = co_await scan_items(db, name);
  for (const item& row : rows)
    got[{row.at("pk").as_string(), std::stol(row.at("sk").as_number().text())}] =
        std::stol(row.at("v").as_number().text());
  co_return got;
}

// A stream of `ops` puts and deletes over a small key space with many immediate repeats; sort
// keys are sometimes spelled "3.0" to check that keys compare by numeric value.
struct mixed_stream {
  std::size_t ops;
  std::size_t keys;
  std::mt19937 rng{20261121};
  table_state want{};

  asio::awaitable<void> run(batch_writer& w) {
    std::string pk;
    long sk = 0;
    for (std::size_t i = 0; i < ops; ++i) {
      if (i == 0 || rng() % 10 >= 3) {  // 30 %: the same key as the previous request
        std::size_t k = rng() % keys;
        pk = "user-" + std::to_string(k / 5);
        sk = static_cast<long>(k % 5);
      }
      // No conditional expressions with temporaries in coroutines: GCC 12 mishandles them.
      attribute_value sk_value(sk);
      if (rng() % 4 == 0) sk_value = number(std::to_string(sk) + ".0");
      if (rng() % 4 == 0) {
        key k{{"pk", pk}, {"sk", sk_value}};
        co_await w.delete_item(std::move(k));
        want.erase({pk, sk});
      } else {
        item row{{"pk", pk}, {"sk", sk_value}, {"v", static_cast<long>(i)}, {"pad", "some payload text"}};
        co_await w.put_item(std::move(row));
        want[{pk, sk}] = static_cast<long>(i);
      }
    }
    co_await w.close();
  }
};

asio::awaitable<table_state> stream_then_scan(client& db, std::string name, mixed_stream& s, batch_options opts) {
  co_await make_table(db, name);
  batch_writer w(db, name, std::move(opts));
  co_await s.run(w);
  co_return co_await scan_all(db, name);
}

std::size_t stress_ops() {
  const char* v = std::getenv("DYNASIO_BATCH_STRESS_OPS");
  return v && *v ? static_cast<std::size_t>(std::stoul(v)) : 100000;
}

}  // namespace

TEST_CASE(
    "batch_writer (dynalite): 100 000 puts and deletes with overwrite_by_pkeys end in the last-writer-wins state") {
  asio::io_context ioc;
  client db(ioc.get_executor(), test::integration_config());
  mixed_stream s{stress_ops(), 2000};
  batch_options opts;
  opts.overwrite_by_pkeys = {"pk", "sk"};
  opts.max_in_flight = 8;
  auto got =
      run_coro(ioc, stream_then_scan(db, test::unique_table_name("batch-stress"), s, opts), std::chrono::minutes(5));
  MESSAGE("ops: ", s.ops, ", rows: ", got.size());
  CHECK(got.size() == s.want.size());
  CHECK(got == s.want);
}

TEST_CASE(
    "batch_writer (dynalite): without overwrite_by_pkeys, repeated keys go in later calls and the last one wins") {
  asio::io_context ioc;
  client db(ioc.get_executor(), test::integration_config());
  mixed_stream s{3000, 40};
  batch_options opts;
  opts.max_in_flight = 4;  // key names are learned with DescribeTable
  auto got = run_coro(ioc, stream_then_scan(db, test::unique_table_name("batch-dups"), s, opts));
  CHECK(got == s.want);
}

namespace {
asio::awaitable<void> poison_stream(client& db, std::string name, std::optional<batch_error>& caught) {
  co_await make_table(db, name);
  batch_options opts;
  opts.key_names = {"pk", "sk"};
  batch_writer w(db, name, opts);
  for (long i = 0; i < 60; ++i) {
    // Row 33's sort key is a string: DynamoDB rejects the whole call with a ValidationException.
    item row{{"pk", "p"}, {"sk", i}, {"v", i}};
    if (i == 33) row["sk"] = "not a number";
    co_await w.put_item(std::move(row));
  }
  try {
    co_await w.close();
  } catch (const batch_error& e) {
    caught = e;
  }
}
}  // namespace

TEST_CASE("batch_writer (dynalite): a request DynamoDB refuses is isolated and reported; the rest is written") {
  asio::io_context ioc;
  client_config cfg = test::integration_config();
  cfg.logger = test::guarded_logger([](log_level, std::string_view) {});
  client db(ioc.get_executor(), cfg);
  std::string name = test::unique_table_name("batch-poison");
  std::optional<batch_error> caught;
  run_coro(ioc, poison_stream(db, name, caught));
  REQUIRE(caught);
  REQUIRE(caught->unwritten().size() == 1);
  CHECK(caught->unwritten()[0].request.item.at("sk") == attribute_value("not a number"));
  CHECK(caught->unwritten()[0].code == service_errc::validation_exception);
  MESSAGE("service message: ", caught->unwritten()[0].message);
  // dynalite: "The provided key element does not match the schema"; DynamoDB: "... Type mismatch for key".
  const std::string& why = caught->unwritten()[0].message;
  CHECK((why.find("does not match the schema") != std::string::npos || why.find("mismatch") != std::string::npos));
  auto got = run_coro(ioc, scan_all(db, name));
  CHECK(got.size() == 59);
}

namespace orders {
// A row as a loader holds it: put_item(const T&) writes it without building an item.
struct order {
  std::string pk;
  long sk = 0;
  long v = 0;
  std::string note;
  std::optional<double> price;
  bool paid = false;
};
BOOST_DESCRIBE_STRUCT(order, (), (pk, sk, v, note, price, paid))
}  // namespace orders

namespace {
asio::awaitable<std::map<std::pair<std::string, long>, orders::order>> write_orders(client& db, std::string name,
                                                                                    std::size_t n) {
  co_await make_table(db, name);
  batch_options opts;  // no key names: the first put learns them with DescribeTable
  opts.max_in_flight = 4;
  batch_writer w(db, name, opts);
  for (std::size_t i = 0; i < n; ++i) {
    orders::order o;
    o.pk = "customer-" + std::to_string(i % 37);
    o.sk = static_cast<long>(i);
    o.v = static_cast<long>(i * 3);
    o.note = "é \"quoted\" \n line " + std::to_string(i);
    if (i % 2 == 0) o.price = static_cast<double>(i) / 8;
    o.paid = i % 3 == 0;
    co_await w.put_item(o);
  }
  co_await w.close();
  std::map<std::pair<std::string, long>, orders::order> got;
  const std::vector<item> rows = co_await scan_items(db, name);
  for (const item& row : rows) {
    auto o = from_item<orders::order>(row);
    got[{o.pk, o.sk}] = o;
  }
  co_return got;
}
}  // namespace

TEST_CASE("batch_writer (dynalite): described structs go in as written and read back equal with from_item") {
  asio::io_context ioc;
  client db(ioc.get_executor(), test::integration_config());
  constexpr std::size_t n = 1000;
  auto got = run_coro(ioc, write_orders(db, test::unique_table_name("batch-structs"), n));
  REQUIRE(got.size() == n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& o = got.at({"customer-" + std::to_string(i % 37), static_cast<long>(i)});
    CHECK(o.v == static_cast<long>(i * 3));
    CHECK(o.note == "é \"quoted\" \n line " + std::to_string(i));
    CHECK(o.price.has_value() == (i % 2 == 0));
    if (o.price) CHECK(*o.price == static_cast<double>(i) / 8);
    CHECK(o.paid == (i % 3 == 0));
  }
}
