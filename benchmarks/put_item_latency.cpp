// PutItem round-trip latency (p50, p99) and requests/s through client::call_raw, with N
// coroutines sharing one client, against a local endpoint (bench_batch_endpoint --any-target).
// put_item_latency.sh runs it beside wrk posting the same signed request to the same endpoint:
// wrk's numbers are what the endpoint can do, so the ratio is what the client costs.
//
// Usage: bench_put_item_latency --endpoint http://127.0.0.1:PORT [--requests R] [--concurrency N]...
//        bench_put_item_latency --endpoint URL --wrk-script FILE   (writes wrk's Lua script, exits)
// Prints one line per N: "dynasio N=<n> requests=<r> p50_us=<..> p99_us=<..> rps=<..>".

#include <dynasio/client.hpp>
#include <dynasio/detail/transport/endpoint.hpp>
#include <dynasio/sigv4/canonical.hpp>
#include <dynasio/sigv4/signer.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;

namespace {

const dynasio::credentials bench_creds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", {}};

// A typical small PutItem: a few attributes, about 200 bytes.
const std::string put_body =
    R"({"TableName":"bench","Item":{"pk":{"S":"user#000042"},"sk":{"S":"order#2026-11-21T10:00:00Z"},)"
    R"("amount":{"N":"129.95"},"status":{"S":"PAID"},"items":{"L":[{"S":"sku-1"},{"S":"sku-2"}]}}})";

std::string lua_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The same request the client sends, signed once (the endpoint does not check signatures).
void write_wrk_script(const std::string& endpoint, const std::string& path) {
  auto ep = dynasio::detail::parse_endpoint(endpoint);
  dynasio::sigv4::signer signer("us-east-1", "dynamodb");
  const std::string date = dynasio::sigv4::format_amz_date(std::chrono::system_clock::now());
  const std::string target = "DynamoDB_20120810.PutItem";
  const std::string type = "application/x-amz-json-1.0";
  std::ofstream out(path);
  out << "wrk.method = \"POST\"\n"
      << "wrk.body = " << lua_quote(put_body) << "\n"
      << "wrk.headers[\"Content-Type\"] = " << lua_quote(type) << "\n"
      << "wrk.headers[\"X-Amz-Date\"] = " << lua_quote(date) << "\n"
      << "wrk.headers[\"X-Amz-Target\"] = " << lua_quote(target) << "\n"
      << "wrk.headers[\"User-Agent\"] = \"dynasio/0.1\"\n"
      << "wrk.headers[\"Authorization\"] = "
      << lua_quote(signer.sign_dynamodb(bench_creds, ep.host_header, date, target, type, put_body)) << "\n";
}

struct run_result {
  std::vector<double> latencies_us;
  double seconds = 0;
  std::size_t failures = 0;
};

asio::awaitable<void> worker(dynasio::client& db, std::size_t count, run_result& out) {
  for (std::size_t i = 0; i < count; ++i) {
    auto start = clock_type::now();
    try {
      co_await db.call_raw("PutItem", put_body);
    } catch (const std::exception& e) {
      if (out.failures++ == 0) std::cerr << "PutItem failed: " << e.what() << '\n';
      continue;
    }
    out.latencies_us.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - start).count());
  }
}

// N coroutines on one client with N connections, `total` requests between them.
run_result measure(const std::string& endpoint, std::size_t n, std::size_t total) {
  asio::io_context ioc(1);
  dynasio::client_config cfg;
  cfg.region = "us-east-1";
  cfg.endpoint = endpoint;
  cfg.credentials = bench_creds;
  cfg.max_connections = n;
  dynasio::client db(ioc.get_executor(), cfg);
  run_result r;
  r.latencies_us.reserve(total);
  const auto start = clock_type::now();
  for (std::size_t i = 0; i < n; ++i) asio::co_spawn(ioc, worker(db, total / n, r), asio::detached);
  ioc.run();
  r.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  return r;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  std::string endpoint, wrk_script;
  std::size_t requests = 20000;
  std::vector<std::size_t> concurrency;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string arg = argv[i], value = argv[i + 1];
    if (arg == "--endpoint") endpoint = value;
    else if (arg == "--wrk-script") wrk_script = value;
    else if (arg == "--requests") requests = std::strtoul(value.c_str(), nullptr, 10);
    else if (arg == "--concurrency") concurrency.push_back(std::strtoul(value.c_str(), nullptr, 10));
    else endpoint.clear(), i = argc;
  }
  if (endpoint.empty() || requests == 0 || requests > 10'000'000 || argc % 2 == 0) {
    std::cerr << "usage: " << argv[0] << " --endpoint URL [--requests R] [--concurrency N]... | --wrk-script FILE\n";
    return 2;
  }
  if (!wrk_script.empty()) {
    write_wrk_script(endpoint, wrk_script);
    return 0;
  }
  if (concurrency.empty()) concurrency = {1, 8, 32};
  for (std::size_t n : concurrency) {
    if (n == 0 || n > 1024) continue;
    measure(endpoint, n, std::min<std::size_t>(requests / 10 + n, requests));  // warm-up
    run_result r = measure(endpoint, n, requests);
    const double done = static_cast<double>(r.latencies_us.size());
    std::printf("dynasio N=%zu requests=%zu failures=%zu p50_us=%.1f p99_us=%.1f rps=%.0f\n", n, r.latencies_us.size(),
                r.failures, percentile(r.latencies_us, 0.50), percentile(r.latencies_us, 0.99), done / r.seconds);
    std::fflush(stdout);
  }
  return 0;
}
