#include <dynasio/attribute_value.hpp>
#include <dynasio/error.hpp>

#include <doctest/doctest.h>

using namespace dynasio;

TEST_CASE("service types map to service_errc, with or without their namespace prefix") {
  CHECK(service_errc_from_type("com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException") ==
        service_errc::conditional_check_failed);
  CHECK(service_errc_from_type("ValidationException") == service_errc::validation_exception);
  CHECK(service_errc_from_type("SomethingNew") == service_errc::unknown);
  CHECK(std::error_code(service_errc::throttling).category().name() == std::string("dynasio.service"));
  CHECK(std::error_code(service_errc::throttling).message() == "ThrottlingException");
}

TEST_CASE("error carries diagnostics and says them in what()") {
  error e(service_errc::validation_exception,
          diagnostics{"ValidationException", "One or more parameter values were invalid", 400, "RID1"});
  CHECK(e.code() == service_errc::validation_exception);
  CHECK(e.diagnostics().http_status == 400);
  std::string what = e.what();
  CHECK(what.find("One or more parameter values were invalid") != std::string::npos);
  CHECK(what.find("RID1") != std::string::npos);
  // The code's own message is said once (std::system_error appends it), not twice.
  CHECK(what == "One or more parameter values were invalid [HTTP 400] [request id RID1]: ValidationException");
  error c(errc::invalid_argument, "flush_amount must be 1..25");
  CHECK(c.code() == errc::invalid_argument);
  CHECK(c.diagnostics().type.empty());
}

TEST_CASE("error::item(): the old item of a failed condition, nothing for other errors") {
  diagnostics d;
  d.type = "ConditionalCheckFailedException";
  d.message = "The conditional request failed";
  d.http_status = 400;
  d.details = R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",)"
              R"("Item":{"pk":{"S":"a"},"n":{"N":"7"}}})";
  const error failed(make_error_code(service_errc::conditional_check_failed), d);
  std::optional<item> was = failed.item();
  REQUIRE(was);
  item expected;
  expected["pk"] = "a";
  expected["n"] = 7;
  CHECK(*was == expected);

  // The same body under another code, a failed condition that did not ask, and a malformed body.
  CHECK_FALSE(error(make_error_code(service_errc::validation_exception), d).item());
  diagnostics plain = d;
  plain.details.clear();
  CHECK_FALSE(error(make_error_code(service_errc::conditional_check_failed), plain).item());
  diagnostics broken = d;
  broken.details = R"({"Item":)";
  CHECK_FALSE(error(make_error_code(service_errc::conditional_check_failed), broken).item());
  broken.details = R"({"Item":"not a map"})";
  CHECK_FALSE(error(make_error_code(service_errc::conditional_check_failed), broken).item());
  broken.details = R"({"Item":{"pk":{"Q":"no such type"}}})";
  CHECK_FALSE(error(make_error_code(service_errc::conditional_check_failed), broken).item());
  CHECK_FALSE(error(errc::invalid_argument, "client side").item());
}
