#include <dynasio/batch_writer.hpp>
#include <dynasio/client.hpp>
#include <dynasio/error.hpp>
#include <dynasio/table.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "line_reader.hpp"
#include "load_line.hpp"

#include <boost/asio/this_coro.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

namespace asio = boost::asio;

namespace dynasio::cli {
namespace {

constexpr const char* load_help = R"(usage: dynasio load --table T [options] [FILE|-]

Writes one item per line of FILE (or standard input) into table T with BatchWriteItem.
A gzip-compressed FILE (or stream) is read as it is.

  --table T              the table to write to
  --key PK[,SK]          the table's key: a later line for the same key replaces an earlier
                         one still waiting to be sent (last writer wins, fewer writes)
  --create PK:S|N|B[,SK:S|N|B]
                         create the table (on-demand billing) unless it exists with this key,
                         and wait until it is ACTIVE
  --format json|ddb      json (default): plain JSON, numbers keep their exact digits,
                         {"$binary": "<base64>"} is B, {"$ss"|"$ns"|"$bs": [...]} are sets;
                         ddb: DynamoDB JSON, {"id": {"S": "1"}} or {"Item": {...}} per line
  --flush-amount N       items per BatchWriteItem call, 1..25 (default 25)
  --max-in-flight N      BatchWriteItem calls at once (default 8)
  --failed FILE          write every item that was not written here, as its line plus its
                         reason in "$error" (a bad line: {"$error": ..., "$text": "<line>"});
                         load reads such a file back as it is
  --on-error stop|skip   a bad line: stop (default: write the lines before it, exit 2) or
                         skip it (to --failed; exit 1 at the end)
  --progress auto|bar|lines|none
                         progress on stderr, then a summary (auto: a bar on a terminal, else a
                         line every 5 s; none: neither progress nor summary)
  --endpoint URL, --region R
                         override AWS_ENDPOINT_URL_DYNAMODB / AWS_REGION (configuration is
                         otherwise read as the AWS SDKs do: AWS_* variables, ~/.aws files)

Exit status: 0 every line written, 1 some not (see --failed), 2 usage, configuration or
input error (the file, line and column are named).

example:
  dynasio load --table orders --create id:S --key id --failed rejects.jsonl orders.jsonl.gz
)";

struct load_options {
  std::string table;
  std::vector<std::string> key;
  std::vector<key_attribute> create;
  line_format format = line_format::json;
  std::size_t flush_amount = 25;
  std::size_t max_in_flight = 8;
  std::string failed_path;
  bool skip_bad_lines = false;
  progress_mode progress = progress_mode::automatic;
  std::string input = "-";
};

load_options read_options(const parsed_args& a) {
  load_options o;
  o.table = a.required("--table");
  if (a.has("--key")) o.key = parse_key_names(a.get("--key"), "--key");
  if (a.has("--create")) o.create = parse_key_attributes(a.get("--create"), "--create", true);
  if (!o.key.empty() && !o.create.empty()) {
    bool same = o.key.size() == o.create.size();
    for (std::size_t i = 0; same && i < o.key.size(); ++i) same = o.key[i] == o.create[i].name;
    if (!same) throw usage_error("--key and --create name different key attributes");
  }
  o.format = parse_line_format(a.get("--format", "json"));
  o.progress = parse_progress_mode(a.get("--progress", "auto"));
  o.flush_amount = a.get_uint("--flush-amount", 25, 1, 25);
  o.max_in_flight = a.get_uint("--max-in-flight", 8, 1, 256);
  o.failed_path = a.get("--failed");
  const std::string on_error = a.get("--on-error", "stop");
  if (on_error != "stop" && on_error != "skip")
    throw usage_error("--on-error takes stop or skip, not '" + on_error + "'");
  o.skip_bad_lines = on_error == "skip";
  if (!a.positionals.empty()) o.input = a.positionals[0];
  return o;
}

// The --failed file, opened when the first line fails; without --failed, reasons go to stderr.
class failed_sink {
 public:
  failed_sink(std::string path, progress_mode mode) : path_(std::move(path)), bar_(mode == progress_mode::bar) {}
  failed_sink(const failed_sink&) = delete;
  failed_sink& operator=(const failed_sink&) = delete;
  ~failed_sink() {
    if (file_ != nullptr) std::fclose(file_);
  }

  void open() {
    if (path_.empty()) return;
    file_ = std::fopen(path_.c_str(), "wb");
    if (file_ == nullptr) throw usage_error("cannot write --failed " + path_ + ": " + std::strerror(errno));
  }

  void write(const std::string& line, const std::string& reason) {
    ++count_;
    if (file_ != nullptr) {
      std::fwrite(line.data(), 1, line.size(), file_);
      std::fputc('\n', file_);
    } else if (count_ <= 20) {
      std::fprintf(stderr, "%sdynasio load: not written: %s\n", bar_ ? "\r\x1b[K" : "", reason.c_str());
    }
  }

  bool close() {
    if (file_ == nullptr) return true;
    const bool ok = std::fclose(file_) == 0;
    file_ = nullptr;
    return ok;
  }

  std::uint64_t count() const noexcept { return count_; }

