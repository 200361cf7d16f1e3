// Pagers and parallel scans over a table of 20 000 items (about 4 MB, so every Scan page is
// cut at DynamoDB's 1 MB), loaded once with the batch writer and shared by these cases.

#include <dynasio/batch_writer.hpp>
#include <dynasio/client.hpp>
#include <dynasio/error.hpp>
#include <dynasio/item_limits.hpp>
#include <dynasio/table.hpp>

#include "integration.hpp"
#include "run_coro.hpp"
#include "shared_tables.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <vector>

namespace asio = boost::asio;
using namespace dynasio;

namespace {

constexpr int big_count = 20000;
const std::string filler(180, 'x');

asio::awaitable<dynasio::table> big_table(client& db) {
  static bool loaded = false;
  dynasio::table t = db.table(co_await test::shared_table(db, "pages", false));
  if (loaded) co_return t;
  auto batch = t.batch_writer({.flush_amount = 25, .max_in_flight = 4});
  for (int i = 0; i < big_count; ++i) {
    item row{{"pk", "item-" + std::to_string(i)}, {"n", i}, {"fill", filler}};
    co_await batch.put_item(std::move(row));
  }
  co_await batch.close();
  loaded = true;
  co_return t;
}

// Marks item n seen; false when it was seen before.
bool mark(std::vector<char>& seen, const item& it) {
  auto n = std::stoi(it.at("n").as_number().text());
  REQUIRE(n >= 0);
  REQUIRE(n < big_count);
  if (seen[n]) return false;
  seen[n] = 1;
  return true;
}

asio::awaitable<void> parallel_scan(std::int32_t segments, std::int32_t in_flight) {
  client db(co_await asio::this_coro::executor, test::integration_config());
  dynasio::table t = co_await big_table(db);
  scan_options opts;
  opts.total_segments = segments;
  opts.max_in_flight = in_flight;
  dynasio::pager pages = t.scan_pages(opts);
  std::vector<char> seen(big_count, 0);
  int items = 0, repeats = 0, page_count = 0;
  while (std::optional<page> p = co_await pages.next()) {
    ++page_count;
    for (const auto& it : p->items) {
      ++items;
      if (!mark(seen, it)) ++repeats;
    }
  }
  CHECK(repeats == 0);
  CHECK(items == big_count);
  CHECK(page_count >= segments);
  CHECK(!(co_await pages.next()));  // finished stays finished
}

asio::awaitable<void> pager_one_page_at_a_time() {
  client db(co_await asio::this_coro::executor, test::integration_config());
  dynasio::table t = co_await big_table(db);
  dynasio::pager pages = t.scan_pages();
  std::vector<char> seen(big_count, 0);
  int items = 0, page_count = 0;
  std::size_t largest_page = 0;
  while (std::optional<page> p = co_await pages.next()) {
    ++page_count;
    std::size_t bytes = 0;
    for (const auto& it : p->items) {
      bytes += item_size(it);
      CHECK(mark(seen, it));
      ++items;
    }
    largest_page = std::max(largest_page, bytes);
  }
  CHECK(items == big_count);
  // About 4 MB in pages of at most 1 MB each: what is held at a time is one such page.
  CHECK(page_count >= 4);
  CHECK(largest_page <= 1024 * 1024 + 1024);
  MESSAGE("scan pages: " << page_count << ", largest " << largest_page << " bytes");
}

asio::awaitable<void> one_segment_of_many() {
  client db(co_await asio::this_coro::executor, test::integration_config());
  dynasio::table t = co_await big_table(db);
  std::vector<char> seen(big_count, 0);
  int items = 0;
  for (std::int32_t s = 0; s < 4; ++s) {
    scan_options opts;
    opts.total_segments = 4;
    opts.segment = s;
    std::vector<item> part = co_await t.scan_all(opts);
    CHECK(part.size() < static_cast<std::size_t>(big_count));
    for (const auto& it : part) {
      CHECK(mark(seen, it));
      ++items;
    }
  }
  CHECK(items == big_count);
}

asio::awaitable<void> query_pages_follow_the_key() {
  client db(co_await asio::this_coro::executor, test::integration_config());
  dynasio::table t = db.table(co_await test::shared_table(db, "pages", true));
  for (int i = 0; i < 25; ++i) {
    item row{{"pk", "q"}, {"sk", i}};
    co_await t.put_item(row);
  }
  query_options q;
  q.key_condition = key_name("pk") == "q";
  q.limit = 10;
  dynasio::pager pages = t.query_pages(q);
  std::vector<std::size_t> sizes;
  int expect = 0;
  while (std::optional<page> p = co_await pages.next()) {
    sizes.push_back(p->items.size());
    for (const auto& it : p->items) CHECK(it.at("sk") == attribute_value(expect++));
  }
  CHECK(expect == 25);
  CHECK(sizes.size() >= 3);
  CHECK(sizes.front() == 10);
}

}  // namespace

TEST_CASE("parallel scan: 20 000 items in 8 segments, 4 at a time, each item exactly once") {
  test::run_coro(parallel_scan(8, 4), std::chrono::minutes(5));
}

TEST_CASE("parallel scan: more segments than in flight, one at a time") {
  test::run_coro(parallel_scan(8, 1), std::chrono::minutes(5));
}

TEST_CASE("scan_pages over a table larger than 1 MB: pages of at most 1 MB, every item once") {
  test::run_coro(pager_one_page_at_a_time(), std::chrono::minutes(5));
}

TEST_CASE("scan with segment: the segments of a scan spread over workers cover the table once") {
  test::run_coro(one_segment_of_many(), std::chrono::minutes(5));
}

TEST_CASE("query_pages follows LastEvaluatedKey page by page, in sort-key order") {
  test::run_coro(query_pages_follow_the_key());
}

TEST_CASE("scan and pager options are checked before sending") {
  client_config cfg = test::integration_config();
  boost::asio::io_context ioc;
  client db(ioc.get_executor(), cfg);
  dynasio::table t = db.table("never-sent");
  scan_options bad_segment;
  bad_segment.total_segments = 4;
  bad_segment.segment = 4;
  CHECK_THROWS_WITH_AS(t.scan_pages(bad_segment),
                       doctest::Contains("segment must be 0 to total_segments - 1 (3), not 4"), error);
  scan_options lonely;
  lonely.segment = 1;
  CHECK_THROWS_WITH_AS(t.scan_pages(lonely), doctest::Contains("segment needs total_segments"), error);
  scan_options parallel;
  parallel.total_segments = 8;
  CHECK_THROWS_WITH_AS(test::run_coro(t.scan(parallel)), doctest::Contains("use scan_pages() or scan_all()"), error);
  parallel.max_in_flight = 0;
  CHECK_THROWS_WITH_AS(t.scan_pages(parallel), doctest::Contains("max_in_flight must be at least 1, not 0"), error);
  query_options no_key;
  CHECK_THROWS_WITH_AS(t.query_pages(no_key), doctest::Contains("key_condition"), error);
  CHECK(db.stats().requests == 0);
}
