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
}

DYNASIO_DECL void batch_fsm::push_back(slot_list& l, std::uint32_t s) noexcept {
  links_[s] = slot_link{l.tail, no_slot};
  if (l.tail != no_slot) links_[l.tail].next = s;
  else l.head = s;
  l.tail = s;
  ++l.size;
}

DYNASIO_DECL std::uint32_t batch_fsm::unlink(slot_list& l, std::uint32_t s) noexcept {
  const slot_link k = links_[s];
  if (k.prev != no_slot) links_[k.prev].next = k.next;
  else l.head = k.next;
  if (k.next != no_slot) links_[k.next].prev = k.prev;
  else l.tail = k.prev;
  links_[s] = slot_link{};
  --l.size;
  return k.next;
}

DYNASIO_DECL batch_entry& batch_fsm::blank_entry() {
  if (free_.empty()) {
    // free_ keeps room for every slot, so that release() never allocates; a failed allocation
    // leaves the three in step.
    if (free_.capacity() <= slots_.size()) free_.reserve(2 * slots_.size() + 16);
    links_.emplace_back();
    try {
      slots_.grow();
    } catch (...) {
      links_.pop_back();
      throw;
    }
    free_.push_back(static_cast<std::uint32_t>(slots_.size() - 1));
  }
  batch_entry& e = slots_[free_.back()];
  // What release() left, or what an earlier blank_entry() caller wrote before giving up.
  e.request.op = write_request::kind::put;
  e.request.item.clear();
  e.item_in_wire = false;
  e.key_hash = 0;
  // A text a failed fill left over max_spare_wire is not kept either (see release()).
  if (e.wire.capacity() > max_spare_wire) std::string().swap(e.wire);
  else e.wire.clear();
  e.seq = 0;
  e.attempts = 0;
  e.strikes = 0;
  e.last_sent = e.first_sent = e.not_before = batch_clock::time_point{};
  e.last_code.clear();
  e.last_message.clear();
  return e;
}

DYNASIO_DECL bool batch_fsm::add_blank() {
  const std::uint32_t s = free_.back();
  batch_entry& e = slots_[s];
  e.key_hash = key_hash{}(e.key);
  std::uint32_t old = no_slot;
  if (cfg_.overwrite) {
    // The only step that may throw (a new index node) comes first, while nothing has changed;
    // a replaced request's node is reused for its successor.
    if (auto it = pending_index_.find(key_ref(e)); it != pending_index_.end()) {
      old = it->second;
      auto node = pending_index_.extract(it);
      node.key() = key_ref(e);
      node.mapped() = s;
      pending_index_.insert(std::move(node));
    } else {
      pending_index_.emplace(key_ref(e), s);
    }
  }
  free_.pop_back();
  e.seq = next_seq_++;
  push_back(pending_, s);
  if (old != no_slot) {
    unlink(pending_, old);
    release(old);
  }
  return old != no_slot;
}

DYNASIO_DECL bool batch_fsm::add(batch_entry&& e) {
  blank_entry() = std::move(e);
  return add_blank();
}

DYNASIO_DECL void batch_fsm::release(std::uint32_t s) noexcept {
  batch_entry& e = slots_[s];
  // The item (a delete's key, a put the writer did not serialize) goes now; the key's values and
  // the wire text's memory stay for the next request, unless the text was unusually large.
  e.request.item.clear();
  if (e.wire.capacity() > max_spare_wire || free_.size() >= max_kept_storage) std::string().swap(e.wire);
  else e.wire.clear();
  // Past max_kept_storage free slots (a burst of requests held at once), a freed slot keeps
  // nothing: a writer's retained memory stays bounded whatever its peak.
  if (free_.size() >= max_kept_storage) key_values().swap(e.key);
  e.last_message.clear();
  // free_ has room for every slot (blank_entry() reserves it): this never allocates.
  free_.push_back(s);
}

