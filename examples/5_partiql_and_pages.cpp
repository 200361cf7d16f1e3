// PartiQL statements with parameters, then the same table read page by page: a pager keeps one
// page in memory however large the table, and a parallel scan reads several segments at once.
// Needs a server with PartiQL for the first part (AWS, or DynamoDB Local: scripts/ddblocal.sh).

#include <dynasio.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/this_coro.hpp>

#include <iostream>

namespace asio = boost::asio;

asio::awaitable<void> co_main() {
  dynasio::client db(co_await asio::this_coro::executor, dynasio::client_config::from_env());
  const std::string name = "partiql_events";
  dynasio::table_schema schema{name, {"stream"}, dynasio::key_attribute{"seq", dynasio::key_type::N}};
  bool exists = true;
  try {
    co_await db.describe_table(name);
  } catch (const dynasio::error& e) {
    if (e.code() != dynasio::service_errc::resource_not_found) throw;
    exists = false;
  }
  if (!exists) co_await db.create_table(schema);
  co_await db.wait_until_table_exists(name);

  dynasio::table events = db.table(name);
  for (int seq = 0; seq < 500; ++seq) {
    dynasio::item event{{"stream", "clicks"}, {"seq", seq}};
    co_await events.put_item(event);
  }

  // Parameters take the place of each `?`: values are never spliced into the statement text.
  // (A PartiQL UPDATE changes an existing item; it throws conditional_check_failed otherwise.)
  const std::string update = "UPDATE \"" + name + "\" SET body = ? WHERE stream = ? AND seq = ?";
  for (int seq = 0; seq < 500; seq += 50) {
    std::vector<dynasio::attribute_value> params{"event " + std::to_string(seq), "clicks", seq};
    co_await dynasio::execute_statement(db, update, params);
  }

  // A SELECT in pages of 100, joined by next_token.
  dynasio::statement_options paged;
  paged.limit = 100;
  std::vector<dynasio::attribute_value> where{"clicks", 250, 499};
  std::vector<dynasio::item> recent = co_await dynasio::execute_statement_all(
      db, "SELECT seq FROM \"" + name + "\" WHERE stream = ? AND seq BETWEEN ? AND ?", where, paged);
  std::cout << recent.size() << " events from 250 to 499\n";  // 250

  // Several statements in one call; each succeeds or fails alone.
  std::vector<dynasio::statement> batch;
  batch.push_back(dynasio::statement{"INSERT INTO \"" + name + "\" VALUE {'stream': ?, 'seq': ?}", {"clicks", 1}});
  batch.push_back(dynasio::statement{"INSERT INTO \"" + name + "\" VALUE {'stream': ?, 'seq': ?}", {"clicks", 9999}});
  for (const dynasio::statement_result& r : co_await dynasio::batch_execute_statement(db, batch))
    std::cout << (r.ok() ? std::string("inserted") : r.error->code)
              << '\n';  // DuplicateItem, then inserted (DuplicateItem again on a second run)

  // The whole table, one page at a time.
  dynasio::pager pages = events.scan_pages();
  std::size_t total = 0;
  while (std::optional<dynasio::page> p = co_await pages.next()) total += p->items.size();
  std::cout << total << " items\n";

  // The same in 4 segments, 2 in flight; pages come in arrival order.
  dynasio::scan_options parallel;
  parallel.total_segments = 4;
  parallel.max_in_flight = 2;
  dynasio::pager segments = events.scan_pages(parallel);
  total = 0;
  while (std::optional<dynasio::page> p = co_await segments.next()) total += p->items.size();
  std::cout << total << " items, scanned in parallel\n";
}
