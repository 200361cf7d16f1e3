#ifndef DYNASIO_BENCHMARKS_BENCH_RUN_HPP
#define DYNASIO_BENCHMARKS_BENCH_RUN_HPP

// What the client benchmarks share: the client configuration for a local endpoint, and one
// measured run of a coroutine on a single-threaded io_context (wall time, CPU user plus system
// from getrusage, peak resident set).

#include <dynasio/client.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <sys/resource.h>

#include <chrono>
#include <exception>
#include <functional>

namespace bench {

inline double seconds_of(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

/// This process's CPU time (user + system) so far.
inline double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return seconds_of(u.ru_utime) + seconds_of(u.ru_stime);
}

/// Of it, the kernel's (system time).
inline double system_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return seconds_of(u.ru_stime);
}

inline long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

/// A client of a local benchmark endpoint: fixed keys, room for every call in flight.
inline dynasio::client_config local_client_config(const char* endpoint) {
  dynasio::client_config cfg;
  cfg.region = "us-east-1";
  cfg.endpoint = endpoint;
  cfg.credentials = {"AKIDBENCHMARK", "benchmark-secret", ""};
  cfg.max_connections = 64;
  return cfg;
}

struct measured {
  double seconds = 0;
  double cpu_seconds = 0;
  /// Of cpu_seconds, the system time.
  double system_seconds = 0;
};

/// Runs `work()` and measures it: wall time, CPU (user + system) and of it system.
template <class Work>
measured measure(Work&& work) {
  const double cpu0 = cpu_seconds();
  const double sys0 = system_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  work();
  measured m;
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  m.cpu_seconds = cpu_seconds() - cpu0;
  m.system_seconds = system_seconds() - sys0;
  return m;
}

/// Runs `body(db)` to its end on a fresh io_context with a client of `cfg`; rethrows its failure.
inline measured run_measured(const dynasio::client_config& cfg,
                             const std::function<boost::asio::awaitable<void>(dynasio::client)>& body) {
  boost::asio::io_context ioc(1);
  dynasio::client db(ioc.get_executor(), cfg);
  std::exception_ptr failure;
  const measured m = measure([&] {
    boost::asio::co_spawn(ioc, body(db), [&](std::exception_ptr e) { failure = e; });
    ioc.run();
  });
  if (failure) std::rethrow_exception(failure);
  return m;
}

}  // namespace bench

#endif