DYNASIO_DECL std::uint64_t batch_fsm::next_batch(batch_clock::time_point now, bool drain) {
  std::vector<std::uint32_t> out;
  // Reserved when the first request is taken: most calls (one per buffered request) take none.
  const auto take = [&](std::uint32_t s) {
    if (out.capacity() == 0) {
      if (!spare_.empty()) {
        out = std::move(spare_.back());
        spare_.pop_back();
      } else {
        out.reserve(cfg_.flush_amount);
      }
    }
    slots_[s].last_sent = now;
    out.push_back(s);
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
    for (std::uint32_t s = retry_.head; s != no_slot && out.size() < cfg_.flush_amount;) {
      const batch_entry& e = slots_[s];
      if (e.not_before > now || !fits(e)) {
        s = links_[s].next;
        continue;
      }
      bytes += e.wire.size() + 1;
      take(s);
      s = unlink(retry_, s);
    }
    // Fresh requests wait for a full call unless something forces one out.
    if (drain || !out.empty() || pending_.size >= cfg_.flush_amount) {
      for (std::uint32_t s = pending_.head; s != no_slot && out.size() < cfg_.flush_amount;) {
        batch_entry& e = slots_[s];
        // A busy key (in flight, waiting for a re-send, or already in this call) keeps its
        // newer requests in the FIFO: they go in a later call, in order.
        const key_ref key(e);
        if (busy_.contains(key)) {
          s = links_[s].next;
          continue;
        }
        if (!fits(e)) break;
        bytes += e.wire.size() + 1;
        if (cfg_.overwrite) pending_index_.erase(key);
        e.first_sent = now;
        take(s);
        busy_.insert(key);
        s = unlink(pending_, s);
      }
    }
  }
  if (out.empty()) return 0;
  if (cfg_.pace) pacer_.on_sent(now, out.size());
  std::uint64_t id = next_id_++;
  in_flight_.emplace_back(id, std::move(out));
  return id;
}

DYNASIO_DECL batch_call batch_fsm::batch(std::uint64_t id) const {
  auto it = find_call(id);
  if (it == in_flight_.end()) throw std::logic_error("batch_fsm: unknown call id");
  return batch_call(slots_, it->second);
}

DYNASIO_DECL std::vector<std::uint32_t> batch_fsm::take_in_flight(std::uint64_t id) {
  auto it = in_flight_.begin() + (find_call(id) - in_flight_.cbegin());
  if (it == in_flight_.end()) throw std::logic_error("batch_fsm: unknown call id");
  std::vector<std::uint32_t> ids = std::move(it->second);
  in_flight_.erase(it);
  return ids;
}

DYNASIO_DECL void batch_fsm::recycle(std::vector<std::uint32_t>& ids) noexcept {
  ids.clear();
  // spare_ was reserved for max_spare vectors: this push_back never allocates.
  if (spare_.size() < max_spare && ids.capacity() >= cfg_.flush_amount) spare_.push_back(std::move(ids));
}

DYNASIO_DECL std::chrono::milliseconds batch_fsm::max_backoff(unsigned attempts) const {
  return capped_backoff(cfg_.base_delay, cfg_.max_delay, attempts);
}

DYNASIO_DECL void batch_fsm::fail(std::uint32_t s, std::error_code code, std::string message, batch_outcome& out) {
  batch_entry& e = slots_[s];
  busy_.erase(key_ref(e));
  failed_.emplace_back(e.seq, failed_request{take_request(e), code, std::move(message)});
  release(s);
  ++out.failed;
}

DYNASIO_DECL void batch_fsm::requeue(std::uint32_t s, batch_clock::time_point now, batch_outcome& out,
                                     requeue_kind kind) {
  batch_entry& e = slots_[s];
  ++e.attempts;
  // Paced, a slow table is not a stuck request: only other failures count, and the budget runs
  // from the last time the table took anything.
  if (!cfg_.pace || kind == requeue_kind::failure || kind == requeue_kind::capacity_singled) ++e.strikes;
  const auto since = cfg_.pace ? std::max(e.first_sent, last_written_) : e.first_sent;
  const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(now - since);
  if (e.strikes > cfg_.max_request_attempts || spent >= cfg_.retry_budget) {
    std::string why = e.last_message + " (gave up after " + std::to_string(e.attempts) + " attempts in " +
                      std::to_string(spent.count()) + " ms)";
    const std::error_code code = e.last_code;
    fail(s, code, std::move(why), out);
    return;
  }
  if (cfg_.pace && (kind == requeue_kind::capacity || kind == requeue_kind::capacity_singled)) {
    e.not_before = now + cfg_.min_delay;  // the pace spaces it
  } else {
    const unsigned n = kind == requeue_kind::failure ? e.strikes : e.attempts;
    e.not_before = now + std::max(cfg_.min_delay, jitter_.full(max_backoff(n)));
  }
  // The key stays busy: nothing newer for it may be sent before this re-send is settled.
  push_back(retry_, s);
  ++out.requeued;
}

