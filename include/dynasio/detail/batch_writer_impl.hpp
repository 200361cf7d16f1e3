//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_BATCH_WRITER_IMPL_HPP
#define DYNASIO_DETAIL_BATCH_WRITER_IMPL_HPP

#include <dynasio/batch_writer.hpp>
#include <dynasio/client.hpp>
#include <dynasio/detail/batch_fsm.hpp>
#include <dynasio/detail/call_fsm.hpp>
#include <dynasio/detail/described_wire.hpp>
#include <dynasio/detail/wait_list.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dynasio::detail {

/// What a write or a drain reports, as values (batch_writer throws them at its edge).
struct write_report {
  /// Requests of earlier calls that could not be written, in the order they were given.
  std::vector<failed_request> failed;
  /// The operation itself did not complete: closed, cancelled, or the table's keys unknown.
  error_info error;
  /// The request was taken into the buffer (it will be sent, even if the wait was cancelled).
  bool buffered = false;
};

/// What admit() did with a request.
enum class admission { done, wait, learn_keys };

/**
 * The I/O half of the batch writer: turns batch_fsm decisions into BatchWriteItem calls on
 * the client's executor, at most `max_in_flight` at once, and wakes the coroutines waiting in
 * put_item() (backpressure) and flush()/close() (draining).
 *
 */
class batch_writer_impl : public std::enable_shared_from_this<batch_writer_impl> {
 public:
  DYNASIO_DECL batch_writer_impl(client db, std::string table_name, batch_options opts);

  /**
   * The part of a submit that needs no waiting: refuses the request (after close(), or
   * reporting earlier failures instead of taking it), or validates (throwing
   * errc::invalid_argument for a request DynamoDB would refuse), serializes and buffers it.
   * Returns done when `r` is the whole report; wait when the request was buffered and the
   * buffer is full; learn_keys (nothing done, `req` untouched) when the key names are unknown.
   */
  DYNASIO_DECL admission admit(write_request& req, write_report& r);

  /**
   * admit() for the common case, which needs no report: when nothing is to be refused and the
   * key names are known, validates, serializes and buffers `req` and returns done or wait as
   * admit() does (and throws as admit() does, with `req` moved from). Otherwise does nothing
   * (`req` untouched) and returns nullopt: admit() decides. `item_checked`: the caller has run
   * validate_key_value() on the key attributes and validate_item() on a put's item (the sink's
   * write() has), so neither is checked again; the key names are still looked up.
   */
  DYNASIO_DECL std::optional<admission> try_admit(write_request& req, bool item_checked);

  /**
   * try_admit() for a put of a described struct: a wire_struct is written straight into an
   * entry. nullopt also when `source` is not a wire_struct or fails one of its checks: then
   * admit_described() decides.
   */
  DYNASIO_DECL std::optional<admission> try_admit_described(const wire_source& source);

  /**
   * admit() for a described struct try_admit_described() did not take: converts it with
   * `source.to_item` into `req`, which goes the item's way (so errors and their messages are
   * the item's).
   */
  DYNASIO_DECL admission admit_described(const wire_source& source, write_request& req, write_report& r);

  /// Finishes a submit whose admit() returned `a` (not done): learns the key names and admits
  /// `req`, and waits while the buffer is full.
  DYNASIO_DECL static boost::asio::awaitable<write_report> submit(std::shared_ptr<batch_writer_impl> self,
                                                                  write_request req, admission a);

  /// For a request already buffered (admission::wait): waits while the buffer is full. The
  /// report says buffered, with std::errc::operation_canceled if cancelled while waiting.
  DYNASIO_DECL static boost::asio::awaitable<write_report> wait_for_room(std::shared_ptr<batch_writer_impl> self);

  /// Drains everything (and refuses later writes when `close`); reports what failed.
  DYNASIO_DECL static boost::asio::awaitable<write_report> drain(std::shared_ptr<batch_writer_impl> self, bool close);

  /// Throws a report's failures: batch_error for unwritten requests, else its error.
  DYNASIO_DECL void throw_report(write_report& r) const;

  /// The writer object is going away: report what it still holds, send nothing more.
  DYNASIO_DECL void abandon() noexcept;

  // The counters, with the pace read from the state machine that keeps it.
  batch_stats stats() const noexcept {
    batch_stats s = stats_;
    s.send_rate = fsm_.send_rate();
    s.rate_cuts = fsm_.rate_cuts();
    return s;
  }
  boost::asio::any_io_executor get_executor() const noexcept { return db_.get_executor(); }

 private:
  static boost::asio::awaitable<void> send(std::shared_ptr<batch_writer_impl> self, std::uint64_t id);
  static boost::asio::awaitable<void> alarm(std::shared_ptr<batch_writer_impl> self, batch_clock::time_point at);
  boost::asio::awaitable<error_info> learn_keys();
  // Waits for a change (a call completed, keys learned, an alarm); false when cancelled.
  boost::asio::awaitable<bool> wait_change();

  // Closed, or earlier failures to report: fills `r` and returns true.
  bool refuse(write_report& r);
  // refuse() would refuse (and fill a report).
  bool must_refuse() const noexcept { return fsm_.closed() || fsm_.failed_size() != 0; }
  // Fills the state machine's blank entry with `req` (validated, serialized); add_entry() then
  // buffers it. Throws, the blank entry left unbuffered, for a request DynamoDB would refuse.
  void make_entry(write_request req, bool item_checked);
  // Writes a wire_struct's put into the blank entry; false when the item's way must decide.
  bool make_wire_entry(const wire_source& source);
  // Buffers the blank entry; returns done, or wait when the buffer is full.
  admission add_entry();
  void make_body(std::string& body, const batch_call& entries) const;
  // Which of the call's requests came back in UnprocessedItems; empty (no allocation) when none did.
  std::vector<bool> unprocessed_flags(const boost::json::object& reply, const batch_call& entries) const;
  void complete(std::uint64_t id, call_outcome& call, std::chrono::microseconds latency);
  void pump();
  void wake_all() noexcept;

  client db_;
  std::string table_;
  batch_options opts_;
  batch_fsm fsm_;
  std::vector<std::string> key_names_;
  bool keys_known_ = false;
  bool learning_keys_ = false;
  wait_list waiters_;
  std::list<boost::asio::steady_timer*> alarms_;
  batch_stats stats_;
  std::string body_prefix_;
  // Bodies of completed calls, reused by the next calls (at most max_in_flight, each at most
  // max_spare_body bytes).
  std::vector<std::string> spare_bodies_;
  static constexpr std::size_t max_spare_body = 1024 * 1024;
};

}  // namespace dynasio::detail

#endif
