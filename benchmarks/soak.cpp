// bench_soak: the driver of benchmarks/soak.sh. Through a fault-injecting endpoint (normally
// bench_fault_proxy), writes WRITES operations and checks that the tables end exactly as the
// driver's own model says, with a full scan on a direct, fault-free endpoint.
//   bench_soak --endpoint URL --direct URL [--writes N] [--keys K] [--stream-events E]
//              [--in-flight F] [--request-timeout-ms MS] [--time-limit S] [--seed N]
// Of the WRITES, E (default WRITES/5) are change-stream events through a sink into table
// soak_stream; the rest are puts, deletes and updates over K keys (default WRITES/10) into
// soak_table: puts and deletes through one batch writer with F calls in flight (default 8),
// updates (UpdateItem SET) by F workers. The work goes in rounds; within a round a key is
// either batch-written or updated (never both, so the model knows the order of its writes),
// and a round ends with a flush. Sink steps mix inserts, deletes, updates (old -1, new +1)
// and rows inserted and deleted in the same step, each step's events shuffled.
// Prints the faults the proxy injected (GET /faults), the retries the client saw, the time, and
// per table: expected, scanned, lost, stale, duplicated. Exits 0 only when all three are 0;
// exits 3 if the time limit (default 1740 s) passes first.

#include <dynasio/batch_writer.hpp>
#include <dynasio/client.hpp>
#include <dynasio/sink.hpp>
#include <dynasio/table.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace asio = boost::asio;
using dynasio::item;

namespace {

struct options {
  std::string endpoint, direct;
  std::size_t writes = 1'000'000;
  std::size_t keys = 0, stream_events = 0;
  std::size_t in_flight = 8;
  std::chrono::milliseconds request_timeout{2000};
  std::chrono::seconds time_limit{1740};
  std::uint64_t seed = 7;
};

constexpr std::size_t round_ops = 20'000;
constexpr std::size_t step_keys = 300;

std::string key_name(std::size_t i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "k%06zu", i);
  return buf;
}

// The counts of the proxy (GET /faults on the endpoint), as its JSON text.
std::string fetch_faults(const dynasio::client_config& cfg) {
  namespace http = boost::beast::http;
  std::string hostport = cfg.endpoint.substr(cfg.endpoint.find("://") + 3);
  const auto colon = hostport.rfind(':');
  asio::io_context ioc;
  asio::ip::tcp::resolver resolver(ioc);
  boost::beast::tcp_stream stream(ioc);
  stream.connect(resolver.resolve(hostport.substr(0, colon), hostport.substr(colon + 1)));
  http::request<http::empty_body> req{http::verb::get, "/faults", 11};
  req.set(http::field::host, hostport);
  http::write(stream, req);
  boost::beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(stream, buf, res);
  return res.body();
}

// Runs every task at once; rethrows the first failure after all have finished.
asio::awaitable<void> all_of(std::vector<asio::awaitable<void>> tasks) {
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer done(ex, asio::steady_timer::time_point::max());
  std::size_t left = tasks.size();
  std::exception_ptr first;
  for (auto& t : tasks)
    asio::co_spawn(ex, std::move(t), [&](std::exception_ptr e) {
      if (e && !first) first = e;
      if (--left == 0) done.cancel();
    });
  if (left != 0) co_await done.async_wait(asio::as_tuple(asio::use_awaitable));
  if (first) std::rethrow_exception(first);
}

struct table_op {
  enum kind { put, del, update } what;
  std::size_t key;
  std::uint64_t seq;
};

class table_workload {
 public:
  table_workload(dynasio::client db, const options& o, std::size_t ops)
      : db_(std::move(db)), opts_(o), ops_(ops), rng_(o.seed) {}

  std::map<std::string, item>& expected() { return expected_; }
  std::size_t puts = 0, deletes = 0, updates = 0;
  dynasio::batch_stats batch{};

