// bench_sink: a change stream of EVENTS events over KEYS keys through dynasio's sink against an
// endpoint (normally bench_batch_endpoint, which describes every table as ACTIVE with a string
// key "pk"), committed every STEP events, then close() (which commits the last step).
//   bench_sink ENDPOINT_URL EVENTS KEYS STEP [MAX_IN_FLIGHT]
// The stream is consistent, as Pathway's would be: a key without a row gets an insert (+1); a
// key with one gets an update (-1 old row, +1 new row: two events) three times out of four and
// a delete (-1) otherwise; within a step a key may change several times. Rows are
// {pk: S, n: N (a version), s: S (100 characters)}, as bench_batch_writer's items.
// Prints one line of key=value pairs for compare.sh: events, seconds, events/s, requests the
// sink had acknowledged (puts + deletes), CPU microseconds per event and per request (user +
// system, from getrusage) and peak RSS in KiB.

#include <dynasio/client.hpp>
#include <dynasio/sink.hpp>

#include "bench_run.hpp"

#include <cstdint>
#include <cstdio>
#include <exception>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace asio = boost::asio;

namespace {

struct run_options {
  std::size_t events = 0;
  std::size_t keys = 0;
  std::size_t step = 0;
  std::size_t max_in_flight = 8;
};

dynasio::item make_row(std::size_t key, std::uint64_t version, const std::string& payload) {
  dynasio::item row;
  row["pk"] = "key-" + std::to_string(key);
  row["n"] = version;
  row["s"] = payload;
  return row;
}

asio::awaitable<void> stream_all(dynasio::client db, run_options o, dynasio::sink_stats& out) {
  dynasio::sink_config cfg;
  cfg.table_name = "bench";
  cfg.partition_key = {"pk"};
  cfg.batch.max_in_flight = o.max_in_flight;
  dynasio::sink s = co_await dynasio::sink::open(db, std::move(cfg));

  const std::string payload(100, 'x');
  std::vector<std::uint64_t> version(o.keys, 0);  // 0: the key has no row
  std::mt19937_64 rng(20261201);
  std::uniform_int_distribution<std::size_t> pick_key(0, o.keys - 1);
  std::uint64_t next_version = 1;
  std::size_t in_step = 0;
  for (std::size_t sent = 0; sent < o.events;) {
    if (in_step >= o.step) {
      co_await s.commit();
      in_step = 0;
    }
    const std::size_t k = pick_key(rng);
    // A key without a row gets an insert; one with a row loses it, and gets a new one three
    // times out of four (an update).
    if (version[k] != 0) {
      dynasio::item old_row = make_row(k, version[k], payload);
      co_await s.write(std::move(old_row), -1);
      ++sent;
      ++in_step;
      version[k] = 0;
      if (rng() % 4 == 0 || sent == o.events) continue;
    }
    version[k] = next_version++;
    dynasio::item new_row = make_row(k, version[k], payload);
    co_await s.write(std::move(new_row), +1);
    ++sent;
    ++in_step;
  }
  co_await s.close();
  out = s.stats();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5 && argc != 6) {
    std::cerr << "usage: bench_sink ENDPOINT_URL EVENTS KEYS STEP [MAX_IN_FLIGHT]\n";
    return 2;
  }
  try {
    const dynasio::client_config cfg = bench::local_client_config(argv[1]);
    run_options o;
    o.events = std::stoul(argv[2]);
    o.keys = std::stoul(argv[3]);
    o.step = std::stoul(argv[4]);
    if (argc == 6) o.max_in_flight = std::stoul(argv[5]);
    if (o.keys == 0 || o.step == 0) throw std::invalid_argument("KEYS and STEP must be positive");

    dynasio::sink_stats stats;
    const bench::measured m = bench::run_measured(cfg, [&](dynasio::client db) { return stream_all(db, o, stats); });
    const double secs = m.seconds;
    const double cpu = m.cpu_seconds;
    const std::uint64_t requests = stats.rows_upserted + stats.rows_deleted;
    const auto events = static_cast<double>(o.events);
    std::printf(
        "events=%zu seconds=%.3f events_per_s=%.0f requests=%llu coalesced=%llu commits=%llu cpu_us_per_event=%.2f "
        "cpu_us_per_request=%.2f sys_us_per_event=%.2f peak_rss_kib=%ld\n",
        o.events, secs, events / secs, static_cast<unsigned long long>(requests),
        static_cast<unsigned long long>(stats.rows_coalesced), static_cast<unsigned long long>(stats.commits),
        cpu * 1e6 / events, requests ? cpu * 1e6 / static_cast<double>(requests) : 0.0, m.system_seconds * 1e6 / events,
        bench::peak_rss_kib());
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_sink: " << e.what() << '\n';
    return 1;
  }
}
