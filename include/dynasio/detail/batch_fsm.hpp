//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_BATCH_FSM_HPP
#define DYNASIO_DETAIL_BATCH_FSM_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/batch_error.hpp>
#include <dynasio/detail/batch_pacer.hpp>
#include <dynasio/detail/busy_keys.hpp>
#include <dynasio/detail/config.hpp>
#include <dynasio/detail/key_hash.hpp>
#include <dynasio/detail/retry_policy.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <list>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <system_error>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace dynasio::detail {

using batch_clock = std::chrono::steady_clock;

/// One put or delete as the batch writer holds it.
struct batch_entry {
  /// The request as the user gave it (what a batch_error hands back); the batch writer's puts
  /// hold no item here, only in `wire` (see item_in_wire).
  write_request request;
  /// The put's item exists only as `wire`: request_of() reads it back from there (the item
  /// the user gave, or to_item() of a described struct: same names, types and values).
  bool item_in_wire = false;
  /// Its key, projected on the writer's key names.
  key_values key;
  /// key_hash of `key`, computed once by batch_fsm::add().
  std::size_t key_hash = 0;
  /// Its wire JSON (`{"PutRequest":{...}}` or `{"DeleteRequest":{...}}`), serialized once.
  std::string wire;
  /// Order in which it was given; failures are reported in this order.
  std::uint64_t seq = 0;
  /// Calls that carried it without writing it.
  unsigned attempts = 0;
  /// Of those, the ones max_request_attempts counts (with pacing: not capacity rejections).
  unsigned strikes = 0;
  /// When the call that carries it (or last carried it) left.
  batch_clock::time_point last_sent{};
  /// When it was first sent (the retry budget counts from here).
  batch_clock::time_point first_sent{};
  /// Earliest time it may be re-sent.
  batch_clock::time_point not_before{};
  /// Why its last attempt did not write it.
  std::error_code last_code;
  /// The message that came with last_code.
  std::string last_message;
};

/// The entry's request as the user gave it; a put whose item is only in `wire` is read back
/// from the JSON (the item to_item() builds: same names, types and values).
DYNASIO_DECL write_request request_of(const batch_entry& e);
/// As request_of(), moving the request out of `e`.
DYNASIO_DECL write_request take_request(batch_entry& e);

static_assert(std::is_nothrow_move_constructible_v<batch_entry> && std::is_nothrow_move_assignable_v<batch_entry>);

/**
 * A view of the key of a batch_entry, with its hash: the key's values where its vector keeps
 * them. batch_fsm indexes busy and buffered keys this way instead of copying every key into a
 * set; an entry stays in its slot from add() until it is written or given up on, so the view
 * stays valid while the key is busy.
 */
struct key_ref {
  const attribute_value* data = nullptr;
  std::size_t size = 0;
  std::size_t hash = 0;

  key_ref() = default;
  explicit key_ref(const batch_entry& e) noexcept : data(e.key.data()), size(e.key.size()), hash(e.key_hash) {}

  friend bool operator==(const key_ref& a, const key_ref& b) {
    return a.size == b.size && std::equal(a.data, a.data + a.size, b.data);
  }
};

struct key_ref_hash {
  std::size_t operator()(const key_ref& k) const noexcept { return k.hash; }
};

/// The slots of a batch_fsm's entries: chunks of 64 that never move, found by shift and mask
/// (std::deque's indexing costs a call per access).
class batch_slots {
 public:
  static constexpr std::size_t chunk = 64;

  batch_entry& operator[](std::uint32_t i) noexcept { return chunks_[i / chunk][i % chunk]; }
  const batch_entry& operator[](std::uint32_t i) const noexcept { return chunks_[i / chunk][i % chunk]; }
  std::size_t size() const noexcept { return size_; }
  /// Makes one more slot (a new chunk every 64).
  void grow() {
    if (size_ % chunk == 0) chunks_.push_back(std::make_unique<batch_entry[]>(chunk));
    ++size_;
  }

 private:
  std::vector<std::unique_ptr<batch_entry[]>> chunks_;
  std::size_t size_ = 0;
};

/// The requests of one call, in the order they go in its body: a view of their slots in a batch_fsm,
/// valid until the call completes (on_reply(), on_call_failed()).
class batch_call {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = batch_entry;
    using difference_type = std::ptrdiff_t;
    using pointer = const batch_entry*;
    using reference = const batch_entry&;

