//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_SINK_STEP_HPP
#define DYNASIO_DETAIL_SINK_STEP_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/batch_error.hpp>
#include <dynasio/detail/config.hpp>

#include <cstddef>
#include <optional>
#include <unordered_map>
#include <vector>

namespace dynasio::detail {

/// Hashes a key item by names and values (numbers by value, like equality).
struct sink_key_hash {
  DYNASIO_DECL std::size_t operator()(const key& k) const noexcept;
};

/**
 * The writes of one sink step, reconciled per key: each key keeps only its final request.
 * A `+1` makes the row the key's put; a `-1` makes the key a delete, except when it retracts
 * a row other than the one this step already put for the key (the `-1 old` of an update
 * arriving after its `+1 new`), which is void.
 */
class sink_step {
 public:
  /// Records one event; `k` is the row's key (see extract_key), `diff` is +1 or -1.
  DYNASIO_DECL void add(key k, item row, int diff);

  /// Gives back a request taken but not handed on (a cancelled commit), unless the key has
  /// been written since: the newer event wins.
  DYNASIO_DECL void restore(key k, write_request request);

  /// Events recorded since the last take().
  std::size_t events() const noexcept { return events_; }
  /// Distinct keys recorded since the last take().
  std::size_t keys() const noexcept { return entries_.size(); }
  /// True when nothing was recorded since the last take().
  bool empty() const noexcept { return entries_.empty(); }

  /// The final request of every key, in the order keys were first touched; clears the step.
  DYNASIO_DECL std::vector<write_request> take();

 private:
  struct entry {
    key k;
    std::optional<item> row;  // nullopt: delete
  };
  std::unordered_map<key, std::size_t, sink_key_hash> index_;
  std::vector<entry> entries_;
  std::size_t events_ = 0;
};

}  // namespace dynasio::detail

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/sink_step.ipp>
#endif

#endif