  asio::awaitable<void> run() {
    dynasio::batch_options bo;
    bo.key_names = {"k"};
    bo.max_in_flight = opts_.in_flight;
    bo.max_request_attempts = 60;
    bo.retry_budget = std::chrono::minutes(10);
    bo.base_delay = std::chrono::milliseconds(20);
    bo.max_delay = std::chrono::milliseconds(1000);
    dynasio::batch_writer writer(db_, "soak_table", bo);
    std::uint64_t seq = 0;
    for (std::size_t round = 0; seq < ops_; ++round) {
      std::vector<table_op> batch_ops;
      std::vector<std::vector<table_op>> update_ops(opts_.in_flight);
      for (std::size_t i = 0; i < round_ops && seq < ops_; ++i, ++seq) {
        const std::size_t k = std::uniform_int_distribution<std::size_t>(0, opts_.keys - 1)(rng_);
        if ((k + round) % 4 == 0) {
          update_ops[k % opts_.in_flight].push_back({table_op::update, k, seq});
        } else {
          const bool put = std::uniform_int_distribution<int>(0, 99)(rng_) < 65;
          batch_ops.push_back({put ? table_op::put : table_op::del, k, seq});
        }
      }
      std::vector<asio::awaitable<void>> tasks;
      tasks.push_back(write_batch(writer, std::move(batch_ops)));
      for (auto& list : update_ops) tasks.push_back(write_updates(std::move(list)));
      co_await all_of(std::move(tasks));
    }
    co_await writer.close();
    batch = writer.stats();
  }

 private:
  asio::awaitable<void> write_batch(dynasio::batch_writer& writer, std::vector<table_op> ops) {
    for (const auto& op : ops) {
      const std::string k = key_name(op.key);
      if (op.what == table_op::put) {
        item row{{"k", k}, {"v", op.seq}, {"p", std::string(16 + op.seq % 48, static_cast<char>('a' + op.seq % 26))}};
        if (op.seq % 5 == 0) row["tags"] = dynasio::string_set{"s" + std::to_string(op.seq % 7), "t"};
        expected_[k] = row;
        ++puts;
        co_await writer.put_item(std::move(row));
      } else {
        expected_.erase(k);
        ++deletes;
        item key{{"k", k}};
        co_await writer.delete_item(std::move(key));
      }
    }
    co_await writer.flush();
  }

  asio::awaitable<void> write_updates(std::vector<table_op> ops) {
    dynasio::table t = db_.table("soak_table");
    for (const auto& op : ops) {
      const std::string k = key_name(op.key);
      dynasio::update_options uo;
      uo.update_expression = "SET #v = :v, #u = :u";
      uo.expression_attribute_names = {{"#v", "v"}, {"#u", "u"}};
      uo.expression_attribute_values = {{":v", op.seq}, {":u", "u" + std::to_string(op.seq)}};
      item key{{"k", k}};
      // SET is idempotent: a retry after the server applied it (reset_after, delay) is harmless.
      co_await t.update_item(std::move(key), std::move(uo));
      item& row = expected_[k];
      row["k"] = k;
      row["v"] = op.seq;
      row["u"] = "u" + std::to_string(op.seq);
      ++updates;
    }
  }

  dynasio::client db_;
  const options& opts_;
  std::size_t ops_;
  std::mt19937_64 rng_;
  std::map<std::string, item> expected_;
};

class stream_workload {
 public:
  stream_workload(dynasio::client db, const options& o) : db_(std::move(db)), opts_(o), rng_(o.seed * 31 + 1) {}

  std::map<std::string, item>& expected() { return current_; }
  std::size_t events = 0, steps = 0;
  dynasio::sink_stats stats{};

