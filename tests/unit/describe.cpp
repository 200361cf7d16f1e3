#include <dynasio/describe.hpp>
#include <dynasio/detail/timestamp.hpp>

#include <boost/describe/class.hpp>
#include <boost/json/parse.hpp>
#include <doctest/doctest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace app {

struct address {
  std::string city;
  std::optional<std::string> zip;
};
BOOST_DESCRIBE_STRUCT(address, (), (city, zip))

struct order {
  std::string id;
  std::int64_t qty = 0;
  double price = 0;
  bool paid = false;
  std::vector<std::string> lines;
  std::map<std::string, int> counts;
  std::set<std::string> tags;
  std::set<int> codes;
  std::optional<std::string> note;
  address ship_to;
  std::vector<address> history;
  std::vector<std::byte> blob;
  std::chrono::system_clock::time_point created;
  std::uint64_t big = 0;
};
BOOST_DESCRIBE_STRUCT(order, (),
                      (id, qty, price, paid, lines, counts, tags, codes, note, ship_to, history, blob, created, big))

bool operator==(const address& a, const address& b) { return a.city == b.city && a.zip == b.zip; }

}  // namespace app

using namespace dynasio;

TEST_CASE("described structs round-trip through items") {
  app::order o;
  o.id = "o-1";
  o.qty = -7;
  o.price = 19.99;
  o.paid = true;
  o.lines = {"a", "b"};
  o.counts = {{"x", 1}, {"y", 2}};
  o.tags = {"red", "blue"};
  o.codes = {3, 1};
  o.ship_to = {"Paris", "75001"};
  o.history = {{"Lyon", std::nullopt}};
  o.blob = {std::byte{0}, std::byte{255}};
  o.created =
      std::chrono::sys_days(std::chrono::year(2024) / 5 / 1) + std::chrono::hours(12) + std::chrono::milliseconds(250);
  o.big = 18446744073709551615ull;

  item i = to_item(o);
  CHECK(i.at("id") == attribute_value("o-1"));
  CHECK(i.at("price") == attribute_value(19.99));
  CHECK(i.at("lines") == attribute_value(list{"a", "b"}));
  CHECK(i.at("tags") == attribute_value(string_set{"blue", "red"}));
  CHECK(i.at("codes") == attribute_value(number_set{1, 3}));
  CHECK(i.at("ship_to").as_map().at("zip").as_string() == "75001");
  CHECK(i.at("history").as_list()[0].as_map().count("zip") == 0);  // nullopt: absent, not NULL
  CHECK(i.count("note") == 0);
  CHECK(i.at("blob").as_binary().size() == 2);
  CHECK(i.at("created").as_string() == "2024-05-01T12:00:00.25Z");

  auto back = from_item<app::order>(i);
  CHECK(back.id == o.id);
  CHECK(back.qty == o.qty);
  CHECK(back.price == o.price);
  CHECK(back.paid);
  CHECK(back.lines == o.lines);
  CHECK(back.counts == o.counts);
  CHECK(back.tags == o.tags);
  CHECK(back.codes == o.codes);
  CHECK_FALSE(back.note);
  CHECK(back.ship_to == o.ship_to);
  CHECK(back.history == o.history);
  CHECK(back.blob == o.blob);
  CHECK(back.created == o.created);
  CHECK(back.big == o.big);
}

TEST_CASE("nullopt becomes NULL only when asked, and NULL reads back as nullopt") {
  app::address a{"Oslo", std::nullopt};
  CHECK(to_item(a).count("zip") == 0);
  item with_null = to_item(a, {.nullopt_as_null = true});
  CHECK(with_null.at("zip").is_null());
  CHECK_FALSE(from_item<app::address>(with_null).zip);
}

TEST_CASE("from_item names the attribute that is missing or does not convert") {
  auto message = [](const item& i) {
    try {
      from_item<app::address>(i);
    } catch (const error& e) {
      CHECK(e.code() == errc::invalid_argument);
      return e.diagnostics().message;
    }
    return std::string();
  };
  CHECK(message(item{{"zip", "1"}}) == "missing attribute city");
  CHECK(message(item{{"city", 5}}) == "attribute city: attribute value is N, not S");
  item bad_int{{"id", "x"}, {"qty", number("1.5")}};
  CHECK_THROWS_WITH_AS(from_item<app::order>(bad_int), doctest::Contains("attribute qty"), error);
}

TEST_CASE("timestamps are ISO-8601 UTC") {
  using namespace std::chrono;
  CHECK(detail::format_timestamp(system_clock::time_point{}) == "1970-01-01T00:00:00Z");
  auto t = detail::parse_timestamp("1999-12-31T23:59:59.000000001Z");
  CHECK(detail::format_timestamp(t) == "1999-12-31T23:59:59.000000001Z");
  for (const char* bad : {"", "1999-12-31", "1999-12-31T23:59:59", "1999-02-30T00:00:00Z", "1999-12-31T24:00:00Z",
                          "1999-12-31T23:59:59.Z", "1999-12-31T23:59:59+01:00"})
    CHECK_THROWS_AS(detail::parse_timestamp(bad), error);
}

namespace {
struct job {
  std::string id;
  std::chrono::milliseconds timeout{};
  std::chrono::nanoseconds elapsed{};
};
BOOST_DESCRIBE_STRUCT(job, (), (id, timeout, elapsed))
}  // namespace

