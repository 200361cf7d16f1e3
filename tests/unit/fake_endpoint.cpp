#include "fake_endpoint.hpp"

#include "fake_tls_endpoint.hpp"
#include "run_coro.hpp"
#include "test_certs.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using asio::ip::tcp;
using dynasio::test::aws_error;
using dynasio::test::crc32_of;
using dynasio::test::exchange;
using dynasio::test::fake_endpoint;
using dynasio::test::recorded_request;
using dynasio::test::run_coro;
using dynasio::test::stop_when_done;
using namespace std::chrono_literals;

namespace {

struct reply {
  beast::error_code ec;
  http::response<http::string_body> res;
};

asio::awaitable<void> connect(beast::tcp_stream& stream, const fake_endpoint& ep) {
  co_await stream.async_connect(tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), ep.port()), asio::use_awaitable);
}

// One DynamoDB-style POST on an open connection; errors are returned, not thrown.
template <class Stream>
asio::awaitable<reply> post(Stream& stream, std::string target, std::string body = "{}") {
  http::request<http::string_body> req{http::verb::post, "/", 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::content_type, "application/x-amz-json-1.0");
  req.set("X-Amz-Target", target);
  req.body() = std::move(body);
  req.prepare_payload();
  reply r;
  co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, r.ec));
  if (r.ec) co_return r;
  beast::flat_buffer buffer;
  co_await http::async_read(stream, buffer, r.res, asio::redirect_error(asio::use_awaitable, r.ec));
  co_return r;
}

exchange step(std::string target, std::string body) {
  exchange e;
  e.expect_target = std::move(target);
  e.body = std::move(body);
  return e;
}

exchange fault(exchange::action act) {
  exchange e;
  e.act = act;
  return e;
}

}  // namespace

TEST_CASE("crc32_of is the IEEE CRC-32 DynamoDB sends") {
  CHECK(crc32_of("123456789") == 0xCBF43926u);
  CHECK(crc32_of("") == 0u);
}

TEST_CASE("aws_error builds a DynamoDB error body with a request id") {
  exchange e = aws_error(400, "ProvisionedThroughputExceededException", "slow \"down\"");
  CHECK(e.status == 400);
  auto body = boost::json::parse(e.body).as_object();
  CHECK(body.at("__type").as_string() == "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException");
  CHECK(body.at("message").as_string() == "slow \"down\"");
  REQUIRE(e.headers.size() == 1);
  CHECK(e.headers[0].first == "x-amzn-RequestId");
  CHECK(!e.headers[0].second.empty());
  CHECK(boost::json::parse(aws_error(400, "com.amazon.coral.service#UnrecognizedClientException", "x").body)
            .at("__type")
            .as_string() == "com.amazon.coral.service#UnrecognizedClientException");
}

namespace {
asio::awaitable<void> keep_alive_script(fake_endpoint& ep) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  co_await connect(stream, ep);
  auto a = co_await post(stream, "DynamoDB_20120810.PutItem", R"({"TableName":"t"})");
  REQUIRE(!a.ec);
  CHECK(a.res.result_int() == 200);
  CHECK(a.res.body() == "{}");
  CHECK(a.res.keep_alive());
  CHECK(a.res[http::field::content_type] == "application/x-amz-json-1.0");
  CHECK(a.res["x-amz-crc32"] == std::to_string(crc32_of("{}")));
  CHECK(!a.res["x-amzn-RequestId"].empty());
  auto b = co_await post(stream, "DynamoDB_20120810.GetItem");
  REQUIRE(!b.ec);
  CHECK(b.res.body() == R"({"Item":{}})");
  CHECK(b.res["x-amzn-RequestId"] == "RID-2");
  CHECK(b.res["x-amz-crc32"] == std::to_string(crc32_of(R"({"Item":{}})")));
  auto c = co_await post(stream, "DynamoDB_20120810.DeleteItem");
  REQUIRE(!c.ec);
  CHECK(c.res.result_int() == 404);
  CHECK(c.res["x-amz-crc32"].empty());
}
}  // namespace

