// Proxies: which hosts bypass them, the proxy URL, from_env(), and requests through a fake
// proxy on 127.0.0.1 (a CONNECT tunnel for TLS, the absolute request line for plain HTTP).

#include <dynasio/client.hpp>
#include <dynasio/config.hpp>
#include <dynasio/detail/transport/proxy.hpp>
#include <dynasio/error.hpp>

#include "fake_endpoint.hpp"
#include "fake_proxy.hpp"
#include "fake_tls_endpoint.hpp"
#include "run_coro.hpp"
#include "test_certs.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <string>

namespace asio = boost::asio;
using namespace dynasio;
using namespace std::chrono_literals;
using dynasio::detail::bypasses_proxy;
using dynasio::detail::parse_proxy_url;

TEST_CASE("proxy: loopback and link-local never go through a proxy; NO_PROXY rules") {
  struct row {
    const char* host;
    const char* no_proxy;
    bool direct;
  };
  const row rows[] = {
      {"127.0.0.1", "", true},
      {"127.8.9.10", "", true},
      {"::1", "", true},
      {"localhost", "", true},
      {"169.254.169.254", "", true},
      {"169.254.170.2", "", true},
      {"fe80::1", "", true},
      {"dynamodb.us-east-1.amazonaws.com", "", false},
      {"10.0.0.5", "", false},
      {"db.example.com", "example.com", true},
      {"db.example.com", ".example.com", true},
      {"example.com", ".example.com", true},
      {"badexample.com", "example.com", false},
      {"DB.Example.COM", "example.com", true},
      {"db.example.com", "other.org, example.com:443", true},
      {"anything.at.all", "*", true},
      {"10.1.2.3", "10.0.0.0/8", true},
      {"11.1.2.3", "10.0.0.0/8", false},
      {"10.1.2.3", "10.1.2.3", true},
      {"2001:db8::5", "2001:db8::/32", true},
      {"2001:db9::5", "2001:db8::/32", false},
      {"db.example.com", "10.0.0.0/8", false},
      {"db.example.com", " , ,", false},
  };
  for (const row& r : rows) {
    CAPTURE(r.host);
    CAPTURE(r.no_proxy);
    CHECK(bypasses_proxy(r.host, r.no_proxy) == r.direct);
  }
}

TEST_CASE("proxy: the URL is http://[user:pass@]host[:port]; mistakes name the field, never the password") {
  auto p = parse_proxy_url("http://user:pass@proxy.corp:3128");
  CHECK(p.host == "proxy.corp");
  CHECK(p.port == "3128");
  CHECK(p.authorization == "Basic dXNlcjpwYXNz");
  auto q = parse_proxy_url("http://[::1]:8080/");
  CHECK(q.host == "::1");
  CHECK(q.port == "8080");
  CHECK(q.authorization.empty());
  CHECK(parse_proxy_url("http://proxy").port == "80");
  for (const char* bad : {"proxy.corp:3128", "https://proxy:443", "http://:3128", "http://p:0", "http://p:70000",
                          "http://p:12x", "http://p/path", "http://u:secretpw@p:99999"}) {
    CAPTURE(bad);
    try {
      parse_proxy_url(bad);
      FAIL("accepted");
    } catch (const error& e) {
      CHECK(e.code() == errc::invalid_configuration);
      CHECK(std::string(e.what()).find("client_config.proxy") != std::string::npos);
      CHECK(std::string(e.what()).find("secretpw") == std::string::npos);
    }
  }
}

