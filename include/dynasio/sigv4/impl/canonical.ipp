//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_SIGV4_IMPL_CANONICAL_IPP
#define DYNASIO_SIGV4_IMPL_CANONICAL_IPP

#include <dynasio/error.hpp>
#include <dynasio/sigv4/canonical.hpp>
#include <dynasio/sigv4/detail/canonical.hpp>

#include <algorithm>
#include <utility>
#include <vector>

namespace dynasio::sigv4 {

DYNASIO_DECL void format_amz_date(std::chrono::system_clock::time_point t, std::span<char, 16> out) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(t);
  const auto day = floor<days>(secs);
  const year_month_day ymd(day);
  const hh_mm_ss<seconds> hms(secs - day);
  const int y = static_cast<int>(ymd.year());
  if (y < 0 || y > 9999) throw dynasio::error(errc::invalid_argument, "X-Amz-Date: year out of range");
  const int fields[] = {y / 100,
                        y % 100,
                        static_cast<int>(static_cast<unsigned>(ymd.month())),
                        static_cast<int>(static_cast<unsigned>(ymd.day())),
                        static_cast<int>(hms.hours().count()),
                        static_cast<int>(hms.minutes().count()),
                        static_cast<int>(hms.seconds().count())};
  std::size_t at = 0;
  for (std::size_t i = 0; i < std::size(fields); ++i) {
    if (i == 4) out[at++] = 'T';
    out[at++] = static_cast<char>('0' + fields[i] / 10);
    out[at++] = static_cast<char>('0' + fields[i] % 10);
  }
  out[at] = 'Z';
}

DYNASIO_DECL std::string format_amz_date(std::chrono::system_clock::time_point t) {
  std::string out(16, '\0');
  format_amz_date(t, std::span<char, 16>(out.data(), 16));
  return out;
}

DYNASIO_DECL std::string uri_encode(std::string_view text, bool keep_slash) {
  std::string out;
  out.reserve(text.size());
  detail::append_uri_encoded(out, text, keep_slash);
  return out;
}

DYNASIO_DECL std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    std::size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view seg = path.substr(pos, end - pos);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    pos = end + 1;
  }
  std::string out = "/";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    out.append(segments[i]);
  }
  if (!segments.empty() && !path.empty() && path.back() == '/') out.push_back('/');
  return out;
}

DYNASIO_DECL std::string canonical_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  std::size_t pos = 0;
  while (pos < query.size()) {
    std::size_t end = query.find('&', pos);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view param = query.substr(pos, end - pos);
    pos = end + 1;
    if (param.empty()) continue;
    const std::size_t eq = param.find('=');
    const std::string_view name = param.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? std::string_view() : param.substr(eq + 1);
    params.emplace_back(uri_encode(detail::percent_decode(name)), uri_encode(detail::percent_decode(value)));
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out.push_back('&');
    out.append(name).append("=").append(value);
  }
  return out;
}

DYNASIO_DECL std::string canonical_header_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  detail::append_canonical_value(out, value);
  return out;
}

}  // namespace dynasio::sigv4

#endif
