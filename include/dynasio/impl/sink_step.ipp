//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_SINK_STEP_IPP
#define DYNASIO_IMPL_SINK_STEP_IPP

#include <dynasio/detail/sink_step.hpp>

#include <string_view>

namespace dynasio::detail {

DYNASIO_DECL std::size_t sink_key_hash::operator()(const key& k) const noexcept {
  std::size_t h = 0x9e3779b97f4a7c15ull;
  for (const auto& [name, value] : k) {
    h ^= std::hash<std::string_view>{}(name) + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h ^= hash_value(value) + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  }
  return h;
}

DYNASIO_DECL void sink_step::add(key k, item row, int diff) {
  ++events_;
  auto [it, inserted] = index_.try_emplace(k, entries_.size());
  if (inserted) {
    entries_.push_back(entry{std::move(k), std::nullopt});
  }
  entry& e = entries_[it->second];
  if (diff > 0) {
    e.row = std::move(row);
  } else if (!e.row || *e.row == row) {
    e.row.reset();
  }
  // Otherwise the retraction is of a row this step has already replaced: the put stands.
}

DYNASIO_DECL void sink_step::restore(key k, write_request request) {
  auto [it, inserted] = index_.try_emplace(k, entries_.size());
  if (!inserted) return;
  ++events_;
  if (request.op == write_request::kind::put) entries_.push_back(entry{std::move(k), std::move(request.item)});
  else entries_.push_back(entry{std::move(k), std::nullopt});
}

DYNASIO_DECL std::vector<write_request> sink_step::take() {
  std::vector<write_request> out;
  out.reserve(entries_.size());
  for (entry& e : entries_) {
    if (e.row) out.push_back(write_request{write_request::kind::put, std::move(*e.row)});
    else out.push_back(write_request{write_request::kind::del, std::move(e.k)});
  }
  index_.clear();
  entries_.clear();
  events_ = 0;
  return out;
}

}  // namespace dynasio::detail

#endif
