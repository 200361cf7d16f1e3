// bench_batch_endpoint: a fast local stand-in for DynamoDB's BatchWriteItem, for throughput
// benchmarks of the batch writer. Single thread, plain HTTP/1.1 keep-alive, any number of
// connections. Every BatchWriteItem is answered {"UnprocessedItems":{}} and its write requests are
// counted, so a benchmark script can check that every item arrived:
//   GET /stats   -> {"requests":N,"items":M}
//   POST /reset  -> zeroes both
// Prints "port=NNNN" on stdout once listening. Options: --port P (default 0: OS-chosen),
// --duration-limit SECONDS (default 600; the process stops by itself after that), --any-target
// (also answer every other POST that has an X-Amz-Target with `{}`, e.g. PutItem; counted in
// "requests").

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/crc.hpp>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using asio::ip::tcp;

namespace {

constexpr std::uint64_t body_limit = 32u * 1024u * 1024u;  // BatchWriteItem's 16 MB plus JSON slack
constexpr std::uint64_t max_requests_per_connection = 1'000'000'000;
constexpr std::uint64_t max_connections = 10'000'000;

// Counts the keys "PutRequest" and "DeleteRequest" where BatchWriteItem puts them:
// {"RequestItems":{"<table>":[{"PutRequest":...},...]}}, i.e. keys of an object inside an array
// inside an object inside the root object. One pass, no allocation; the same words inside
// attribute names or values are not counted.
std::uint64_t count_write_requests(std::string_view s) {
  constexpr std::size_t target_depth = 4;
  bool is_object[target_depth] = {};
  std::size_t depth = 0;
  bool expect_key = false;
  std::uint64_t count = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    switch (s[i]) {
      case '"': {
        std::size_t end = i + 1;
        while (end < s.size() && s[end] != '"') end += s[end] == '\\' ? 2 : 1;
        if (expect_key && depth == target_depth && is_object[0] && is_object[1] && !is_object[2] && is_object[3]) {
          std::string_view key = s.substr(i + 1, end - i - 1);
          if (key == "PutRequest" || key == "DeleteRequest") ++count;
        }
        expect_key = false;
        i = end;
        break;
      }
      case '{':
        if (depth < target_depth) is_object[depth] = true;
        ++depth;
        expect_key = true;
        break;
      case '[':
        if (depth < target_depth) is_object[depth] = false;
        ++depth;
        expect_key = false;
        break;
      case '}':
      case ']':
        if (depth > 0) --depth;
        expect_key = false;
        break;
      case ',': expect_key = depth >= 1 && depth <= target_depth && is_object[depth - 1]; break;
      default: break;
    }
  }
  return count;
}

std::string make_response(unsigned status, std::string_view body, bool keep_alive) {
  boost::crc_32_type crc;
  crc.process_bytes(body.data(), body.size());
  std::string r = "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Bad Request") + "\r\n";
  r += "Server: dynasio-bench\r\nContent-Type: application/x-amz-json-1.0\r\n";
  r += "x-amzn-RequestId: BENCH0000000000000000000000000000\r\n";
  r += "x-amz-crc32: " + std::to_string(crc.checksum()) + "\r\n";
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  r += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  r += body;
  return r;
}

struct server {
  explicit server(asio::io_context& ioc) : ioc(ioc), acceptor(ioc), timer(ioc), signals(ioc, SIGINT, SIGTERM) {}

  asio::io_context& ioc;
  tcp::acceptor acceptor;
  asio::steady_timer timer;
  asio::signal_set signals;
  std::uint64_t requests = 0;
  std::uint64_t items = 0;
  bool any_target = false;
  // The replies that never change are made once.
  const std::string batch_ok = make_response(200, R"({"UnprocessedItems":{}})", true);
  const std::string batch_ok_close = make_response(200, R"({"UnprocessedItems":{}})", false);
  const std::string empty_ok = make_response(200, "{}", true);
  const std::string empty_ok_close = make_response(200, "{}", false);
  const std::string unknown = make_response(
      400, R"({"__type":"com.amazonaws.dynamodb.v20120810#UnknownOperationException","message":"bench endpoint"})",
      false);

