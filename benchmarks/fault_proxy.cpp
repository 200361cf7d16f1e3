// bench_fault_proxy: an HTTP/1.1 proxy between a DynamoDB client and a local DynamoDB (dynalite
// or DynamoDB Local) that injects the faults of a bad day on AWS, for benchmarks/soak.sh.
//   bench_fault_proxy --upstream HOST:PORT [--port P] [--all-faults RATE] [--fault KIND=RATE]...
//                     [--unprocessed SHARE] [--delay-ms MS] [--seed N] [--duration-limit SECONDS]
// Each request draws at most one fault, KIND with probability RATE (default 0 for all):
//   reset_before   the connection is reset (RST) before the request reaches the server
//   throttle_pte   400 ProvisionedThroughputExceededException, not forwarded
//   throttling     400 ThrottlingException, not forwarded
//   http500        500 InternalServerError, not forwarded
//   http503        503 ServiceUnavailable, not forwarded
//   reset_after    forwarded; the server's whole reply is read, then the connection is reset
//   delay          forwarded; the reply is held for --delay-ms (default 2500) before it is sent
//   bad_crc        forwarded; the reply's x-amz-crc32 is changed so it no longer matches
// A BatchWriteItem that draws no fault has a share SHARE (default 0) of its write requests held
// back: the proxy forwards the rest in a rewritten body and adds the held ones to the reply's
// UnprocessedItems (a call whose every request is held is answered without the server). The
// rewritten body no longer matches the client's SigV4 signature; neither dynalite nor DynamoDB
// Local verifies signatures, so the server accepts it (AWS itself would not: this is a test tool).
// Counts: `GET /faults` answers them as JSON (never faulted); SIGINT/SIGTERM prints them and exits.
// Prints "port=NNNN" on stdout once listening. Loopback only.

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/crc.hpp>
#include <boost/json.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace json = boost::json;
using asio::ip::tcp;

namespace {

enum fault : std::size_t {
  reset_before,
  throttle_pte,
  throttling,
  http500,
  http503,
  reset_after,
  delay,
  bad_crc,
  fault_kinds
};
constexpr std::array<std::string_view, fault_kinds> fault_names = {
    "reset_before", "throttle_pte", "throttling", "http500", "http503", "reset_after", "delay", "bad_crc"};

struct settings {
  std::string upstream_host = "127.0.0.1";
  std::string upstream_port;
  unsigned short port = 0;
  std::array<double, fault_kinds> rates{};
  double unprocessed_share = 0;
  std::chrono::milliseconds delay{2500};
  std::uint64_t seed = 1;
  std::chrono::seconds duration_limit{3600};
};

struct counters {
  std::uint64_t requests = 0;
  std::uint64_t forwarded = 0;
  std::array<std::uint64_t, fault_kinds> faults{};
  // BatchWriteItem calls that had requests held back, and the requests held back.
  std::uint64_t unprocessed_calls = 0;
  std::uint64_t unprocessed_items = 0;

  std::string to_json() const {
    json::object o;
    o["requests"] = requests;
    o["forwarded"] = forwarded;
    for (std::size_t k = 0; k < fault_kinds; ++k) o[fault_names[k]] = faults[k];
    o["unprocessed_calls"] = unprocessed_calls;
    o["unprocessed_items"] = unprocessed_items;
    return json::serialize(o);
  }
};

using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

std::string crc32_of(std::string_view body) {
  boost::crc_32_type sum;
  sum.process_bytes(body.data(), body.size());
  return std::to_string(sum.checksum());
}

response json_reply(http::status status, std::string body, unsigned version) {
  response res{status, version};
  res.set(http::field::content_type, "application/x-amz-json-1.0");
  res.set("x-amzn-RequestId", "fault-proxy");
  res.set("x-amz-crc32", crc32_of(body));
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

response error_reply(fault kind, unsigned version) {
  switch (kind) {
    case throttle_pte:
      return json_reply(
          http::status::bad_request,
          R"J({"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",)J"
          R"J("message":"The level of configured provisioned throughput for the table was exceeded (fault proxy)"})J",
          version);
    case throttling:
      return json_reply(
          http::status::bad_request,
          R"J({"__type":"com.amazon.coral.availability#ThrottlingException","message":"Rate exceeded (fault proxy)"})J",
          version);
    case http500:
      return json_reply(
          http::status::internal_server_error,
          R"J({"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"Internal server error (fault proxy)"})J",
          version);
    default:
      return json_reply(
          http::status::service_unavailable,
          R"J({"__type":"com.amazon.coral.availability#ServiceUnavailableException","message":"Service unavailable (fault proxy)"})J",
          version);
  }
}

