//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_BUSY_KEYS_HPP
#define DYNASIO_DETAIL_BUSY_KEYS_HPP

#include <algorithm>
#include <cstddef>
#include <memory>

namespace dynasio::detail {

/**
 * The set of keys batch_fsm holds busy, as views (key_ref) of the entries that hold them: an
 * open-addressing table of views, power-of-two sized, probed linearly from the stored hash and
 * kept at most half full. A lookup compares the stored hash before the values, and a removal
 * finds the entry's own view by its address first, so the values are compared only when two
 * keys share a hash. Erasing shifts the following views back (no tombstones), so a lookup
 * stops at the first empty slot. No node is allocated per key: the table grows by doubling and
 * never shrinks, so a writer that reached N busy keys keeps 2N..4N slots.
 *
 * `Ref` is key_ref: `data` (pointer to the first value, never null for a held key), `size`,
 * `hash` and operator==.
 */
template <class Ref>
class busy_keys {
 public:
  busy_keys() = default;
  busy_keys(const busy_keys&) = delete;
  busy_keys& operator=(const busy_keys&) = delete;

  std::size_t size() const noexcept { return size_; }

  bool contains(const Ref& key) const noexcept {
    if (size_ == 0) return false;
    for (std::size_t i = key.hash & mask_;; i = (i + 1) & mask_) {
      const Ref& s = slots_[i];
      if (s.data == nullptr) return false;
      if (s.hash == key.hash && (s.data == key.data || s == key)) return true;
    }
  }

  /// Adds `key`, which must not be in the set (batch_fsm marks a key busy only when it is not).
  void insert(const Ref& key) {
    if (2 * (size_ + 1) > capacity_) grow();
    place(key);
    ++size_;
  }

  /// Removes the view equal to `key` (the entry's own, found by address first); false when none.
  bool erase(const Ref& key) noexcept {
    if (size_ == 0) return false;
    std::size_t i = key.hash & mask_;
    for (;; i = (i + 1) & mask_) {
      const Ref& s = slots_[i];
      if (s.data == nullptr) return false;
      if (s.hash == key.hash && (s.data == key.data || s == key)) break;
    }
    // Backward shift: move each later view of the run into the hole when its home slot is not
    // between the hole and it (cyclically), so that every view stays reachable from its home.
    std::size_t hole = i;
    for (std::size_t j = (i + 1) & mask_; slots_[j].data != nullptr; j = (j + 1) & mask_) {
      const std::size_t home = slots_[j].hash & mask_;
      const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
      if (stays) continue;
      slots_[hole] = slots_[j];
      hole = j;
    }
    slots_[hole] = Ref{};
    --size_;
    return true;
  }

 private:
  void place(const Ref& key) noexcept {
    std::size_t i = key.hash & mask_;
    while (slots_[i].data != nullptr) i = (i + 1) & mask_;
    slots_[i] = key;
  }

  void grow() {
    const std::size_t capacity = std::max<std::size_t>(64, 2 * capacity_);
    std::unique_ptr<Ref[]> old = std::move(slots_);
    const std::size_t old_capacity = capacity_;
    slots_ = std::make_unique<Ref[]>(capacity);
    capacity_ = capacity;
    mask_ = capacity - 1;
    for (std::size_t i = 0; i < old_capacity; ++i)
      if (old[i].data != nullptr) place(old[i]);
  }

  std::unique_ptr<Ref[]> slots_;
  std::size_t capacity_ = 0;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace dynasio::detail

#endif
