#include <dynasio/attribute_value.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_set>

using namespace dynasio;

namespace {

// The message of the dynasio::error thrown by f, checking its code.
template <class F>
std::string error_message(F f, errc expected) {
  try {
    f();
  } catch (const error& e) {
    CHECK(e.code() == expected);
    return e.diagnostics().message;
  }
  FAIL("no error thrown");
  return {};
}

}  // namespace

TEST_CASE("attribute_value converts from every supported type") {
  std::string s = "str";
  CHECK(attribute_value(s).type() == attribute_type::S);
  CHECK(attribute_value(std::string_view("v")).as_string() == "v");
  CHECK(attribute_value("lit").as_string() == "lit");
  CHECK(attribute_value(42).as_number().text() == "42");
  CHECK(attribute_value(std::int8_t{-5}).as_number().text() == "-5");
  CHECK(attribute_value(std::numeric_limits<std::int64_t>::min()).as_number().text() == "-9223372036854775808");
  CHECK(attribute_value(std::numeric_limits<std::uint64_t>::max()).as_number().text() == "18446744073709551615");
  CHECK(attribute_value(0.1).as_number().text() == "0.1");
  CHECK(attribute_value(0.1f).as_number().text() == "0.1");
  CHECK(attribute_value(true).as_bool());
  CHECK(attribute_value(nullptr).is_null());
  CHECK(attribute_value().is_null());
  CHECK(attribute_value(binary(std::string("\0\xff", 2))).as_binary().size() == 2);
  CHECK(attribute_value(list{1, "a"}).as_list().size() == 2);
  CHECK(attribute_value(item{{"k", "v"}}).as_map().at("k").as_string() == "v");
  CHECK(attribute_value(string_set{"a", "b"}).as_string_set().size() == 2);
  CHECK(attribute_value(number_set{1, 2.5}).type() == attribute_type::NS);
  CHECK(attribute_value(binary_set{binary(std::string("x"))}).type() == attribute_type::BS);
  CHECK(to_string(attribute_type::NULL_) == "NULL");
}

TEST_CASE("item braced initialisation reads like JSON") {
  item row{{"id", "123"}, {"qty", 3}, {"tags", string_set{"a", "b"}}, {"m", item{{"x", list{1, 2}}}}};
  CHECK(row.size() == 4);
  CHECK(row.begin()->first == "id");  // ordered by name
  CHECK(row.find(std::string_view("qty"))->second == attribute_value(3.0));
  row["new"] = false;
  CHECK(row.at("new").as_bool() == false);
  attribute_value copy = attribute_value(row);
  attribute_value moved = std::move(copy);
  CHECK(moved.as_map() == row);
}

TEST_CASE("accessors refuse the wrong type") {
  auto msg = error_message([] { (void)attribute_value(1).as_string(); }, errc::invalid_argument);
  CHECK(msg == "attribute value is N, not S");
}

TEST_CASE("numbers compare and hash by value") {
  CHECK(number("1") == number("1.0"));
  CHECK(number("1") == number("1e0"));
  CHECK(number("100") == number("1E2"));
  CHECK(number("0.0010") == number("1e-3"));
  CHECK(number("-0") == number("0"));
  CHECK(number(".5") == number("0.5"));
  CHECK(number("1.") == number(1));
  CHECK(number("1") != number("1.0000000001"));
  CHECK(number("-2") < number("-1"));
  CHECK(number("-1") < number("0"));
  CHECK(number("0") < number("1e-130"));
  CHECK(number("9.99") < number("10"));
  CHECK(number("12") < number("12.5"));
  CHECK(number("12.5") > number("12.05"));
  CHECK(std::hash<number>{}(number("1")) == std::hash<number>{}(number("1.000e0")));
  CHECK(std::hash<number>{}(number("0")) == std::hash<number>{}(number("-0.00e5")));
  CHECK(attribute_value(1) == attribute_value(1.0));
  CHECK(attribute_value(1) != attribute_value("1"));
  CHECK(hash_value(attribute_value(10)) == hash_value(attribute_value(number("1e1"))));
  std::unordered_set<attribute_value> keys{attribute_value(1), attribute_value(number("1.0")), attribute_value("1")};
  CHECK(keys.size() == 2);
}

