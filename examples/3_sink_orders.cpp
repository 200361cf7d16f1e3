// Example 3: mirror a change stream into a DynamoDB table with dynasio::sink.
//
// A change stream describes a table by its changes: `+1` adds a row, `-1` retracts one, and an
// update is the pair (`-1` old row, `+1` new row). Here orders are created, updated and
// cancelled; the sink keeps the table `example_orders` equal to the stream's current state,
// one commit per step. Run it against dynalite: `source scripts/dynalite.sh && start_dynalite`.
#include <dynasio.hpp>

#include <boost/asio.hpp>
#include <boost/describe/class.hpp>

#include <chrono>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace asio = boost::asio;

// A row of the stream. to_item() maps it: strings -> S, numbers -> N, time points -> S (ISO-8601).
struct order {
  std::string order_id;
  std::string customer;
  int quantity = 0;
  double price = 0;
  std::chrono::system_clock::time_point created_at;
};
BOOST_DESCRIBE_STRUCT(order, (), (order_id, customer, quantity, price, created_at))

asio::awaitable<void> co_main() {
  dynasio::client db(co_await asio::this_coro::executor, dynasio::client_config::from_env());

  // Rows are written by primary key: here the partition key `order_id`, a string.
  // (The config is built in its own statements: GCC 12 mishandles braced temporaries in co_await.)
  dynasio::sink_config cfg;
  cfg.table_name = "example_orders";
  cfg.partition_key = {"order_id", dynasio::key_type::S};
  cfg.init_mode = dynasio::init_mode::create_if_not_exists;  // Pathway's "create_if_not_exists"
  cfg.name = "orders-mirror";                                // shown in logs and stats
  dynasio::sink sink = co_await dynasio::sink::open(db, std::move(cfg));

  std::map<std::string, order> live;  // the orders the stream says exist right now
  std::mt19937 rng(2024);             // a fixed seed: every run produces the same stream
  int next_id = 0;
  for (int step = 0; step < 10; ++step) {
    for (int event = 0; event < 20; ++event) {
      const unsigned what = rng() % 4;
      if (live.empty() || what < 2) {  // a new order: +1
        order o{"order-" + std::to_string(next_id++), "customer-" + std::to_string(rng() % 5),
                static_cast<int>(1 + rng() % 9), 9.5, std::chrono::system_clock::now()};
        dynasio::item row = dynasio::to_item(o);
        co_await sink.write(row, +1);
        live[o.order_id] = o;
        continue;
      }
      auto it = std::next(live.begin(), static_cast<long>(rng() % live.size()));
      dynasio::item old_row = dynasio::to_item(it->second);
      co_await sink.write(old_row, -1);  // an update and a cancellation both retract the old row
      if (what == 2) {                   // the update adds the new one
        it->second.quantity += 1;
        dynasio::item new_row = dynasio::to_item(it->second);
        co_await sink.write(new_row, +1);
      } else {
        live.erase(it);
      }
    }
    // The end of one consistent step: when commit() returns, DynamoDB holds it.
    co_await sink.commit();
  }
  co_await sink.close();

  dynasio::sink_stats st = sink.stats();
  std::cout << st.name << ": " << st.commits << " commits, " << st.rows_upserted << " rows upserted, "
            << st.rows_deleted << " deleted, " << st.rows_coalesced << " events coalesced\n";

  // Read the table back: its item count, then a few rows as orders again.
  dynasio::table orders = db.table("example_orders");
  std::vector<dynasio::item> items = co_await orders.scan_all();
  std::cout << "items in the table: " << items.size() << " (the stream holds " << live.size() << ")\n";
  int shown = 0;
  for (const auto& [id, o] : live) {
    if (shown++ == 3) break;
    dynasio::key k{{"order_id", id}};
    std::optional<dynasio::item> got = co_await orders.get_item(std::move(k));
    order back = dynasio::from_item<order>(*got);
    std::cout << "  " << back.order_id << ": " << back.customer << ", quantity " << back.quantity << ", price "
              << back.price << '\n';
  }
}