  void stop() {
    beast::error_code ignored;
    acceptor.close(ignored);
    timer.cancel();
    signals.cancel(ignored);
    ioc.stop();
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    beast::flat_buffer buffer;
    std::string body_storage;  // keeps its capacity from request to request
    std::string stats;
    for (std::uint64_t n = 0; n < max_requests_per_connection; ++n) {
      http::request<http::string_body> reuse;
      body_storage.clear();
      reuse.body() = std::move(body_storage);
      http::request_parser<http::string_body> parser(std::move(reuse));
      parser.body_limit(body_limit);
      co_await http::async_read(socket, buffer, parser, token);
      if (ec) co_return;
      auto& msg = parser.get();
      bool keep_alive = msg.keep_alive();
      const std::string* reply = &unknown;
      if (msg.method() == http::verb::post && msg["X-Amz-Target"] == "DynamoDB_20120810.BatchWriteItem") {
        ++requests;
        items += count_write_requests(msg.body());
        reply = keep_alive ? &batch_ok : &batch_ok_close;
      } else if (any_target && msg.method() == http::verb::post && msg.count("X-Amz-Target") != 0) {
        ++requests;
        reply = keep_alive ? &empty_ok : &empty_ok_close;
      } else if (msg.method() == http::verb::get && msg.target() == "/stats") {
        stats = make_response(
            200, "{\"requests\":" + std::to_string(requests) + ",\"items\":" + std::to_string(items) + "}", keep_alive);
        reply = &stats;
      } else if (msg.method() == http::verb::post && msg.target() == "/reset") {
        requests = 0;
        items = 0;
        stats = make_response(200, "{}", keep_alive);
        reply = &stats;
      } else {
        keep_alive = false;
      }
      body_storage = std::move(msg.body());
      co_await asio::async_write(socket, asio::buffer(*reply), token);
      if (ec || !keep_alive) {
        socket.shutdown(tcp::socket::shutdown_send, ec);
        co_return;
      }
    }
  }

  asio::awaitable<void> accept_loop() {
    auto ex = acceptor.get_executor();
    for (std::uint64_t n = 0; n < max_connections; ++n) {
      beast::error_code ec;
      tcp::socket socket(ex);
      co_await acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      if (ec) continue;  // e.g. a connection reset before it was accepted
      socket.set_option(tcp::no_delay(true), ec);
      asio::co_spawn(ex, session(std::move(socket)), asio::detached);
    }
  }
};

bool parse_number(const char* text, unsigned long& out) {
  const char* end = text + std::strlen(text);
  auto [ptr, ec] = std::from_chars(text, end, out);
  return ec == std::errc() && ptr == end;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned long port = 0;
  unsigned long duration_limit = 600;
  bool any_target = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    bool ok = i + 1 < argc;
    if (arg == "--any-target") ok = any_target = true;
    else if (ok && arg == "--port") ok = parse_number(argv[++i], port) && port <= 65535;
    else if (ok && arg == "--duration-limit") ok = parse_number(argv[++i], duration_limit);
    else ok = false;
    if (!ok) {
      std::cerr << "usage: " << argv[0] << " [--port P] [--duration-limit SECONDS] [--any-target]\n";
      return 2;
    }
  }

  asio::io_context ioc(1);
  server srv(ioc);
  srv.any_target = any_target;
  tcp::endpoint where(asio::ip::make_address_v4("127.0.0.1"), static_cast<unsigned short>(port));
  srv.acceptor.open(where.protocol());
  srv.acceptor.set_option(asio::socket_base::reuse_address(true));
  srv.acceptor.bind(where);
  srv.acceptor.listen(asio::socket_base::max_listen_connections);
  std::printf("port=%u\n", static_cast<unsigned>(srv.acceptor.local_endpoint().port()));
  std::fflush(stdout);

  srv.timer.expires_after(std::chrono::seconds(duration_limit));
  srv.timer.async_wait([&](beast::error_code ec) {
    if (!ec) srv.stop();
  });
  srv.signals.async_wait([&](beast::error_code ec, int) {
    if (!ec) srv.stop();
  });
  asio::co_spawn(ioc, srv.accept_loop(), asio::detached);
  ioc.run();
  std::fprintf(stderr, "bench_batch_endpoint: requests=%llu items=%llu\n",
               static_cast<unsigned long long>(srv.requests), static_cast<unsigned long long>(srv.items));
  return 0;
}
