// http_conn's reply reader: a loopback server writes replies byte for byte (Content-Length and
// chunked bodies, mixed-case names, Connection: close), and the reply read back has the status,
// the fields in order, the body, and nothing left over from the reply before it.

#include <dynasio/detail/transport/endpoint.hpp>
#include <dynasio/detail/transport/http_conn.hpp>

#include "run_coro.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using dynasio::detail::connect_options;
using dynasio::detail::http_conn;
using dynasio::detail::http_reply;
using dynasio::detail::parse_endpoint;

namespace {

// Accepts one connection and answers each request (read up to the end of its head; the test's
// requests have no body) with the next canned reply, written in two pieces so the parser sees
// a reply split across reads.
asio::awaitable<void> serve(asio::ip::tcp::acceptor& acceptor, std::vector<std::string> replies) {
  constexpr auto tuple = asio::as_tuple(asio::use_awaitable);
  auto [aec, socket] = co_await acceptor.async_accept(tuple);
  if (aec) co_return;
  std::string in;
  for (const std::string& reply : replies) {
    auto [rec, n] = co_await asio::async_read_until(socket, asio::dynamic_buffer(in), "\r\n\r\n", tuple);
    if (rec) co_return;
    in.erase(0, n);
    const std::size_t half = reply.size() / 2;
    auto [w1, a] = co_await asio::async_write(socket, asio::buffer(reply.data(), half), tuple);
    auto [w2, b] = co_await asio::async_write(socket, asio::buffer(reply.data() + half, reply.size() - half), tuple);
    (void)a, (void)b;
    if (w1 || w2) co_return;
  }
}

struct read_back {
  unsigned status;
  std::string reason;
  std::vector<std::string> fields;  // "name: value"
  std::string body;
  std::string crc;  // x-amz-crc32 looked up in another case
  bool has_date;
  bool keep_alive;
};

asio::awaitable<std::vector<read_back>> exchange_all(std::string url, std::size_t count) {
  auto ex = co_await asio::this_coro::executor;
  asio::ssl::context ssl(asio::ssl::context::tls_client);
  http_conn conn(ex, ssl, false);
  connect_options opts;
  opts.connect_timeout = 5s;
  opts.handshake_timeout = 5s;
  const auto ep = parse_endpoint(url);
  auto ec = co_await conn.connect(ep, opts);
  REQUIRE_FALSE(ec);
  std::vector<read_back> out;
  http_reply reply;  // one reply object for every exchange, as client_impl::run uses it
  for (std::size_t i = 0; i < count; ++i) {
    ec = co_await conn.exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n", "", 5000ms, reply);
    REQUIRE_FALSE(ec);
    read_back r;
    r.status = reply.status();
    r.reason = std::string(reply.reason());
    for (std::size_t f = 0; f < reply.field_count(); ++f)
      r.fields.push_back(std::string(reply.field_at(f).name) + ": " + std::string(reply.field_at(f).value));
    r.body = reply.body();
    r.crc = std::string(reply.field("X-AMZ-CRC32").value_or("(none)"));
    r.has_date = reply.field("date").has_value();
    r.keep_alive = conn.keep_alive();
    out.push_back(std::move(r));
  }
  co_return out;
}

}  // namespace

TEST_CASE("http_conn reads replies into one reused http_reply: fields, chunked bodies, keep-alive") {
  asio::io_context ioc;
  asio::ip::tcp::acceptor acceptor(ioc, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const std::string url = "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port());
  std::vector<std::string> replies = {
      // A large Content-Length reply with every field the client reads.
      "HTTP/1.1 200 OK\r\nx-amzn-RequestId: REQ1\r\nX-Amz-Crc32: 123\r\nDate: Tue, 01 Dec 2026 09:58:59 GMT\r\n"
      "Content-Length: 5000\r\n\r\n" +
          std::string(5000, 'a'),
      // Chunked, with an extension and a trailer; fewer fields than the reply before.
      "HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n1;ext=1\r\n,\r\n6\r\n world\r\n0\r\nTrailer-Field: t\r\n\r\n",
      // An empty body, then the server closes.
      "HTTP/1.1 503 Slow Down\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
  };
  asio::co_spawn(ioc, serve(acceptor, replies), asio::detached);
  const auto got = dynasio::test::run_coro(ioc, exchange_all(url, 3));
  REQUIRE(got.size() == 3);

  CHECK(got[0].status == 200);
  CHECK(got[0].reason == "OK");
  CHECK(got[0].fields == std::vector<std::string>{"x-amzn-RequestId: REQ1", "X-Amz-Crc32: 123",
                                                  "Date: Tue, 01 Dec 2026 09:58:59 GMT", "Content-Length: 5000"});
  CHECK(got[0].body == std::string(5000, 'a'));
  CHECK(got[0].crc == "123");
  CHECK(got[0].has_date);
  CHECK(got[0].keep_alive);

  CHECK(got[1].status == 400);
  CHECK(got[1].reason == "Bad Request");
  // The trailer's field comes after the header's (Beast reports both the same way).
  CHECK(got[1].fields == std::vector<std::string>{"Transfer-Encoding: chunked", "Trailer-Field: t"});
  CHECK(got[1].body == "hello, world");
  CHECK(got[1].crc == "(none)");  // nothing left from the first reply
  CHECK_FALSE(got[1].has_date);
  CHECK(got[1].keep_alive);

  CHECK(got[2].status == 503);
  CHECK(got[2].reason == "Slow Down");
  CHECK(got[2].body.empty());
  CHECK_FALSE(got[2].keep_alive);
}

TEST_CASE("http_conn does not keep a connection that sent bytes after its reply") {
  asio::io_context ioc;
  asio::ip::tcp::acceptor acceptor(ioc, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const std::string url = "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port());
  // Nothing is pipelined, so the bytes after the reply answer no request.
  std::vector<std::string> replies = {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 200 OK\r\n\r\n"};
  asio::co_spawn(ioc, serve(acceptor, replies), asio::detached);
  const auto got = dynasio::test::run_coro(ioc, exchange_all(url, 1));
  REQUIRE(got.size() == 1);
  CHECK(got[0].status == 200);
  CHECK(got[0].body == "{}");
  CHECK_FALSE(got[0].keep_alive);
}

TEST_CASE("http_conn reads large replies whole as its read buffer grows, and the small reply after them") {
  asio::io_context ioc;
  asio::ip::tcp::acceptor acceptor(ioc, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const std::string url = "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port());
  std::string big(3 * 1024 * 1024 + 17, 'b');
  for (std::size_t i = 0; i < big.size(); i += 4093) big[i] = static_cast<char>('a' + i % 26);
  std::string chunks;
  for (std::size_t i = 0; i < big.size(); i += 100000) {
    const std::string part = big.substr(i, 100000);
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", part.size());
    chunks += size + part + "\r\n";
  }
  std::vector<std::string> replies = {
      "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(big.size()) + "\r\n\r\n" + big,
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks + "0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}",
  };
  asio::co_spawn(ioc, serve(acceptor, replies), asio::detached);
  const auto got = dynasio::test::run_coro(ioc, exchange_all(url, 3));
  REQUIRE(got.size() == 3);
  CHECK(got[0].body == big);
  CHECK(got[1].body == big);
  CHECK(got[2].body == "{}");
  CHECK(got[2].keep_alive);
}
