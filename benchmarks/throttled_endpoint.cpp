// bench_throttled_endpoint: a local BatchWriteItem stand-in with a provisioned write capacity,
// for benchmarks of clients under throttling. A token bucket of W write units per second with
// a burst of B seconds of them; a write request costs one unit per started KB of its JSON.
// Each BatchWriteItem takes the requests that fit, in order, and returns the rest in
// UnprocessedItems; a call of which nothing fits gets ProvisionedThroughputExceededException
// (with ThrottlingReasons TableWriteProvisionedThroughputExceeded). Single thread, HTTP/1.1
// keep-alive.
//   GET /stats  -> {"calls":N,"throttled_calls":T,"accepted":A,"rejected":R}
//   POST /reset -> zeroes them, refills the bucket, restarts the clock of --steps and --series
// Options: --port P (0), --wcu W (2000), --burst-seconds B (1), --steps T:W[,T:W...] (capacity W
// from T seconds after the reset on), --series FILE (a line "t capacity accepted rejected" per
// 100 ms: items per second in that slice), --duration-limit SECONDS (600).
// Prints "port=NNNN" once listening.

#include "local_endpoint.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace json = boost::json;
using asio::ip::tcp;
using bench::make_response;
using sclock = std::chrono::steady_clock;

namespace {

struct table_bucket {
  double wcu = 2000;
  double burst_seconds = 1;
  std::vector<std::pair<double, double>> steps;  // (seconds after reset, capacity)
  sclock::time_point origin = sclock::now();
  double tokens = 0;
  double last = 0;

  double capacity(double t) const {
    double w = wcu;
    for (const auto& [at, cap] : steps)
      if (t >= at) w = cap;
    return w;
  }
  double now() const { return std::chrono::duration<double>(sclock::now() - origin).count(); }
  void reset() {
    origin = sclock::now();
    last = 0;
    tokens = capacity(0) * burst_seconds;
  }
  void refill(double t) {
    const double w = capacity(t);
    tokens = std::min(w * burst_seconds, tokens + (t - last) * w);
    last = t;
  }
};

struct server {
  explicit server(asio::io_context& ioc) : ioc(ioc), acceptor(ioc), timer(ioc), slicer(ioc) {}

  asio::io_context& ioc;
  tcp::acceptor acceptor;
  asio::steady_timer timer;
  asio::steady_timer slicer;
  table_bucket bucket;
  std::uint64_t calls = 0, throttled_calls = 0, accepted = 0, rejected = 0;
  std::uint64_t slice_accepted = 0, slice_rejected = 0;
  std::ofstream series;
  bool running = false;  // the series runs from the first call after a reset

  // Answers one BatchWriteItem body: (status, reply).
  std::pair<unsigned, std::string> batch_write(const std::string& body) {
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec || !v.is_object() || !v.as_object().contains("RequestItems"))
      return {400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ValidationException","message":"bad body"})"};
    if (!running) {
      running = true;
      bucket.reset();
      schedule_slice();
    }
    ++calls;
    const double t = bucket.now();
    bucket.refill(t);
    json::object unprocessed;
    std::uint64_t took = 0, left = 0;
    for (auto& [table, requests] : v.as_object()["RequestItems"].as_object()) {
      json::array rest;
      for (auto& r : requests.as_array()) {
        const double units = static_cast<double>((json::serialize(r).size() + 1023) / 1024);
        if (bucket.tokens >= units) {
          bucket.tokens -= units;
          ++took;
        } else {
          rest.push_back(r);
          ++left;
        }
      }
      if (!rest.empty()) unprocessed[table] = std::move(rest);
    }
    if (took == 0 && left != 0) {
      ++throttled_calls;
      rejected += left;
      slice_rejected += left;
      return {
          400,
          R"({"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",)"
          R"("message":"The level of configured provisioned throughput for the table was exceeded.",)"
          R"("ThrottlingReasons":[{"reason":"TableWriteProvisionedThroughputExceeded","resource":"arn:aws:dynamodb:local:0:table/bench"}]})"};
    }
    accepted += took;
    rejected += left;
    slice_accepted += took;
    slice_rejected += left;
    json::object reply;
    reply["UnprocessedItems"] = std::move(unprocessed);
    return {200, json::serialize(reply)};
  }