    iterator() = default;
    iterator(const batch_slots* slots, const std::uint32_t* at) noexcept : slots_(slots), at_(at) {}
    reference operator*() const noexcept { return (*slots_)[*at_]; }
    pointer operator->() const noexcept { return &(*slots_)[*at_]; }
    iterator& operator++() noexcept {
      ++at_;
      return *this;
    }
    iterator operator++(int) noexcept {
      iterator old = *this;
      ++at_;
      return old;
    }
    friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.at_ == b.at_; }

   private:
    const batch_slots* slots_ = nullptr;
    const std::uint32_t* at_ = nullptr;
  };

  // Views the vector's elements, which stay where they are when the vector itself moves (the
  // calls in flight are a vector of them).
  batch_call(const batch_slots& slots, const std::vector<std::uint32_t>& ids) noexcept
      : slots_(&slots), ids_(ids.data()), size_(ids.size()) {}
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  const batch_entry& operator[](std::size_t i) const noexcept { return (*slots_)[ids_[i]]; }
  const batch_entry& front() const noexcept { return (*this)[0]; }
  iterator begin() const noexcept { return {slots_, ids_}; }
  iterator end() const noexcept { return {slots_, ids_ + size_}; }

 private:
  const batch_slots* slots_;
  const std::uint32_t* ids_;
  std::size_t size_;
};

/// Limits and retry settings of a batch_fsm.
struct batch_fsm_config {
  /// Requests per call, 1..25.
  std::size_t flush_amount = 25;
  /// A new request replaces a buffered one with the same key.
  bool overwrite = false;
  /// Largest sum of wire sizes in one call (the body's fixed parts are kept out of it).
  std::size_t max_batch_bytes = 16 * 1024 * 1024 - 4096;
  /// Calls that may carry one request before it is reported as failed.
  unsigned max_request_attempts = 10;
  /// Time from the first send after which a request still unwritten is reported as failed.
  std::chrono::milliseconds retry_budget{std::chrono::minutes(2)};
  /// Backoff unit (full jitter, doubling per attempt).
  std::chrono::milliseconds base_delay{50};
  /// Longest single backoff.
  std::chrono::milliseconds max_delay{5'000};
  /// Shortest pause before a re-send, whatever the jitter says (on_exit_loop_sleep).
  std::chrono::milliseconds min_delay{0};
  /// Calls in flight at once (batch_options::max_in_flight).
  std::size_t max_in_flight = 4;
  /// Seed of the jitter.
  std::uint64_t seed = std::random_device{}();
  /**
   * Pace sends to what the table accepts (batch_pacer). Capacity rejections (UnprocessedItems,
   * throttling about the table) are then re-sent at the paced rate without a backoff of their
   * own and count in max_request_attempts only when the table took at least half of their call
   * (the request was singled out); retry_budget counts from the later of a
   * request's first send and the last time the table acknowledged any request of this writer.
   */
  bool pace = false;
};

/// What the batch writer's I/O half must do next (batch_fsm::resume()).
struct batch_action {
  enum class kind {
    /// Nothing until a call completes, a request arrives, a drain starts or an alarm rings.
    none,
    /// Send call `id` (its requests: batch(id)); report with on_reply() or on_call_failed().
    send,
    /// Wake up at `at` (a re-send becomes due) and resume() then; report with on_alarm(at).
    alarm,
  };
  kind what = kind::none;
  std::uint64_t id = 0;
  batch_clock::time_point at{};
};

/// What on_reply() and on_call_failed() did with a call's requests.
struct batch_outcome {
  /// Acknowledged by DynamoDB.
  std::size_t written = 0;
  /// Queued for a re-send.
  std::size_t requeued = 0;
  /// Given up on (see take_failed()).
  std::size_t failed = 0;
  /// Queued again as two halves to isolate a request DynamoDB rejects.
  bool split = false;
};

/**
 * Sans-io core of the batch writer: which requests go into the next BatchWriteItem call, and
 * what happens to them after it.
 *
 * It also decides when the writer acts: resume() says which call to send next (at most
 * `max_in_flight` at once; partial calls only while a drain runs) or when to wake up for a
 * re-send (one alarm per due time); must_wait() is the backpressure rule; close(), abandon()
 * and the drain count are its states. The I/O half (batch_writer_impl) performs the actions.
 *
 * Invariant: a key has at most one request "busy" (in a call, waiting for a re-send, or in a
 * split half), and while it is busy newer requests for that key wait in the FIFO. So requests
 * for one key reach DynamoDB in the order they were given, and a re-send never overtakes a
 * newer request.
 */
class batch_fsm {
 public:
  DYNASIO_DECL explicit batch_fsm(batch_fsm_config cfg);

