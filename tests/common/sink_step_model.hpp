#ifndef DYNASIO_TESTS_SINK_STEP_MODEL_HPP
#define DYNASIO_TESTS_SINK_STEP_MODEL_HPP

// A reference for the sink's step semantics, written the slow obvious way, and a runner that
// puts the same events through detail::sink_step; the unit test and the fuzz target compare them.

#include <dynasio/batch_error.hpp>
#include <dynasio/detail/sink_keys.hpp>
#include <dynasio/detail/sink_step.hpp>
#include <dynasio/operations/table_schema.hpp>

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace dynasio::test {

using step_events = std::vector<std::pair<item, int>>;

/// A step's requests by key (as describe_key spells it), and its conflicting keys.
struct step_outcome {
  std::map<std::string, write_request> requests;
  std::set<std::string> conflicts;
  /// Keys sent twice by one take(): must stay 0.
  std::size_t duplicates = 0;

  friend bool operator==(const step_outcome&, const step_outcome&) = default;
};

/// Sums the diffs of every (key, row); a key with rows netting above 0 puts the one whose
/// last +1 comes latest (a conflict when there are several), else deletes when one nets below 0.
inline step_outcome model_step(const step_events& events, const table_schema& keys) {
  struct row_sum {
    item row;
    int net = 0;
    std::size_t last_insert = 0;
  };
  std::map<std::string, std::pair<key, std::vector<row_sum>>> per_key;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& [row, diff] = events[i];
    key k = detail::extract_key(row, keys, "model");
    auto& [stored_key, rows] = per_key[detail::describe_key(k)];
    stored_key = k;
    row_sum* found = nullptr;
    for (row_sum& r : rows)
      if (r.row == row) found = &r;
    if (!found) found = &rows.emplace_back(row_sum{row});
    found->net += diff;
    if (diff > 0) found->last_insert = i + 1;
  }
  step_outcome out;
  for (auto& [text, entry] : per_key) {
    const row_sum* put = nullptr;
    std::size_t positive = 0;
    bool negative = false;
    for (const row_sum& r : entry.second) {
      if (r.net < 0) negative = true;
      if (r.net <= 0) continue;
      ++positive;
      if (!put || r.last_insert > put->last_insert) put = &r;
    }
    if (put) out.requests.emplace(text, write_request{write_request::kind::put, put->row});
    else if (negative) out.requests.emplace(text, write_request{write_request::kind::del, entry.first});
    if (positive > 1) out.conflicts.insert(text);
  }
  return out;
}

/// The same events through a fresh detail::sink_step.
inline step_outcome run_step(const step_events& events, const table_schema& keys) {
  detail::sink_step step;
  for (const auto& [row, diff] : events) step.add(detail::extract_key(row, keys, "step"), row, diff);
  detail::sink_step::taken taken = step.take();
  step_outcome out;
  for (write_request& r : taken.requests) {
    std::string text = detail::describe_key(detail::extract_key(r.item, keys, "step"));
    if (!out.requests.emplace(std::move(text), std::move(r)).second) ++out.duplicates;
  }
  for (const key& k : taken.conflicts) out.conflicts.insert(detail::describe_key(k));
  return out;
}

}  // namespace dynasio::test

#endif