// Resets rather than closes: the client sees ECONNRESET, as when a load balancer drops it.
void reset(tcp::socket& s) {
  boost::system::error_code ignored;
  s.set_option(asio::socket_base::linger(true, 0), ignored);
  s.close(ignored);
}

class proxy {
 public:
  proxy(asio::any_io_executor ex, settings s) : ex_(std::move(ex)), cfg_(std::move(s)), rng_(cfg_.seed) {}

  counters& stats() noexcept { return stats_; }

  asio::awaitable<void> serve(tcp::socket client) {
    beast::flat_buffer in;
    upstream up{tcp::socket(ex_), {}};
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(32u * 1024u * 1024u);
      auto [ec, n] = co_await http::async_read(client, in, parser, asio::as_tuple(asio::use_awaitable));
      (void)n;
      if (ec) co_return;
      request req = parser.release();
      const bool keep_alive = req.keep_alive();
      std::optional<response> res;
      if (req.method() == http::verb::get && req.target() == "/faults") {
        res = json_reply(http::status::ok, stats_.to_json(), req.version());
      } else {
        ++stats_.requests;
        const std::optional<fault> f = draw();
        if (f) ++stats_.faults[*f];
        if (f == reset_before) {
          reset(client);
          co_return;
        }
        if (f && *f >= throttle_pte && *f <= http503) {
          res = error_reply(*f, req.version());
        } else if (!f && cfg_.unprocessed_share > 0 && req["X-Amz-Target"] == "DynamoDB_20120810.BatchWriteItem") {
          res = co_await batch_write(up, std::move(req));
        } else {
          res = co_await forward(up, std::move(req));
        }
        if (!res || f == reset_after) {
          reset(client);
          co_return;
        }
        if (f == delay) {
          asio::steady_timer t(ex_, cfg_.delay);
          co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
        }
        if (f == bad_crc) {
          auto it = res->find("x-amz-crc32");
          std::string wrong = it == res->end() ? "0" : std::to_string(std::stoull(std::string(it->value())) ^ 1u);
          res->set("x-amz-crc32", wrong);
        }
      }
      res->keep_alive(keep_alive);
      auto [wec, wn] = co_await http::async_write(client, *res, asio::as_tuple(asio::use_awaitable));
      (void)wn;
      if (wec || !keep_alive) co_return;
    }
  }

 private:
  struct upstream {
    tcp::socket socket;
    beast::flat_buffer buffer;
  };

  std::optional<fault> draw() {
    double u = std::uniform_real_distribution<double>(0, 1)(rng_);
    for (std::size_t k = 0; k < fault_kinds; ++k) {
      if (u < cfg_.rates[k]) return static_cast<fault>(k);
      u -= cfg_.rates[k];
    }
    return std::nullopt;
  }

  // One round trip to the server on this client connection's own upstream connection (so
  // the server sees requests of one client connection in order), reconnecting once if the
  // kept-alive one was closed. No reply: the caller resets the client connection.
  asio::awaitable<std::optional<response>> forward(upstream& up, request req) {
    ++stats_.forwarded;
    req.keep_alive(true);
    req.prepare_payload();
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!up.socket.is_open()) {
        tcp::resolver resolver(ex_);
        auto [rec, eps] = co_await resolver.async_resolve(cfg_.upstream_host, cfg_.upstream_port,
                                                          asio::as_tuple(asio::use_awaitable));
        if (rec) co_return std::nullopt;
        auto [cec, ep] = co_await asio::async_connect(up.socket, eps, asio::as_tuple(asio::use_awaitable));
        (void)ep;
        if (cec) co_return std::nullopt;
        up.buffer.clear();
      }
      auto [wec, wn] = co_await http::async_write(up.socket, req, asio::as_tuple(asio::use_awaitable));
      (void)wn;
      if (!wec) {
        http::response_parser<http::string_body> parser;
        parser.body_limit(64u * 1024u * 1024u);
        auto [ec, n] = co_await http::async_read(up.socket, up.buffer, parser, asio::as_tuple(asio::use_awaitable));
        (void)n;
        if (!ec) {
          response res = parser.release();
          if (!res.keep_alive()) up.socket.close();
          co_return res;
        }
        // Read failed after the write: the server may have the request; re-sending it could
        // apply it twice out of order with a later one, so the client sees a reset instead.
        up.socket.close();
        co_return std::nullopt;
      }
      up.socket.close();
    }
    co_return std::nullopt;
  }

  // Holds back a share of the call's write requests and reports them as UnprocessedItems.
  asio::awaitable<std::optional<response>> batch_write(upstream& up, request req) {
    boost::system::error_code ec;
    json::value body = json::parse(req.body(), ec);
    json::object* items = nullptr;
    if (!ec && body.is_object())
      if (auto* ri = body.as_object().if_contains("RequestItems"); ri && ri->is_object()) items = &ri->as_object();
    if (!items) co_return co_await forward(up, std::move(req));
    std::vector<std::pair<std::string, std::size_t>> all;
    for (auto& [table, list] : *items) {
      if (!list.is_array()) co_return co_await forward(up, std::move(req));
      for (std::size_t i = 0; i < list.as_array().size(); ++i) all.emplace_back(std::string(table), i);
    }
    // floor(share * n + u): on average exactly `share` of the requests, even for small calls.
    const double u = std::uniform_real_distribution<double>(0, 1)(rng_);
    const std::size_t held =
        std::min(all.size(), static_cast<std::size_t>(cfg_.unprocessed_share * static_cast<double>(all.size()) + u));
    if (held == 0) co_return co_await forward(up, std::move(req));
    std::shuffle(all.begin(), all.end(), rng_);
    std::map<std::string, std::vector<std::size_t>> held_at;
    for (std::size_t i = 0; i < held; ++i) held_at[all[i].first].push_back(all[i].second);
    json::object kept, unprocessed;
    for (auto& [table, list] : *items) {
      auto& marks = held_at[std::string(table)];
      json::array keep, hold;
      for (std::size_t i = 0; i < list.as_array().size(); ++i)
        (std::find(marks.begin(), marks.end(), i) != marks.end() ? hold : keep).push_back(list.as_array()[i]);
      if (!keep.empty()) kept[table] = std::move(keep);
      if (!hold.empty()) unprocessed[table] = std::move(hold);
    }
    ++stats_.unprocessed_calls;
    stats_.unprocessed_items += held;
    if (kept.empty()) {
      json::object reply;
      reply["UnprocessedItems"] = std::move(unprocessed);
      co_return json_reply(http::status::ok, json::serialize(reply), req.version());
    }
    *items = std::move(kept);
    req.body() = json::serialize(body);
    std::optional<response> res = co_await forward(up, std::move(req));
    if (!res || res->result() != http::status::ok) co_return res;
    json::value reply = json::parse(res->body(), ec);
    if (ec || !reply.is_object()) co_return res;
    json::value& merged = reply.as_object()["UnprocessedItems"];
    if (!merged.is_object()) merged = json::object();
    for (auto& [table, list] : unprocessed) {
      json::value& into = merged.as_object()[table];
      if (!into.is_array()) into = json::array();
      for (auto& r : list.as_array()) into.as_array().push_back(std::move(r));
    }
    res->body() = json::serialize(reply);
    res->set("x-amz-crc32", crc32_of(res->body()));
    res->prepare_payload();
    co_return res;
  }

  asio::any_io_executor ex_;
  settings cfg_;
  std::mt19937_64 rng_;
  counters stats_;
};

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, proxy& p) {
  for (;;) {
    auto [ec, s] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    s.set_option(tcp::no_delay(true));
    asio::co_spawn(acceptor.get_executor(), p.serve(std::move(s)), asio::detached);
  }
}

