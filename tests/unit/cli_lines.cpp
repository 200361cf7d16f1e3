// The tool's line handling: load's lines and its --failed file, the sink's change lines, the
// line reader (gzip included) and the command-line arguments.

#include <doctest/doctest.h>

#include <unistd.h>
#include <zlib.h>

#include <cli/args.hpp>
#include <cli/line_reader.hpp>
#include <cli/load_line.hpp>
#include <cli/stream_line.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace dynasio;
using dynasio::cli::input_error;
using dynasio::cli::line_format;

namespace {

long error_offset(std::string_view line, const std::vector<key_attribute>& key) {
  try {
    (void)cli::parse_stream_line(line, line_format::json, key);
  } catch (const input_error& e) {
    return static_cast<long>(e.offset());
  }
  return -1;
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("dynasio-cli-" + std::to_string(::getpid()) + "-" + name)).string();
}

std::vector<std::string> read_all(cli::line_reader& r) {
  std::vector<std::string> out;
  std::string_view line;
  while (r.next(line)) out.emplace_back(line);
  return out;
}

}  // namespace

TEST_CASE("the --failed lines load back as the item they hold") {
  const item it{{"id", "7"}, {"n", number("1.50")}, {"b", binary(std::string("\x01", 1))}};
  for (line_format f : {line_format::json, line_format::ddb}) {
    const std::string line = cli::failed_item_line(it, f, "ValidationException: \"too big\"");
    CHECK(line.rfind("{\"$error\":\"ValidationException: \\\"too big\\\"\",", 0) == 0);
    CHECK(cli::parse_load_line(line, f) == it);
  }
  CHECK(cli::failed_item_line(item{}, line_format::json, "r") == R"({"$error":"r"})");

  // A bad line travels as its text and is read as that text again.
  const std::string bad = cli::failed_text_line(R"({"id": "1", "n": 1e999})", "in.jsonl:3:17: number 1e999: ...");
  try {
    (void)cli::parse_load_line(bad, line_format::json);
    FAIL("the text is still bad");
  } catch (const input_error& e) {
    CHECK(std::string(e.what()).rfind("in \"$text\" at column 18: number 1e999", 0) == 0);
  }
  const std::string fixed = cli::failed_text_line(R"({"id": "1", "n": 1e99})", "was bad");
  CHECK(cli::parse_load_line(fixed, line_format::json) == item{{"id", "1"}, {"n", number("1e99")}});
  // Text that is not UTF-8 cannot be kept exactly; the line still is valid JSON.
  CHECK_NOTHROW((void)cli::parse_json(cli::failed_text_line("{\xff}", "bad")));
}

TEST_CASE("describe_bad_line: FILE:LINE:COLUMN: reason") {
  const input_error e(9, "expected ',' or '}'");
  CHECK(cli::describe_bad_line("in.jsonl", 12, "{\"\xc3\xa9\": 1 2}", e) == "in.jsonl:12:9: expected ',' or '}'");
  CHECK(cli::is_blank(" \t\r"));
  CHECK(!cli::is_blank(" {"));
}

TEST_CASE("change-stream lines: the row, its diff and its time") {
  const std::vector<key_attribute> key{{"id", key_type::S}, {"v", key_type::N}};
  const cli::stream_event e =
      cli::parse_stream_line(R"({"id": "a", "v": 2, "x": [1], "diff": -1, "time": 1700})", line_format::json, key);
  CHECK(e.row == item{{"id", "a"}, {"v", 2}, {"x", list{1}}});
  CHECK(e.diff == -1);
  CHECK(e.time ==
        cli::parse_stream_line(R"({"time": 1700, "diff": 1, "id": "b", "v": 1})", line_format::json, key).time);
  CHECK(e.time !=
        cli::parse_stream_line(R"({"time": "1700", "diff": 1, "id": "b", "v": 1})", line_format::json, key).time);

  CHECK(error_offset(R"({"id": "a", "v": 1, "diff": 2, "time": 1})", key) == 28);
  CHECK(error_offset(R"({"id": "a", "v": 1, "time": 1})", key) == 30);  // no diff: the end
  CHECK(error_offset(R"({"id": "a", "v": 1, "diff": 1, "time": [1]})", key) == 39);
  CHECK(error_offset(R"({"id": 1, "v": 1, "diff": 1, "time": 1})", key) == 7);  // S key given a number
  CHECK(error_offset(R"({"id": "", "v": 1, "diff": 1, "time": 1})", key) == 7);
  CHECK(error_offset(R"({"v": 1, "diff": 1, "time": 1})", key) == 0);
  CHECK(error_offset(R"({"id": "a", "v": 1, "diff": 1, "time": 1})", key) == -1);
}

