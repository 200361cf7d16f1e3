#ifndef DYNASIO_TESTS_CHANGE_STREAM_HPP
#define DYNASIO_TESTS_CHANGE_STREAM_HPP

#include <dynasio/attribute_value.hpp>

#include <cstddef>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace dynasio::test {

// One random change stream: the stream's snapshot (what the table must equal after each
// commit) and the events of the next step, with updates in either order, deletes,
// re-inserts, and keys touched several times within a step.
class change_stream {
 public:
  explicit change_stream(unsigned seed) : rng_(seed) {}

  std::vector<std::pair<item, int>> step(std::size_t events, std::size_t ids, int ns) {
    std::vector<std::pair<item, int>> out;
    while (out.size() < events) {
      // A small hot set makes keys repeat within a step.
      std::size_t id = pick(4) == 0 ? pick(8) : pick(ids);
      int n = static_cast<int>(pick(static_cast<std::size_t>(ns)));
      key k{{"id", "k" + std::to_string(id)}, {"n", n}};
      auto it = snapshot_.find(k);
      if (it == snapshot_.end()) {
        item row = make_row(k);
        out.emplace_back(row, +1);
        snapshot_.emplace(k, std::move(row));
      } else if (pick(3) == 0) {
        out.emplace_back(it->second, -1);
        snapshot_.erase(it);
      } else {
        item row = make_row(k);
        if (pick(2) == 0) {
          out.emplace_back(it->second, -1);
          out.emplace_back(row, +1);
        } else {
          out.emplace_back(row, +1);
          out.emplace_back(it->second, -1);
        }
        it->second = std::move(row);
      }
    }
    return out;
  }

  struct key_less {
    bool operator()(const key& a, const key& b) const {
      const auto& sa = a.at("id").as_string();
      const auto& sb = b.at("id").as_string();
      if (sa != sb) return sa < sb;
      return a.at("n").as_number() < b.at("n").as_number();
    }
  };
  const std::map<key, item, key_less>& snapshot() const { return snapshot_; }

 private:
  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

  item make_row(const key& k) {
    item row = k;
    row["v"] = static_cast<long long>(pick(1'000'000));
    // Some rows lack "s": a put replaces the whole item, so it must disappear.
    if (pick(3) != 0) row["s"] = "text-" + std::to_string(pick(100));
    return row;
  }

  std::mt19937 rng_;
  std::map<key, item, key_less> snapshot_;
};

}  // namespace dynasio::test

#endif
