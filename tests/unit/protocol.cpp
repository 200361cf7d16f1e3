#include <dynasio/detail/protocol/base64.hpp>
#include <dynasio/detail/protocol/error_reply.hpp>
#include <dynasio/detail/protocol/json_reader.hpp>
#include <dynasio/detail/protocol/json_writer.hpp>

#include "random_items.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <doctest/doctest.h>

using namespace dynasio;
using namespace dynasio::detail;

namespace {

std::string json_string(std::string_view s) {
  std::string out;
  write_json_string(out, s);
  return out;
}

std::string json_item(const item& i) {
  std::string out;
  write_item(out, i);
  return out;
}

attribute_value read_text(std::string_view json) { return read_value(boost::json::parse(json)); }

std::string protocol_message(std::string_view json) {
  try {
    read_text(json);
  } catch (const error& e) {
    CHECK(e.code() == errc::protocol_error);
    return e.diagnostics().message;
  }
  FAIL("no error for " << json);
  return {};
}

}  // namespace

TEST_CASE("base64 follows RFC 4648 and refuses anything else") {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (auto [raw, enc] : vectors) {
    std::string out = "x";
    base64_encode(out, raw);
    CHECK(out == std::string("x") + enc);
    CHECK(base64_decode(enc) == std::string(raw));
  }
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  std::string enc;
  base64_encode(enc, all);
  CHECK(base64_decode(enc) == all);
  for (const char* bad : {"Zg=", "Zg", "Z===", "Zm9v!A==", "Zh==", "Zm8=Zm8=", "=Zm8", "Zm 9v"})
    CHECK_FALSE(base64_decode(bad));
}