 private:
  std::string path_;
  bool bar_;
  std::FILE* file_ = nullptr;
  std::uint64_t count_ = 0;
};

std::string reason_of(const failed_request& f) {
  std::string r = f.message.empty() ? f.code.message() : f.message;
  return r;
}

void record_unwritten(const batch_error& e, failed_sink& failed, line_format format) {
  for (const failed_request& f : e.unwritten()) {
    const std::string reason = reason_of(f);
    failed.write(failed_item_line(f.request.item, format, reason), reason);
  }
}

// Creates the table unless it exists with the same key; waits until it is ACTIVE.
asio::awaitable<void> prepare_table(client& db, const load_options& o) {
  table_schema schema;
  schema.table_name = o.table;
  schema.partition_key = o.create[0];
  if (o.create.size() > 1) schema.sort_key = o.create[1];
  try {
    co_await db.create_table(schema);
  } catch (const dynasio::error& e) {
    if (e.code() != service_errc::resource_in_use) throw;
  }
  co_await db.wait_until_table_exists(o.table);
  const table_description d = co_await db.describe_table(o.table);
  if (!(d.schema.partition_key == schema.partition_key) || d.schema.sort_key != schema.sort_key)
    throw usage_error("table " + o.table + " exists with another key than --create " + o.create[0].name + "...");
}

// The state the loop and the progress ticker share.
struct load_run {
  std::unique_ptr<line_reader> reader;
  std::optional<batch_writer> writer;
  std::uint64_t skipped = 0;
  bool done = false;
};

asio::awaitable<int> load(load_options o, client_config cfg) {
  const auto start = meter::clock::now();
  load_run run;
  run.reader = std::make_unique<line_reader>(o.input);
  const progress_mode mode = resolve_progress_mode(o.progress, 2);
  failed_sink failed(o.failed_path, mode);
  failed.open();
  cfg.logger = stderr_logger(mode);
  client db(co_await asio::this_coro::executor, std::move(cfg));

  batch_options bo;
  bo.flush_amount = o.flush_amount;
  bo.max_in_flight = o.max_in_flight;
  bo.overwrite_by_pkeys = o.key;
  if (!o.create.empty()) {
    co_await prepare_table(db, o);
    for (const key_attribute& k : o.create) bo.key_names.push_back(k.name);
  } else if (o.key.empty()) {
    // Learn the key now, so a missing table is a clear error before anything is read.
    const table_description d = co_await db.describe_table(o.table);
    bo.key_names.push_back(d.schema.partition_key.name);
    if (d.schema.sort_key) bo.key_names.push_back(d.schema.sort_key->name);
  }
  run.writer.emplace(db.table(o.table).batch_writer(std::move(bo)));

  meter m(mode, "load", stderr, start, terminal_width(2));
  asio::steady_timer tick_timer(db.get_executor());
  const auto snapshot = [&run, &failed] {
    progress_snapshot s;
    s.items = run.writer->stats().items_written;
    s.bytes = run.reader->bytes_read();
    s.total_bytes = run.reader->total_bytes();
    s.failed = failed.count();
    return s;
  };

  bool stopped = false;
  const auto body = [&]() -> asio::awaitable<void> {
    std::string_view line;
    while (run.reader->next(line)) {
      if (is_blank(line)) continue;
      std::optional<item> it;
      std::string bad;
      try {
        it = parse_load_line(line, o.format);
      } catch (const input_error& e) {
        bad = describe_bad_line(run.reader->name(), run.reader->line_number(), line, e);
      }
      // Earlier calls' failures surface from put_item(), which then has not taken the item.
      for (int attempt = 0; it && attempt < 2; ++attempt) {
        try {
          co_await run.writer->put_item(*it);
          break;
        } catch (const batch_error& e) {
          record_unwritten(e, failed, o.format);
        } catch (const dynasio::error& e) {
          if (e.code() != errc::invalid_argument) throw;
          bad = run.reader->name() + ":" + std::to_string(run.reader->line_number()) + ":1: " + e.what();
          break;
        }
      }
      if (bad.empty()) continue;
      if (!o.skip_bad_lines) {
        std::fprintf(stderr, "%sdynasio load: %s\n", mode == progress_mode::bar ? "\r\x1b[K" : "", bad.c_str());
        stopped = true;
        break;
      }
      ++run.skipped;
      failed.write(failed_text_line(line, bad), bad);
    }
    try {
      co_await run.writer->close();
    } catch (const batch_error& e) {
      record_unwritten(e, failed, o.format);
    }
    run.done = true;
    tick_timer.cancel();
  };
  co_await with_progress(body(), m, snapshot, run.done, tick_timer);
  m.finish(snapshot(), meter::clock::now());

  const batch_stats st = run.writer->stats();
  summary sum;
  sum.read = run.reader->line_number();
  sum.written = st.items_written;
  sum.failed = failed.count();
  sum.retries = st.retries + st.unprocessed_resent;
  sum.throttles = st.throttles;
  if (mode != progress_mode::none)
    std::fprintf(stderr, "%s\n", format_summary("load", "written", sum, meter::clock::now() - start).c_str());
  if (!failed.close()) {
    std::fprintf(stderr, "dynasio load: cannot write --failed %s\n", o.failed_path.c_str());
    co_return exit_usage;
  }
  if (stopped) co_return exit_usage;
  co_return failed.count() > 0 ? exit_failed_items : exit_ok;
}

}  // namespace

int run_load(const std::vector<std::string>& words) {
  return run_subcommand("dynasio load", words,
                        {{"--table"},
                         {"--key"},
                         {"--create"},
                         {"--format"},
                         {"--flush-amount"},
                         {"--max-in-flight"},
                         {"--failed"},
                         {"--on-error"},
                         {"--progress"}},
                        1, load_help, [](const parsed_args& a) -> command_body {
                          return [o = read_options(a)](client_config cfg) { return load(o, std::move(cfg)); };
                        });
}

}  // namespace dynasio::cli