  void schedule_slice() {
    slicer.expires_after(std::chrono::milliseconds(100));
    slicer.async_wait([this](beast::error_code ec) {
      if (ec || !running) return;
      if (series.is_open())
        series << bucket.now() << ' ' << bucket.capacity(bucket.now()) << ' ' << slice_accepted * 10 << ' '
               << slice_rejected * 10 << '\n';
      slice_accepted = slice_rejected = 0;
      schedule_slice();
    });
  }

  // One request's reply (bench::serve_connection).
  const std::string& operator()(http::request<http::string_body>& msg, bool& keep_alive, std::string& scratch) {
    if (msg.method() == http::verb::post && msg["X-Amz-Target"] == "DynamoDB_20120810.BatchWriteItem") {
      auto [status, body] = batch_write(msg.body());
      scratch = make_response(status, body, keep_alive);
    } else if (msg.method() == http::verb::get && msg.target() == "/stats") {
      scratch = make_response(
          200,
          "{\"calls\":" + std::to_string(calls) + ",\"throttled_calls\":" + std::to_string(throttled_calls) +
              ",\"accepted\":" + std::to_string(accepted) + ",\"rejected\":" + std::to_string(rejected) + "}",
          keep_alive);
    } else if (msg.method() == http::verb::post && msg.target() == "/reset") {
      calls = throttled_calls = accepted = rejected = slice_accepted = slice_rejected = 0;
      running = false;
      slicer.cancel();
      if (series.is_open()) series << "\n\n" << std::flush;  // a gnuplot data block per run
      scratch = make_response(200, "{}", keep_alive);
    } else {
      keep_alive = false;
      scratch = make_response(
          400, R"({"__type":"com.amazonaws.dynamodb.v20120810#UnknownOperationException","message":"bench"})", false);
    }
    return scratch;
  }
};

}  // namespace

int main(int argc, char** argv) {
  asio::io_context ioc(1);
  server srv(ioc);
  unsigned port = 0;
  unsigned duration_limit = 600;
  try {
    for (int i = 1; i + 1 < argc; i += 2) {
      const std::string arg = argv[i], val = argv[i + 1];
      if (arg == "--port") port = static_cast<unsigned>(std::stoul(val));
      else if (arg == "--wcu") srv.bucket.wcu = std::stod(val);
      else if (arg == "--burst-seconds") srv.bucket.burst_seconds = std::stod(val);
      else if (arg == "--duration-limit") duration_limit = static_cast<unsigned>(std::stoul(val));
      else if (arg == "--series") srv.series.open(val);
      else if (arg == "--steps") {
        std::size_t pos = 0;
        while (pos < val.size()) {
          const std::size_t comma = std::min(val.find(',', pos), val.size());
          const std::string step = val.substr(pos, comma - pos);
          const std::size_t colon = step.find(':');
          srv.bucket.steps.emplace_back(std::stod(step.substr(0, colon)), std::stod(step.substr(colon + 1)));
          pos = comma + 1;
        }
      } else throw std::invalid_argument(arg);
    }
    if (argc % 2 == 0) throw std::invalid_argument("odd arguments");
  } catch (const std::exception&) {
    std::cerr << "usage: " << argv[0]
              << " [--port P] [--wcu W] [--burst-seconds B] [--steps T:W,...] [--series FILE] [--duration-limit S]\n";
    return 2;
  }
  srv.bucket.reset();
  bench::listen_on_loopback(srv.acceptor, static_cast<unsigned short>(port));
  srv.timer.expires_after(std::chrono::seconds(duration_limit));
  srv.timer.async_wait([&](beast::error_code ec) {
    if (!ec) ioc.stop();
  });
  asio::co_spawn(ioc, bench::accept_loop(srv.acceptor, srv), asio::detached);
  ioc.run();
  return 0;
}
