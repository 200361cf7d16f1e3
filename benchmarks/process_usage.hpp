#ifndef DYNASIO_BENCHMARKS_PROCESS_USAGE_HPP
#define DYNASIO_BENCHMARKS_PROCESS_USAGE_HPP

// What a benchmark program reports about itself (getrusage): the CPU it used, user plus
// system, and its peak resident set.

#include <sys/resource.h>

namespace bench {

inline double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

inline long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

}  // namespace bench

#endif
