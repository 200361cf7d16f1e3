// Progress on stderr: a live bar on a terminal, a line every few seconds otherwise, and the
// final summary. The formatting is pure (tests feed it numbers and a virtual clock); `meter`
// decides when to draw.

#ifndef DYNASIO_TOOLS_CLI_PROGRESS_HPP
#define DYNASIO_TOOLS_CLI_PROGRESS_HPP

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace dynasio::cli {

enum class progress_mode { automatic, bar, lines, none };

/// "auto", "bar", "lines" or "none"; throws std::invalid_argument otherwise.
progress_mode parse_progress_mode(std::string_view text);

/// What a command has done so far.
struct progress_snapshot {
  /// Items (or rows) done.
  std::uint64_t items = 0;
  /// Input bytes consumed (or output bytes written).
  std::uint64_t bytes = 0;
  /// The input size, when known: the bar shows a percentage and an ETA.
  std::optional<std::uint64_t> total_bytes;
  /// Items that failed so far.
  std::uint64_t failed = 0;
};

/// "12.3 MB" (decimal megabytes, one decimal).
std::string format_megabytes(std::uint64_t bytes);
/// "0:42", "1:02:03".
std::string format_duration(std::chrono::seconds s);

/// One frame of the bar, fitting in `width` columns, without "\r" or newline:
/// `[#####.....]  45%  123456 items  40000 items/s  12.3 MB  ETA 0:12` (bar, percent and ETA
/// only when the total is known).
std::string format_bar(const progress_snapshot& s, std::chrono::duration<double> elapsed, std::size_t width);

/// One progress line for logs: `load: 123456 items, 40000 items/s, 12.3 MB, 45%, ETA 0:12`.
std::string format_line(std::string_view command, const progress_snapshot& s, std::chrono::duration<double> elapsed);

/// The final counters of a command.
struct summary {
  /// Lines read, when the command reads lines.
  std::optional<std::uint64_t> read;
  std::uint64_t written = 0;
  std::uint64_t failed = 0;
  std::uint64_t retries = 0;
  std::uint64_t throttles = 0;
};

/// `load: 200000 lines read, 200000 items written, 0 failed, 3 retries, 1 throttles, 4.2 s, 47619 items/s`.
std::string format_summary(std::string_view command, std::string_view verb, const summary& s,
                           std::chrono::duration<double> elapsed);

/**
 * Draws progress on a stream at a bounded rate: `bar` redraws one line in place at most every
 * 200 ms, `lines` writes a line at most every 5 s, `none` draws nothing. The caller passes
 * the time, so tests can use a virtual clock.
 */
class meter {
 public:
  using clock = std::chrono::steady_clock;

  /// `automatic` is resolved by the caller (bar on a terminal, lines otherwise).
  meter(progress_mode mode, std::string command, std::FILE* out, clock::time_point start, std::size_t width = 100);

  /// Draws when the last drawing is old enough (always, the first time); true if it drew.
  bool tick(const progress_snapshot& s, clock::time_point now);
  /// Draws the last frame (the bar at its final state) and ends the bar's line.
  void finish(const progress_snapshot& s, clock::time_point now);

  progress_mode mode() const noexcept { return mode_; }
  /// How often tick() draws in this mode.
  clock::duration interval() const noexcept;

 private:
  void draw(const progress_snapshot& s, clock::time_point now);

  progress_mode mode_;
  std::string command_;
  std::FILE* out_;
  clock::time_point start_;
  std::optional<clock::time_point> last_;
  std::size_t width_;
};

/// The mode `automatic` means for a stream: bar on a terminal, lines otherwise.
progress_mode resolve_progress_mode(progress_mode requested, int fd);

/// The terminal's width in columns, or 80.
std::size_t terminal_width(int fd);

}  // namespace dynasio::cli

#endif
