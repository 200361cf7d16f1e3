// The tool's JSON lines: the reader (exact numbers, offsets of errors) and items both ways.

#include <doctest/doctest.h>

#include <cli/item_json.hpp>
#include <cli/json_text.hpp>

using namespace dynasio;
using dynasio::cli::input_error;
using dynasio::cli::json_node;
using dynasio::cli::line_format;

namespace {

// The offset and reason of the error parsing `text` raises (or -1 when it parses).
std::pair<long, std::string> error_of(std::string_view text, line_format f = line_format::json) {
  try {
    (void)cli::parse_item_line(text, f);
  } catch (const input_error& e) {
    return {static_cast<long>(e.offset()), e.what()};
  }
  return {-1, ""};
}

item roundtrip(const item& it, line_format f) {
  std::string line;
  cli::append_item_line(line, it, f);
  return cli::parse_item_line(line, f);
}

}  // namespace

TEST_CASE("parse_json keeps numbers' text and values' offsets") {
  const json_node n = cli::parse_json(R"( {"a": -0.50e+3, "b": [true, null, "x\u00e9\ud83d\ude00"]} )");
  REQUIRE(n.type == json_node::kind::object);
  CHECK(n.offset == 1);
  CHECK(n.keys == std::vector<std::string>{"a", "b"});
  CHECK(n.elements[0].text == "-0.50e+3");
  CHECK(n.elements[0].offset == 7);
  const json_node& b = n.elements[1];
  REQUIRE(b.elements.size() == 3);
  CHECK(b.elements[0].flag);
  CHECK(b.elements[1].type == json_node::kind::null);
  CHECK(b.elements[2].text == "x\xc3\xa9\xf0\x9f\x98\x80");
  CHECK(n.find("b") == &n.elements[1]);
  CHECK(n.find("c") == nullptr);
}

