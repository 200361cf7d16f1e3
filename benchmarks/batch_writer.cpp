// bench_batch_writer: N puts through dynasio's batch writer against an endpoint (normally
// bench_batch_endpoint), then close(). Items are {pk: S, n: N, s: S (100 characters)}.
//   bench_batch_writer ENDPOINT_URL ITEMS MAX_IN_FLIGHT [standard|adaptive]
// FLUSH_AMOUNT in the environment sets the requests per call (default 25). ROWS=struct puts
// the same rows as a described struct (put_item(const T&), written without an item), built
// afresh for each put; ROWS=struct-reused fills one struct again for each put, as a loader
// reading rows into the same object does (the payload is then not copied).
// Prints one line: items, seconds, items/s, CPU microseconds per item (user + system, from
// getrusage), of them system, and peak RSS in KiB, as key=value pairs for compare.sh.
//   bench_batch_writer --rows-alone ITEMS
// builds and frees the same rows (ROWS as above) as the writing loop does, with no writer and
// no endpoint, and prints the same line: the share of a row's CPU that is the caller's own.

#include <dynasio/batch_writer.hpp>
#include <dynasio/client.hpp>

#include "bench_run.hpp"

#include <boost/describe/class.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

namespace asio = boost::asio;

namespace bench_rows {
struct row {
  std::string pk;
  std::uint64_t n = 0;
  std::string s;
};
BOOST_DESCRIBE_STRUCT(row, (), (pk, n, s))
}  // namespace bench_rows

namespace {

// The rows, built afresh for each put: the payload is copied each time.
dynasio::item item_row(std::size_t i, const std::string& payload) {
  dynasio::item row;
  row["pk"] = "item-" + std::to_string(i);
  row["n"] = i;
  row["s"] = payload;
  return row;
}

void fill_keys(bench_rows::row& row, std::size_t i) {
  row.pk = "item-" + std::to_string(i);
  row.n = i;
}

bench_rows::row struct_row(std::size_t i, const std::string& payload) {
  bench_rows::row row;
  fill_keys(row, i);
  row.s = payload;
  return row;
}

// Keeps the optimiser from dropping a row nothing reads.
template <class T>
void escape(const T& value) {
  asm volatile("" : : "g"(&value) : "memory");
}

// The loops of write_all() without the writer: each row is built, then freed.
void rows_alone(std::size_t items, bool structs, bool reuse) {
  const std::string payload(100, 'x');
  bench_rows::row reused;
  reused.s = payload;
  for (std::size_t i = 0; structs && reuse && i < items; ++i) {
    fill_keys(reused, i);
    escape(reused);
  }
  for (std::size_t i = 0; structs && !reuse && i < items; ++i) escape(struct_row(i, payload));
  for (std::size_t i = 0; !structs && i < items; ++i) escape(item_row(i, payload));
}

asio::awaitable<void> write_all(dynasio::client db, std::size_t items, std::size_t max_in_flight,
                                std::size_t flush_amount, bool structs, bool reuse) {
  dynasio::batch_options opts;
  opts.key_names = {"pk"};
  opts.max_in_flight = max_in_flight;
  opts.flush_amount = flush_amount;
  dynasio::batch_writer w(db, "bench", opts);
  const std::string payload(100, 'x');
  bench_rows::row reused;
  reused.s = payload;
  for (std::size_t i = 0; structs && reuse && i < items; ++i) {
    fill_keys(reused, i);
    co_await w.put_item(reused);
  }
  for (std::size_t i = 0; structs && !reuse && i < items; ++i) {
    const bench_rows::row row = struct_row(i, payload);
    co_await w.put_item(row);
  }
  for (std::size_t i = 0; !structs && i < items; ++i) {
    dynasio::item row = item_row(i, payload);
    co_await w.put_item(std::move(row));
  }
  co_await w.close();
  std::fprintf(stderr, "bench_batch_writer: send_rate=%.0f rate_cuts=%llu\n", w.stats().send_rate,
               static_cast<unsigned long long>(w.stats().rate_cuts));
}

// The line compare.sh reads.
void print_line(std::size_t items, const bench::measured& m) {
  const double n = static_cast<double>(items);
  std::printf("items=%zu seconds=%.3f items_per_s=%.0f cpu_us_per_item=%.2f sys_us_per_item=%.2f peak_rss_kib=%ld\n",
              items, m.seconds, n / m.seconds, m.cpu_seconds * 1e6 / n, m.system_seconds * 1e6 / n,
              bench::peak_rss_kib());
}

}  // namespace

int main(int argc, char** argv) {
  const bool alone = argc == 3 && std::string(argv[1]) == "--rows-alone";
  if (!alone && argc != 4 && argc != 5) {
    std::cerr << "usage: bench_batch_writer ENDPOINT_URL ITEMS MAX_IN_FLIGHT [standard|adaptive]\n"
                 "       bench_batch_writer --rows-alone ITEMS\n";
    return 2;
  }
  try {
    const std::size_t items = std::stoul(argv[2]);
    const char* rows = std::getenv("ROWS");
    const std::string rows_kind = rows != nullptr ? rows : "";
    const bool structs = rows_kind == "struct" || rows_kind == "struct-reused";
    const bool reuse = rows_kind == "struct-reused";
    if (alone) {
      print_line(items, bench::measure([&] { rows_alone(items, structs, reuse); }));
      return 0;
    }
    dynasio::client_config cfg = bench::local_client_config(argv[1]);
    if (argc == 5 && std::string(argv[4]) == "adaptive") cfg.retry.mode = dynasio::retry_mode::adaptive;
    const std::size_t max_in_flight = std::stoul(argv[3]);
    // Fewer requests per call separate what a call costs from what an item costs.
    const char* flush = std::getenv("FLUSH_AMOUNT");
    const std::size_t flush_amount = flush != nullptr ? std::stoul(flush) : 25;
    print_line(items, bench::run_measured(cfg, [&](dynasio::client db) {
                 return write_all(db, items, max_in_flight, flush_amount, structs, reuse);
               }));
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_batch_writer: " << e.what() << '\n';
    return 1;
  }
}
