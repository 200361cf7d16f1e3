// The printers doctest uses for dynasio's values in failed checks (tests/common/doctest_printers.hpp).

#include <dynasio/attribute_value.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace dynasio;

namespace {

// What a failed CHECK would print for `value`.
template <class T>
std::string printed(const T& value) {
  return doctest::toString(value).c_str();
}

}  // namespace

TEST_CASE("doctest printers: values print as DynamoDB JSON, not {?}") {
  CHECK(printed(attribute_value("a\"b\\c\n")) == R"({"S":"a\"b\\c\u000a"})");
  CHECK(printed(attribute_value(12)) == R"({"N":"12"})");
  CHECK(printed(attribute_value(binary(std::string("\x00\x01", 2)))) == R"({"B":"AAE="})");
  CHECK(printed(attribute_value(true)) == R"({"BOOL":true})");
  CHECK(printed(attribute_value(nullptr)) == R"({"NULL":true})");
  CHECK(printed(attribute_value(string_set{"y", "x"})) == R"({"SS":["x","y"]})");
  CHECK(printed(attribute_value(number_set{2, 1})) == R"({"NS":["1","2"]})");
  CHECK(printed(list{"a", 1, list{}}) == R"([{"S":"a"},{"N":"1"},{"L":[]}])");

  const item row{{"id", "a"}, {"tags", item{{"k", false}}}, {"empty", item{}}};
  CHECK(printed(row) == R"({"empty":{"M":{}},"id":{"S":"a"},"tags":{"M":{"k":{"BOOL":false}}}})");
  const key k{{"pk", "p"}, {"sk", 5}};  // key is item: the same printer
  CHECK(printed(k) == R"({"pk":{"S":"p"},"sk":{"N":"5"}})");
}
