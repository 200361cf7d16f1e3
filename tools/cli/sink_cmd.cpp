#include <dynasio/client.hpp>
#include <dynasio/error.hpp>
#include <dynasio/sink.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "item_json.hpp"
#include "line_reader.hpp"
#include "load_line.hpp"
#include "stream_line.hpp"

#include <boost/asio/this_coro.hpp>

#include <cstdio>
#include <memory>
#include <optional>

namespace asio = boost::asio;

namespace dynasio::cli {
namespace {

constexpr const char* sink_help = R"(usage: dynasio sink --table T --key PK[:S|N|B][,SK[:S|N|B]] [options] [FILE|-]

Mirrors a change stream into table T: each line is a row's columns plus "diff" (1: insert or
update the row, -1: delete its key) and "time"; the lines of one time form one step, committed
(acknowledged by DynamoDB) when the time changes and at the end. This is the line format of
Pathway's JSON Lines output, so `pathway ... | dynasio sink ...` keeps a table in sync.

  --table T              the table to write to
  --key PK[:T][,SK[:T]]  the key columns and their types (S, the default, N or B)
  --init-mode default|create_if_not_exists|replace
                         default: the table must exist; create_if_not_exists: create it
                         (on-demand) unless it exists; replace: drop and recreate it
  --format json|ddb      the columns as plain JSON (default) or DynamoDB JSON
  --progress auto|bar|lines|none
                         progress on stderr, then a summary (auto: a bar on a terminal, else a
                         line every 5 s; none: neither progress nor summary)
  --endpoint URL, --region R
                         override AWS_ENDPOINT_URL_DYNAMODB / AWS_REGION

A bad line stops the sink (exit 2): the steps before its own are committed, nothing of its
step or after it is written. Exit status 1 when a commit could not write some rows.

example:
  dynasio sink --table orders_mirror --key id --init-mode create_if_not_exists changes.jsonl
)";

struct sink_options {
  std::string table;
  std::vector<key_attribute> key;
  init_mode mode = init_mode::existing;
  line_format format = line_format::json;
  progress_mode progress = progress_mode::automatic;
  std::string input = "-";
};

struct sink_run {
  std::unique_ptr<line_reader> reader;
  std::optional<dynasio::sink> out;
  std::uint64_t rows_done = 0;
  std::uint64_t failed = 0;
  std::uint64_t steps = 0;
  bool done = false;
};

asio::awaitable<int> mirror(sink_options o, client_config cfg) {
  const auto start = meter::clock::now();
  sink_run run;
  run.reader = std::make_unique<line_reader>(o.input);
  const progress_mode mode = resolve_progress_mode(o.progress, 2);
  cfg.logger = stderr_logger(mode);
  client db(co_await asio::this_coro::executor, std::move(cfg));
  sink_config sc;
  sc.table_name = o.table;
  sc.partition_key = o.key[0];
  if (o.key.size() > 1) sc.sort_key = o.key[1];
  sc.init_mode = o.mode;
  sc.name = o.table;
  run.out.emplace(co_await dynasio::sink::open(db, std::move(sc)));

  meter m(mode, "sink", stderr, start, terminal_width(2));
  asio::steady_timer tick_timer(db.get_executor());
  const auto snapshot = [&run] {
    progress_snapshot s;
    s.items = run.rows_done;
    s.bytes = run.reader->bytes_read();
    s.total_bytes = run.reader->total_bytes();
    s.failed = run.failed;
    return s;
  };

  bool stopped = false;
  std::vector<stream_event> step;
  const auto commit_step = [&]() -> asio::awaitable<void> {
    for (const stream_event& e : step) co_await run.out->write(e.row, e.diff);
    try {
      co_await run.out->commit();
    } catch (const batch_error& e) {
      run.failed += e.unwritten().size();
      for (const failed_request& f : e.unwritten())
        std::fprintf(stderr, "%sdynasio sink: not written: %s\n", mode == progress_mode::bar ? "\r\x1b[K" : "",
                     f.message.c_str());
    }
    run.rows_done += step.size();
    ++run.steps;
    step.clear();
  };
  const auto body = [&]() -> asio::awaitable<void> {
    std::string_view line;
    std::optional<std::string> time;
    while (run.reader->next(line)) {
      if (is_blank(line)) continue;
      stream_event e;
      try {
        e = parse_stream_line(line, o.format, o.key);
      } catch (const input_error& err) {
        std::fprintf(stderr, "%sdynasio sink: %s\n", mode == progress_mode::bar ? "\r\x1b[K" : "",
                     describe_bad_line(run.reader->name(), run.reader->line_number(), line, err).c_str());
        stopped = true;
        break;
      }
      if (time && *time != e.time) co_await commit_step();
      time = e.time;
      step.push_back(std::move(e));
    }
    if (!stopped && !step.empty()) co_await commit_step();
    step.clear();
    co_await run.out->close();
    run.done = true;
    tick_timer.cancel();
  };
  co_await with_progress(body(), m, snapshot, run.done, tick_timer);
  m.finish(snapshot(), meter::clock::now());
  const sink_stats st = run.out->stats();
  summary sum;
  sum.read = run.reader->line_number();
  sum.written = st.rows_upserted + st.rows_deleted;
  sum.failed = run.failed;
  sum.retries = st.retries;
  if (mode != progress_mode::none)
    std::fprintf(stderr, "%s, %llu steps committed\n",
                 format_summary("sink", "written", sum, meter::clock::now() - start).c_str(),
                 static_cast<unsigned long long>(run.steps));
  if (stopped) co_return exit_usage;
  co_return run.failed > 0 ? exit_failed_items : exit_ok;
}

}  // namespace

int run_sink(const std::vector<std::string>& words) {
  return run_subcommand("dynasio sink", words, {{"--table"}, {"--key"}, {"--init-mode"}, {"--format"}, {"--progress"}},
                        1, sink_help, [](const parsed_args& a) -> command_body {
                          sink_options o;
                          o.table = a.required("--table");
                          o.key = parse_key_attributes(a.required("--key"), "--key", false);
                          try {
                            o.mode = init_mode_from_string(a.get("--init-mode", "default"));
                          } catch (const dynasio::error&) {
                            throw usage_error("--init-mode takes default, create_if_not_exists or replace, not '" +
                                              a.get("--init-mode") + "'");
                          }
                          o.format = parse_line_format(a.get("--format", "json"));
                          o.progress = parse_progress_mode(a.get("--progress", "auto"));
                          if (!a.positionals.empty()) o.input = a.positionals[0];
                          return [o](client_config cfg) { return mirror(o, std::move(cfg)); };
                        });
}

}  // namespace dynasio::cli