TEST_CASE("parse_json names the offset of what is wrong") {
  const auto offset = [](std::string_view text) {
    try {
      (void)cli::parse_json(text);
    } catch (const input_error& e) {
      return static_cast<long>(e.offset());
    }
    return -1L;
  };
  CHECK(offset(R"({"a": 1,})") == 8);  // a member name was expected
  CHECK(offset(R"({"a" 1})") == 5);
  CHECK(offset(R"({"a": 01})") == 7);  // leading zero
  CHECK(offset(R"({"a": 1.})") == 8);
  CHECK(offset(R"({"a": tru})") == 6);
  CHECK(offset(R"({"a": "x)") == 8);          // unterminated
  CHECK(offset(R"({"a": 1, "a": 2})") == 9);  // duplicate name, at the name
  CHECK(offset(R"({"a": "\ud800"})") == 7);   // lone surrogate, at the escape
  CHECK(offset(R"({"a": "\x"})") == 7);
  CHECK(offset("{\"a\": \"\xff\"}") == 7);          // invalid UTF-8
  CHECK(offset("{\"a\": \"\xed\xa0\x80\"}") == 7);  // an encoded surrogate
  CHECK(offset("{\"a\": \"\t\"}") == 7);            // raw control character
  CHECK(offset(R"({} x)") == 3);
  CHECK(offset("") == 0);
  CHECK(offset(std::string(65, '[') + std::string(65, ']')) == 64);
  CHECK(offset(std::string(64, '[') + std::string(64, ']')) == -1);
}

TEST_CASE("column_of counts characters, from 1") {
  CHECK(cli::column_of("abc", 0) == 1);
  CHECK(cli::column_of("abc", 2) == 3);
  CHECK(cli::column_of("\xc3\xa9x", 2) == 2);  // é is one character
  CHECK(cli::column_of("ab", 9) == 3);
}

TEST_CASE("plain JSON lines give every DynamoDB type") {
  const item it = cli::parse_item_line(
      R"({"s": "x", "n": 1.50, "big": 12345678901234567890123456789012345678, "t": true, "z": null,)"
      R"( "l": [1, "a"], "m": {"k": {"k2": []}}, "b": {"$binary": "AAEC/w=="},)"
      R"( "ss": {"$ss": ["b", "a"]}, "ns": {"$ns": [2, 1.5]}, "bs": {"$bs": ["AA==", "AQ=="]}, "mm": {"$map": {"$ss": 1}}})",
      line_format::json);
  CHECK(it.at("s") == attribute_value("x"));
  CHECK(it.at("n").as_number().text() == "1.50");  // the digits as written
  CHECK(it.at("big").as_number().text() == "12345678901234567890123456789012345678");
  CHECK(it.at("t") == attribute_value(true));
  CHECK(it.at("z").is_null());
  CHECK(it.at("l") == attribute_value(list{1, "a"}));
  CHECK(it.at("m") == attribute_value(item{{"k", item{{"k2", list{}}}}}));
  CHECK(it.at("b") == attribute_value(binary(std::string("\x00\x01\x02\xff", 4))));
  CHECK(it.at("ss") == attribute_value(string_set{"a", "b"}));
  CHECK(it.at("ns") == attribute_value(number_set{1.5, 2}));
  CHECK(it.at("bs") == attribute_value(binary_set{binary(std::string(1, '\0')), binary(std::string(1, '\1'))}));
  CHECK(it.at("mm") == attribute_value(item{{"$ss", 1}}));
}

TEST_CASE("plain JSON lines refuse what DynamoDB would, at the value") {
  CHECK(error_of(R"({"n": 123456789012345678901234567890123456789})").first == 6);  // 39 digits
  CHECK(error_of(R"({"n": 1e126})").first == 6);
  CHECK(error_of(R"({"b": {"$binary": "A"}})").first == 18);
  CHECK(error_of(R"({"b": {"$binary": 5}})").first == 18);
  CHECK(error_of(R"({"s": {"$ss": []}})").first == 14);          // empty set
  CHECK(error_of(R"({"s": {"$ss": ["a", "a"]}})").first == 14);  // duplicate
  CHECK(error_of(R"({"s": {"$ns": ["1"]}})").first == 15);       // not a number
  CHECK(error_of(R"([1])").first == 0);
  CHECK(error_of(R"([1])").second == "a line must be a JSON object, not an array");
  CHECK(error_of(R"({"n": 1e126})").second.find("number 1e126") == 0);
}

TEST_CASE("DynamoDB JSON lines, bare or as {\"Item\": ...}") {
  const std::string body =
      R"({"s": {"S": "x"}, "n": {"N": "1.50"}, "b": {"B": "AA=="}, "t": {"BOOL": false}, "z": {"NULL": true},)"
      R"( "m": {"M": {"l": {"L": [{"N": "1"}]}}}, "ss": {"SS": ["a"]}, "ns": {"NS": ["1", "2"]}, "bs": {"BS": ["AA=="]}})";
  const item bare = cli::parse_item_line(body, line_format::ddb);
  CHECK(bare == cli::parse_item_line("{\"Item\": " + body + "}", line_format::ddb));
  CHECK(bare.at("n").as_number().text() == "1.50");
  CHECK(bare.at("m") == attribute_value(item{{"l", list{1}}}));
  CHECK(bare.at("ns") == attribute_value(number_set{1, 2}));
  CHECK(bare.at("z").is_null());
  // An item whose one attribute is named "Item" is not the wrapper.
  const item named = cli::parse_item_line(R"({"Item": {"M": {"a": {"S": "b"}}}})", line_format::ddb);
  CHECK(named == item{{"Item", item{{"a", "b"}}}});

  CHECK(error_of(R"({"s": {"X": "x"}})", line_format::ddb).first == 6);
  CHECK(error_of(R"({"s": {"S": "x", "N": "1"}})", line_format::ddb).first == 6);
  CHECK(error_of(R"({"n": {"N": 1}})", line_format::ddb).first == 12);
  CHECK(error_of(R"({"n": {"N": "1x"}})", line_format::ddb).first == 12);
  CHECK(error_of(R"({"z": {"NULL": false}})", line_format::ddb).first == 15);
  CHECK(error_of(R"({"s": "x"})", line_format::ddb).first == 6);
}

TEST_CASE("every type round-trips through both formats exactly") {
  const item it{{"id", "k"},
                {"n", number("-1.2300E+5")},
                {"b", binary(std::string("\0\xff", 2))},
                {"e", binary(std::string())},
                {"t", true},
                {"z", nullptr},
                {"l", list{list{}, item{}, "x"}},
                {"m", item{{"$binary", "not a binary"}}},
                {"m2", item{{"$map", item{{"a", 1}}}}},
                {"ss", string_set{"a", "\n\""}},
                {"ns", number_set{number("1e-130"), number("9.9e125")}},
                {"bs", binary_set{binary(std::string("a")), binary(std::string("b"))}},
                {"u", "h\xc3\xa9llo \xf0\x9f\x98\x80"}};
  for (line_format f : {line_format::json, line_format::ddb}) {
    const item back = roundtrip(it, f);
    CHECK(back == it);
    CHECK(back.at("n").as_number().text() == "-1.2300E+5");
  }
}

TEST_CASE("json_number_text makes DynamoDB's number text valid JSON, keeping the digits") {
  CHECK(cli::json_number_text("1.50") == "1.50");
  CHECK(cli::json_number_text("-1.2E+5") == "-1.2E+5");
  CHECK(cli::json_number_text("007") == "7");
  CHECK(cli::json_number_text(".5") == "0.5");
  CHECK(cli::json_number_text("-.5e3") == "-0.5e3");
  CHECK(cli::json_number_text("1.") == "1");
  CHECK(cli::json_number_text("0") == "0");
  std::string line;
  cli::append_item_line(line, item{{"n", number(".5")}}, line_format::json);
  CHECK(line == R"({"n":0.5})");
}

TEST_CASE("parse_line_format") {
  CHECK(cli::parse_line_format("json") == line_format::json);
  CHECK(cli::parse_line_format("ddb") == line_format::ddb);
  CHECK_THROWS_AS((void)cli::parse_line_format("csv"), std::invalid_argument);
}
