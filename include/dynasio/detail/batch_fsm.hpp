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
#include <list>
#include <map>
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

// An entry is moved from list to call to list while its key is busy, never copied: vectors of
// entries then move their elements instead of copying them, and batch_fsm's key views stay valid.
static_assert(std::is_nothrow_move_constructible_v<batch_entry> && std::is_nothrow_move_assignable_v<batch_entry>);

/**
 * A view of the key of a batch_entry, with its hash. Moving a vector keeps its elements where
 * they are, so the view follows the entry through moves; batch_fsm indexes busy and buffered
 * keys this way instead of copying every key into a set.
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

  /// Buffers `e` (its seq is assigned here). Returns true when it replaced a buffered request.
  DYNASIO_DECL bool add(batch_entry&& e);

  /// An empty entry to fill for add(): one that was written, with the memory of its key and
  /// wire text kept (the key's values stay, to be assigned over), else a new one.
  DYNASIO_DECL batch_entry blank_entry() noexcept;

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
  bool must_wait() const noexcept { return pending_.size() >= cfg_.flush_amount; }

  /**
   * Whether resume() may have something new to do after add(): a full call is buffered, or a
   * drain lets partial calls go. Otherwise add() changed nothing resume() acts on now: a
   * buffered request alone waits for a full call, and every re-send already has its wake-up
   * (an alarm set by resume(), or a call in flight that completes). The writer then skips
   * resume() and its clock read for most requests.
   */
  bool may_send_after_add() const noexcept { return pending_.size() >= cfg_.flush_amount || draining_ > 0; }

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
  DYNASIO_DECL const std::vector<batch_entry>& batch(std::uint64_t id) const;

  /// Call `id` succeeded; `unprocessed[i]` tells whether request i came back in UnprocessedItems;
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

  std::size_t pending_size() const noexcept { return pending_.size(); }
  std::size_t calls_in_flight() const noexcept { return in_flight_.size(); }
  /// Call `id` was returned by next_batch() and has not completed.
  bool in_flight(std::uint64_t id) const noexcept { return in_flight_.count(id) != 0; }
  std::size_t failed_size() const noexcept { return failed_.size(); }
  /// Nothing buffered, waiting or in flight.
  bool idle() const noexcept { return pending_.empty() && retry_.empty() && splits_.empty() && in_flight_.empty(); }
  /// Upper bound of the backoff after `attempts` failed attempts.
  DYNASIO_DECL std::chrono::milliseconds max_backoff(unsigned attempts) const;
  const batch_fsm_config& config() const noexcept { return cfg_; }

 private:
  // Why a request goes back: capacity (paced re-send), hot_key (backoff, no strike), failure.
  // capacity_singled: a capacity rejection in a call the table mostly took (this request is
  // singled out: it counts in max_request_attempts, still without a backoff of its own).
  enum class requeue_kind { capacity, capacity_singled, hot_key, failure };
  void requeue(batch_entry e, batch_clock::time_point now, batch_outcome& out, requeue_kind kind);
  // Something could leave now if the pace let it.
  bool sendable(batch_clock::time_point now) const;
  void fail(batch_entry e, std::error_code code, std::string message, batch_outcome& out);
  std::vector<batch_entry> take_in_flight(std::uint64_t id);
  void recycle(std::vector<batch_entry>& entries) noexcept;

  batch_fsm_config cfg_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t next_id_ = 1;
  std::list<batch_entry> pending_;
  // Keys of pending_ (with overwrite), viewing the entries in their list nodes.
  std::unordered_map<key_ref, std::list<batch_entry>::iterator, key_ref_hash> pending_index_;
  std::list<batch_entry> retry_;
  std::list<std::vector<batch_entry>> splits_;
  std::map<std::uint64_t, std::vector<batch_entry>> in_flight_;
  // Keys with a request in a call, waiting for a re-send or in a split half, viewing that request.
  busy_keys<key_ref> busy_;
  std::vector<std::pair<std::uint64_t, failed_request>> failed_;
  // Emptied call vectors kept for the next calls: one allocation per call of 25 entries is large
  // enough to make malloc consolidate its free lists, which slows every small allocation after it.
  std::vector<std::vector<batch_entry>> spare_;
  static constexpr std::size_t max_spare = 16;
  // List nodes of requests that left pending_, reused by the next requests (up to
  // max_spare_nodes): without them every request costs an allocation that outlives a call, the
  // pattern malloc's per-thread caches serve worst. A spare list node holds a moved-from entry,
  // which owns no memory.
  std::list<batch_entry> spare_nodes_;
  static constexpr std::size_t max_spare_nodes = 256;
  // Key and wire storage of written entries, handed out by blank_entry(): without them every
  // request costs two more allocations (its key vector and its wire text). At most
  // max_spare_nodes, each with a wire capacity of at most max_spare_wire bytes.
  struct entry_storage {
    key_values key;
    std::string wire;
  };
  std::vector<entry_storage> spare_entries_;
  static constexpr std::size_t max_spare_wire = 4096;
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