  /**
   * The free slot the next add_blank() buffers, emptied, to be filled in place: the slot of
   * the request written last, with the memory of its key and wire text kept (the key's values
   * stay, to be assigned over; a wire text over max_spare_wire bytes is freed, here or when the
   * slot was freed), else a new one. Calling it again before add_blank() returns the same slot, emptied again. The
   * reference is valid until the slot is added (slots never move).
   */
  DYNASIO_DECL batch_entry& blank_entry();

  /// Buffers the slot blank_entry() returned and filled (its seq and key hash are set here).
  /// Returns true when it replaced a buffered request with the same key (overwrite).
  DYNASIO_DECL bool add_blank();

  /// Buffers `e`, moved into a free slot: blank_entry(), then add_blank().
  DYNASIO_DECL bool add(batch_entry&& e);

  /**
   * The next call to make, or 0 when there is none. Split halves go alone and first; then due
   * re-sends, then buffered requests in FIFO order skipping busy keys. Buffered requests alone
   * form a call only when `flush_amount` are buffered or `drain` is set.
   */
  DYNASIO_DECL std::uint64_t next_batch(batch_clock::time_point now, bool drain);

  /// The next action (see batch_action); call it until it returns none after every change.
  DYNASIO_DECL batch_action resume(batch_clock::time_point now);

  /// The alarm set for `at` rang (or was cancelled).
  void on_alarm(batch_clock::time_point at) noexcept {
    if (alarm_at_ == at) alarm_at_.reset();
  }

  /// Backpressure: a producer waits while a full call's worth of requests is buffered.
  bool must_wait() const noexcept { return pending_.size >= cfg_.flush_amount; }

  /**
   * Whether resume() may have something new to do after add(): a full call is buffered, or a
   * drain lets partial calls go. Otherwise add() changed nothing resume() acts on now: a
   * buffered request alone waits for a full call, and every re-send already has its wake-up
   * (an alarm set by resume(), or a call in flight that completes). The writer then skips
   * resume() and its clock read for most requests.
   */
  bool may_send_after_add() const noexcept { return pending_.size >= cfg_.flush_amount || draining_ > 0; }

  /// A flush()/close() starts waiting: partial calls go out while at least one waits.
  void begin_drain() noexcept { ++draining_; }
  void end_drain() noexcept { --draining_; }
  bool draining() const noexcept { return draining_ > 0; }

  /// close(): later writes are refused with errc::closed.
  void close() noexcept { closed_ = true; }
  bool closed() const noexcept { return closed_; }

  /// The writer object is gone: nothing more is sent, and no alarm is set.
  void abandon() noexcept { abandoned_ = true; }
  bool abandoned() const noexcept { return abandoned_; }

  /// The requests of call `id`, as returned by next_batch() and not yet completed.
  DYNASIO_DECL batch_call batch(std::uint64_t id) const;

  /// Call `id` succeeded; `unprocessed[i]` tells whether request i came back in UnprocessedItems
  /// (requests past its end did not: an empty vector means the table took the whole call);
  /// `table_throttles`: throttling replies about the table's capacity the client retried in it.
  DYNASIO_DECL batch_outcome on_reply(std::uint64_t id, const std::vector<bool>& unprocessed,
                                      batch_clock::time_point now, unsigned table_throttles = 0);

  /// Call `id` failed after the client's own retries with `code`; `hot_key` when that was a
  /// throttle whose ThrottlingReasons name only hot key ranges (no reason to slow the writer).
  DYNASIO_DECL batch_outcome on_call_failed(std::uint64_t id, std::error_code code, const std::string& message,
                                            batch_clock::time_point now, bool hot_key = false);

  /// The paced send rate in requests per second (0: not paced, or pacing off).
  double send_rate() const noexcept { return pacer_.rate(); }
  /// How often the pace was cut.
  std::uint64_t rate_cuts() const noexcept { return pacer_.cuts(); }

  /// When the earliest re-send becomes due, if any waits.
  DYNASIO_DECL std::optional<batch_clock::time_point> next_due() const;

  /// The requests given up on, in the order they were given; forgets them.
  DYNASIO_DECL std::vector<failed_request> take_failed();

  /// Every request not yet acknowledged nor failed (buffered, waiting, in a call), in order.
  DYNASIO_DECL std::vector<write_request> remaining() const;

