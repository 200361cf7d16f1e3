// The batch writer: load many items with BatchWriteItem, 25 at a time, several calls in flight.
// put_item() returns as soon as the request is buffered; close() returns when DynamoDB has
// acknowledged every request, or throws batch_error listing exactly the ones it could not write.
// Rows can be items or, as here, structs described with BOOST_DESCRIBE_STRUCT.

#include <dynasio.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/describe/class.hpp>

#include <iostream>
#include <string>

namespace asio = boost::asio;

// One row of the table. Strings, numbers and bools are written straight to the request, with
// the mapping of dynasio::to_item(): no dynasio::item is built.
struct reading {
  std::string sensor;
  int minute = 0;
  double celsius = 0;
};
BOOST_DESCRIBE_STRUCT(reading, (), (sensor, minute, celsius))

asio::awaitable<void> co_main() {
  dynasio::client db(co_await asio::this_coro::executor, dynasio::client_config::from_env());
  const std::string name = "batch_writer_readings";
  dynasio::table_schema schema{name, {"sensor"}, dynasio::key_attribute{"minute", dynasio::key_type::N}};
  bool exists = true;
  try {
    co_await db.describe_table(name);
  } catch (const dynasio::error& e) {
    if (e.code() != dynasio::service_errc::resource_not_found) throw;
    exists = false;
  }
  if (!exists) co_await db.create_table(schema);
  co_await db.wait_until_table_exists(name);
  dynasio::table readings = db.table(name);

  // overwrite_by_pkeys: a newer request for a buffered key replaces it, as in boto3.
  dynasio::batch_options opts{.flush_amount = 25, .overwrite_by_pkeys = {"sensor", "minute"}, .max_in_flight = 4};
  dynasio::batch_writer batch = readings.batch_writer(opts);
  try {
    reading r;
    for (int minute = 0; minute < 2000; ++minute) {
      for (const char* sensor : {"north", "south"}) {
        r.sensor = sensor;
        r.minute = minute;
        r.celsius = 18.5 + (minute % 60) / 10.0;
        co_await batch.put_item(r);  // r is read here; it can be filled again at once
      }
    }
    // Correct a reading, as an item: the put for ("north", 1999) may still be buffered; this one wins.
    dynasio::item corrected{{"sensor", "north"}, {"minute", 1999}, {"celsius", 21.0}};
    co_await batch.put_item(corrected);
    dynasio::key obsolete{{"sensor", "south"}, {"minute", 0}};
    co_await batch.delete_item(obsolete);
    co_await batch.close();
  } catch (const dynasio::batch_error& e) {
    std::cerr << e.what() << '\n';
    for (const auto& failed : e.unwritten()) std::cerr << "  not written: " << failed.message << '\n';
    throw;
  }

  dynasio::batch_stats s = batch.stats();
  std::cout << "written " << s.items_written << " requests in " << s.requests_sent << " BatchWriteItem calls ("
            << s.superseded << " superseded, " << s.unprocessed_resent << " re-sent, " << s.retries << " retries)\n";
  dynasio::key last{{"sensor", "north"}, {"minute", 1999}};
  std::optional<dynasio::item> got = co_await readings.get_item(last);
  std::cout << "north @ 1999: " << (got ? got->at("celsius").as_number().text() : "missing") << " C\n";
}