TEST_CASE("the script is played in order, and keep-alive requests share one connection") {
  asio::io_context ioc;
  exchange get = step("DynamoDB_20120810.GetItem", R"({"Item":{}})");
  get.headers = {{"x-amzn-RequestId", "RID-2"}};
  exchange del = step("DynamoDB_20120810.DeleteItem", "nope");
  del.status = 404;
  del.add_crc32 = false;
  fake_endpoint ep(ioc.get_executor(), {step("DynamoDB_20120810.PutItem", "{}"), get, del});
  CHECK(ep.endpoint_url() == "http://127.0.0.1:" + std::to_string(ep.port()));
  run_coro(ioc, stop_when_done(ep, keep_alive_script(ep)));

  CHECK(ep.failures().empty());
  CHECK(ep.connections_accepted() == 1);
  CHECK(ep.script_remaining() == 0);
  auto reqs = ep.requests();
  REQUIRE(reqs.size() == 3);
  CHECK(reqs[0].target == "DynamoDB_20120810.PutItem");
  CHECK(reqs[0].body == R"({"TableName":"t"})");
  CHECK(reqs[0].method == "POST");
  CHECK(reqs[0].path == "/");
  CHECK(reqs[0].headers.at("content-type") == "application/x-amz-json-1.0");
  CHECK(reqs[0].headers.at("x-amz-target") == "DynamoDB_20120810.PutItem");
  CHECK(reqs[1].target == "DynamoDB_20120810.GetItem");
  CHECK(reqs[2].connection_index == 0);
  CHECK(reqs[0].at <= reqs[1].at);
  CHECK(reqs[1].at <= reqs[2].at);
}

namespace {
asio::awaitable<void> two_posts(fake_endpoint& ep) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  co_await connect(stream, ep);
  auto a = co_await post(stream, "DynamoDB_20120810.GetItem");
  CHECK(!a.ec);
  auto b = co_await post(stream, "DynamoDB_20120810.Query");
  CHECK(!b.ec);
}
}  // namespace

TEST_CASE("a target mismatch is recorded as a failure, and the step is still played") {
  asio::io_context ioc;
  fake_endpoint ep(ioc.get_executor(), {step("DynamoDB_20120810.PutItem", "{}"), step("", "{}")});
  run_coro(ioc, stop_when_done(ep, two_posts(ep)));
  auto failures = ep.failures();
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].find("DynamoDB_20120810.PutItem") != std::string::npos);
  CHECK(failures[0].find("DynamoDB_20120810.GetItem") != std::string::npos);
  CHECK(ep.request_count() == 2);
}

namespace {
asio::awaitable<void> close_before_read_then_retry(fake_endpoint& ep) {
  auto ex = co_await asio::this_coro::executor;
  {
    beast::tcp_stream first(ex);
    co_await connect(first, ep);
    auto r = co_await post(first, "DynamoDB_20120810.PutItem");
    CHECK(r.ec);
  }
  beast::tcp_stream second(ex);
  co_await connect(second, ep);
  auto ok = co_await post(second, "DynamoDB_20120810.PutItem");
  REQUIRE(!ok.ec);
  CHECK(ok.res.result_int() == 200);
  // The next step closes the kept-alive connection when the next request arrives.
  auto stale = co_await post(second, "DynamoDB_20120810.PutItem");
  CHECK(stale.ec);
  beast::tcp_stream third(ex);
  co_await connect(third, ep);
  auto last = co_await post(third, "DynamoDB_20120810.PutItem");
  REQUIRE(!last.ec);
  CHECK(last.res.body() == "last");
}
}  // namespace

TEST_CASE("close_before_read closes a new or kept-alive connection without reading the request") {
  asio::io_context ioc;
  fake_endpoint ep(ioc.get_executor(), {fault(exchange::action::close_before_read), step("", "{}"),
                                        fault(exchange::action::close_before_read), step("", "last")});
  run_coro(ioc, stop_when_done(ep, close_before_read_then_retry(ep)));
  CHECK(ep.failures().empty());
  CHECK(ep.connections_accepted() == 3);
  auto reqs = ep.requests();
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[0].connection_index == 1);
  CHECK(reqs[1].connection_index == 2);
}

