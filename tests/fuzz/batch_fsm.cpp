// The batch writer's state machine (detail/batch_fsm.hpp) driven by the fuzz bytes: puts and
// deletes over a few keys, resume() actions, replies with any UnprocessedItems, failed calls
// (retryable, ValidationException, fatal), time passing, drains. Like the writer, the harness adds
// a request only when must_wait() is false (one given while it is true is not made: the byte is spent).
// Checked against a model:
//   - a key is never in two calls in flight, nor twice in one call;
//   - every request ends exactly once: written, failed (take_failed), or replaced while
//     buffered (overwrite, only then and only the buffered one of its key);
//   - the table built from the acknowledged requests, in acknowledgement order, equals the
//     requests applied in the order given, the failed and replaced ones left out.
// In writer mode (a setup bit) the harness calls resume() only where batch_writer_impl pumps:
// after an add when may_send_after_add(), after every reply or failed call, when an alarm rings,
// when a drain starts. After every step the machine must then be able to wake (a call in
// flight, an alarm set) unless it only holds buffered requests short of a call with no drain
// running; and finish() wakes it only through calls and alarms. A skipped resume() that
// mattered fails the run. Another setup bit turns pacing on, as batch_options::pace is by
// default.
#include <dynasio/detail/batch_fsm.hpp>
#include <dynasio/detail/protocol/json_writer.hpp>
#include <dynasio/error.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace dynasio;
using namespace dynasio::detail;
using namespace std::chrono_literals;

#define CHECK_OR_TRAP(cond)        \
  do {                             \
    if (!(cond)) __builtin_trap(); \
  } while (0)

enum class state { buffered, sent, written, failed, replaced };

struct request_info {
  int key;
  bool put;
  state st = state::buffered;
};

struct bytes {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t pos = 0;
  bool empty() const { return pos >= size; }
  std::uint8_t next() { return pos < size ? data[pos++] : 0; }
};

// The id a request was given: in its wire text, or in its item read back from the wire JSON.
std::uint64_t id_of(const batch_entry& e) {
  if (!e.item_in_wire) return std::stoull(e.wire);
  return static_cast<std::uint64_t>(std::stoull(request_of(e).item.at("id").as_number().text()));
}

class harness {
 public:
  harness(batch_fsm_config cfg, bool writer_mode) : fsm_(cfg), overwrite_(cfg.overwrite), writer_mode_(writer_mode) {}

  void add(int key, bool put) {
    if (fsm_.must_wait()) return;
    const std::uint64_t id = requests_.size();
    requests_.push_back({key, put});
    // As the writer does: storage of written entries comes back (checked by ASan for reuse bugs).
    batch_entry e = fsm_.blank_entry();
    item it{{"pk", "k" + std::to_string(key)}};
    e.key = key_values{attribute_value("k" + std::to_string(key))};
    if (put) it["v"] = id;
    // The id rides along in the request so failures can be told apart (batch_fsm never reads it).
    it["id"] = id;
    e.wire = std::to_string(id);
    if (put && id % 3 == 0) {
      // A described struct's put: the item is only in the wire JSON, read back when it fails.
      e.wire = "{\"PutRequest\":{\"Item\":";
      write_item(e.wire, it);
      e.wire += "}}";
      e.request.op = write_request::kind::put;
      e.item_in_wire = true;
    } else {
      e.request = write_request{put ? write_request::kind::put : write_request::kind::del, it};
    }
    std::optional<std::uint64_t> buffered;
    for (std::uint64_t i = 0; i < id; ++i)
      if (requests_[i].key == key && requests_[i].st == state::buffered) buffered = i;
    const bool replaced = fsm_.add(std::move(e));
    CHECK_OR_TRAP(replaced == (overwrite_ && buffered.has_value()));
    if (replaced) requests_[*buffered].st = state::replaced;
    if (writer_mode_ && fsm_.may_send_after_add()) resume();
  }

  // Writer mode, after every step: the writer can be woken (a call in flight, an alarm set), or
  // it legitimately waits for more requests: only buffered ones, short of a call, no drain.
  void check_wakeable() const {
    if (!writer_mode_ || !calls_.empty() || !alarms_.empty() || fsm_.idle()) return;
    CHECK_OR_TRAP(!fsm_.draining() && fsm_.pending_size() < fsm_.config().flush_amount);
    CHECK_OR_TRAP(fsm_.remaining().size() == fsm_.pending_size());  // nothing waiting for a re-send
  }

  // A resume() the writer would not make: only outside writer mode.
  void free_resume() {
    if (!writer_mode_) resume();
  }

  // Performs resume()'s actions until it has none.
  void resume() {
    for (int guard = 0; guard < 64; ++guard) {
      batch_action a = fsm_.resume(now_);
      if (a.what == batch_action::kind::none) return;
      if (a.what == batch_action::kind::alarm) {
        alarms_.insert(a.at);
        continue;
      }
      const auto& entries = fsm_.batch(a.id);
      CHECK_OR_TRAP(!entries.empty() && entries.size() <= fsm_.config().flush_amount);
      std::vector<std::uint64_t> ids;
      for (const auto& e : entries) {
        const std::uint64_t id = id_of(e);
        request_info& r = requests_.at(id);
        CHECK_OR_TRAP(r.st == state::buffered || r.st == state::sent);
        CHECK_OR_TRAP(busy_keys_.insert(r.key).second);  // no key in two calls, nor twice in one
        r.st = state::sent;
        ids.push_back(id);
      }
      calls_[a.id] = std::move(ids);
    }
  }

