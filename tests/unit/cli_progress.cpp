// The tool's progress: the frames and lines it draws, and how often, on a virtual clock.

#include <doctest/doctest.h>

#include <cli/progress.hpp>
#include <cstdio>
#include <string>

using namespace dynasio;
using namespace std::chrono_literals;
using cli::meter;
using cli::progress_mode;
using cli::progress_snapshot;

namespace {

// What a meter wrote to its stream.
struct captured {
  std::FILE* file = std::tmpfile();
  ~captured() { std::fclose(file); }
  std::string text() const {
    std::fflush(file);
    std::rewind(file);
    std::string out;
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, file)) > 0) out.append(buf, n);
    return out;
  }
};

std::size_t count(const std::string& s, std::string_view what) {
  std::size_t n = 0;
  for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("the bar: percent, items, rate, megabytes and ETA when the size is known") {
  progress_snapshot s;
  s.items = 40000;
  s.bytes = 25'000'000;
  s.total_bytes = 100'000'000;
  const std::string bar = cli::format_bar(s, 10s, 100);
  CHECK(bar == "[##########..............................]   25%  40000 items  4000 items/s  25.0 MB  ETA 0:30");
  CHECK(bar.size() <= 100);
  s.total_bytes.reset();
  CHECK(cli::format_bar(s, 10s, 100) == "40000 items  4000 items/s  25.0 MB");
  s.failed = 3;
  CHECK(cli::format_bar(s, 10s, 100) == "40000 items  4000 items/s  25.0 MB  3 failed");
  s.total_bytes = 0;  // an empty file is done
  CHECK(cli::format_bar(s, 0s, 60).find("100%") != std::string::npos);
}

TEST_CASE("the progress line and the summary") {
  progress_snapshot s;
  s.items = 1500;
  s.bytes = 1'234'567;
  s.total_bytes = 2'469'134;
  CHECK(cli::format_line("load", s, 3s) == "load: 1500 items, 500 items/s, 1.2 MB, 50%, ETA 0:03");
  cli::summary sum;
  sum.read = 10;
  sum.written = 8;
  sum.failed = 2;
  sum.retries = 3;
  sum.throttles = 1;
  CHECK(cli::format_summary("load", "written", sum, 2s) ==
        "load: 10 lines read, 8 items written, 2 failed, 3 retries, 1 throttles, 2.0 s, 4 items/s");
  CHECK(cli::format_duration(3723s) == "1:02:03");
  CHECK(cli::format_duration(59s) == "0:59");
}

TEST_CASE("bar mode redraws in place at most every 200 ms, and ends its line") {
  captured out;
  const meter::clock::time_point t0{};
  meter m(progress_mode::bar, "load", out.file, t0, 80);
  progress_snapshot s;
  CHECK(m.tick(s, t0));  // the first frame at once
  CHECK(!m.tick(s, t0 + 199ms));
  CHECK(m.tick(s, t0 + 200ms));
  CHECK(!m.tick(s, t0 + 300ms));
  CHECK(m.tick(s, t0 + 450ms));
  s.items = 10;
  m.finish(s, t0 + 500ms);
  const std::string text = out.text();
  CHECK(count(text, "\r") == 4);
  CHECK(count(text, "\n") == 1);
  CHECK(text.back() == '\n');
  CHECK(text.find("\r10 items  20 items/s") != std::string::npos);
}

TEST_CASE("lines mode writes a line every 5 s and nothing for a short run") {
  captured out;
  const meter::clock::time_point t0{};
  meter m(progress_mode::lines, "dump", out.file, t0);
  progress_snapshot s;
  CHECK(!m.tick(s, t0));
  CHECK(!m.tick(s, t0 + 4s));
  s.items = 5;
  CHECK(m.tick(s, t0 + 5s));
  CHECK(!m.tick(s, t0 + 9s));
  s.items = 20;
  CHECK(m.tick(s, t0 + 10s));
  m.finish(s, t0 + 11s);  // no final frame: the summary follows
  CHECK(out.text() == "dump: 5 items, 1 items/s, 0.0 MB\ndump: 20 items, 2 items/s, 0.0 MB\n");
}

TEST_CASE("none draws nothing; modes parse") {
  captured out;
  meter m(progress_mode::none, "load", out.file, {});
  CHECK(!m.tick({}, {}));
  m.finish({}, {});
  CHECK(out.text().empty());
  CHECK(cli::parse_progress_mode("auto") == progress_mode::automatic);
  CHECK(cli::parse_progress_mode("lines") == progress_mode::lines);
  CHECK_THROWS_AS((void)cli::parse_progress_mode("fancy"), std::invalid_argument);
  CHECK(cli::resolve_progress_mode(progress_mode::lines, 0) == progress_mode::lines);
}
