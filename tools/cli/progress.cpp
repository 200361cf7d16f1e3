#include "progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dynasio::cli {
namespace {

std::string fixed1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

double rate(std::uint64_t items, std::chrono::duration<double> elapsed) {
  return elapsed.count() > 0 ? static_cast<double>(items) / elapsed.count() : 0.0;
}

std::string per_second(std::uint64_t items, std::chrono::duration<double> elapsed) {
  return std::to_string(static_cast<std::uint64_t>(std::llround(rate(items, elapsed)))) + " items/s";
}

// Percent done and the ETA, when the total is known and something was read.
struct estimate {
  double fraction = 0;
  std::optional<std::chrono::seconds> eta;
};

std::optional<estimate> estimate_of(const progress_snapshot& s, std::chrono::duration<double> elapsed) {
  if (!s.total_bytes) return std::nullopt;
  estimate e;
  e.fraction =
      *s.total_bytes == 0 ? 1.0 : std::min(1.0, static_cast<double>(s.bytes) / static_cast<double>(*s.total_bytes));
  if (e.fraction > 0 && elapsed.count() > 0)
    e.eta = std::chrono::seconds(std::llround(elapsed.count() * (1.0 - e.fraction) / e.fraction));
  return e;
}

}  // namespace

progress_mode parse_progress_mode(std::string_view text) {
  if (text == "auto") return progress_mode::automatic;
  if (text == "bar") return progress_mode::bar;
  if (text == "lines") return progress_mode::lines;
  if (text == "none") return progress_mode::none;
  throw std::invalid_argument("--progress takes auto, bar, lines or none, not '" + std::string(text) + "'");
}

std::string format_megabytes(std::uint64_t bytes) { return fixed1(static_cast<double>(bytes) / 1e6) + " MB"; }

std::string format_duration(std::chrono::seconds s) {
  const long long t = s.count(), h = t / 3600, m = (t / 60) % 60, sec = t % 60;
  char buf[48];
  if (h > 0) std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", h, m, sec);
  else std::snprintf(buf, sizeof buf, "%lld:%02lld", m, sec);
  return buf;
}

std::string format_bar(const progress_snapshot& s, std::chrono::duration<double> elapsed, std::size_t width) {
  // Built with append: GCC 12 at -O2 warns (-Wrestrict) on chains of operator+ here.
  std::string counts;
  counts.append(std::to_string(s.items)).append(" items  ").append(per_second(s.items, elapsed));
  counts.append("  ").append(format_megabytes(s.bytes));
  if (s.failed > 0) counts.append("  ").append(std::to_string(s.failed)).append(" failed");
  const std::optional<estimate> e = estimate_of(s, elapsed);
  if (!e) return counts;
  char pct[16];
  std::snprintf(pct, sizeof pct, "%3d%%", static_cast<int>(e->fraction * 100));
  std::string tail;
  tail.append("  ").append(pct).append("  ").append(counts).append("  ETA ");
  tail.append(e->eta ? format_duration(*e->eta) : std::string("?"));
  // The bar takes what is left of the width, between 10 and 40 cells.
  const std::size_t room = width > tail.size() + 2 ? width - tail.size() - 2 : 0;
  const std::size_t cells = std::clamp<std::size_t>(room, 10, 40);
  const auto full = static_cast<std::size_t>(e->fraction * static_cast<double>(cells));
  std::string out;
  out.reserve(cells + 2 + tail.size());
  out.append(1, '[').append(full, '#').append(cells - full, '.').append(1, ']').append(tail);
  return out;
}

std::string format_line(std::string_view command, const progress_snapshot& s, std::chrono::duration<double> elapsed) {
  std::string out = std::string(command) + ": " + std::to_string(s.items) + " items, " + per_second(s.items, elapsed) +
                    ", " + format_megabytes(s.bytes);
  if (s.failed > 0) out += ", " + std::to_string(s.failed) + " failed";
  if (const std::optional<estimate> e = estimate_of(s, elapsed)) {
    out += ", " + std::to_string(static_cast<int>(e->fraction * 100)) + "%";
    if (e->eta) out += ", ETA " + format_duration(*e->eta);
  }
  return out;
}

std::string format_summary(std::string_view command, std::string_view verb, const summary& s,
                           std::chrono::duration<double> elapsed) {
  std::string out = std::string(command) + ": ";
  if (s.read) out += std::to_string(*s.read) + " lines read, ";
  return out + std::to_string(s.written) + " items " + std::string(verb) + ", " + std::to_string(s.failed) +
         " failed, " + std::to_string(s.retries) + " retries, " + std::to_string(s.throttles) + " throttles, " +
         fixed1(elapsed.count()) + " s, " + per_second(s.written, elapsed);
}

meter::meter(progress_mode mode, std::string command, std::FILE* out, clock::time_point start, std::size_t width)
    : mode_(mode), command_(std::move(command)), out_(out), start_(start), width_(width) {}

meter::clock::duration meter::interval() const noexcept {
  return mode_ == progress_mode::bar ? clock::duration(std::chrono::milliseconds(200))
                                     : clock::duration(std::chrono::seconds(5));
}

bool meter::tick(const progress_snapshot& s, clock::time_point now) {
  if (mode_ == progress_mode::none || mode_ == progress_mode::automatic) return false;
  if (last_ && now - *last_ < interval()) return false;
  // Lines mode: the first line comes after one interval, so a short run prints only its summary.
  if (!last_ && mode_ == progress_mode::lines) {
    last_ = now;
    return false;
  }
  draw(s, now);
  return true;
}

void meter::finish(const progress_snapshot& s, clock::time_point now) {
  if (mode_ != progress_mode::bar) return;
  draw(s, now);
  std::fputc('\n', out_);
  std::fflush(out_);
}

void meter::draw(const progress_snapshot& s, clock::time_point now) {
  last_ = now;
  const std::chrono::duration<double> elapsed = now - start_;
  if (mode_ == progress_mode::bar) {
    std::string frame = format_bar(s, elapsed, width_);
    if (frame.size() + 1 > width_) frame.resize(width_ > 1 ? width_ - 1 : 0);
    // "\r" returns to the line's start; "\x1b[K" clears what a longer frame left.
    std::fprintf(out_, "\r%s\x1b[K", frame.c_str());
  } else {
    std::fprintf(out_, "%s\n", format_line(command_, s, elapsed).c_str());
  }
  std::fflush(out_);
}

progress_mode resolve_progress_mode(progress_mode requested, int fd) {
  if (requested != progress_mode::automatic) return requested;
  return ::isatty(fd) ? progress_mode::bar : progress_mode::lines;
}

std::size_t terminal_width(int fd) {
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

}  // namespace dynasio::cli
