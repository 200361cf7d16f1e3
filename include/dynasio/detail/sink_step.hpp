//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_SINK_STEP_HPP
#define DYNASIO_DETAIL_SINK_STEP_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/batch_error.hpp>
#include <dynasio/detail/config.hpp>
#include <dynasio/detail/key_hash.hpp>

#include <boost/container/small_vector.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dynasio::detail {

/**
 * The writes of one sink step, reconciled per key by net multiplicity.
 * @details The events of a step are unordered: what counts is each (key, row)'s sum of
 * diffs. A row netting above 0 is put; otherwise a row netting below 0 deletes the key;
 * when every row of the key nets to 0 the key needs no request. Two different rows netting
 * above 0 for one key is a broken stream: the one inserted last is put and the key is
 * reported in `conflicts`. Apart from that choice, the result does not depend on the order
 * of the events.
 */
class sink_step {
 public:
  /// What take() hands on.
  struct taken {
    /// One request per key that needs one, in the order keys were first touched.
    std::vector<write_request> requests;
    /// Keys for which two or more different rows netted above 0.
    std::vector<key> conflicts;
  };

  /// Records one event; `k` is the row's key (see extract_key), `diff` is +1 or -1.
  DYNASIO_DECL void add(key k, item row, int diff);

  /// Gives back a request taken but not handed on (a cancelled commit). It is sent by the
  /// next take() unless this step's own events for the key call for a request.
  DYNASIO_DECL void restore(key k, write_request request);

  /// Events (restored requests included) recorded since the last take().
  std::size_t events() const noexcept { return events_; }
  /// Distinct keys recorded since the last take().
  std::size_t keys() const noexcept { return entries_.size(); }
  /// True when nothing was recorded since the last take().
  bool empty() const noexcept { return entries_.empty(); }

  /// The requests of the step; clears it.
  DYNASIO_DECL taken take();

 private:
  struct row_net {
    item row;
    int net;
    std::uint64_t inserted;  // sequence number of the row's latest +1; 0 if none
  };
  struct entry {
    key k;
    // Only rows whose net is not 0: an update chain within one step keeps two rows, not all.
    // Most keys have one row in a step, held in place.
    boost::container::small_vector<row_net, 1> rows;
    std::optional<write_request> restored;
  };
  // Where each key's entry is in entries_: an open-addressing table, power-of-two sized, probed
  // linearly from the key's hash and kept at most half full. It holds no copy of the keys: a
  // slot is the hash and the entry's position, and keys are compared in entries_. Only
  // inserted into and cleared, so it needs no tombstones.
  struct slot {
    std::size_t hash = 0;
    std::size_t index = 0;  // position in entries_ + 1; 0: the slot is empty
  };

  // Slots for a step of n keys: a power of two, at least 64, at least 2n.
  static std::size_t index_size_for(std::size_t n);
  entry& touch(key k);
  void grow_index();
  void clear_index();

  std::vector<slot> slots_;
  std::vector<entry> entries_;
  std::size_t events_ = 0;
  std::uint64_t sequence_ = 0;
};

/// The warning the sink logs for a step's conflicts (at most a few keys spelled out).
DYNASIO_DECL std::string describe_conflicts(const std::vector<key>& conflicts);

}  // namespace dynasio::detail

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/sink_step.ipp>
#endif

#endif