TEST_CASE("numbers follow DynamoDB's range and precision with the service's wording") {
  const std::string nan_msg = "The parameter cannot be converted to a numeric value: ";
  for (const char* bad :
       {"", "-", ".", "abc", "1e", "1e+", "--1", "+1", " 1", "1 ", "0x10", "1.2.3", "NaN", "Infinity"})
    CHECK(error_message([&] { number n(bad); }, errc::invalid_number) == nan_msg + bad);
  CHECK(error_message([] { number n(std::nan("")); }, errc::invalid_number) == nan_msg + "NaN");
  CHECK(error_message([] { number n(-INFINITY); }, errc::invalid_number) == nan_msg + "-Infinity");
  const std::string overflow =
      "Number overflow. Attempting to store a number with magnitude larger than supported range: ";
  const std::string underflow =
      "Number underflow. Attempting to store a number with magnitude smaller than supported range: ";
  CHECK(error_message([] { number n("1e126"); }, errc::invalid_number) == overflow + "1e126");
  CHECK(error_message([] { number n("-1E+126"); }, errc::invalid_number) == overflow + "-1E+126");
  CHECK(error_message([] { number n(1e300); }, errc::invalid_number) == overflow + "1e+300");
  CHECK(error_message([] { number n("9.9e-131"); }, errc::invalid_number) == underflow + "9.9e-131");
  CHECK(error_message([] { number n("1e99999999999999999999"); }, errc::invalid_number) ==
        overflow + "1e99999999999999999999");
  CHECK(error_message([] { number n("1e-99999999999999999999"); }, errc::invalid_number) ==
        underflow + "1e-99999999999999999999");
  CHECK_NOTHROW(number("9.9999999999999999999999999999999999999e125"));
  CHECK_NOTHROW(number("1e-130"));
  CHECK_NOTHROW(number("-1e-130"));
  CHECK_NOTHROW(number("0e999999"));
  CHECK_NOTHROW(number("12345678901234567890123456789012345678"));
  CHECK_NOTHROW(number("0000012345678901234567890123456789012345678000000"));
  CHECK_NOTHROW(number("1234567890123456789012345678901234567.8"));
  CHECK(error_message([] { number n("123456789012345678901234567890123456789"); }, errc::invalid_number) ==
        "Attempting to store more than 38 significant digits in a Number: 123456789012345678901234567890123456789");
  CHECK(error_message([] { number n("1.23456789012345678901234567890123456789"); }, errc::invalid_number) ==
        "Attempting to store more than 38 significant digits in a Number: 1.23456789012345678901234567890123456789");
}

TEST_CASE("numbers convert back to integers and doubles") {
  CHECK(number("1e3").to_integer<int>() == 1000);
  CHECK(number("-9223372036854775808").to_integer<std::int64_t>() == std::numeric_limits<std::int64_t>::min());
  CHECK(number("18446744073709551615").to_integer<std::uint64_t>() == std::numeric_limits<std::uint64_t>::max());
  CHECK_FALSE(number("18446744073709551616").to_integer<std::uint64_t>());
  CHECK_FALSE(number("1.5").to_integer<int>());
  CHECK_FALSE(number("-1").to_integer<unsigned>());
  CHECK_FALSE(number("300").to_integer<std::int8_t>());
  CHECK(number("15e-1").to_double() == 1.5);
  for (double d : {0.1, 1.0 / 3, 6.02214076e23, -2.2250738585072014e-130, 123456789.125})
    CHECK(number(d).to_double() == d);
  CHECK(number(1.0f / 3).text() == "0.33333334");
}

TEST_CASE("sets refuse empty and duplicate content with the service's wording") {
  CHECK(error_message([] { string_set s(std::vector<std::string>{}); }, errc::invalid_argument) ==
        "One or more parameter values were invalid: An string set  may not be empty");
  CHECK(error_message([] { number_set s(std::vector<number>{}); }, errc::invalid_argument) ==
        "One or more parameter values were invalid: An number set  may not be empty");
  CHECK(error_message([] { binary_set s(std::vector<binary>{}); }, errc::invalid_argument) ==
        "One or more parameter values were invalid: Binary sets should not be empty");
  CHECK(error_message(
            [] {
              string_set s{"b", "a", "b"};
            },
            errc::invalid_argument) ==
        "One or more parameter values were invalid: Input collection [a, b, b] contains duplicates.");
  CHECK(error_message(
            [] {
              number_set s{1, number("1.0")};
            },
            errc::invalid_argument) ==
        "One or more parameter values were invalid: Input collection [1, 1.0] contains duplicates.");
  CHECK(error_message(
            [] {
              binary_set s{binary(std::string("a")), binary(std::string("a"))};
            },
            errc::invalid_argument) ==
        "One or more parameter values were invalid: Input collection [YQ==, YQ==]of type BS contains duplicates.");
  CHECK(string_set{"b", "a"} == string_set{"a", "b"});
  CHECK(number_set{10, 9, 100}.values() == std::vector<number>{9, 10, 100});
  CHECK(number_set{1}.contains(number("1.0")));
  std::vector<std::string> v{"x", "y"};
  CHECK(string_set(v.begin(), v.end()).size() == 2);
}

// GCC's and clang's 128-bit integer (__extension__ keeps -Wpedantic quiet).
__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;

TEST_CASE("a 128-bit integer is a number up to DynamoDB's 38 digits, refused past them") {
  // 10^38 - 1: 38 nines, the most digits DynamoDB keeps.
  int128 nines = 0;
  for (int i = 0; i < 38; ++i) nines = nines * 10 + 9;
  CHECK(number(nines).text() == std::string(38, '9'));
  CHECK(number(-nines).text() == "-" + std::string(38, '9'));
  // 10^38 has 39 digits but one significant digit: DynamoDB keeps it.
  CHECK(number(nines + 1).text() == "1" + std::string(38, '0'));
  // The largest 128-bit integer has 39 significant digits.
  const int128 max = static_cast<int128>(~static_cast<uint128>(0) >> 1);
  CHECK_THROWS_AS(number{max}, error);
  try {
    number n(max);
  } catch (const error& e) {
    CHECK(e.code() == errc::invalid_number);
  }
  CHECK_THROWS_AS(attribute_value{max}, error);
}
