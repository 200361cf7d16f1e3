//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_BATCH_FSM_IPP
#define DYNASIO_IMPL_BATCH_FSM_IPP

#include <dynasio/detail/batch_fsm.hpp>
#include <dynasio/detail/protocol/json_reader.hpp>
#include <dynasio/detail/retry_policy.hpp>
#include <dynasio/error.hpp>
#include <dynasio/is_retryable.hpp>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

namespace dynasio::detail {

DYNASIO_DECL write_request request_of(const batch_entry& e) {
  if (!e.item_in_wire) return e.request;
  // The writer's own JSON, `{"PutRequest":{"Item":{...}}}`: it parses, however deep the item.
  boost::system::error_code ec;
  const boost::json::value v = parse_wire_json(e.wire, ec);
  if (ec) throw error(errc::protocol_error, "batch_writer: cannot read back a request's JSON: " + ec.message());
  return write_request{write_request::kind::put, read_item(v.at("PutRequest").at("Item").as_object())};
}

DYNASIO_DECL write_request take_request(batch_entry& e) {
  if (e.item_in_wire) return request_of(e);
  return std::move(e.request);
}

// BatchWriteItem puts and deletes whole items, so sending a request again is always safe:
// beyond is_retryable(), any transport failure (a connection dropped before the reply, under
// whatever code the HTTP stack reports it) is worth another attempt. Cancellation is not.
inline bool batch_retryable(std::error_code ec) {
  if (is_retryable(ec)) return true;
  if (ec.category() == service_category() || ec.category() == client_category()) return false;
  return !(ec == std::errc::operation_canceled || ec.value() == ECANCELED);
}

DYNASIO_DECL batch_fsm::batch_fsm(batch_fsm_config cfg) : cfg_(cfg), jitter_(cfg.seed), pacer_(cfg.flush_amount) {
  spare_.reserve(max_spare);
  spare_entries_.reserve(max_spare_nodes);
}

DYNASIO_DECL batch_entry batch_fsm::blank_entry() noexcept {
  batch_entry e;
  if (!spare_entries_.empty()) {
    e.key = std::move(spare_entries_.back().key);
    e.wire = std::move(spare_entries_.back().wire);
    spare_entries_.pop_back();
  }
  return e;
}

DYNASIO_DECL bool batch_fsm::add(batch_entry&& e) {
  e.seq = next_seq_++;
  e.key_hash = key_hash{}(e.key);
  bool replaced = false;
  if (cfg_.overwrite) {
    if (auto it = pending_index_.find(key_ref(e)); it != pending_index_.end()) {
      const auto old = it->second;
      pending_index_.erase(it);
      pending_.erase(old);
      replaced = true;
    }
  }
  if (spare_nodes_.empty()) {
    pending_.push_back(std::move(e));
  } else {
    pending_.splice(pending_.end(), spare_nodes_, spare_nodes_.begin());
    pending_.back() = std::move(e);
  }
  if (cfg_.overwrite) pending_index_.emplace(key_ref(pending_.back()), std::prev(pending_.end()));
  return replaced;
}

DYNASIO_DECL std::uint64_t batch_fsm::next_batch(batch_clock::time_point now, bool drain) {
  std::vector<batch_entry> out;
  // Reserved when the first request is taken: most calls (one per buffered request) take none.
  const auto take = [&](batch_entry& e) {
    if (out.capacity() == 0) {
      if (!spare_.empty()) {
        out = std::move(spare_.back());
        spare_.pop_back();
      } else {
        out.reserve(cfg_.flush_amount);
      }
    }
    e.last_sent = now;
    out.push_back(std::move(e));
  };
  if (!splits_.empty()) {
    // A half of a rejected call travels alone, so that a rejection points at it.
    out = std::move(splits_.front());
    splits_.pop_front();
  } else {
    std::size_t bytes = 0;
    const auto fits = [&](const batch_entry& e) {
      return out.empty() || bytes + e.wire.size() + 1 <= cfg_.max_batch_bytes;
    };
    for (auto it = retry_.begin(); it != retry_.end() && out.size() < cfg_.flush_amount;) {
      if (it->not_before > now || !fits(*it)) {
        ++it;
        continue;
      }
      bytes += it->wire.size() + 1;
      take(*it);
      it = retry_.erase(it);
    }
    // Fresh requests wait for a full call unless something forces one out.
    if (drain || !out.empty() || pending_.size() >= cfg_.flush_amount) {
      for (auto it = pending_.begin(); it != pending_.end() && out.size() < cfg_.flush_amount;) {
        // A busy key (in flight, waiting for a re-send, or already in this call) keeps its
        // newer requests in the FIFO: they go in a later call, in order.
        const key_ref key(*it);
        if (busy_.contains(key)) {
          ++it;
          continue;
        }
        if (!fits(*it)) break;
        bytes += it->wire.size() + 1;
        if (cfg_.overwrite) pending_index_.erase(key);
        it->first_sent = now;
        take(*it);
        // The view follows the entry's key into `out` (a moved vector keeps its elements).
        busy_.insert(key);
        const auto taken = it++;
        if (spare_nodes_.size() < max_spare_nodes) spare_nodes_.splice(spare_nodes_.begin(), pending_, taken);
        else pending_.erase(taken);
      }
    }
  }
  if (out.empty()) return 0;
  if (cfg_.pace) pacer_.on_sent(now, out.size());
  std::uint64_t id = next_id_++;
  in_flight_.emplace(id, std::move(out));
  return id;
}

DYNASIO_DECL const std::vector<batch_entry>& batch_fsm::batch(std::uint64_t id) const {
  auto it = in_flight_.find(id);
  if (it == in_flight_.end()) throw std::logic_error("batch_fsm: unknown call id");
  return it->second;
}

DYNASIO_DECL std::vector<batch_entry> batch_fsm::take_in_flight(std::uint64_t id) {
  auto it = in_flight_.find(id);
  if (it == in_flight_.end()) throw std::logic_error("batch_fsm: unknown call id");
  std::vector<batch_entry> entries = std::move(it->second);
  in_flight_.erase(it);
  return entries;
}

DYNASIO_DECL void batch_fsm::recycle(std::vector<batch_entry>& entries) noexcept {
  // Written entries leave their key and wire memory for blank_entry(); spare_entries_ was
  // reserved for max_spare_nodes, so this never allocates.
  for (batch_entry& e : entries) {
    if (spare_entries_.size() >= max_spare_nodes) break;
    // An entry moved on (re-sent, failed, split) left nothing behind.
    if (e.wire.empty() || e.wire.capacity() > max_spare_wire) continue;
    entry_storage& kept = spare_entries_.emplace_back();
    kept.key = std::move(e.key);
    kept.wire = std::move(e.wire);
    kept.wire.clear();
  }
  entries.clear();
  // spare_ was reserved for max_spare vectors: this push_back never allocates.
  if (spare_.size() < max_spare && entries.capacity() >= cfg_.flush_amount) spare_.push_back(std::move(entries));
}

DYNASIO_DECL std::chrono::milliseconds batch_fsm::max_backoff(unsigned attempts) const {
  return capped_backoff(cfg_.base_delay, cfg_.max_delay, attempts);
}

DYNASIO_DECL void batch_fsm::fail(batch_entry e, std::error_code code, std::string message, batch_outcome& out) {
  busy_.erase(key_ref(e));
  failed_.emplace_back(e.seq, failed_request{take_request(e), code, std::move(message)});
  ++out.failed;
}

DYNASIO_DECL void batch_fsm::requeue(batch_entry e, batch_clock::time_point now, batch_outcome& out,
                                     requeue_kind kind) {
  ++e.attempts;
  // Paced, a slow table is not a stuck request: only other failures count, and the budget runs
  // from the last time the table took anything.
  if (!cfg_.pace || kind == requeue_kind::failure || kind == requeue_kind::capacity_singled) ++e.strikes;
  const auto since = cfg_.pace ? std::max(e.first_sent, last_written_) : e.first_sent;
  const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(now - since);
  if (e.strikes > cfg_.max_request_attempts || spent >= cfg_.retry_budget) {
    std::string why = e.last_message + " (gave up after " + std::to_string(e.attempts) + " attempts in " +
                      std::to_string(spent.count()) + " ms)";
    std::error_code code = e.last_code;
    fail(std::move(e), code, std::move(why), out);
    return;
  }
  if (cfg_.pace && (kind == requeue_kind::capacity || kind == requeue_kind::capacity_singled)) {
    e.not_before = now + cfg_.min_delay;  // the pace spaces it
  } else {
    const unsigned n = kind == requeue_kind::failure ? e.strikes : e.attempts;
    e.not_before = now + std::max(cfg_.min_delay, jitter_.full(max_backoff(n)));
  }
  // The key stays busy: nothing newer for it may be sent before this re-send is settled.
  retry_.push_back(std::move(e));
  ++out.requeued;
}

DYNASIO_DECL batch_outcome batch_fsm::on_reply(std::uint64_t id, const std::vector<bool>& unprocessed,
                                               batch_clock::time_point now, unsigned table_throttles) {
  batch_outcome out;
  std::vector<batch_entry> entries = take_in_flight(id);
  requeue_kind kind = requeue_kind::capacity;
  if (cfg_.pace && !entries.empty()) {
    std::size_t rejected = 0;
    for (std::size_t i = 0; i < entries.size() && i < unprocessed.size(); ++i) rejected += unprocessed[i] ? 1 : 0;
    pacer_.on_result(entries.front().last_sent, now, entries.size(), rejected, table_throttles != 0);
    if (rejected < entries.size()) last_written_ = now;
    // The table took most of the call but not these: they count as attempts.
    if (2 * rejected <= entries.size()) kind = requeue_kind::capacity_singled;
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    batch_entry& e = entries[i];
    if (i < unprocessed.size() && unprocessed[i]) {
      e.last_code = make_error_code(errc::batch_incomplete);
      e.last_message = "returned in UnprocessedItems";
      requeue(std::move(e), now, out, kind);
    } else {
      busy_.erase(key_ref(e));
      ++out.written;
    }
  }
  recycle(entries);
  return out;
}

DYNASIO_DECL batch_outcome batch_fsm::on_call_failed(std::uint64_t id, std::error_code code, const std::string& message,
                                                     batch_clock::time_point now, bool hot_key) {
  batch_outcome out;
  std::vector<batch_entry> entries = take_in_flight(id);
  const bool throttled = is_throttling(code);
  if (cfg_.pace && throttled && !hot_key && !entries.empty())
    pacer_.on_result(entries.front().last_sent, now, entries.size(), entries.size(), true);
  const requeue_kind kind =
      !throttled ? requeue_kind::failure : (hot_key ? requeue_kind::hot_key : requeue_kind::capacity);
  if (code == service_errc::validation_exception) {
    if (entries.size() > 1) {
      // DynamoDB rejects the whole call for one bad request: halve until it stands alone.
      const auto mid = entries.begin() + static_cast<std::ptrdiff_t>(entries.size() / 2);
      splits_.emplace_back(std::make_move_iterator(entries.begin()), std::make_move_iterator(mid));
      splits_.emplace_back(std::make_move_iterator(mid), std::make_move_iterator(entries.end()));
      out.split = true;
    } else {
      for (auto& e : entries) fail(std::move(e), code, message, out);
    }
    recycle(entries);
    return out;
  }
  const bool retry = batch_retryable(code);
  for (auto& e : entries) {
    e.last_code = code;
    e.last_message = message;
    if (retry) requeue(std::move(e), now, out, kind);
    else fail(std::move(e), code, message, out);
  }
  recycle(entries);
  return out;
}

DYNASIO_DECL batch_action batch_fsm::resume(batch_clock::time_point now) {
  batch_action a;
  if (abandoned_ || in_flight_.size() >= cfg_.max_in_flight) return a;  // a completing call resumes again
  // The pace may hold the next call back: then wake up when it lets one go.
  std::optional<batch_clock::time_point> held;
  if (cfg_.pace) {
    const auto ready = pacer_.ready_at(now);
    if (ready > now) held = ready;
  }
  if (!held) {
    if (std::uint64_t id = next_batch(now, draining_ > 0); id != 0) {
      a.what = batch_action::kind::send;
      a.id = id;
      return a;
    }
  }
  // Nothing to send now: wake up for the earliest re-send (or the pace), unless an alarm rings
  // before it.
  auto due = next_due();
  if (held) {
    if (sendable(now)) due = *held;
    else if (due) due = std::max(*due, *held);
  }
  if (!due || (alarm_at_ && *alarm_at_ <= *due)) return a;
  alarm_at_ = *due;
  a.what = batch_action::kind::alarm;
  a.at = *due;
  return a;
}

DYNASIO_DECL bool batch_fsm::sendable(batch_clock::time_point now) const {
  if (!splits_.empty() || pending_.size() >= cfg_.flush_amount || (draining_ > 0 && !pending_.empty())) return true;
  return std::any_of(retry_.begin(), retry_.end(), [&](const batch_entry& e) { return e.not_before <= now; });
}

DYNASIO_DECL std::optional<batch_clock::time_point> batch_fsm::next_due() const {
  std::optional<batch_clock::time_point> due;
  for (const auto& e : retry_)
    if (!due || e.not_before < *due) due = e.not_before;
  return due;
}

DYNASIO_DECL std::vector<failed_request> batch_fsm::take_failed() {
  std::stable_sort(failed_.begin(), failed_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<failed_request> out;
  out.reserve(failed_.size());
  for (auto& f : failed_) out.push_back(std::move(f.second));
  failed_.clear();
  return out;
}

DYNASIO_DECL std::vector<write_request> batch_fsm::remaining() const {
  std::vector<const batch_entry*> all;
  for (const auto& e : pending_) all.push_back(&e);
  for (const auto& e : retry_) all.push_back(&e);
  for (const auto& s : splits_)
    for (const auto& e : s) all.push_back(&e);
  for (const auto& [id, entries] : in_flight_)
    for (const auto& e : entries) all.push_back(&e);
  std::sort(all.begin(), all.end(), [](const batch_entry* a, const batch_entry* b) { return a->seq < b->seq; });
  std::vector<write_request> out;
  out.reserve(all.size());
  for (const auto* e : all) out.push_back(request_of(*e));
  return out;
}

}  // namespace dynasio::detail

#endif
