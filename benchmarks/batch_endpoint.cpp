// bench_batch_endpoint: a fast local stand-in for DynamoDB's BatchWriteItem, for throughput
// benchmarks of the batch writer. Single thread, plain HTTP/1.1 keep-alive, any number of
// connections. Every BatchWriteItem is answered {"UnprocessedItems":{}} and its write requests are
// counted, so a benchmark script can check that every item arrived. DescribeTable says every
// table exists, ACTIVE, keyed by a string "pk" (the key of bench_batch_writer's items and
// bench_sink's rows), so a sink can open():
//   GET /stats   -> {"requests":N,"items":M}
//   POST /reset  -> zeroes both
// Prints "port=NNNN" on stdout once listening. Options: --port P (default 0: OS-chosen),
// --duration-limit SECONDS (default 600; the process stops by itself after that), --any-target
// (also answer every other POST that has an X-Amz-Target with `{}`, e.g. PutItem; counted in
// "requests").

#include "local_endpoint.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

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
using bench::make_response;

namespace {

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

  // One request's reply (bench::serve_connection).
  const std::string& operator()(http::request<http::string_body>& msg, bool& keep_alive, std::string& scratch) {
    if (msg.method() == http::verb::post && msg["X-Amz-Target"] == "DynamoDB_20120810.BatchWriteItem") {
      ++requests;
      items += count_write_requests(msg.body());
      return keep_alive ? batch_ok : batch_ok_close;
    }
    if (msg.method() == http::verb::post && msg["X-Amz-Target"] == "DynamoDB_20120810.DescribeTable") {
      ++requests;
      boost::system::error_code ec;
      const boost::json::value body = boost::json::parse(msg.body(), ec);
      const boost::json::string* name = nullptr;
      if (!ec && body.is_object())
        if (const boost::json::value* v = body.as_object().if_contains("TableName")) name = v->if_string();
      if (name == nullptr) {
        keep_alive = false;
        return unknown;
      }
      scratch = make_response(200,
                              R"({"Table":{"TableName":")" + std::string(*name) +
                                  R"(","TableStatus":"ACTIVE","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],)"
                                  R"("AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}]}})",
                              keep_alive);
      return scratch;
    }
    if (any_target && msg.method() == http::verb::post && msg.count("X-Amz-Target") != 0) {
      ++requests;
      return keep_alive ? empty_ok : empty_ok_close;
    }
    if (msg.method() == http::verb::get && msg.target() == "/stats") {
      scratch = make_response(
          200, "{\"requests\":" + std::to_string(requests) + ",\"items\":" + std::to_string(items) + "}", keep_alive);
      return scratch;
    }
    if (msg.method() == http::verb::post && msg.target() == "/reset") {
      requests = 0;
      items = 0;
      scratch = make_response(200, "{}", keep_alive);
      return scratch;
    }
    keep_alive = false;
    return unknown;
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
  bench::listen_on_loopback(srv.acceptor, static_cast<unsigned short>(port));

  srv.timer.expires_after(std::chrono::seconds(duration_limit));
  srv.timer.async_wait([&](beast::error_code ec) {
    if (!ec) srv.stop();
  });
  srv.signals.async_wait([&](beast::error_code ec, int) {
    if (!ec) srv.stop();
  });
  asio::co_spawn(ioc, bench::accept_loop(srv.acceptor, srv), asio::detached);
  ioc.run();
  std::fprintf(stderr, "bench_batch_endpoint: requests=%llu items=%llu\n",
               static_cast<unsigned long long>(srv.requests), static_cast<unsigned long long>(srv.items));
  return 0;
}