TEST_CASE("proxy: from_env reads HTTPS_PROXY for https, HTTP_PROXY for http, NO_PROXY, AWS_CA_BUNDLE") {
  std::map<std::string, std::string> env{{"AWS_REGION", "eu-west-1"},           {"AWS_ACCESS_KEY_ID", "AKID"},
                                         {"AWS_SECRET_ACCESS_KEY", "S"},        {"HTTPS_PROXY", "http://secure:3128"},
                                         {"http_proxy", "http://plain:8080"},   {"no_proxy", ".internal"},
                                         {"AWS_CA_BUNDLE", "/etc/corp-ca.pem"}, {"HOME", "/nonexistent"}};
  auto getenv = [&](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(std::string(name));
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  client_config a = client_config::from_env(getenv);
  CHECK(a.proxy == "http://secure:3128");
  CHECK(a.no_proxy == ".internal");
  CHECK(a.ca_file == "/etc/corp-ca.pem");
  env["AWS_ENDPOINT_URL_DYNAMODB"] = "http://localhost:8000";
  client_config b = client_config::from_env(getenv);
  CHECK(b.proxy == "http://plain:8080");
}

namespace {

client_config proxied(const std::string& endpoint, const std::string& proxy) {
  client_config c;
  c.region = "us-east-1";
  c.endpoint = endpoint;
  c.credentials = {"AKIDPROXY", "proxy-secret", ""};
  c.retry.base_delay = 1ms;
  c.retry.max_delay = 2ms;
  c.proxy = proxy;
  c.ca_file = test::ca_file_path();
  c.logger = [](log_level, std::string_view) {};
  return c;
}

test::exchange ok() {
  test::exchange e;
  e.body = R"({"ok":true})";
  return e;
}

}  // namespace

TEST_CASE("proxy: HTTPS goes through a CONNECT tunnel with Basic proxy authentication") {
  asio::io_context ioc;
  test::fake_tls_endpoint ep(ioc.get_executor(), {ok(), ok()}, test::server_cert::wrong_host, "wrong.example");
  test::fake_proxy proxy(ioc.get_executor(), ep.port(), "Basic dXNlcjpwYXNz");
  auto body = [&]() -> asio::awaitable<void> {
    client db(co_await asio::this_coro::executor, proxied(ep.endpoint_url(), proxy.url("user:pass")));
    auto r = co_await db.call_raw("PutItem", "{}");
    CHECK(r.contains("ok"));
    co_await db.call_raw("PutItem", "{}");  // the tunnel's connection is kept alive
  };
  test::run_coro(ioc, test::stop_when_done(ep, body()));
  proxy.stop();
  REQUIRE(proxy.heads().size() == 1);
  const std::string& head = proxy.heads()[0];
  CHECK(head.starts_with("CONNECT wrong.example:" + std::to_string(ep.port()) + " HTTP/1.1\r\n"));
  CHECK(head.find("Proxy-Authorization: Basic dXNlcjpwYXNz\r\n") != std::string::npos);
  CHECK(ep.request_count() == 2);
  CHECK(ep.failures().empty());
}

TEST_CASE("proxy: plain HTTP names the absolute URL in the request line and authenticates each request") {
  asio::io_context ioc;
  test::fake_endpoint ep(ioc.get_executor(), {ok()}, test::fake_endpoint_options{nullptr, "dynamodb.test"});
  test::fake_proxy proxy(ioc.get_executor(), ep.port(), "Basic dXNlcjpwYXNz");
  auto body = [&]() -> asio::awaitable<void> {
    client db(co_await asio::this_coro::executor, proxied(ep.endpoint_url(), proxy.url("user:pass")));
    auto r = co_await db.call_raw("PutItem", "{}");
    CHECK(r.contains("ok"));
  };
  test::run_coro(ioc, test::stop_when_done(ep, body()));
  proxy.stop();
  REQUIRE(proxy.heads().size() == 1);
  const std::string url = "http://dynamodb.test:" + std::to_string(ep.port()) + "/";
  CHECK(proxy.heads()[0].starts_with("POST " + url + " HTTP/1.1\r\n"));
  REQUIRE(ep.requests().size() == 1);
  CHECK(ep.requests()[0].path == url);
  CHECK(ep.requests()[0].headers.at("host") == "dynamodb.test:" + std::to_string(ep.port()));
}

TEST_CASE("proxy: a 407 is a clear error, not retried") {
  asio::io_context ioc;
  test::fake_tls_endpoint ep(ioc.get_executor(), std::vector<test::exchange>{}, test::server_cert::wrong_host,
                             "wrong.example");
  test::fake_proxy proxy(ioc.get_executor(), ep.port(), "Basic dXNlcjpwYXNz");
  std::optional<error> thrown;
  auto body = [&]() -> asio::awaitable<void> {
    client db(co_await asio::this_coro::executor, proxied(ep.endpoint_url(), proxy.url("user:wrong")));
    try {
      co_await db.call_raw("PutItem", "{}");
    } catch (const error& e) {
      thrown = e;
    }
  };
  test::run_coro(ioc, test::stop_when_done(ep, body()));
  proxy.stop();
  REQUIRE(thrown);
  CHECK(thrown->code() == errc::proxy_authentication_required);
  CHECK(std::string(thrown->what()).find("wrong.example") != std::string::npos);
  CHECK(proxy.heads().size() == 1);
  CHECK(ep.request_count() == 0);
}

TEST_CASE("proxy: a loopback endpoint is reached directly even with a proxy configured") {
  asio::io_context ioc;
  test::fake_endpoint ep(ioc.get_executor(), {ok()});
  test::fake_proxy proxy(ioc.get_executor(), ep.port());
  auto body = [&]() -> asio::awaitable<void> {
    client db(co_await asio::this_coro::executor, proxied(ep.endpoint_url(), proxy.url()));
    co_await db.call_raw("PutItem", "{}");
  };
  test::run_coro(ioc, test::stop_when_done(ep, body()));
  proxy.stop();
  CHECK(proxy.heads().empty());
  CHECK(ep.request_count() == 1);
}