namespace {
asio::awaitable<void> one_post_fails(fake_endpoint& ep) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  co_await connect(stream, ep);
  auto r = co_await post(stream, "DynamoDB_20120810.PutItem", R"({"x":1})");
  CHECK(r.ec);
}
}  // namespace

TEST_CASE("close_after_read reads and records the request, then closes without a reply") {
  asio::io_context ioc;
  fake_endpoint ep(ioc.get_executor(), {fault(exchange::action::close_after_read)});
  run_coro(ioc, stop_when_done(ep, one_post_fails(ep)));
  auto reqs = ep.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].body == R"({"x":1})");
  CHECK(ep.failures().empty());
}

namespace {
asio::awaitable<void> wrong_crc(fake_endpoint& ep) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  co_await connect(stream, ep);
  auto r = co_await post(stream, "DynamoDB_20120810.PutItem");
  REQUIRE(!r.ec);
  CHECK(r.res.body() == R"({"Attributes":{}})");
  REQUIRE(!r.res["x-amz-crc32"].empty());
  CHECK(r.res["x-amz-crc32"] != std::to_string(crc32_of(r.res.body())));
}
}  // namespace

TEST_CASE("wrong_crc sends an x-amz-crc32 that does not match the body") {
  asio::io_context ioc;
  exchange e = step("", R"({"Attributes":{}})");
  e.act = exchange::action::wrong_crc;
  fake_endpoint ep(ioc.get_executor(), {e});
  run_coro(ioc, stop_when_done(ep, wrong_crc(ep)));
}

namespace {
asio::awaitable<void> timed_post(fake_endpoint& ep, std::chrono::steady_clock::duration& took) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  co_await connect(stream, ep);
  auto start = std::chrono::steady_clock::now();
  auto r = co_await post(stream, "DynamoDB_20120810.PutItem");
  took = std::chrono::steady_clock::now() - start;
  CHECK(!r.ec);
}
}  // namespace

TEST_CASE("delay is waited before replying") {
  asio::io_context ioc;
  exchange e = step("", "{}");
  e.delay = 150ms;
  fake_endpoint ep(ioc.get_executor(), {e});
  std::chrono::steady_clock::duration took{};
  run_coro(ioc, stop_when_done(ep, timed_post(ep, took)));
  CHECK(took >= 150ms);
}

namespace {
asio::awaitable<void> exhausted(fake_endpoint& ep) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  co_await connect(stream, ep);
  auto ok = co_await post(stream, "DynamoDB_20120810.PutItem");
  CHECK(ok.res.result_int() == 200);
  auto r = co_await post(stream, "DynamoDB_20120810.PutItem");
  REQUIRE(!r.ec);
  CHECK(r.res.result_int() == 500);
  CHECK(boost::json::parse(r.res.body()).at("__type").as_string() == "FakeEndpoint#ScriptExhausted");
  CHECK(r.res["x-amz-crc32"] == std::to_string(crc32_of(r.res.body())));
}
}  // namespace

TEST_CASE("a request past the end of the script gets 500 and is recorded as a failure") {
  asio::io_context ioc;
  fake_endpoint ep(ioc.get_executor(), {step("", "{}")});
  run_coro(ioc, stop_when_done(ep, exhausted(ep)));
  CHECK(ep.failures().size() == 1);
  CHECK(ep.request_count() == 2);
}

namespace {
asio::awaitable<void> pushed(fake_endpoint& ep) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  co_await connect(stream, ep);
  ep.push(step("", "pushed"));
  auto r = co_await post(stream, "DynamoDB_20120810.PutItem");
  CHECK(r.res.body() == "pushed");
}
}  // namespace

TEST_CASE("push appends to the script") {
  asio::io_context ioc;
  fake_endpoint ep(ioc.get_executor(), std::vector<exchange>{});
  run_coro(ioc, stop_when_done(ep, pushed(ep)));
  CHECK(ep.failures().empty());
}

