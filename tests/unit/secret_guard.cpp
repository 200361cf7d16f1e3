// The guard of tests/common/secret_guard.hpp finds what it must, and really fails a test: the
// cases marked should_fail pass only if the guard failed them.
#include "secret_guard.hpp"

#include <dynasio/error.hpp>

#include "integration.hpp"
#include "run_coro.hpp"

#include <boost/asio/awaitable.hpp>
#include <doctest/doctest.h>

#include <string>

using namespace dynasio;

TEST_CASE("secret_guard: finds a secret key or token, whole or by its first 8 characters") {
  const std::string key(test::guarded_secret_key), token(test::guarded_session_token);
  CHECK(test::leaked_secret("signing with " + key) == key);
  CHECK(test::leaked_secret("prefix " + key.substr(0, 8) + " only") == key);
  CHECK(test::leaked_secret("x-amz-security-token:" + token.substr(0, 8)) == token);
  CHECK(test::leaked_secret("first 7: " + key.substr(0, 7) + " " + token.substr(0, 7)).empty());
  CHECK(test::leaked_secret("ValidationException: The provided key element does not match the schema").empty());
  test::guard_secret("AnotherSecret0000");
  CHECK(test::leaked_secret("AnotherS") == "AnotherSecret0000");
}

TEST_CASE("secret_guard: integration_config() signs with the guarded secrets and guards its logger") {
  // integration_config() needs an endpoint; the value is never contacted here.
  setenv("DYNASIO_TEST_ENDPOINT", "http://127.0.0.1:9", 0);
  const client_config cfg = test::integration_config();
  CHECK(cfg.credentials.secret_access_key == test::guarded_secret_key);
  CHECK(cfg.credentials.session_token == test::guarded_session_token);
  REQUIRE(cfg.logger);
}

TEST_CASE("secret_guard: a log line holding the secret key fails the test" * doctest::should_fail()) {
  auto logger = test::guarded_logger([](log_level, std::string_view) {});
  logger(log_level::debug, "credentials: " + std::string(test::guarded_secret_key.substr(0, 8)));
}

namespace {
boost::asio::awaitable<void> throw_with(std::string message) {
  throw error(errc::invalid_argument, message);
  co_return;
}
boost::asio::awaitable<void> throw_diagnostics(std::string message) {
  diagnostics d;
  d.type = "InvalidSignatureException";
  d.message = std::move(message);
  throw error(make_error_code(service_errc::invalid_signature), d);
  co_return;
}
}  // namespace

TEST_CASE("secret_guard: run_coro fails the test when an exception message holds the token" * doctest::should_fail()) {
  CHECK_THROWS_AS(test::run_coro(throw_with("token " + std::string(test::guarded_session_token))), error);
}

TEST_CASE("secret_guard: run_coro fails the test when diagnostics() holds the secret key" * doctest::should_fail()) {
  CHECK_THROWS_AS(test::run_coro(throw_diagnostics("canonical request ... " + std::string(test::guarded_secret_key))),
                  error);
}

TEST_CASE("secret_guard: run_coro passes an exception without a secret on untouched") {
  CHECK_THROWS_WITH_AS(test::run_coro(throw_with("a plain message")), doctest::Contains("a plain message"), error);
}
