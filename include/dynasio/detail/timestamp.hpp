//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_TIMESTAMP_HPP
#define DYNASIO_DETAIL_TIMESTAMP_HPP

#include <dynasio/detail/config.hpp>
#include <dynasio/error.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <type_traits>

namespace dynasio::detail {

/// `YYYY-MM-DDTHH:MM:SS`, then `.f` only as long as needed, then `Z` when `utc`. Throws
/// `errc::invalid_argument` for a year outside 0000..9999.
DYNASIO_DECL std::string format_date_time(std::chrono::days since_epoch, std::chrono::nanoseconds time_of_day,
                                          bool utc);

/// A date-time read by parse_date_time: whole days since 1970-01-01, and the time of day.
struct date_time {
  std::chrono::days since_epoch;
  std::chrono::nanoseconds time_of_day;
};

/// Reads what format_date_time writes (fraction of 1 to 9 digits; `Z` required when `utc`,
/// refused otherwise); throws `errc::invalid_argument` quoting the text for anything else.
DYNASIO_DECL date_time parse_date_time(std::string_view text, bool utc);

/// A time point of any clock as a date-time; D has an integer representation.
template <class Clock, class D>
std::string format_time_point(std::chrono::time_point<Clock, D> t, bool utc) {
  static_assert(std::is_integral_v<typename D::rep>, "dynasio: time points need an integer representation");
  const auto day = std::chrono::floor<std::chrono::days>(t);
  return format_date_time(day.time_since_epoch(), std::chrono::duration_cast<std::chrono::nanoseconds>(t - day), utc);
}

/// The inverse of format_time_point; refuses a date-time outside D's range or finer than D.
template <class Clock, class D>
std::chrono::time_point<Clock, D> parse_time_point(std::string_view text, bool utc) {
  static_assert(std::is_integral_v<typename D::rep>, "dynasio: time points need an integer representation");
  using namespace std::chrono;
  const date_time t = parse_date_time(text, utc);
  // One day of margin on each side keeps day + time of day from overflowing D.
  if (t.since_epoch <= floor<days>(D::min()) || t.since_epoch >= floor<days>(D::max()))
    throw error(errc::invalid_argument, "date-time " + std::string(text) + " is out of the member's range");
  const D day = duration_cast<D>(t.since_epoch), time_of_day = duration_cast<D>(t.time_of_day);
  if (day != t.since_epoch || time_of_day != t.time_of_day)
    throw error(errc::invalid_argument, "date-time " + std::string(text) + " is finer than the member's type");
  return time_point<Clock, D>(day + time_of_day);
}

/// ISO-8601 in UTC, fraction only as long as needed: `2024-05-01T12:30:00Z`, `...:00.25Z`.
inline std::string format_timestamp(std::chrono::system_clock::time_point t) { return format_time_point(t, true); }

/// Reads what format_timestamp writes (`YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z`); throws
/// `errc::invalid_argument` for anything else.
inline std::chrono::system_clock::time_point parse_timestamp(std::string_view text) {
  return parse_time_point<std::chrono::system_clock, std::chrono::system_clock::duration>(text, true);
}

}  // namespace dynasio::detail

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/timestamp.ipp>
#endif

#endif
