// The client over TLS against the fake endpoint: which certificates it accepts, that a refused
// certificate is reported once rather than retried, and the warning when verification is off.

#include <dynasio/client.hpp>
#include <dynasio/error.hpp>
#include <dynasio/is_retryable.hpp>

#include "fake_tls_endpoint.hpp"
#include "run_coro.hpp"
#include "test_certs.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>
#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace asio = boost::asio;
namespace json = boost::json;
using namespace dynasio;
using namespace std::chrono_literals;
using test::exchange;
using test::fake_endpoint;
using test::fake_tls_endpoint;
using test::run_coro;
using test::server_cert;
using test::stop_when_done;

namespace {

struct tls_setup {
  bool verify = true;
  bool trust_test_ca = false;
};

client_config tls_config(const fake_endpoint& ep, tls_setup setup,
                         std::shared_ptr<std::vector<std::pair<log_level, std::string>>> log = nullptr) {
  client_config c;
  c.region = "us-east-1";
  c.endpoint = ep.endpoint_url();
  c.credentials = {"AKIDTLS0001", "SECRETTLS0001", ""};
  c.retry.base_delay = 10ms;
  c.retry.max_delay = 20ms;
  c.connect_timeout = 2s;
  c.handshake_timeout = 2s;
  c.request_timeout = 2s;
  c.verify_tls = setup.verify;
  if (setup.trust_test_ca) c.ca_file = test::ca_file_path();
  if (log) c.logger = [log](log_level l, std::string_view line) { log->emplace_back(l, std::string(line)); };
  return c;
}

exchange ok() {
  exchange e;
  e.body = R"({"ok":true})";
  return e;
}

// The certificate is refused: one connection, no request, an error that is not retried.
asio::awaitable<void> refused(fake_endpoint& ep, tls_setup setup) {
  client db(co_await asio::this_coro::executor, tls_config(ep, setup));
  std::optional<error> thrown;
  try {
    co_await db.call_raw("ListTables", "{}");
  } catch (const error& e) {
    thrown = e;
  }
  REQUIRE(thrown);
  INFO(thrown->what());
  CHECK(std::string(thrown->what()).find("certificate verify failed") != std::string::npos);
  CHECK_FALSE(is_retryable(thrown->code()));
  CHECK(ep.connections_accepted() == 1);
  CHECK(ep.request_count() == 0);
  CHECK(db.stats().requests == 0);
  CHECK(db.stats().retries == 0);
}

asio::awaitable<void> accepted(fake_endpoint& ep, tls_setup setup) {
  auto log = std::make_shared<std::vector<std::pair<log_level, std::string>>>();
  client db(co_await asio::this_coro::executor, tls_config(ep, setup, log));
  json::object r = co_await db.call_raw("ListTables", "{}");
  CHECK(r.contains("ok"));
  // Keep-alive works over TLS too.
  co_await db.call_raw("ListTables", "{}");
  CHECK(ep.connections_accepted() == 1);
  CHECK(ep.request_count() == 2);
  bool warned = false;
  for (const auto& [level, line] : *log)
    warned = warned ||
             (level == log_level::warning && line.find("TLS certificate verification is OFF") != std::string::npos);
  CHECK(warned == !setup.verify);
}

}  // namespace

TEST_CASE("client tls: a server certificate from an unknown CA is refused by default, once") {
  asio::io_context ioc;
  fake_tls_endpoint ep(ioc.get_executor(), {ok()});
  run_coro(ioc, stop_when_done(ep, refused(ep, {})));
  CHECK(ep.failures().empty());
}

TEST_CASE("client tls: a self-signed server certificate is refused") {
  asio::io_context ioc;
  test::fake_endpoint_options opts;
  opts.tls = test::make_server_tls_context(test::test_certs().ca);
  fake_endpoint ep(ioc.get_executor(), {ok()}, std::move(opts));
  run_coro(ioc, stop_when_done(ep, refused(ep, {})));
  CHECK(ep.failures().empty());
}

TEST_CASE("client tls: the server certificate is accepted with its CA in ca_file") {
  asio::io_context ioc;
  fake_tls_endpoint ep(ioc.get_executor(), {ok(), ok()});
  run_coro(ioc, stop_when_done(ep, accepted(ep, {.trust_test_ca = true})));
  CHECK(ep.failures().empty());
  // An IP address is never sent as a server name (RFC 6066, section 3).
  REQUIRE_FALSE(ep.server_names().empty());
  for (const std::string& name : ep.server_names()) CHECK(name == "");
}

TEST_CASE("client tls: the server certificate is accepted by host name, with SNI") {
  asio::io_context ioc;
  fake_tls_endpoint ep(ioc.get_executor(), {ok(), ok()}, server_cert::localhost, "localhost");
  run_coro(ioc, stop_when_done(ep, accepted(ep, {.trust_test_ca = true})));
  CHECK(ep.failures().empty());
  REQUIRE_FALSE(ep.server_names().empty());
  for (const std::string& name : ep.server_names()) CHECK(name == "localhost");
}

TEST_CASE("client tls: a certificate for another host name is refused even with its CA") {
  asio::io_context ioc;
  fake_tls_endpoint ep(ioc.get_executor(), {ok()}, server_cert::wrong_host);
  run_coro(ioc, stop_when_done(ep, refused(ep, {.trust_test_ca = true})));
  CHECK(ep.failures().empty());
}

TEST_CASE("client tls: verify_tls = false connects anyway and logs a warning") {
  asio::io_context ioc;
  fake_tls_endpoint ep(ioc.get_executor(), {ok(), ok()}, server_cert::wrong_host);
  run_coro(ioc, stop_when_done(ep, accepted(ep, {.verify = false})));
  CHECK(ep.failures().empty());
}

TEST_CASE("client tls: a bad ca_file is a configuration error") {
  asio::io_context ioc;
  fake_tls_endpoint ep(ioc.get_executor(), std::vector<exchange>{});
  client_config c = tls_config(ep, {});
  c.ca_file = "/nonexistent/dynasio-ca.pem";
  try {
    client db(ioc.get_executor(), c);
    FAIL("a missing ca_file was accepted");
  } catch (const error& e) {
    CHECK(e.code() == errc::invalid_configuration);
  }
}