  void reply(std::size_t pick, std::uint64_t mask) {
    if (calls_.empty()) return;
    auto it = std::next(calls_.begin(), static_cast<std::ptrdiff_t>(pick % calls_.size()));
    std::vector<bool> unprocessed;
    std::size_t acked = 0;
    for (std::size_t i = 0; i < it->second.size(); ++i) {
      unprocessed.push_back((mask >> (i % 64)) & 1);
      if (!unprocessed.back()) {
        ++acked;
        const request_info& r = requests_[it->second[i]];
        table_[r.key] = it->second[i];
        requests_[it->second[i]].st = state::written;
      }
    }
    batch_outcome out = fsm_.on_reply(it->first, unprocessed, now_);
    CHECK_OR_TRAP(out.written == acked && out.written + out.requeued + out.failed == it->second.size());
    settle(it);
    if (writer_mode_) resume();
  }

  void fail(std::size_t pick, std::uint8_t how) {
    if (calls_.empty()) return;
    auto it = std::next(calls_.begin(), static_cast<std::ptrdiff_t>(pick % calls_.size()));
    static const service_errc codes[] = {service_errc::throttling, service_errc::validation_exception,
                                         service_errc::resource_not_found, service_errc::internal_server_error};
    batch_outcome out = fsm_.on_call_failed(it->first, codes[how % 4], "fuzz", now_);
    CHECK_OR_TRAP(out.written == 0 && (out.split || out.requeued + out.failed == it->second.size()));
    settle(it);
    if (writer_mode_) resume();
  }

  void advance(std::chrono::milliseconds by) {
    now_ += by;
    while (!alarms_.empty() && *alarms_.begin() <= now_) {
      fsm_.on_alarm(*alarms_.begin());
      alarms_.erase(alarms_.begin());
      if (writer_mode_) resume();
    }
  }

  void toggle_drain() {
    if (fsm_.draining()) {
      fsm_.end_drain();
    } else {
      fsm_.begin_drain();
      if (writer_mode_) resume();
    }
  }

  // Drains with every call succeeding, then compares with the model.
  void finish() {
    if (!fsm_.draining()) fsm_.begin_drain();
    resume();
    for (int round = 0; round < 100000 && !fsm_.idle(); ++round) {
      if (!calls_.empty()) {
        reply(0, 0);
      } else if (!alarms_.empty()) {
        advance(std::chrono::duration_cast<std::chrono::milliseconds>(*alarms_.begin() - now_) + 1ms);
      } else if (writer_mode_) {
        break;  // nothing would ever wake the writer
      } else if (auto due = fsm_.next_due()) {
        advance(std::chrono::duration_cast<std::chrono::milliseconds>(*due - now_) + 1ms);
      }
      if (!writer_mode_) resume();
    }
    CHECK_OR_TRAP(fsm_.idle() && fsm_.remaining().empty());
    std::map<int, std::uint64_t> model;
    for (std::uint64_t id = 0; id < requests_.size(); ++id) {
      const request_info& r = requests_[id];
      CHECK_OR_TRAP(r.st == state::written || r.st == state::failed || r.st == state::replaced);  // nothing lost
      if (r.st == state::written) model[r.key] = id;
    }
    // Same final state: the last request written for each key is the last one given that was
    // written; a put and a delete are told apart by the request itself.
    CHECK_OR_TRAP(model == table_);
  }

 private:
  void settle(std::map<std::uint64_t, std::vector<std::uint64_t>>::iterator call) {
    for (std::uint64_t id : call->second) busy_keys_.erase(requests_[id].key);
    calls_.erase(call);
    for (const failed_request& f : fsm_.take_failed()) {
      const std::uint64_t id = static_cast<std::uint64_t>(std::stoull(f.request.item.at("id").as_number().text()));
      CHECK_OR_TRAP(requests_.at(id).st == state::sent);
      requests_[id].st = state::failed;
    }
  }

  batch_fsm fsm_;
  bool overwrite_;
  bool writer_mode_;
  batch_clock::time_point now_ = batch_clock::time_point{} + 1h;
  std::vector<request_info> requests_;
  std::map<std::uint64_t, std::vector<std::uint64_t>> calls_;
  std::set<int> busy_keys_;
  std::set<batch_clock::time_point> alarms_;
  std::map<int, std::uint64_t> table_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  bytes in{data, size};
  batch_fsm_config cfg;
  const std::uint8_t setup = in.next();
  cfg.flush_amount = 1 + setup % 4;
  cfg.overwrite = (setup & 0x10) != 0;
  cfg.max_in_flight = 1 + (setup >> 5) % 3;
  cfg.max_request_attempts = 3;
  cfg.retry_budget = 2s;
  cfg.base_delay = 10ms;
  cfg.max_delay = 100ms;
  cfg.seed = 1;
  cfg.pace = (setup & 0x08) != 0;
  harness h(cfg, (setup & 0x04) != 0);
  for (int ops = 0; !in.empty() && ops < 128; ++ops) {
    const std::uint8_t b = in.next();
    switch (b % 8) {
      case 0:
      case 1:
      case 2: h.add((b >> 3) % 5, true); break;
      case 3: h.add((b >> 3) % 5, false); break;
      case 4: h.free_resume(); break;
      case 5: h.reply(b >> 3, in.next()); break;
      case 6: h.fail(b >> 5, static_cast<std::uint8_t>(b >> 3)); break;
      default:
        if (b & 0x80) h.toggle_drain();
        else h.advance(std::chrono::milliseconds(((b >> 3) & 0xf) * 10));
        break;
    }
    h.check_wakeable();
  }
  h.finish();
  return 0;
}
