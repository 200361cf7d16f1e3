#include <dynasio/config.hpp>
#include <dynasio/detail/retry_policy.hpp>
#include <dynasio/detail/transport/endpoint.hpp>
#include <dynasio/error.hpp>
#include <dynasio/is_retryable.hpp>

#include "run_coro.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

using namespace dynasio;

namespace {

struct fake_env {
  std::map<std::string, std::string, std::less<>> vars;
  client_config load() const {
    return client_config::from_env([this](std::string_view n) -> std::optional<std::string> {
      auto it = vars.find(n);
      return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    });
  }
};

std::string temp_file(const std::string& name, const std::string& text) {
  auto p = std::filesystem::temp_directory_path() / ("dynasio-test-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(p) << text;
  return p.string();
}

}  // namespace

TEST_CASE("from_env: region and endpoint follow the AWS SDK order") {
  fake_env e{{{"HOME", "/nonexistent"},
              {"AWS_ACCESS_KEY_ID", "AK"},
              {"AWS_SECRET_ACCESS_KEY", "SK"},
              {"AWS_DEFAULT_REGION", "eu-west-1"}}};
  auto c = e.load();
  CHECK(c.region == "eu-west-1");
  CHECK(c.endpoint == "https://dynamodb.eu-west-1.amazonaws.com");
  CHECK(c.credentials.access_key_id == "AK");
  CHECK(c.credentials.session_token.empty());
  e.vars["AWS_REGION"] = "us-west-2";
  e.vars["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1";
  e.vars["AWS_SESSION_TOKEN"] = "TOKEN";
  c = e.load();
  CHECK(c.region == "us-west-2");
  CHECK(c.endpoint == "http://127.0.0.1:1");
  CHECK(c.credentials.session_token == "TOKEN");
  e.vars["AWS_ENDPOINT_URL_DYNAMODB"] = "http://127.0.0.1:2";
  e.vars["AWS_MAX_ATTEMPTS"] = "7";
  c = e.load();
  CHECK(c.endpoint == "http://127.0.0.1:2");
  CHECK(c.retry.max_attempts == 7);
  e.vars["AWS_MAX_ATTEMPTS"] = "seven";
  CHECK_THROWS_AS(e.load(), error);
}

TEST_CASE(
    "from_env: AWS_RETRY_MODE picks standard, legacy (as standard) or adaptive; anything else names the variable and "
    "value") {
  fake_env e{{{"HOME", "/nonexistent"},
              {"AWS_ACCESS_KEY_ID", "AK"},
              {"AWS_SECRET_ACCESS_KEY", "SK"},
              {"AWS_REGION", "eu-west-1"}}};
  CHECK(e.load().retry.mode == retry_mode::standard);
  e.vars["AWS_RETRY_MODE"] = "adaptive";
  CHECK(e.load().retry.mode == retry_mode::adaptive);
  e.vars["AWS_RETRY_MODE"] = "legacy";
  CHECK(e.load().retry.mode == retry_mode::standard);
  e.vars["AWS_RETRY_MODE"] = "standard";
  CHECK(e.load().retry.mode == retry_mode::standard);
  e.vars["AWS_RETRY_MODE"] = "Adaptive";
  try {
    e.load();
    FAIL("no error");
  } catch (const error& x) {
    CHECK(x.code() == errc::invalid_configuration);
    CHECK(std::string(x.what()).find("AWS_RETRY_MODE") != std::string::npos);
    CHECK(std::string(x.what()).find("\"Adaptive\"") != std::string::npos);
  }
}

TEST_CASE("retry policy: adaptive mode has a rate limiter, standard mode none") {
  retry_config cfg;
  CHECK(detail::retry_policy(cfg, 1).rate() == nullptr);
  cfg.mode = retry_mode::adaptive;
  detail::retry_policy p(cfg, 1);
  REQUIRE(p.rate() != nullptr);
  CHECK_FALSE(p.rate()->enabled());
}

TEST_CASE("from_env: shared credentials and config files for AWS_PROFILE") {
  auto creds = temp_file("credentials",
                         "[default]\naws_access_key_id = DEF\naws_secret_access_key = DEFS\n\n"
                         "[work]\naws_access_key_id=WORK\naws_secret_access_key = WORKS\naws_session_token = T\n");
  auto config = temp_file("config", "[default]\nregion = ap-south-1\n[profile work]\nregion = sa-east-1\n");
  fake_env e{{{"HOME", "/nonexistent"}, {"AWS_SHARED_CREDENTIALS_FILE", creds}, {"AWS_CONFIG_FILE", config}}};
  // The files' keys come from the default chain, at the first request, not from from_env().
  auto keys = [](const client_config& c) {
    CHECK(c.credentials.access_key_id.empty());
    REQUIRE(c.credentials_provider);
    return test::run_coro(c.credentials_provider());
  };
  auto c = e.load();
  CHECK(c.region == "ap-south-1");
  CHECK(keys(c).access_key_id == "DEF");
  e.vars["AWS_PROFILE"] = "work";
  c = e.load();
  CHECK(c.region == "sa-east-1");
  auto work = keys(c);
  CHECK(work.access_key_id == "WORK");
  CHECK(work.secret_access_key == "WORKS");
  CHECK(work.session_token == "T");
  std::remove(creds.c_str());
  std::remove(config.c_str());
}

TEST_CASE("from_env: one error names every variable it looked at, and no secret") {
  fake_env e{{{"HOME", "/nonexistent"}, {"AWS_SECRET_ACCESS_KEY", "very-secret"}}};
  try {
    e.load();
    FAIL("from_env accepted an empty environment");
  } catch (const error& err) {
    CHECK(err.code() == errc::invalid_configuration);
    std::string w = err.what();
    for (auto name : {"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_CONFIG_FILE"})
      CHECK_MESSAGE(w.find(name) != std::string::npos, name);
    CHECK(w.find("very-secret") == std::string::npos);
  }
}

TEST_CASE("endpoint URLs are taken apart into host, port and Host header") {
  auto a = detail::parse_endpoint("https://dynamodb.us-east-1.amazonaws.com");
  CHECK(a.tls);
  CHECK(a.port == "443");
  CHECK(a.host_header == "dynamodb.us-east-1.amazonaws.com");
  auto b = detail::parse_endpoint("http://127.0.0.1:8000/");
  CHECK_FALSE(b.tls);
  CHECK(b.host == "127.0.0.1");
  CHECK(b.host_header == "127.0.0.1:8000");
  auto c = detail::parse_endpoint("http://[::1]:9000");
  CHECK(c.host == "::1");
  CHECK(c.host_header == "[::1]:9000");
  CHECK(detail::parse_endpoint("http://localhost:80").host_header == "localhost");
  CHECK_THROWS_AS(detail::parse_endpoint("ftp://x"), error);
  CHECK_THROWS_AS(detail::parse_endpoint("https://x/path"), error);
  CHECK_THROWS_AS(detail::parse_endpoint("https://x:port"), error);
}

TEST_CASE("retry policy: full-jitter backoff capped, token bucket drains and refunds") {
  retry_config cfg{
      .max_attempts = 3, .base_delay = std::chrono::milliseconds(100), .max_delay = std::chrono::milliseconds(1000)};
  detail::retry_policy p(cfg, 42);
  CHECK(p.max_backoff(1).count() == 100);
  CHECK(p.max_backoff(2).count() == 200);
  CHECK(p.max_backoff(4).count() == 800);
  CHECK(p.max_backoff(5).count() == 1000);
  CHECK(p.max_backoff(60).count() == 1000);
  for (unsigned a = 1; a < 8; ++a)
    for (int i = 0; i < 100; ++i) {
      auto d = p.backoff(a);
      CHECK(d.count() >= 0);
      CHECK(d <= p.max_backoff(a));
    }
  CHECK(p.tokens() == 500);
  CHECK(*p.acquire(false) == 5);
  CHECK(*p.acquire(true) == 10);
  CHECK(p.tokens() == 485);
  p.on_success(15);
  CHECK(p.tokens() == 500);
  p.on_success(0);
  CHECK(p.tokens() == 500);  // never above capacity
  int retries = 0;
  while (p.acquire(false)) ++retries;
  CHECK(retries == 100);
}

TEST_CASE("is_retryable: throttling, 5xx, CRC, timeouts and resets yes; client mistakes no") {
  for (auto e : {service_errc::provisioned_throughput_exceeded, service_errc::throttling,
                 service_errc::request_limit_exceeded, service_errc::limit_exceeded, service_errc::transaction_conflict,
                 service_errc::internal_server_error, service_errc::service_unavailable})
    CHECK(is_retryable(e));
  for (auto e : {service_errc::validation_exception, service_errc::conditional_check_failed,
                 service_errc::resource_not_found, service_errc::access_denied, service_errc::invalid_signature,
                 service_errc::unrecognized_client, service_errc::unknown})
    CHECK_FALSE(is_retryable(e));
  CHECK(is_retryable(errc::crc32_mismatch));
  CHECK(is_retryable(errc::timeout));
  CHECK_FALSE(is_retryable(errc::invalid_argument));
  CHECK(is_retryable(std::error_code(boost::system::error_code(boost::asio::error::connection_reset))));
  CHECK_FALSE(is_retryable(std::error_code(boost::system::error_code(boost::asio::error::operation_aborted))));
  CHECK(is_retryable(std::error_code(boost::system::error_code(boost::beast::http::error::end_of_stream))));
  CHECK(is_retryable(std::error_code(boost::system::error_code(boost::beast::http::error::partial_message))));
  CHECK_FALSE(is_retryable(std::error_code(boost::system::error_code(boost::beast::http::error::body_limit))));
  CHECK(is_throttling(service_errc::throttling));
  CHECK_FALSE(is_throttling(service_errc::internal_server_error));
}