TEST_CASE("durations are N holding whole nanoseconds, whatever their unit") {
  job j{"j1", std::chrono::milliseconds(1500), std::chrono::nanoseconds(-7)};
  dynasio::item it = dynasio::to_item(j);
  CHECK(it.at("timeout") == dynasio::attribute_value(1'500'000'000));
  CHECK(it.at("elapsed").as_number().text() == "-7");
  job back = dynasio::from_item<job>(it);
  CHECK(back.timeout == j.timeout);
  CHECK(back.elapsed == j.elapsed);
  it["elapsed"] = dynasio::number("1.5");
  CHECK_THROWS_AS(dynasio::from_item<job>(it), dynasio::error);
}

namespace app {
// What Pathway's DynamoDB connector writes: JSON columns, tuples, naive date-times.
struct pathway_row {
  std::string id;
  boost::json::value doc;
  std::tuple<int, std::string, std::optional<double>> triple;
  std::pair<std::string, std::int64_t> pair;
  std::array<int, 3> coords{};
  std::chrono::local_time<std::chrono::milliseconds> seen;
  std::chrono::local_days day;
  std::chrono::local_time<std::chrono::seconds> far;

  friend bool operator==(const pathway_row&, const pathway_row&) = default;
};
BOOST_DESCRIBE_STRUCT(pathway_row, (), (id, doc, triple, pair, coords, seen, day, far))
}  // namespace app

TEST_CASE("JSON values, tuples, pairs, arrays and local date-times round-trip through items") {
  using namespace std::chrono;
  app::pathway_row r;
  r.id = "p1";
  r.doc = boost::json::parse(R"({ "a": [1, 2.5, null, true], "b": {"c": "x\"y"} })");
  r.triple = {7, "two", std::nullopt};
  r.pair = {"k", -3};
  r.coords = {1, -2, 3};
  r.seen = local_days(year(2024) / 5 / 1) + hours(12) + milliseconds(250);
  r.day = local_days(year(1999) / 12 / 31);
  r.far = local_days(year(9999) / 12 / 31) + seconds(86399);  // beyond what nanoseconds hold

  item i = to_item(r);
  CHECK(i.at("doc") == attribute_value(R"({"a":[1,2.5E0,null,true],"b":{"c":"x\"y"}})"));
  CHECK(i.at("triple") == attribute_value(list{7, "two", nullptr}));
  CHECK(i.at("pair") == attribute_value(list{"k", -3}));
  CHECK(i.at("coords") == attribute_value(list{1, -2, 3}));
  CHECK(i.at("seen") == attribute_value("2024-05-01T12:00:00.25"));
  CHECK(i.at("day") == attribute_value("1999-12-31T00:00:00"));
  CHECK(i.at("far") == attribute_value("9999-12-31T23:59:59"));

  CHECK(from_item<app::pathway_row>(i) == r);
}

TEST_CASE("JSON, tuple and local date-time attributes that do not convert are named") {
  const item good = to_item(app::pathway_row{});
  auto message = [&](const char* name, attribute_value v) {
    item i = good;
    i[name] = std::move(v);
    try {
      from_item<app::pathway_row>(i);
    } catch (const error& e) {
      CHECK(e.code() == errc::invalid_argument);
      return e.diagnostics().message;
    }
    return std::string("accepted");
  };
  CHECK(doctest::String(message("doc", "{\"a\":").c_str()) == doctest::Contains("attribute doc: not JSON text ("));
  CHECK(message("doc", "[1] 2").find("\"[1] 2\"") != std::string::npos);
  CHECK(message("doc", 5) == "attribute doc: attribute value is N, not S");
  CHECK(message("triple", list{1, "x"}) == "attribute triple: a list of 2 elements for 3 positions");
  CHECK(message("triple", list{1, 2, 3}) == "attribute triple: element 1: attribute value is N, not S");
  CHECK(message("coords", list{1, 2, "3"}) == "attribute coords: element 2: attribute value is S, not N");
  CHECK(message("seen", "2024-05-01T12:00:00Z") ==
        "attribute seen: not an ISO-8601 date-time without zone: 2024-05-01T12:00:00Z");
  CHECK(message("seen", "2024-05-01T12:00:00.0005") ==
        "attribute seen: date-time 2024-05-01T12:00:00.0005 is finer than the member's type");
  CHECK(message("day", "2024-05-01T00:00:01") ==
        "attribute day: date-time 2024-05-01T00:00:01 is finer than the member's type");
  CHECK(message("day", "2024-05-01T00:00:00") == "accepted");
}

TEST_CASE("date-times outside ISO-8601's years or the member's range are refused, not wrapped") {
  using namespace std::chrono;
  CHECK_THROWS_WITH_AS(detail::parse_timestamp("9999-12-31T23:59:59Z"), doctest::Contains("out of the member's range"),
                       error);
  CHECK_THROWS_WITH_AS(detail::parse_timestamp("1000-01-01T00:00:00Z"), doctest::Contains("out of the member's range"),
                       error);
  CHECK(detail::parse_timestamp("2262-01-01T00:00:00Z") == sys_days(year(2262) / 1 / 1));
  CHECK_THROWS_AS(detail::parse_timestamp("2024-05-01T12:00:00.1234567890Z"), error);
  CHECK_THROWS_AS(detail::parse_timestamp("2024-05-01T12:00:00.99999999999999999999Z"), error);
  const local_days y10000 = local_days(year(10000) / 1 / 1);
  CHECK_THROWS_WITH_AS(detail::format_time_point(y10000, false), doctest::Contains("year 10000"), error);
  CHECK(detail::format_time_point(local_days(year(0) / 1 / 1), false) == "0000-01-01T00:00:00");
}
