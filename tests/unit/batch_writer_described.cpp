// put_item() of described structs: the JSON written straight from the members is the item
// to_item() builds, errors and their messages are the item path's, and a batch_error or
// on_abandoned hands back that item.

#include <dynasio/batch_writer.hpp>
#include <dynasio/client.hpp>
#include <dynasio/describe.hpp>
#include <dynasio/detail/described_wire.hpp>
#include <dynasio/detail/protocol/json_reader.hpp>
#include <dynasio/error.hpp>

#include "fake_config.hpp"
#include "fake_endpoint.hpp"
#include "random_items.hpp"
#include "run_coro.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/describe/class.hpp>
#include <boost/json.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
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

namespace flat {
// Every member kind the writer writes itself.
struct row {
  std::string pk;
  std::string s;
  number n;
  std::int8_t i8 = 0;
  std::uint16_t u16 = 0;
  std::int32_t i32 = 0;
  std::int64_t i64 = 0;
  std::uint64_t u64 = 0;
  float f = 0;
  double d = 0;
  bool b = false;
  std::optional<std::string> os;
  std::optional<std::int64_t> oi;
  std::optional<double> od;
  std::optional<bool> ob;
  std::uint8_t u8 = 0;
  long l = 0;
  std::optional<float> of;
  std::optional<number> on;
};
BOOST_DESCRIBE_STRUCT(row, (), (pk, s, n, i8, u16, i32, i64, u64, f, d, b, os, oi, od, ob, u8, l, of, on))

// A key that may be missing.
struct maybe_key {
  std::optional<std::string> pk;
  int v = 0;
};
BOOST_DESCRIBE_STRUCT(maybe_key, (), (pk, v))

// Not written by the struct writer: a list member goes through to_item(). Declared out of
// name order, so the request's JSON tells which way it went (to_item() writes names in order).
struct listed {
  std::vector<int> values;
  std::string pk;
};
BOOST_DESCRIBE_STRUCT(listed, (), (values, pk))
}  // namespace flat

static_assert(detail::wire_struct<flat::row>);
static_assert(detail::wire_struct<flat::maybe_key>);
static_assert(!detail::wire_struct<flat::listed>);
static_assert(!detail::wire_struct<item>);