TEST_CASE("strings are escaped: quotes, backslashes and every control character") {
  CHECK(json_string("plain") == "\"plain\"");
  CHECK(json_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(json_string("\b\f\n\r\t") == "\"\\b\\f\\n\\r\\t\"");
  CHECK(json_string(std::string_view("\0\x01\x1f\x7f", 4)) == "\"\\u0000\\u0001\\u001f\x7f\"");
  for (int c = 0; c < 0x20; ++c) {
    std::string s(1, static_cast<char>(c));
    CHECK(boost::json::parse(json_string(s)).as_string() == s);
  }
  CHECK(json_string("€ 😀 é") == "\"€ 😀 é\"");
}

TEST_CASE("invalid UTF-8 is refused rather than sent") {
  for (std::string_view bad :
       {"\x80", "a\xff", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
        "\xe2\x82", "\xf0\x9f\x98", "\xe2\x28\xa1", "ok\xc3"}) {
    std::string out;
    try {
      write_json_string(out, bad);
      FAIL("accepted invalid UTF-8");
    } catch (const error& e) {
      CHECK(e.code() == errc::invalid_argument);
      CHECK(std::string(e.what()).find("not valid UTF-8") != std::string::npos);
    }
  }
  CHECK_THROWS_AS(json_item(item{{"\xff", 1}}), error);
  CHECK_THROWS_AS(json_item(item{{"k", string_set{"\xff"}}}), error);
}

TEST_CASE("items are written in DynamoDB wire JSON, deterministically") {
  item row{{"id", "123"},
           {"qty", 3},
           {"price", number("9.50")},
           {"blob", binary(std::string("\x00\x01\xff", 3))},
           {"ok", true},
           {"none", nullptr},
           {"l", list{1, "a", list{}}},
           {"m", item{{"z", false}, {"a", item{}}}},
           {"ss", string_set{"b", "a"}},
           {"ns", number_set{10, 2}},
           {"bs", binary_set{binary(std::string("a"))}}};
  CHECK(json_item(row) ==
        R"({"blob":{"B":"AAH/"},"bs":{"BS":["YQ=="]},"id":{"S":"123"},"l":{"L":[{"N":"1"},{"S":"a"},{"L":[]}]},)"
        R"("m":{"M":{"a":{"M":{}},"z":{"BOOL":false}}},"none":{"NULL":true},"ns":{"NS":["2","10"]},)"
        R"("ok":{"BOOL":true},"price":{"N":"9.50"},"qty":{"N":"3"},"ss":{"SS":["a","b"]}})");
  CHECK(read_item(boost::json::parse(json_item(row)).as_object()) == row);
  std::string out = "prefix";
  write_value(out, attribute_value("x"));
  CHECK(out == R"(prefix{"S":"x"})");
}

TEST_CASE("malformed wire values are refused with protocol_error") {
  CHECK(protocol_message("1").find("exactly one type tag") != std::string::npos);
  CHECK(protocol_message("{}").find("exactly one type tag") != std::string::npos);
  CHECK(protocol_message(R"({"S":"a","N":"1"})").find("exactly one type tag") != std::string::npos);
  CHECK(protocol_message(R"({"X":"a"})").find("unknown type tag \"X\"") != std::string::npos);
  CHECK(protocol_message(R"({"S":1})").find("S must hold a string") != std::string::npos);
  CHECK(protocol_message(R"({"N":"1x"})").find("cannot be converted to a numeric value") != std::string::npos);
  CHECK(protocol_message(R"({"N":"1e200"})").find("Number overflow") != std::string::npos);
  CHECK(protocol_message(R"({"B":"@@@@"})").find("base64") != std::string::npos);
  CHECK(protocol_message(R"({"BOOL":"true"})").find("BOOL") != std::string::npos);
  CHECK(protocol_message(R"({"NULL":false})").find("NULL must hold true") != std::string::npos);
  CHECK(protocol_message(R"({"M":[]})").find("M must hold an object") != std::string::npos);
  CHECK(protocol_message(R"({"L":{}})").find("L must hold an array") != std::string::npos);
  CHECK(protocol_message(R"({"SS":[]})").find("may not be empty") != std::string::npos);
  CHECK(protocol_message(R"({"NS":["1","1.0"]})").find("contains duplicates") != std::string::npos);
  CHECK(protocol_message(R"({"BS":[1]})").find("B must hold a string") != std::string::npos);
  CHECK(protocol_message(R"({"M":{"a":{"L":[{"Q":1}]}}})").find("unknown type tag") != std::string::npos);
}

TEST_CASE("property: write then read returns an equal item, over thousands of random items") {
  test::random_items gen(0x5eed'd1a5'10ULL);
  std::string buf;
  std::size_t bytes = 0;
  for (int i = 0; i < 4000; ++i) {
    item original = gen.map(gen.uniform(0, 4));
    buf.clear();
    write_item(buf, original);
    bytes += buf.size();
    boost::json::value parsed = boost::json::parse(buf);  // also proves the output is valid JSON
    item back = read_item(parsed.as_object());
    REQUIRE_MESSAGE(back == original, buf);
    // Boost.JSON writes the same tree back; our writer must agree with its reading of us.
    CHECK(boost::json::parse(boost::json::serialize(parsed)) == parsed);
  }
  MESSAGE("random items written: " << bytes << " bytes");
}

TEST_CASE("protocol: HTTP dates (the service's clock) parse exactly; anything else is refused") {
  using dynasio::detail::parse_http_date;
  using namespace std::chrono;
  auto t = parse_http_date("Tue, 01 Dec 2026 09:58:59 GMT");
  REQUIRE(t);
  CHECK(*t == sys_days(year(2026) / 12 / 1) + hours(9) + minutes(58) + seconds(59));
  for (const char* bad :
       {"", "Tue, 01 Dec 2026 09:58:59 UTC", "Tue, 31 Feb 2026 09:58:59 GMT", "Tue, 01 Foo 2026 09:58:59 GMT",
        "Tue, 01 Dec 2026 25:58:59 GMT", "Tue 01 Dec 2026 09:58:59 GMT"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_http_date(bad));
  }
}