namespace {
asio::awaitable<void> handler_requests(fake_endpoint& ep) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  co_await connect(stream, ep);
  auto a = co_await post(stream, "DynamoDB_20120810.BatchWriteItem", R"({"n":3})");
  REQUIRE(!a.ec);
  CHECK(a.res.body() == R"({"seen":3})");
  CHECK(a.res["x-amz-crc32"] == std::to_string(crc32_of(a.res.body())));
  auto b = co_await post(stream, "DynamoDB_20120810.PutItem");
  REQUIRE(!b.ec);
  CHECK(b.res.result_int() == 400);
  auto c = co_await post(stream, "DynamoDB_20120810.GetItem", "echo me");
  REQUIRE(!c.ec);
  CHECK(c.res.body() == "echo me");
}
}  // namespace

TEST_CASE("handler mode computes each reply from the request, body_fn a body") {
  asio::io_context ioc;
  fake_endpoint ep(ioc.get_executor(), [](const recorded_request& req) {
    if (req.target == "DynamoDB_20120810.BatchWriteItem") {
      exchange e;
      e.body = R"({"seen":)" + std::to_string(boost::json::parse(req.body).at("n").as_int64()) + "}";
      return e;
    }
    if (req.target == "DynamoDB_20120810.GetItem") {
      exchange e;
      e.body_fn = [](const recorded_request& r) { return r.body; };
      return e;
    }
    return aws_error(400, "ValidationException", "no");
  });
  run_coro(ioc, stop_when_done(ep, handler_requests(ep)));
  CHECK(ep.failures().empty());
  CHECK(ep.request_count() == 3);
}

namespace {
asio::awaitable<void> connection_close(fake_endpoint& ep) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  co_await connect(stream, ep);
  auto a = co_await post(stream, "DynamoDB_20120810.PutItem");
  REQUIRE(!a.ec);
  CHECK(!a.res.keep_alive());
  auto b = co_await post(stream, "DynamoDB_20120810.PutItem");
  CHECK(b.ec);
}
}  // namespace

TEST_CASE("keep_alive = false replies with Connection: close and closes") {
  asio::io_context ioc;
  exchange e = step("", "{}");
  e.keep_alive = false;
  fake_endpoint ep(ioc.get_executor(), {e, step("", "{}")});
  run_coro(ioc, stop_when_done(ep, connection_close(ep)));
  CHECK(ep.request_count() == 1);
  CHECK(ep.script_remaining() == 1);
}

namespace {
asio::awaitable<void> hanging(fake_endpoint& ep) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  co_await connect(stream, ep);
  stream.expires_after(300ms);
  auto r = co_await post(stream, "DynamoDB_20120810.PutItem");
  CHECK(r.ec == beast::error::timeout);
}
asio::awaitable<void> hang_until_stopped(fake_endpoint& ep, beast::error_code& ec) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  co_await connect(stream, ep);
  auto r = co_await post(stream, "DynamoDB_20120810.PutItem");
  ec = r.ec;
}
}  // namespace

TEST_CASE("no_reply_hang reads the request and never replies") {
  asio::io_context ioc;
  fake_endpoint ep(ioc.get_executor(), {fault(exchange::action::no_reply_hang)});
  run_coro(ioc, stop_when_done(ep, hanging(ep)));
  CHECK(ep.request_count() == 1);

  // stop() ends the hang, so a client blocked on it sees the connection close.
  fake_endpoint ep2(ioc.get_executor(), {fault(exchange::action::no_reply_hang)});
  beast::error_code ec;
  asio::co_spawn(ioc, hang_until_stopped(ep2, ec), asio::detached);
  asio::steady_timer timer(ioc, 100ms);
  timer.async_wait([&](beast::error_code) { ep2.stop(); });
  ioc.restart();
  CHECK(ioc.run_for(10s) > 0);
  CHECK(ioc.stopped());
  CHECK(ec);
}

