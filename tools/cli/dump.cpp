#include <dynasio/client.hpp>
#include <dynasio/detail/protocol/json_reader.hpp>
#include <dynasio/error.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "item_json.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>

namespace asio = boost::asio;
namespace json = boost::json;

namespace dynasio::cli {
namespace {

constexpr const char* dump_help = R"(usage: dynasio dump --table T [options]

Writes every item of table T as one JSON line, with Scan (a parallel scan with --segments).

  --table T              the table to read
  --segments N           scan N segments at once, 1..1000 (default 1)
  --format json|ddb      json (default): plain JSON as `dynasio load` reads it, numbers with
                         their exact digits, {"$binary": ...} for B and {"$ss"|"$ns"|"$bs": [...]}
                         for sets; ddb: DynamoDB JSON, {"Item": {...}} per line
  --out FILE|-           where to write (default: standard output)
  --progress auto|bar|lines|none
                         progress on stderr, then a summary (auto: a bar on a terminal, else a
                         line every 5 s; none: neither progress nor summary)
  --endpoint URL, --region R
                         override AWS_ENDPOINT_URL_DYNAMODB / AWS_REGION

`dynasio dump --table A | dynasio load --table B` copies A into B, every type exactly.
Exit status: 0 the whole table was written, 1 the scan failed part way, 2 usage or
configuration error (such as a table that does not exist).

example:
  dynasio dump --table orders --segments 4 --out orders.jsonl
)";

struct dump_options {
  std::string table;
  unsigned segments = 1;
  line_format format = line_format::json;
  std::string out = "-";
  progress_mode progress = progress_mode::automatic;
};

struct dump_run {
  std::FILE* out = nullptr;
  std::uint64_t items = 0;
  std::uint64_t bytes = 0;
  unsigned running = 0;
  std::exception_ptr failure;
  bool done = false;
};

// One segment's Scan loop, page after page; each page's lines are written at once.
asio::awaitable<void> scan_segment(client& db, const dump_options& o, unsigned segment, dump_run& run) {
  json::value start_key;
  std::string lines;
  for (;;) {
    json::object req;
    req["TableName"] = o.table;
    if (o.segments > 1) {
      req["Segment"] = segment;
      req["TotalSegments"] = o.segments;
    }
    if (!start_key.is_null()) req["ExclusiveStartKey"] = start_key;
    json::object page = co_await db.call("Scan", std::move(req));
    lines.clear();
    std::uint64_t n = 0;
    if (const json::value* items = page.if_contains("Items"); items != nullptr && items->is_array()) {
      for (const json::value& v : items->get_array()) {
        if (!v.is_object()) throw dynasio::error(errc::protocol_error, "Scan returned an item that is not an object");
        append_item_line(lines, detail::read_item(v.get_object()), o.format);
        lines += '\n';
        ++n;
      }
    }
    if (!lines.empty() && std::fwrite(lines.data(), 1, lines.size(), run.out) != lines.size())
      throw std::runtime_error(std::string("cannot write: ") + std::strerror(errno));
    run.items += n;
    run.bytes += lines.size();
    const json::value* last = page.if_contains("LastEvaluatedKey");
    if (last == nullptr || !last->is_object() || last->get_object().empty()) co_return;
    start_key = *last;
  }
}

asio::awaitable<int> dump(dump_options o, client_config cfg) {
  const auto start = meter::clock::now();
  const progress_mode mode = resolve_progress_mode(o.progress, 2);
  cfg.logger = stderr_logger(mode);
  dump_run run;
  run.out = o.out == "-" ? stdout : std::fopen(o.out.c_str(), "wb");
  if (run.out == nullptr) throw usage_error("cannot write --out " + o.out + ": " + std::strerror(errno));
  client db(co_await asio::this_coro::executor, std::move(cfg));
  meter m(mode, "dump", stderr, start, terminal_width(2));
  asio::steady_timer tick_timer(db.get_executor());
  asio::steady_timer all_done(db.get_executor(), asio::steady_timer::time_point::max());

  const auto scans = [&]() -> asio::awaitable<void> {
    run.running = o.segments;
    for (unsigned s = 0; s < o.segments; ++s) {
      asio::co_spawn(db.get_executor(), scan_segment(db, o, s, run), [&run, &all_done](std::exception_ptr e) {
        if (e && !run.failure) run.failure = e;
        if (--run.running == 0) all_done.cancel();
      });
    }
    boost::system::error_code ec;
    co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    run.done = true;
    tick_timer.cancel();
  };
  const auto snapshot = [&run] {
    progress_snapshot s;
    s.items = run.items;
    s.bytes = run.bytes;
    return s;
  };
  co_await with_progress(scans(), m, snapshot, run.done, tick_timer);
  m.finish(snapshot(), meter::clock::now());
  const bool flushed = std::fflush(run.out) == 0 && (run.out == stdout || std::fclose(run.out) == 0);

  int code = exit_ok;
  std::uint64_t failed_segments = 0;
  if (run.failure) {
    try {
      std::rethrow_exception(run.failure);
    } catch (const dynasio::error& e) {
      std::fprintf(stderr, "dynasio dump: %s\n", e.what());
      code = e.code() == service_errc::resource_not_found || e.code() == service_errc::validation_exception
                 ? exit_usage
                 : exit_failed_items;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "dynasio dump: %s\n", e.what());
      code = exit_failed_items;
    }
    failed_segments = 1;
  }
  if (!flushed) {
    std::fprintf(stderr, "dynasio dump: cannot write %s\n", o.out.c_str());
    code = exit_failed_items;
  }
  summary sum;
  sum.written = run.items;
  sum.failed = failed_segments;
  const client_stats cs = db.stats();
  sum.retries = cs.retries;
  sum.throttles = cs.throttles;
  if (mode != progress_mode::none)
    std::fprintf(stderr, "%s\n", format_summary("dump", "dumped", sum, meter::clock::now() - start).c_str());
  co_return code;
}

}  // namespace

int run_dump(const std::vector<std::string>& words) {
  return run_subcommand("dynasio dump", words, {{"--table"}, {"--segments"}, {"--format"}, {"--out"}, {"--progress"}},
                        0, dump_help, [](const parsed_args& a) -> command_body {
                          dump_options o;
                          o.table = a.required("--table");
                          o.segments = static_cast<unsigned>(a.get_uint("--segments", 1, 1, 1000));
                          o.format = parse_line_format(a.get("--format", "json"));
                          o.progress = parse_progress_mode(a.get("--progress", "auto"));
                          o.out = a.get("--out", "-");
                          return [o](client_config cfg) { return dump(o, std::move(cfg)); };
                        });
}

}  // namespace dynasio::cli