namespace {

flat::row random_row(test::random_items& r, int i) {
  flat::row x;
  x.pk = "k" + std::to_string(i);
  x.s = r.utf8_string(30);
  x.n = r.num();
  x.i8 = static_cast<std::int8_t>(r.uniform(-128, 127));
  x.u16 = static_cast<std::uint16_t>(r.uniform(0, 65535));
  x.i32 = r.uniform(std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
  const std::int64_t i64s[] = {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(), -1,
                               0, static_cast<std::int64_t>(r.uniform(-1000000, 1000000)) * 1000003};
  x.i64 = i64s[r.uniform(0, 4)];
  x.u64 =
      r.uniform(0, 1) ? std::numeric_limits<std::uint64_t>::max() : static_cast<std::uint64_t>(r.uniform(0, 1 << 30));
  x.f = static_cast<float>(r.uniform(-100000, 100000)) / 7.0f;
  x.d = r.uniform(0, 1) ? 1.0 / static_cast<double>(r.uniform(1, 1000)) : -1.5e120;
  x.b = r.uniform(0, 1) == 1;
  if (r.uniform(0, 1)) x.os = r.utf8_string(8);
  if (r.uniform(0, 1)) x.oi = r.uniform(-5, 5);
  if (r.uniform(0, 1)) x.od = 0.25;
  if (r.uniform(0, 1)) x.ob = false;
  x.u8 = static_cast<std::uint8_t>(r.uniform(0, 255));
  x.l = static_cast<long>(r.uniform(-1000, 1000)) * 1000000007L;
  if (r.uniform(0, 1)) x.of = static_cast<float>(r.uniform(1, 1000)) / 3.0f;
  if (r.uniform(0, 1)) x.on = r.num();
  return x;
}

// The item of a put request's JSON (`{"PutRequest":{"Item":{...}}}`).
item read_back(const std::string& text) {
  return detail::read_item(json::parse(text).at("PutRequest").at("Item").as_object());
}

}  // namespace

TEST_CASE("described wire: a flat struct's put request reads back as the item to_item() builds") {
  test::random_items r(20261202);
  for (int i = 0; i < 3000; ++i) {
    const flat::row x = random_row(r, i);
    for (bool nullopt_as_null : {false, true}) {
      std::string out = "prefix:";
      detail::write_wire_put(out, x, nullopt_as_null);
      REQUIRE(out.starts_with("prefix:"));
      item_options o;
      o.nullopt_as_null = nullopt_as_null;
      CHECK(read_back(out.substr(7)) == to_item(x, o));
      // The key members read as to_item() maps them.
      attribute_value k;
      REQUIRE(detail::wire_struct_member(x, "pk", nullopt_as_null, k));
      CHECK(k == to_item(x, o).at("pk"));
      // Over a value that holds a string already (a reused slot's key): assigned in place.
      attribute_value held("a previous key, long enough that its string lives on the heap");
      REQUIRE(detail::wire_struct_member(x, "pk", nullopt_as_null, held));
      CHECK(held == k);
      attribute_value number_held(42);
      REQUIRE(detail::wire_struct_member(x, "pk", nullopt_as_null, number_held));
      CHECK(number_held == k);
      attribute_value oi;
      CHECK(detail::wire_struct_member(x, "oi", nullopt_as_null, oi) == (x.oi.has_value() || nullopt_as_null));
      if (x.oi) CHECK(oi == attribute_value(*x.oi));
      else if (nullopt_as_null) CHECK(oi.is_null());
      CHECK_FALSE(detail::wire_struct_member(x, "nope", nullopt_as_null, oi));
    }
  }
}

TEST_CASE("described wire: invalid UTF-8 and NaN are refused by the writer, leaving no partial text") {
  flat::row x;
  x.pk = "a";
  x.s = "ok\xC0\xAF";
  std::string out = "keep";
  CHECK_THROWS_AS(detail::write_wire_put(out, x, false), error);
  CHECK(out == "keep");
  x.s = "fine";
  x.d = std::nan("");
  CHECK_THROWS_AS(detail::write_wire_put(out, x, false), error);
  CHECK(out == "keep");
}

namespace {

// Answers BatchWriteItem and keeps every item received; a put whose pk is "poison" is refused.
struct recording_table {
  std::vector<item> received;
  std::vector<std::string> bodies;
  std::size_t calls = 0;

  exchange handle(const recorded_request& req) {
    ++calls;
    bodies.push_back(req.body);
    json::value body = json::parse(req.body);
    bool poison = false;
    for (const auto& r : body.at("RequestItems").at("t").as_array()) {
      item it = detail::read_item(r.at("PutRequest").at("Item").as_object());
      if (it.at("pk") == attribute_value("poison")) poison = true;
      received.push_back(std::move(it));
    }
    if (poison) return test::aws_error(400, "ValidationException", "poisoned");
    exchange e;
    e.body = R"({"UnprocessedItems":{}})";
    return e;
  }
};

struct harness {
  recording_table table;
  asio::io_context ioc;
  fake_endpoint ep;
  client db;

  harness()
      : ep(ioc.get_executor(), [this](const recorded_request& r) { return table.handle(r); }),
        db(ioc.get_executor(), test::fake_config(ep)) {}