namespace {
asio::awaitable<void> parallel_client(fake_endpoint& ep, int& done) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  co_await connect(stream, ep);
  for (int i = 0; i < 3; ++i) {
    auto r = co_await post(stream, "DynamoDB_20120810.PutItem");
    CHECK(!r.ec);
    CHECK(r.res.result_int() == 200);
  }
  ++done;
}
asio::awaitable<void> parallel(fake_endpoint& ep) {
  auto ex = co_await asio::this_coro::executor;
  int done = 0;
  for (int i = 0; i < 4; ++i) asio::co_spawn(ex, parallel_client(ep, done), asio::detached);
  asio::steady_timer timer(ex);
  for (int i = 0; i < 1000 && done < 4; ++i) {
    timer.expires_after(5ms);
    co_await timer.async_wait(asio::use_awaitable);
  }
  CHECK(done == 4);
}
}  // namespace

TEST_CASE("several connections at once each take script steps") {
  asio::io_context ioc;
  fake_endpoint ep(ioc.get_executor(), [](const recorded_request&) { return exchange{}; });
  run_coro(ioc, stop_when_done(ep, parallel(ep)));
  CHECK(ep.connections_accepted() == 4);
  auto reqs = ep.requests();
  CHECK(reqs.size() == 12);
  std::size_t per_connection[4] = {};
  for (const auto& r : reqs)
    if (r.connection_index < 4) ++per_connection[r.connection_index];
  for (auto n : per_connection) CHECK(n == 3);
}

namespace {
asio::awaitable<void> client_gives_up(fake_endpoint& ep) {
  auto ex = co_await asio::this_coro::executor;
  {
    // Half a request, then gone.
    beast::tcp_stream stream(ex);
    co_await connect(stream, ep);
    std::string partial = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"a\":";
    co_await asio::async_write(stream, asio::buffer(partial), asio::use_awaitable);
  }
  {
    beast::tcp_stream stream(ex);
    co_await connect(stream, ep);
  }
  beast::tcp_stream stream(ex);
  co_await connect(stream, ep);
  auto r = co_await post(stream, "DynamoDB_20120810.PutItem");
  REQUIRE(!r.ec);
  CHECK(r.res.result_int() == 200);
}
}  // namespace

TEST_CASE("clients that disconnect mid-request or connect and leave do not disturb the fake") {
  asio::io_context ioc;
  fake_endpoint ep(ioc.get_executor(), {step("", "{}")});
  run_coro(ioc, stop_when_done(ep, client_gives_up(ep)));
  CHECK(ep.failures().empty());
  CHECK(ep.request_count() == 1);
  CHECK(ep.connections_accepted() == 3);
}

namespace {
namespace ssl = boost::asio::ssl;
using dynasio::test::fake_tls_endpoint;
using dynasio::test::server_cert;
using tls_stream = ssl::stream<beast::tcp_stream>;

asio::awaitable<beast::error_code> tls_connect(tls_stream& stream, const fake_endpoint& ep, std::string host) {
  co_await beast::get_lowest_layer(stream).async_connect(
      tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), ep.port()), asio::use_awaitable);
  stream.set_verify_callback(ssl::host_name_verification(host));
  beast::error_code ec;
  co_await stream.async_handshake(ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
  co_return ec;
}

asio::awaitable<void> tls_ok(fake_endpoint& ep, ssl::context& ctx, std::string host) {
  tls_stream stream(co_await asio::this_coro::executor, ctx);
  auto ec = co_await tls_connect(stream, ep, host);
  REQUIRE_MESSAGE(!ec, ec.message());
  auto a = co_await post(stream, "DynamoDB_20120810.PutItem");
  REQUIRE(!a.ec);
  CHECK(a.res.body() == R"({"over":"tls"})");
  auto b = co_await post(stream, "DynamoDB_20120810.GetItem");
  REQUIRE(!b.ec);
  CHECK(b.res.result_int() == 200);
}

asio::awaitable<void> tls_fails(fake_endpoint& ep, ssl::context& ctx, std::string host, beast::error_code& ec) {
  tls_stream stream(co_await asio::this_coro::executor, ctx);
  ec = co_await tls_connect(stream, ep, host);
}
}  // namespace

