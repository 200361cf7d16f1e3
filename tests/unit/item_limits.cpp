#include <dynasio/item_limits.hpp>

#include <doctest/doctest.h>

using namespace dynasio;

namespace {

std::string message_of(const item& i) {
  try {
    validate_item_size(i);
  } catch (const error& e) {
    CHECK(e.code() == errc::invalid_argument);
    return e.diagnostics().message;
  }
  return {};
}

std::string key_message(std::string_view name, const attribute_value& v, key_role role = key_role::partition) {
  try {
    validate_key_value(name, v, role);
  } catch (const error& e) {
    CHECK(e.code() == errc::invalid_argument);
    return e.diagnostics().message;
  }
  return {};
}

}  // namespace

TEST_CASE("value and item sizes follow DynamoDB's documented rules") {
  CHECK(value_size("héllo") == 6);                         // UTF-8 bytes
  CHECK(value_size(binary(std::string(10, '\0'))) == 10);  // raw bytes, not base64
  CHECK(value_size(true) == 1);
  CHECK(value_size(nullptr) == 1);
  CHECK(value_size(0) == 1);
  CHECK(value_size(7) == 2);                     // 1 digit
  CHECK(value_size(number("123.4500")) == 4);    // 5 significant digits
  CHECK(value_size(number("0.00012300")) == 3);  // zeros trimmed: 3 digits
  CHECK(value_size(list{}) == 3);
  CHECK(value_size(list{"ab", true}) == 3 + (1 + 2) + (1 + 1));
  CHECK(value_size(item{{"k", "vv"}}) == 3 + 1 + 1 + 2);
  CHECK(value_size(string_set{"a", "bcd"}) == 4);
  CHECK(value_size(number_set{1, 22}) == 2 + 2);
  CHECK(item_size(item{{"id", "123"}, {"qty", 3}}) == (2 + 3) + (3 + 2));
}

TEST_CASE("items over 400 KB are refused before sending") {
  item ok{{"d", std::string(max_item_size - 1, 'x')}};
  CHECK(item_size(ok) == max_item_size);
  CHECK(message_of(ok).empty());
  item big{{"dd", std::string(max_item_size - 1, 'x')}};
  CHECK(message_of(big) == "Item size has exceeded the maximum allowed size (409601 bytes; the limit is 409600)");
}

TEST_CASE("key values are checked for type, emptiness and size, naming the attribute") {
  CHECK(key_message("id", "a").empty());
  CHECK(key_message("id", 5).empty());
  CHECK(key_message("id", binary(std::string("x"))).empty());
  CHECK(key_message("id", true) ==
        "One or more parameter values were invalid: key attribute id must be of type S, N or B, not BOOL");
  CHECK(key_message("id", nullptr).find("not NULL") != std::string::npos);
  CHECK(key_message("pk", "") ==
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an "
        "empty string value. Key: pk");
  CHECK(key_message("pk", binary()).find("empty binary value. Key: pk") != std::string::npos);
  CHECK(key_message("pk", std::string(2048, 'x')).empty());
  CHECK(key_message("pk", std::string(2049, 'x')) ==
        "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes "
        "(key attribute pk: 2049 bytes)");
  CHECK(key_message("sk", std::string(1024, 'x'), key_role::sort).empty());
  CHECK(key_message("sk", binary(std::string(1025, 'x')), key_role::sort).find("limit of 1024 bytes") !=
        std::string::npos);
}