  std::size_t pending_size() const noexcept { return pending_.size; }
  std::size_t calls_in_flight() const noexcept { return in_flight_.size(); }
  /// Call `id` was returned by next_batch() and has not completed.
  bool in_flight(std::uint64_t id) const noexcept { return find_call(id) != in_flight_.end(); }
  std::size_t failed_size() const noexcept { return failed_.size(); }
  /// Nothing buffered, waiting or in flight.
  bool idle() const noexcept { return pending_.size == 0 && retry_.size == 0 && splits_.empty() && in_flight_.empty(); }
  /// Slots made so far (each holds a request, or the storage of one written): the most
  /// requests held at once.
  std::size_t slot_count() const noexcept { return slots_.size(); }
  /// A written request's wire text keeps its memory for the next request up to this size.
  static constexpr std::size_t max_spare_wire = 4096;
  /// Free slots that keep their key and wire memory; beyond them a freed slot keeps none (only
  /// the slot itself, sizeof(batch_entry), stays for reuse).
  static constexpr std::size_t max_kept_storage = 256;
  /// Upper bound of the backoff after `attempts` failed attempts.
  DYNASIO_DECL std::chrono::milliseconds max_backoff(unsigned attempts) const;
  const batch_fsm_config& config() const noexcept { return cfg_; }

 private:
  // A slot's place in the FIFO it waits in (pending_ or retry_), as slot numbers.
  static constexpr std::uint32_t no_slot = 0xFFFFFFFFu;
  struct slot_link {
    std::uint32_t prev = no_slot;
    std::uint32_t next = no_slot;
  };
  // A FIFO of slots, linked through links_: an entry leaves from anywhere (a busy key's newer
  // requests stay behind) without moving.
  struct slot_list {
    std::uint32_t head = no_slot;
    std::uint32_t tail = no_slot;
    std::size_t size = 0;
  };
  using call_list = std::vector<std::pair<std::uint64_t, std::vector<std::uint32_t>>>;

  // Why a request goes back: capacity (paced re-send), hot_key (backoff, no strike), failure.
  // capacity_singled: a capacity rejection in a call the table mostly took (this request is
  // singled out: it counts in max_request_attempts, still without a backoff of its own).
  enum class requeue_kind { capacity, capacity_singled, hot_key, failure };
  void requeue(std::uint32_t s, batch_clock::time_point now, batch_outcome& out, requeue_kind kind);
  // Something could leave now if the pace let it.
  bool sendable(batch_clock::time_point now) const;
  void fail(std::uint32_t s, std::error_code code, std::string message, batch_outcome& out);
  std::vector<std::uint32_t> take_in_flight(std::uint64_t id);
  // The slot's request is done with (written, replaced, given up on): it becomes free, keeping
  // its key and wire memory for the next request.
  void release(std::uint32_t s) noexcept;
  // Emptied slot-number vectors of calls, kept for the next calls.
  void recycle(std::vector<std::uint32_t>& ids) noexcept;
  void push_back(slot_list& l, std::uint32_t s) noexcept;
  // Unlinks `s`; returns the slot after it.
  std::uint32_t unlink(slot_list& l, std::uint32_t s) noexcept;
  call_list::const_iterator find_call(std::uint64_t id) const noexcept {
    return std::find_if(in_flight_.begin(), in_flight_.end(), [id](const auto& c) { return c.first == id; });
  }

  batch_fsm_config cfg_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t next_id_ = 1;
  // Every request the writer holds lives in one slot from add_blank() until it is written or
  // given up on: the lists and calls below hold slot numbers, so a request is never moved or
  // copied on its way, and a written request leaves its slot (its key and wire memory) to the
  // next. Adding slots never moves the others.
  batch_slots slots_;
  std::vector<slot_link> links_;
  // Slots free for blank_entry(), the most recently freed last.
  std::vector<std::uint32_t> free_;
  slot_list pending_;
  // Keys of pending_ (with overwrite), viewing the entries in their slots.
  std::unordered_map<key_ref, std::uint32_t, key_ref_hash> pending_index_;
  slot_list retry_;
  std::list<std::vector<std::uint32_t>> splits_;
  // Calls in flight (at most max_in_flight), in the order they were formed.
  call_list in_flight_;
  // Keys with a request in a call, waiting for a re-send or in a split half, viewing that request.
  busy_keys<key_ref> busy_;
  std::vector<std::pair<std::uint64_t, failed_request>> failed_;
  // Emptied call vectors kept for the next calls (one allocation per call otherwise).
  std::vector<std::vector<std::uint32_t>> spare_;
  static constexpr std::size_t max_spare = 16;
  detail::jitter jitter_;
  std::size_t draining_ = 0;
  bool closed_ = false;
  bool abandoned_ = false;
  std::optional<batch_clock::time_point> alarm_at_;
  batch_pacer pacer_;
  // When the table last acknowledged a request of this writer (pacing's retry budget).
  batch_clock::time_point last_written_{};
};

}  // namespace dynasio::detail

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/batch_fsm.ipp>
#endif

#endif
