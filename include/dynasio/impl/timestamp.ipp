//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_TIMESTAMP_IPP
#define DYNASIO_IMPL_TIMESTAMP_IPP

#include <dynasio/detail/timestamp.hpp>
#include <dynasio/error.hpp>

#include <cstdio>

namespace dynasio::detail {

DYNASIO_DECL std::string format_date_time(std::chrono::days since_epoch, std::chrono::nanoseconds time_of_day,
                                          bool utc) {
  using namespace std::chrono;
  const year_month_day ymd{sys_days(since_epoch)};
  if (ymd.year() < year(0) || ymd.year() > year(9999))
    throw error(errc::invalid_argument, "date-time in year " + std::to_string(static_cast<int>(ymd.year())) +
                                            ": ISO-8601 text holds years 0000 to 9999");
  const hh_mm_ss<nanoseconds> tod{time_of_day};
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                        static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                        static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                        static_cast<int>(tod.seconds().count()));
  std::string out(buf, static_cast<std::size_t>(n));
  if (auto frac = tod.subseconds().count(); frac != 0) {
    std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(frac));
    std::string f(buf);
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  if (utc) out += 'Z';
  return out;
}

DYNASIO_DECL date_time parse_date_time(std::string_view s, bool utc) {
  using namespace std::chrono;
  auto fail = [&]() -> date_time {
    throw error(errc::invalid_argument,
                std::string(utc ? "not an ISO-8601 UTC timestamp: " : "not an ISO-8601 date-time without zone: ") +
                    std::string(s));
  };
  std::size_t i = 0;
  auto digits = [&](std::size_t count) {
    int v = 0;
    for (std::size_t k = 0; k < count; ++k, ++i) {
      if (i >= s.size() || s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  auto expect = [&](char c) { return i < s.size() && s[i++] == c; };
  int y = digits(4);
  if (y < 0 || !expect('-')) return fail();
  int mo = digits(2);
  if (mo < 0 || !expect('-')) return fail();
  int d = digits(2);
  if (d < 0 || !expect('T')) return fail();
  int h = digits(2);
  if (h < 0 || !expect(':')) return fail();
  int mi = digits(2);
  if (mi < 0 || !expect(':')) return fail();
  int sec = digits(2);
  if (sec < 0) return fail();
  long long frac = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int count = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++count) {
      if (count == 9) return fail();
      frac = frac * 10 + (s[i] - '0');
    }
    if (count == 0) return fail();
    for (; count < 9; ++count) frac *= 10;
  }
  if (utc && !expect('Z')) return fail();
  if (i != s.size()) return fail();
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 59) return fail();
  return date_time{sys_days(ymd).time_since_epoch(), hours(h) + minutes(mi) + seconds(sec) + nanoseconds(frac)};
}

}  // namespace dynasio::detail

#endif