  asio::awaitable<void> run() {
    dynasio::sink_config sc;
    sc.table_name = "soak_stream";
    sc.partition_key = {"id"};
    sc.batch.max_in_flight = opts_.in_flight;
    sc.batch.max_request_attempts = 60;
    sc.batch.retry_budget = std::chrono::minutes(10);
    sc.batch.base_delay = std::chrono::milliseconds(20);
    sc.batch.max_delay = std::chrono::milliseconds(1000);
    dynasio::sink s = co_await dynasio::sink::open(db_, sc);
    const std::size_t stream_keys = std::max<std::size_t>(opts_.keys / 5, step_keys * 2);
    std::uint64_t version = 0;
    while (events < opts_.stream_events) {
      std::vector<std::pair<item, int>> step;
      std::vector<std::size_t> keys(step_keys);
      for (auto& k : keys) k = std::uniform_int_distribution<std::size_t>(0, stream_keys - 1)(rng_);
      std::sort(keys.begin(), keys.end());
      keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
      for (std::size_t k : keys) {
        const std::string id = "s" + std::to_string(k);
        auto row = [&] { return item{{"id", id}, {"v", ++version}, {"w", std::string(8 + version % 32, 'w')}}; };
        const int dice = std::uniform_int_distribution<int>(0, 99)(rng_);
        auto it = current_.find(id);
        if (it == current_.end()) {
          item fresh = row();
          step.emplace_back(fresh, +1);
          if (dice < 25) step.emplace_back(fresh, -1);  // inserted and deleted in one step: nothing
          else current_[id] = fresh;
        } else if (dice < 30) {
          step.emplace_back(it->second, -1);
          current_.erase(it);
        } else {
          item next = row();
          step.emplace_back(it->second, -1);
          if (dice >= 80) {  // an intermediate row that lives and dies within the step
            item mid = row();
            step.emplace_back(mid, +1);
            step.emplace_back(mid, -1);
          }
          step.emplace_back(next, +1);
          it->second = next;
        }
      }
      std::shuffle(step.begin(), step.end(), rng_);
      for (auto& [row, diff] : step) co_await s.write(row, diff);
      co_await s.commit();
      events += step.size();
      ++steps;
    }
    stats = s.stats();
    co_await s.close();
  }

 private:
  dynasio::client db_;
  const options& opts_;
  std::mt19937_64 rng_;
  std::map<std::string, item> current_;
};

struct comparison {
  std::size_t expected = 0, scanned = 0, lost = 0, stale = 0, duplicated = 0;
};

// lost: expected, not in the table; stale: in the table with other content; duplicated: in
// the table but not expected (e.g. a deleted row written again), or scanned twice.
asio::awaitable<comparison> compare(dynasio::client direct, std::string name, const std::string& key_attr,
                                    const std::map<std::string, item>& want) {
  dynasio::scan_options so;
  so.consistent_read = true;
  std::vector<item> rows = co_await direct.table(name).scan_all(so);
  comparison c;
  c.expected = want.size();
  c.scanned = rows.size();
  std::map<std::string, const item*> seen;
  int shown = 0;
  for (const auto& r : rows) {
    const std::string& k = r.at(key_attr).as_string();
    if (!seen.emplace(k, &r).second) ++c.duplicated;
    auto it = want.find(k);
    if (it == want.end()) {
      ++c.duplicated;
      if (shown++ < 3) std::cout << "soak: " << name << ": unexpected " << k << '\n';
    } else if (!(it->second == r)) {
      ++c.stale;
      if (shown++ < 3) std::cout << "soak: " << name << ": stale " << k << '\n';
    }
  }
  for (const auto& [k, row] : want)
    if (!seen.count(k)) {
      ++c.lost;
      if (shown++ < 3) std::cout << "soak: " << name << ": lost " << k << '\n';
    }
  co_return c;
}

asio::awaitable<void> reset_table(dynasio::client direct, std::string name, std::string key_attr) {
  auto tables = co_await direct.list_tables();
  if (std::find(tables.begin(), tables.end(), name) != tables.end()) {
    co_await direct.delete_table(name);
    co_await direct.wait_until_table_not_exists(name);
  }
  dynasio::table_schema schema;
  schema.table_name = name;
  schema.partition_key = {key_attr};
  co_await direct.create_table(schema);
  co_await direct.wait_until_table_exists(name);
}

