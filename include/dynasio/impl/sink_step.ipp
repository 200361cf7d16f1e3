//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_SINK_STEP_IPP
#define DYNASIO_IMPL_SINK_STEP_IPP

#include <dynasio/detail/sink_keys.hpp>
#include <dynasio/detail/sink_step.hpp>

#include <algorithm>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace dynasio::detail {

DYNASIO_DECL std::size_t sink_step::index_size_for(std::size_t n) {
  std::size_t size = 64;
  while (size < 2 * n) size *= 2;
  return size;
}

DYNASIO_DECL void sink_step::grow_index() {
  std::vector<slot> old = std::exchange(slots_, std::vector<slot>(index_size_for(entries_.size() + 1)));
  const std::size_t mask = slots_.size() - 1;
  for (const slot& s : old) {
    if (s.index == 0) continue;
    std::size_t i = s.hash & mask;
    while (slots_[i].index != 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

DYNASIO_DECL sink_step::entry& sink_step::touch(key k) {
  if (2 * (entries_.size() + 1) > slots_.size()) grow_index();
  const std::size_t hash = key_hash{}(k);
  const std::size_t mask = slots_.size() - 1;
  // The table is at most half full, so an empty slot comes within its size.
  for (std::size_t i = hash & mask, probes = 0; probes < slots_.size(); i = (i + 1) & mask, ++probes) {
    slot& s = slots_[i];
    if (s.index == 0) {
      s.hash = hash;
      s.index = entries_.size() + 1;
      entries_.push_back(entry{std::move(k), {}, std::nullopt});
      return entries_.back();
    }
    if (s.hash == hash && entries_[s.index - 1].k == k) return entries_[s.index - 1];
  }
  throw std::logic_error("sink_step: the key index is full");
}

DYNASIO_DECL void sink_step::clear_index() {
  // Kept for a next step as large as this one; a table sized for a much larger step is not
  // cleared at its size for each small step after it, but replaced by one sized for this step.
  const std::size_t fit = index_size_for(entries_.size());
  if (slots_.size() > 4 * fit) slots_ = std::vector<slot>(fit);
  else std::fill(slots_.begin(), slots_.end(), slot{});
}

DYNASIO_DECL void sink_step::add(key k, item row, int diff) {
  ++events_;
  entry& e = touch(std::move(k));
  const std::uint64_t inserted = diff > 0 ? ++sequence_ : 0;
  auto it = std::find_if(e.rows.begin(), e.rows.end(), [&](const row_net& r) { return r.row == row; });
  if (it == e.rows.end()) {
    e.rows.push_back(row_net{std::move(row), diff, inserted});
    return;
  }
  it->net += diff;
  if (inserted) it->inserted = inserted;
  if (it->net == 0) {
    // The order of rows carries no meaning (the latest insert is found by sequence number).
    if (it != e.rows.end() - 1) *it = std::move(e.rows.back());
    e.rows.pop_back();
  }
}

DYNASIO_DECL void sink_step::restore(key k, write_request request) {
  ++events_;
  entry& e = touch(std::move(k));
  if (!e.restored) e.restored = std::move(request);
}

DYNASIO_DECL sink_step::taken sink_step::take() {
  taken out;
  out.requests.reserve(entries_.size());
  for (entry& e : entries_) {
    row_net* put = nullptr;
    std::size_t positive = 0;
    bool retracted = false;
    for (row_net& r : e.rows) {
      if (r.net < 0) {
        retracted = true;
        continue;
      }
      ++positive;
      if (!put || r.inserted > put->inserted) put = &r;
    }
    if (put) {
      out.requests.push_back(write_request{write_request::kind::put, std::move(put->row)});
      if (positive > 1) out.conflicts.push_back(std::move(e.k));
    } else if (retracted) {
      out.requests.push_back(write_request{write_request::kind::del, std::move(e.k)});
    } else if (e.restored) {
      out.requests.push_back(std::move(*e.restored));
    }
  }
  clear_index();
  entries_.clear();
  events_ = 0;
  return out;
}

DYNASIO_DECL std::string describe_conflicts(const std::vector<key>& conflicts) {
  constexpr std::size_t shown = 5;
  std::string out = std::to_string(conflicts.size()) + (conflicts.size() == 1 ? " key" : " keys") +
                    " got two or more different rows inserted in one step (a broken change stream; the row"
                    " inserted last was put): ";
  for (std::size_t i = 0; i < conflicts.size() && i < shown; ++i) {
    if (i) out += "; ";
    out += describe_key(conflicts[i]);
  }
  if (conflicts.size() > shown) out += "; ...";
  return out;
}

}  // namespace dynasio::detail

#endif