TEST_CASE("test_certs: a CA and two server certificates, the CA also as a file") {
  const auto& pki = dynasio::test::test_certs();
  CHECK(pki.ca.cert_pem.find("-----BEGIN CERTIFICATE-----") == 0);
  CHECK(pki.localhost.key_pem.find("PRIVATE KEY-----") != std::string::npos);
  CHECK(pki.localhost.cert_pem != pki.wrong_host.cert_pem);
  std::string path;
  {
    auto file = dynasio::test::write_ca_file();
    path = file.path();
    std::ifstream in(path);
    std::stringstream contents;
    contents << in.rdbuf();
    CHECK(contents.str() == pki.ca.cert_pem);
    ssl::context ctx(ssl::context::tls_client);
    ctx.load_verify_file(path);
  }
  CHECK(!std::filesystem::exists(path));
  CHECK(std::filesystem::exists(dynasio::test::ca_file_path()));
}

TEST_CASE("TLS: the handshake verifies the peer and its host name, then the script plays") {
  asio::io_context ioc;
  auto ctx = dynasio::test::make_client_tls_context();
  SUBCASE("by IP address") {
    fake_tls_endpoint ep(ioc.get_executor(), {step("DynamoDB_20120810.PutItem", R"({"over":"tls"})"), step("", "{}")});
    CHECK(ep.endpoint_url() == "https://127.0.0.1:" + std::to_string(ep.port()));
    run_coro(ioc, stop_when_done(ep, tls_ok(ep, ctx, "127.0.0.1")));
    CHECK(ep.failures().empty());
    CHECK(ep.connections_accepted() == 1);
    CHECK(ep.request_count() == 2);
  }
  SUBCASE("by name, through a CA file") {
    ssl::context from_file(ssl::context::tls_client);
    from_file.load_verify_file(dynasio::test::ca_file_path());
    from_file.set_verify_mode(ssl::verify_peer);
    fake_tls_endpoint ep(ioc.get_executor(), {step("", R"({"over":"tls"})"), step("", "{}")}, server_cert::localhost,
                         "localhost");
    CHECK(ep.endpoint_url() == "https://localhost:" + std::to_string(ep.port()));
    run_coro(ioc, stop_when_done(ep, tls_ok(ep, from_file, "localhost")));
    CHECK(ep.failures().empty());
  }
}

TEST_CASE("TLS: verification fails for the wrong host, an untrusted CA, or a connection closed at once") {
  asio::io_context ioc;
  beast::error_code ec;
  SUBCASE("certificate for another host") {
    auto ctx = dynasio::test::make_client_tls_context();
    fake_tls_endpoint ep(ioc.get_executor(), {step("", "{}")}, server_cert::wrong_host);
    run_coro(ioc, stop_when_done(ep, tls_fails(ep, ctx, "127.0.0.1", ec)));
    CHECK(ec);
    CHECK(ec.category() == asio::error::get_ssl_category());
    CHECK(ep.request_count() == 0);
    // The same certificate passes when the client asks for the name it was made for.
    fake_tls_endpoint ep2(ioc.get_executor(), {step("", R"({"over":"tls"})"), step("", "{}")}, server_cert::wrong_host);
    ssl::context ctx2 = dynasio::test::make_client_tls_context();
    run_coro(ioc, stop_when_done(ep2, tls_ok(ep2, ctx2, "wrong.example")));
  }
  SUBCASE("CA not trusted") {
    auto ctx = dynasio::test::make_client_tls_context(dynasio::test::make_test_pki().ca.cert_pem);
    fake_tls_endpoint ep(ioc.get_executor(), {step("", "{}")});
    run_coro(ioc, stop_when_done(ep, tls_fails(ep, ctx, "127.0.0.1", ec)));
    CHECK(ec);
  }
  SUBCASE("close_before_read drops the connection before the handshake") {
    auto ctx = dynasio::test::make_client_tls_context();
    fake_tls_endpoint ep(ioc.get_executor(), {fault(exchange::action::close_before_read)});
    run_coro(ioc, stop_when_done(ep, tls_fails(ep, ctx, "127.0.0.1", ec)));
    CHECK(ec);
    CHECK(ep.script_remaining() == 0);
  }
}