std::optional<settings> parse_args(int argc, char** argv) {
  settings s;
  auto rate = [](std::string_view text) {
    double r = std::stod(std::string(text));
    if (!(r >= 0 && r <= 1)) throw std::invalid_argument("a rate must be in [0, 1]");
    return r;
  };
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (i + 1 >= argc) return std::nullopt;
    std::string_view v = argv[++i];
    if (a == "--upstream") {
      auto colon = v.rfind(':');
      if (colon == std::string_view::npos) return std::nullopt;
      s.upstream_host = v.substr(0, colon);
      s.upstream_port = v.substr(colon + 1);
    } else if (a == "--port") {
      s.port = static_cast<unsigned short>(std::stoul(std::string(v)));
    } else if (a == "--all-faults") {
      s.rates.fill(rate(v));
    } else if (a == "--fault") {
      auto eq = v.find('=');
      auto it = std::find(fault_names.begin(), fault_names.end(), v.substr(0, eq));
      if (eq == std::string_view::npos || it == fault_names.end()) return std::nullopt;
      s.rates[static_cast<std::size_t>(it - fault_names.begin())] = rate(v.substr(eq + 1));
    } else if (a == "--unprocessed") {
      s.unprocessed_share = rate(v);
    } else if (a == "--delay-ms") {
      s.delay = std::chrono::milliseconds(std::stoul(std::string(v)));
    } else if (a == "--seed") {
      s.seed = std::stoull(std::string(v));
    } else if (a == "--duration-limit") {
      s.duration_limit = std::chrono::seconds(std::stoul(std::string(v)));
    } else {
      return std::nullopt;
    }
  }
  double total = 0;
  for (double r : s.rates) total += r;
  if (s.upstream_port.empty() || total > 1) return std::nullopt;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<settings> s;
  try {
    s = parse_args(argc, argv);
  } catch (const std::exception&) {
  }
  if (!s) {
    std::cerr
        << "usage: bench_fault_proxy --upstream HOST:PORT [--port P] [--all-faults RATE] [--fault KIND=RATE]...\n"
           "         [--unprocessed SHARE] [--delay-ms MS] [--seed N] [--duration-limit SECONDS]\n"
           "kinds: reset_before throttle_pte throttling http500 http503 reset_after delay bad_crc (rates sum <= 1)\n";
    return 2;
  }
  asio::io_context ioc(1);
  proxy p(ioc.get_executor(), *s);
  tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), s->port));
  std::cout << "port=" << acceptor.local_endpoint().port() << std::endl;
  asio::co_spawn(ioc, accept_loop(acceptor, p), asio::detached);
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  auto finish = [&] {
    std::cout << "fault_proxy: " << p.stats().to_json() << std::endl;
    ioc.stop();
  };
  signals.async_wait([&](boost::system::error_code ec, int) {
    if (!ec) finish();
  });
  // Stops by itself, so a forgotten proxy never outlives its soak.
  asio::steady_timer limit(ioc, s->duration_limit);
  limit.async_wait([&](boost::system::error_code ec) {
    if (!ec) finish();
  });
  ioc.run();
  return 0;
}