DYNASIO_DECL batch_outcome batch_fsm::on_reply(std::uint64_t id, const std::vector<bool>& unprocessed,
                                               batch_clock::time_point now, unsigned table_throttles) {
  batch_outcome out;
  std::vector<std::uint32_t> ids = take_in_flight(id);
  requeue_kind kind = requeue_kind::capacity;
  if (cfg_.pace && !ids.empty()) {
    std::size_t rejected = 0;
    for (std::size_t i = 0; i < ids.size() && i < unprocessed.size(); ++i) rejected += unprocessed[i] ? 1 : 0;
    pacer_.on_result(slots_[ids.front()].last_sent, now, ids.size(), rejected, table_throttles != 0);
    if (rejected < ids.size()) last_written_ = now;
    // The table took most of the call but not these: they count as attempts.
    if (2 * rejected <= ids.size()) kind = requeue_kind::capacity_singled;
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::uint32_t s = ids[i];
    batch_entry& e = slots_[s];
    if (i < unprocessed.size() && unprocessed[i]) {
      e.last_code = make_error_code(errc::batch_incomplete);
      e.last_message = "returned in UnprocessedItems";
      requeue(s, now, out, kind);
    } else {
      busy_.erase(key_ref(e));
      release(s);
      ++out.written;
    }
  }
  recycle(ids);
  return out;
}

DYNASIO_DECL batch_outcome batch_fsm::on_call_failed(std::uint64_t id, std::error_code code, const std::string& message,
                                                     batch_clock::time_point now, bool hot_key) {
  batch_outcome out;
  std::vector<std::uint32_t> ids = take_in_flight(id);
  const bool throttled = is_throttling(code);
  if (cfg_.pace && throttled && !hot_key && !ids.empty())
    pacer_.on_result(slots_[ids.front()].last_sent, now, ids.size(), ids.size(), true);
  const requeue_kind kind =
      !throttled ? requeue_kind::failure : (hot_key ? requeue_kind::hot_key : requeue_kind::capacity);
  if (code == service_errc::validation_exception) {
    if (ids.size() > 1) {
      // DynamoDB rejects the whole call for one bad request: halve until it stands alone.
      const auto mid = ids.begin() + static_cast<std::ptrdiff_t>(ids.size() / 2);
      splits_.emplace_back(ids.begin(), mid);
      splits_.emplace_back(mid, ids.end());
      out.split = true;
    } else {
      for (std::uint32_t s : ids) fail(s, code, message, out);
    }
    recycle(ids);
    return out;
  }
  const bool retry = batch_retryable(code);
  for (std::uint32_t s : ids) {
    batch_entry& e = slots_[s];
    e.last_code = code;
    e.last_message = message;
    if (retry) requeue(s, now, out, kind);
    else fail(s, code, message, out);
  }
  recycle(ids);
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
  if (!splits_.empty() || pending_.size >= cfg_.flush_amount || (draining_ > 0 && pending_.size != 0)) return true;
  for (std::uint32_t s = retry_.head; s != no_slot; s = links_[s].next)
    if (slots_[s].not_before <= now) return true;
  return false;
}

DYNASIO_DECL std::optional<batch_clock::time_point> batch_fsm::next_due() const {
  std::optional<batch_clock::time_point> due;
  for (std::uint32_t s = retry_.head; s != no_slot; s = links_[s].next)
    if (!due || slots_[s].not_before < *due) due = slots_[s].not_before;
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
  for (std::uint32_t s = pending_.head; s != no_slot; s = links_[s].next) all.push_back(&slots_[s]);
  for (std::uint32_t s = retry_.head; s != no_slot; s = links_[s].next) all.push_back(&slots_[s]);
  for (const auto& half : splits_)
    for (std::uint32_t s : half) all.push_back(&slots_[s]);
  for (const auto& [id, ids] : in_flight_)
    for (std::uint32_t s : ids) all.push_back(&slots_[s]);
  std::sort(all.begin(), all.end(), [](const batch_entry* a, const batch_entry* b) { return a->seq < b->seq; });
  std::vector<write_request> out;
  out.reserve(all.size());
  for (const auto* e : all) out.push_back(request_of(*e));
  return out;
}

}  // namespace dynasio::detail

#endif