TEST_CASE("line_reader: plain and gzip files, CRLF, a last line without newline") {
  const std::string plain = temp_path("plain.jsonl");
  { std::ofstream(plain, std::ios::binary) << "a\r\n\nb\nlast"; }
  {
    cli::line_reader r(plain);
    CHECK(r.total_bytes() == 10);
    CHECK(read_all(r) == std::vector<std::string>{"a", "", "b", "last"});
    CHECK(r.line_number() == 4);
    CHECK(r.bytes_read() == 10);
    CHECK(r.name() == plain);
  }
  const std::string gz = temp_path("lines.jsonl.gz");
  std::string text;
  for (int i = 0; i < 100000; ++i) text += "{\"id\": \"" + std::to_string(i) + "\"}\n";  // several buffers
  {
    gzFile f = gzopen(gz.c_str(), "wb");
    REQUIRE(f != nullptr);
    REQUIRE(gzwrite(f, text.data(), static_cast<unsigned>(text.size())) == static_cast<int>(text.size()));
    gzclose(f);
  }
  {
    cli::line_reader r(gz);
    const std::vector<std::string> lines = read_all(r);
    REQUIRE(lines.size() == 100000);
    CHECK(lines[99999] == "{\"id\": \"99999\"}");
    CHECK(r.bytes_read() == *r.total_bytes());  // compressed bytes, for the percentage
    CHECK(*r.total_bytes() < text.size());
  }
  // A truncated gzip file is an error, not a short file.
  std::filesystem::resize_file(gz, std::filesystem::file_size(gz) / 2);
  {
    cli::line_reader r(gz);
    CHECK_THROWS_AS(read_all(r), std::runtime_error);
  }
  CHECK_THROWS_WITH_AS(cli::line_reader(temp_path("missing")), doctest::Contains("cannot open"), std::runtime_error);
  std::filesystem::remove(plain);
  std::filesystem::remove(gz);
}

TEST_CASE("parse_args: options, values, positionals and mistakes") {
  const std::vector<cli::option_spec> spec{{"--table"}, {"--n"}, {"--help", false}};
  const cli::parsed_args a = cli::parse_args({"--table", "t", "--n=5", "file", "--help"}, spec, 1);
  CHECK(a.get("--table") == "t");
  CHECK(a.get_uint("--n", 1, 1, 25) == 5);
  CHECK(a.get_uint("--absent", 7, 1, 25) == 7);
  CHECK(a.has("--help"));
  CHECK(a.positionals == std::vector<std::string>{"file"});
  CHECK(cli::parse_args({"-"}, spec, 1).positionals == std::vector<std::string>{"-"});
  CHECK(cli::parse_args({"--", "--table"}, spec, 1).positionals == std::vector<std::string>{"--table"});
  CHECK_THROWS_WITH_AS(cli::parse_args({"--tabel", "t"}, spec, 1), "unknown option '--tabel'", cli::usage_error);
  CHECK_THROWS_WITH_AS(cli::parse_args({"--table"}, spec, 1), "--table needs a value", cli::usage_error);
  CHECK_THROWS_WITH_AS(cli::parse_args({"--n", "1", "--n", "2"}, spec, 1), "--n is given twice", cli::usage_error);
  CHECK_THROWS_WITH_AS(cli::parse_args({"a", "b"}, spec, 1), "unexpected argument 'b'", cli::usage_error);
  CHECK_THROWS_WITH_AS(cli::parse_args({"--help=1"}, spec, 1), "--help takes no value", cli::usage_error);
  CHECK_THROWS_AS((void)cli::parse_args({"--n", "26"}, spec, 0).get_uint("--n", 1, 1, 25), cli::usage_error);
  CHECK_THROWS_AS((void)cli::parse_args({"--n", "2x"}, spec, 0).get_uint("--n", 1, 1, 25), cli::usage_error);
  CHECK_THROWS_WITH_AS((void)a.required("--n2"), "--n2 is required", cli::usage_error);
}

TEST_CASE("key options: names, and names with types") {
  CHECK(cli::parse_key_names("pk", "--key") == std::vector<std::string>{"pk"});
  CHECK(cli::parse_key_names("pk,sk", "--key") == std::vector<std::string>{"pk", "sk"});
  CHECK_THROWS_AS(cli::parse_key_names("pk,", "--key"), cli::usage_error);
  CHECK_THROWS_AS(cli::parse_key_names("a,b,c", "--key"), cli::usage_error);
  CHECK_THROWS_AS(cli::parse_key_names("a,a", "--key"), cli::usage_error);
  CHECK_THROWS_AS(cli::parse_key_names("a:S", "--key"), cli::usage_error);

  const std::vector<key_attribute> k = cli::parse_key_attributes("pk:N,sk:B", "--create", true);
  CHECK(k == std::vector<key_attribute>{{"pk", key_type::N}, {"sk", key_type::B}});
  CHECK(cli::parse_key_attributes("id", "--key", false) == std::vector<key_attribute>{{"id", key_type::S}});
  CHECK_THROWS_WITH_AS(cli::parse_key_attributes("id", "--create", true),
                       "--create: give the type of 'id' (PK:S|N|B[,SK:S|N|B])", cli::usage_error);
  CHECK_THROWS_AS(cli::parse_key_attributes("id:X", "--key", false), cli::usage_error);
  CHECK_THROWS_AS(cli::parse_key_attributes(":S", "--key", false), cli::usage_error);
}