std::optional<options> parse(int argc, char** argv) {
  options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--endpoint") o.endpoint = v;
    else if (a == "--direct") o.direct = v;
    else if (a == "--writes") o.writes = std::stoul(v);
    else if (a == "--keys") o.keys = std::stoul(v);
    else if (a == "--stream-events") o.stream_events = std::stoul(v);
    else if (a == "--in-flight") o.in_flight = std::stoul(v);
    else if (a == "--request-timeout-ms") o.request_timeout = std::chrono::milliseconds(std::stoul(v));
    else if (a == "--time-limit") o.time_limit = std::chrono::seconds(std::stoul(v));
    else if (a == "--seed") o.seed = std::stoull(v);
    else return std::nullopt;
  }
  if (argc % 2 == 0 || o.endpoint.empty() || o.direct.empty() || o.in_flight == 0) return std::nullopt;
  if (o.keys == 0) o.keys = std::max<std::size_t>(o.writes / 10, 10);
  if (o.stream_events == 0) o.stream_events = o.writes / 5;
  if (o.stream_events > o.writes) return std::nullopt;
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<options> o;
  try {
    o = parse(argc, argv);
  } catch (const std::exception&) {
  }
  if (!o) {
    std::cerr << "usage: bench_soak --endpoint URL --direct URL [--writes N] [--keys K] [--stream-events E]\n"
                 "                  [--in-flight F] [--request-timeout-ms MS] [--time-limit S] [--seed N]\n";
    return 2;
  }
  dynasio::client_config cfg;
  cfg.region = "us-east-1";
  cfg.endpoint = o->endpoint;
  cfg.credentials = {"soakdriver", "soak-secret-never-logged", ""};
  cfg.request_timeout = o->request_timeout;
  cfg.max_connections = 4 * o->in_flight;
  cfg.retry.max_attempts = 12;
  cfg.retry.base_delay = std::chrono::milliseconds(20);
  cfg.retry.max_delay = std::chrono::milliseconds(1000);
  cfg.retry.token_bucket_capacity = 0;  // the faults are the point: never stop retrying them
  std::size_t warnings = 0;
  cfg.logger = [&](dynasio::log_level level, std::string_view line) {
    if (level >= dynasio::log_level::warning && warnings++ < 5) std::cout << "soak: log: " << line << '\n';
  };
  dynasio::client_config direct_cfg = cfg;
  direct_cfg.endpoint = o->direct;

  asio::io_context ioc(1);
  asio::steady_timer watchdog(ioc, o->time_limit);
  watchdog.async_wait([&](boost::system::error_code ec) {
    if (ec) return;
    std::cout << "soak: FAILED: time limit of " << o->time_limit.count() << " s reached" << std::endl;
    std::_Exit(3);
  });

  dynasio::client db(ioc.get_executor(), cfg);
  dynasio::client direct(ioc.get_executor(), direct_cfg);
  table_workload tw(db, *o, o->writes - o->stream_events);
  stream_workload sw(db, *o);
  comparison ct, cs;
  double seconds = 0;
  std::exception_ptr failure;
  auto main_task = [&]() -> asio::awaitable<void> {
    co_await reset_table(direct, "soak_table", "k");
    co_await reset_table(direct, "soak_stream", "id");
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<asio::awaitable<void>> both;
    both.push_back(tw.run());
    both.push_back(sw.run());
    co_await all_of(std::move(both));
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ct = co_await compare(direct, "soak_table", "k", tw.expected());
    cs = co_await compare(direct, "soak_stream", "id", sw.expected());
  };
  asio::co_spawn(ioc, main_task(), [&](std::exception_ptr e) {
    failure = e;
    watchdog.cancel();
  });
  ioc.run();
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      std::cout << "soak: FAILED: " << e.what() << std::endl;
    }
    return 1;
  }
  const auto cs_ = db.stats();
  std::cout << "soak: writes=" << o->writes << " (table puts=" << tw.puts << " deletes=" << tw.deletes
            << " updates=" << tw.updates << " over " << o->keys << " keys; stream events=" << sw.events << " in "
            << sw.steps << " steps)\n";
  std::cout << "soak: faults injected: " << fetch_faults(cfg) << '\n';
  std::cout << "soak: retries seen: client retries=" << cs_.retries << " (throttles=" << cs_.throttles
            << ", stale-connection re-sends=" << cs_.stale_connection_retries << ", requests=" << cs_.requests
            << "), batch writer unprocessed re-sent=" << tw.batch.unprocessed_resent
            << ", sink retries=" << sw.stats.retries << ", log warnings=" << warnings << '\n';
  std::printf("soak: time=%.1f s (%.0f writes/s)\n", seconds, static_cast<double>(o->writes) / seconds);
  const bool ok = ct.lost + ct.stale + ct.duplicated + cs.lost + cs.stale + cs.duplicated == 0 && tw.batch.failed == 0;
  for (auto [name, c] : {std::pair{"soak_table", ct}, std::pair{"soak_stream", cs}})
    std::cout << "soak: " << name << ": expected=" << c.expected << " scanned=" << c.scanned << " lost=" << c.lost
              << " stale=" << c.stale << " duplicated=" << c.duplicated << '\n';
  std::cout << "soak: " << (ok ? "PASS" : "FAILED") << std::endl;
  return ok ? 0 : 1;
}