  template <class T>
  T run(asio::awaitable<T> body) {
    return run_coro(ioc, stop_when_done(ep, std::move(body)));
  }
};

batch_options options() {
  batch_options o;
  o.key_names = {"pk"};
  o.base_delay = 2ms;
  o.max_delay = 10ms;
  return o;
}

asio::awaitable<void> write_rows(batch_writer& w, const std::vector<flat::row>& rows) {
  for (const auto& x : rows) co_await w.put_item(x);
  co_await w.close();
}

// The message a put throws, or "" when it does not.
asio::awaitable<std::string> refusal(asio::awaitable<void> op) {
  try {
    co_await std::move(op);
  } catch (const error& e) {
    co_return std::string(e.what());
  }
  co_return std::string();
}

}  // namespace

TEST_CASE("batch_writer (fake): described structs are written as their to_item() items") {
  harness h;
  test::random_items r(7);
  std::vector<flat::row> rows;
  for (int i = 0; i < 300; ++i) rows.push_back(random_row(r, i));
  batch_writer w(h.db, "t", options());
  h.run(write_rows(w, rows));
  REQUIRE(h.table.received.size() == rows.size());
  // Calls may be answered out of order: match by key.
  std::map<std::string, item> by_key;
  for (const auto& it : h.table.received) by_key[it.at("pk").as_string()] = it;
  REQUIRE(by_key.size() == rows.size());
  for (const auto& x : rows) CHECK(by_key[x.pk] == to_item(x));
  CHECK(w.stats().items_written == rows.size());
  // Written from the members, in declaration order ("pk", "s", ...); an item would have been
  // written in name order ("b", "d", ...).
  for (const auto& body : h.table.bodies) CHECK(body.find("{\"PutRequest\":{\"Item\":{\"b\":") == std::string::npos);
  CHECK(h.table.bodies.front().find("{\"PutRequest\":{\"Item\":{\"pk\":{\"S\":\"k0\"},\"s\":") != std::string::npos);
}

namespace {
asio::awaitable<void> write_listed(batch_writer& w) {
  flat::listed x;
  x.pk = "l";
  x.values = {1, 2, 3};
  co_await w.put_item(x);
  co_await w.close();
}

asio::awaitable<void> write_with_options(batch_writer& w) {
  flat::row x;
  x.pk = "m";
  item_options o;
  o.nullopt_as_null = true;
  co_await w.put_item(x, o);
  co_await w.close();
}
}  // namespace

TEST_CASE("batch_writer (fake): a struct the writer does not write itself goes through to_item()") {
  harness h;
  batch_writer w(h.db, "t", options());
  h.run(write_listed(w));
  REQUIRE(h.table.received.size() == 1);
  flat::listed x;
  x.pk = "l";
  x.values = {1, 2, 3};
  CHECK(h.table.received[0] == to_item(x));
  CHECK(h.table.bodies[0].find("\"Item\":{\"pk\":{\"S\":\"l\"},\"values\":") != std::string::npos);
}

TEST_CASE("batch_writer (fake): item_options reach the struct writer (empty optionals as NULL)") {
  harness h;
  batch_writer w(h.db, "t", options());
  h.run(write_with_options(w));
  REQUIRE(h.table.received.size() == 1);
  flat::row x;
  x.pk = "m";
  item_options o;
  o.nullopt_as_null = true;
  CHECK(h.table.received[0] == to_item(x, o));
  CHECK(h.table.received[0].at("os").is_null());
  CHECK(h.table.bodies[0].find("\"Item\":{\"pk\":{\"S\":\"m\"},") != std::string::npos);
}

namespace {
// Each bad struct is refused with the message its to_item() item gets; nothing is sent.
asio::awaitable<void> compare_refusals(batch_writer& w, std::vector<std::pair<std::string, std::string>>& got) {
  flat::row bad_utf8;
  bad_utf8.pk = "a";
  bad_utf8.s = "x\xED\xA0\x80y";  // a surrogate
  flat::row long_key;
  long_key.pk = std::string(2049, 'k');
  flat::row huge;
  huge.pk = "h";
  huge.s = std::string(401 * 1024, 'x');
  flat::row bad_key_utf8;
  bad_key_utf8.pk = "\xFF";
  flat::row empty_key;
  // A named vector: GCC 12 mishandles a braced list's array across a suspension.
  const std::vector<const flat::row*> bad{&bad_utf8, &long_key, &huge, &bad_key_utf8, &empty_key};
  for (const flat::row* x : bad) {
    std::string direct = co_await refusal(w.put_item(*x));
    std::string via_item = co_await refusal(w.put_item(to_item(*x)));
    got.emplace_back(std::move(direct), std::move(via_item));
  }
  flat::maybe_key no_key;
  std::string direct = co_await refusal(w.put_item(no_key));
  std::string via_item = co_await refusal(w.put_item(to_item(no_key)));
  got.emplace_back(std::move(direct), std::move(via_item));
  item_options o;
  o.nullopt_as_null = true;
  direct = co_await refusal(w.put_item(no_key, o));
  via_item = co_await refusal(w.put_item(to_item(no_key, o)));
  got.emplace_back(std::move(direct), std::move(via_item));
  flat::row nan;
  nan.pk = "n";
  nan.d = std::nan("");
  direct = co_await refusal(w.put_item(nan));
  try {
    (void)to_item(nan);
    via_item.clear();
  } catch (const error& e) {
    via_item = e.what();
  }
  got.emplace_back(std::move(direct), std::move(via_item));
  co_await w.close();
}
}  // namespace

TEST_CASE("batch_writer (fake): a bad struct gets its to_item() item's error, naming the attribute") {
  harness h;
  batch_writer w(h.db, "t", options());
  std::vector<std::pair<std::string, std::string>> got;
  h.run(compare_refusals(w, got));
  REQUIRE(got.size() == 8);
  for (const auto& [direct, via_item] : got) {
    CHECK_FALSE(direct.empty());
    CHECK(direct == via_item);
  }
  CHECK(got[0].first.find("attribute \"s\"") != std::string::npos);
  CHECK(got[1].first.find("hashkey") != std::string::npos);
  CHECK(got[2].first.find("maximum allowed size") != std::string::npos);
  CHECK(got[5].first.find("key attribute 'pk'") != std::string::npos);
  CHECK(h.table.calls == 0);
}

namespace {
asio::awaitable<void> write_escaped(batch_writer& w) {
  // 300 000 quotes: a 300 KB item whose JSON text (each quote escaped) is 600 KB.
  flat::row x;
  x.pk = "q";
  x.s = std::string(300000, '"');
  co_await w.put_item(x);
  co_await w.close();
}
}  // namespace

TEST_CASE("batch_writer (fake): an item under 400 KB whose JSON is over it is still taken") {
  harness h;
  batch_writer w(h.db, "t", options());
  h.run(write_escaped(w));
  REQUIRE(h.table.received.size() == 1);
  CHECK(h.table.received[0].at("s").as_string().size() == 300000);
}

namespace {
asio::awaitable<void> write_poison(batch_writer& w, std::optional<batch_error>& caught, flat::row& poison) {
  test::random_items r(11);
  for (int i = 0; i < 20; ++i) {
    flat::row x = random_row(r, i);
    if (i == 13) {
      x.pk = "poison";
      poison = x;
    }
    co_await w.put_item(x);
  }
  try {
    co_await w.close();
  } catch (const batch_error& e) {
    caught = e;
  }
}

asio::awaitable<void> leave_held(batch_writer& w, const flat::row& x) { co_await w.put_item(x); }
}  // namespace

TEST_CASE("batch_writer (fake): batch_error and on_abandoned hand back a struct's to_item() item") {
  harness h;
  {
    batch_writer w(h.db, "t", options());
    std::optional<batch_error> caught;
    flat::row poison;
    h.run(write_poison(w, caught, poison));
    REQUIRE(caught);
    REQUIRE(caught->unwritten().size() == 1);
    CHECK(caught->unwritten()[0].request == write_request{write_request::kind::put, to_item(poison)});
    CHECK(caught->unwritten()[0].message == "poisoned");
    // The message describes the first request from the item read back (in name order: "b"
    // first), not from an empty one.
    const std::string what = caught->what();
    CHECK(what.find("put {\"b\":{\"BOOL\":") != std::string::npos);
    CHECK(what.find("poisoned") != std::string::npos);
  }
  std::vector<write_request> handed_back;
  test::random_items r(3);
  const flat::row held = random_row(r, 1);
  {
    auto o = options();
    o.on_abandoned = [&](std::vector<write_request> left) { handed_back = std::move(left); };
    batch_writer w(h.db, "t", o);
    h.ioc.restart();
    h.run(leave_held(w, held));
  }
  REQUIRE(handed_back.size() == 1);
  CHECK(handed_back[0] == write_request{write_request::kind::put, to_item(held)});
}
