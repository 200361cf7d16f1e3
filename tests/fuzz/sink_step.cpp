// A sink step from the fuzz bytes (few keys, rows differing by value or only by spelling,
// either diff) against the model of tests/common/sink_step_model.hpp: the same requests, the
// same conflicts, one request per key.
#include "sink_step_model.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dynasio;
  static const table_schema keys{"t", {"id"}, std::nullopt};
  // "1", "1.0" and "10e-1" are one row: rows compare by value.
  static const char* const values[] = {"1", "1.0", "2", "10e-1", "3", "-0", "0", "2.00"};
  test::step_events events;
  for (std::size_t i = 0; i < size && events.size() < 64; ++i) {
    const std::uint8_t b = data[i];
    item row{{"id", "k" + std::to_string(b & 3)}, {"v", number(values[(b >> 2) & 7])}};
    if (b & 0x40) row["extra"] = true;
    events.emplace_back(std::move(row), (b & 0x80) ? +1 : -1);
  }
  const test::step_outcome got = test::run_step(events, keys);
  if (got.duplicates != 0 || !(got == test::model_step(events, keys))) __builtin_trap();
  return 0;
}
