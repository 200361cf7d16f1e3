//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_BATCH_WRITER_IPP
#define DYNASIO_IMPL_BATCH_WRITER_IPP

#include <dynasio/batch_writer.hpp>
#include <dynasio/client.hpp>
#include <dynasio/detail/batch_writer_impl.hpp>
#include <dynasio/detail/client_impl.hpp>
#include <dynasio/detail/protocol/json_reader.hpp>
#include <dynasio/detail/protocol/json_writer.hpp>
#include <dynasio/detail/protocol/replies.hpp>
#include <dynasio/error.hpp>
#include <dynasio/is_retryable.hpp>
#include <dynasio/item_limits.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/array.hpp>

#include <algorithm>
#include <new>
#include <set>

namespace dynasio {
namespace detail {

inline constexpr std::string_view batch_write_item_op = "BatchWriteItem";

// Removes an alarm's timer from its list however the wait ends (rung, cancelled, destroyed).
struct timer_registration {
  std::list<boost::asio::steady_timer*>& list;
  std::list<boost::asio::steady_timer*>::iterator it;
  ~timer_registration() { list.erase(it); }
};

// Lets the next coroutine learn the key names if this one failed to, and wakes those waiting.
struct learning_guard {
  bool& learning;
  wait_list& waiters;
  ~learning_guard() {
    learning = false;
    waiters.notify_all();
  }
};

// flush()/close() force partial calls out while at least one of them waits.
struct drain_guard {
  batch_fsm& fsm;
  ~drain_guard() { fsm.end_drain(); }
};

inline batch_fsm_config make_fsm_config(const batch_options& o) {
  batch_fsm_config c;
  c.flush_amount = o.flush_amount;
  c.overwrite = !o.overwrite_by_pkeys.empty();
  c.max_request_attempts = o.max_request_attempts;
  c.retry_budget = o.retry_budget;
  c.base_delay = o.base_delay;
  c.max_delay = o.max_delay;
  c.min_delay = o.on_exit_loop_sleep;
  c.max_in_flight = o.max_in_flight;
  c.pace = o.pace;
  return c;
}

inline void check_key_names(const std::vector<std::string>& names, const char* option) {
  if (names.size() > 2)
    throw error(errc::invalid_argument, std::string("batch_options.") + option + " names more than two key attributes");
  for (const auto& n : names)
    if (n.empty()) throw error(errc::invalid_argument, std::string("batch_options.") + option + " holds an empty name");
  if (names.size() == 2 && names[0] == names[1])
    throw error(errc::invalid_argument, std::string("batch_options.") + option + " names '" + names[0] + "' twice");
}

// A short, readable description of a request for log lines: `put {"pk":{"S":"a"},...}`.
inline std::string describe_request(const write_request& r) {
  std::string s = r.op == write_request::kind::put ? "put " : "delete ";
  try {
    write_item(s, r.item);
  } catch (const std::exception&) {
    s += "(not printable)";
  }
  if (s.size() > 200) s.resize(200), s += "...";
  return s;
}

DYNASIO_DECL batch_writer_impl::batch_writer_impl(client db, std::string table_name, batch_options opts)
    : db_(std::move(db)),
      table_(std::move(table_name)),
      opts_(std::move(opts)),
      fsm_(make_fsm_config(opts_)),
      waiters_(db_.get_executor()) {
  if (table_.empty()) throw error(errc::invalid_argument, "batch_writer: the table name is empty");
  if (opts_.flush_amount < 1 || opts_.flush_amount > 25)
    throw error(errc::invalid_argument,
                "batch_options.flush_amount must be 1..25 (DynamoDB takes at most 25 "
                "requests per BatchWriteItem), not " +
                    std::to_string(opts_.flush_amount));
  if (opts_.max_in_flight < 1) throw error(errc::invalid_argument, "batch_options.max_in_flight must be at least 1");
  check_key_names(opts_.overwrite_by_pkeys, "overwrite_by_pkeys");
  check_key_names(opts_.key_names, "key_names");
  if (!opts_.key_names.empty() && !opts_.overwrite_by_pkeys.empty() &&
      std::set(opts_.key_names.begin(), opts_.key_names.end()) !=
          std::set(opts_.overwrite_by_pkeys.begin(), opts_.overwrite_by_pkeys.end()))
    throw error(errc::invalid_argument,
                "batch_options.overwrite_by_pkeys must name the table's key attributes "
                "(the same as key_names)");
  // overwrite_by_pkeys names the key but not which is the sort key (the names may come in any
  // order): with two names and no key_names, the table's schema tells (learn_keys()).
  if (!opts_.key_names.empty()) key_names_ = opts_.key_names;
  else if (opts_.overwrite_by_pkeys.size() == 1) key_names_ = opts_.overwrite_by_pkeys;
  keys_known_ = !key_names_.empty();
  body_prefix_ = "{\"RequestItems\":{";
  write_json_string(body_prefix_, table_);
  body_prefix_ += ":[";
}

DYNASIO_DECL void batch_writer_impl::make_entry(write_request req, bool item_checked) {
  const bool put = req.op == write_request::kind::put;
  const char* what = put ? "put_item" : "delete_item";
  batch_entry& e = fsm_.blank_entry();
  e.key.resize(key_names_.size());
  for (std::size_t i = 0; i < key_names_.size(); ++i) {
    auto it = req.item.find(key_names_[i]);
    if (it == req.item.end())
      throw error(errc::invalid_argument, std::string("batch_writer.") + what + ": the " + (put ? "item" : "key") +
                                              " has no key attribute '" + key_names_[i] + "'");
    if (!item_checked) validate_key_value(key_names_[i], it->second, i == 0 ? key_role::partition : key_role::sort);
    // Assigned over a written entry's value: its string memory is reused.
    e.key[i] = it->second;
  }
  if (put) {
    if (!item_checked) validate_item_but_utf8(req.item, "batch_writer.put_item");
  } else if (req.item.size() != key_names_.size()) {
    std::string names;
    for (const auto& n : key_names_) names += (names.empty() ? "'" : ", '") + n + "'";
    throw error(errc::invalid_argument, "batch_writer.delete_item: the key must hold exactly the key attributes (" +
                                            names + "), it holds " + std::to_string(req.item.size()) + " attributes");
  }
  // Written straight into the slot's text, which keeps a written request's memory (blank_entry()
  // left it empty; past batch_fsm::max_spare_wire it is not kept, so a huge item pins nothing).
  if (put) e.wire.append(put_request_head, sizeof put_request_head - 1);
  else e.wire.append(delete_request_head, sizeof delete_request_head - 1);
  try {
    write_item(e.wire, req.item);
  } catch (const error&) {
    // The writer refuses invalid UTF-8 as it copies (so strings are scanned once); the full
    // check names the attribute and quotes the value.
    validate_item(req.item, std::string("batch_writer.") + what);
    throw;
  }
  e.wire.append("}}", 2);
  if (e.wire.size() + body_prefix_.size() + 8 > fsm_.config().max_batch_bytes)
    throw error(errc::invalid_argument, std::string("batch_writer.") + what + ": the request alone exceeds 16 MB");
  if (put) {
    // The put's item lives on as its wire text only (request_of() reads it back when a report
    // needs it): the caller's item is freed as soon as this returns, while malloc still has its
    // memory at hand for the next item, instead of after the call's reply.
    e.request.op = write_request::kind::put;
    e.item_in_wire = true;
  } else {
    e.request = std::move(req);
  }
}

DYNASIO_DECL void batch_writer_impl::make_body(std::string& body, const batch_call& entries) const {
  std::size_t size = body_prefix_.size() + 4;
  for (const auto& e : entries) size += e.wire.size() + 1;
  body.clear();
  body.reserve(size);
  body += body_prefix_;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i != 0) body += ',';
    body += entries[i].wire;
  }
  body += "]}}";
}

// Matches the requests of UnprocessedItems to the call's own requests by key (keys are unique
// within a call), so that the original objects, not re-parsed copies, are re-sent or reported.
DYNASIO_DECL std::vector<bool> batch_writer_impl::unprocessed_flags(const boost::json::object& reply,
                                                                    const batch_call& entries) const {
  std::vector<bool> flags;
  const std::vector<key_values> keys = unprocessed_write_keys(reply, table_, key_names_);
  if (keys.empty()) return flags;
  flags.assign(entries.size(), false);
  std::size_t unmatched = 0;
  for (const key_values& k : keys) {
    bool found = false;
    for (std::size_t i = 0; i < entries.size() && !found; ++i)
      if (!flags[i] && entries[i].key == k) flags[i] = found = true;
    if (!found) ++unmatched;
  }
  if (unmatched != 0)
    access::log(db_, log_level::error,
                "batch_writer: BatchWriteItem returned " + std::to_string(unmatched) +
                    " unprocessed request(s) that the call did not contain; ignored");
  return flags;
}

DYNASIO_DECL void batch_writer_impl::wake_all() noexcept { waiters_.notify_all(); }

DYNASIO_DECL void batch_writer_impl::throw_report(write_report& r) const {
  if (!r.failed.empty()) {
    std::string msg = "batch_writer: " + std::to_string(r.failed.size()) + " request(s) to table '" + table_ +
                      "' could not be written; first: " + describe_request(r.failed.front().request) + ": " +
                      r.failed.front().message;
    throw batch_error(std::move(msg), std::move(r.failed));
  }
  if (r.error.code) throw error(r.error.code, std::move(r.error.diag));
}

DYNASIO_DECL void batch_writer_impl::pump() {
  const auto now = batch_clock::now();
  for (;;) {
    const batch_action a = fsm_.resume(now);
    if (a.what == batch_action::kind::none) return;
    if (a.what == batch_action::kind::alarm) {
      boost::asio::co_spawn(db_.get_executor(), alarm(shared_from_this(), a.at), boost::asio::detached);
      continue;
    }
    const std::uint64_t id = a.id;
    // send() reports through complete(); if it throws before that (an allocation failure), the
    // call still completes as failed, or flush() would wait for it forever.
    boost::asio::co_spawn(db_.get_executor(), send(shared_from_this(), id),
                          [self = shared_from_this(), id](std::exception_ptr e) {
                            if (!e || !self->fsm_.in_flight(id)) return;
                            std::string what = "batch_writer: sending failed";
                            try {
                              std::rethrow_exception(e);
                            } catch (const std::exception& x) {
                              what += std::string(": ") + x.what();
                            } catch (...) {
                            }
                            call_outcome out;
                            out.ec = make_error_code(errc::protocol_error);
                            out.diag.message = std::move(what);
                            self->complete(id, out, {});
                          });
  }
}

DYNASIO_DECL boost::asio::awaitable<void> batch_writer_impl::alarm(std::shared_ptr<batch_writer_impl> self,
                                                                   batch_clock::time_point at) {
  boost::asio::steady_timer timer(self->db_.get_executor(), at);
  {
    timer_registration reg{self->alarms_, self->alarms_.insert(self->alarms_.end(), &timer)};
    boost::system::error_code ec;
    co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  }
  self->fsm_.on_alarm(at);
  if (self->fsm_.abandoned()) co_return;
  self->pump();
  self->wake_all();
}

DYNASIO_DECL boost::asio::awaitable<bool> batch_writer_impl::wait_change() {
  auto r = co_await waiters_.wait();
  co_return !r.cancelled;
}

inline error_info cancelled_info() {
  error_info e{std::make_error_code(std::errc::operation_canceled), {}};
  e.diag.message = "batch_writer: cancelled while waiting";
  return e;
}

DYNASIO_DECL boost::asio::awaitable<error_info> batch_writer_impl::learn_keys() {
  while (learning_keys_)
    if (!co_await wait_change()) co_return cancelled_info();
  if (keys_known_) co_return error_info{};
  learning_keys_ = true;
  learning_guard guard{learning_keys_, waiters_};
  std::string body = "{\"TableName\":";
  write_json_string(body, table_);
  body += '}';
  call_outcome out = co_await access::run(db_, "DescribeTable", body);
  if (out.ec) co_return error_info{out.ec, std::move(out.diag)};
  table_description d = parse_table_description(out.reply);
  std::vector<std::string> names{d.schema.partition_key.name};
  if (d.schema.sort_key) names.push_back(d.schema.sort_key->name);
  if (!opts_.overwrite_by_pkeys.empty() &&
      std::set(names.begin(), names.end()) !=
          std::set(opts_.overwrite_by_pkeys.begin(), opts_.overwrite_by_pkeys.end())) {
    error_info e{make_error_code(errc::invalid_argument), {}};
    e.diag.message = "batch_options.overwrite_by_pkeys must name the key attributes of table '" + table_ + "'";
    co_return e;
  }
  key_names_ = std::move(names);
  keys_known_ = true;
  co_return error_info{};
}

DYNASIO_DECL bool batch_writer_impl::refuse(write_report& r) {
  if (fsm_.closed()) {
    r.error.code = make_error_code(errc::closed);
    r.error.diag.message = "batch_writer: writing to table '" + table_ + "' after close()";
    return true;
  }
  // Failures of earlier calls surface first; this request is then not taken.
  if (fsm_.failed_size() != 0) {
    r.failed = fsm_.take_failed();
    return true;
  }
  return false;
}

DYNASIO_DECL admission batch_writer_impl::add_entry() {
  if (fsm_.add_blank()) ++stats_.superseded;
  if (fsm_.may_send_after_add()) pump();
  return fsm_.must_wait() ? admission::wait : admission::done;
}

DYNASIO_DECL std::optional<admission> batch_writer_impl::try_admit(write_request& req, bool item_checked) {
  if (must_refuse() || !keys_known_) return std::nullopt;
  make_entry(std::move(req), item_checked);
  return add_entry();
}

DYNASIO_DECL admission batch_writer_impl::admit(write_request& req, write_report& r) {
  if (refuse(r)) return admission::done;
  const std::optional<admission> a = try_admit(req, false);
  if (!a) return admission::learn_keys;
  r.buffered = true;
  return *a;
}

DYNASIO_DECL bool batch_writer_impl::make_wire_entry(const wire_source& source) {
  batch_entry& e = fsm_.blank_entry();
  e.key.resize(key_names_.size());
  try {
    for (std::size_t i = 0; i < key_names_.size(); ++i) {
      if (!source.member(source.value, key_names_[i], source.nullopt_as_null, e.key[i])) return false;
      validate_key_value(key_names_[i], e.key[i], i == 0 ? key_role::partition : key_role::sort);
    }
    // blank_entry() left the text empty, its memory kept: the whole request is written into it.
    source.write(source.value, source.nullopt_as_null, e.wire);
  } catch (const error&) {
    return false;
  }
  // One level of members with names: only the size is left, and JSON text is never shorter
  // than the stored size (value_size()), so text within the limit is an item within it.
  if (e.wire.size() - put_request_overhead > max_item_size) return false;
  e.request.op = write_request::kind::put;
  e.item_in_wire = true;
  return true;
}

DYNASIO_DECL std::optional<admission> batch_writer_impl::try_admit_described(const wire_source& source) {
  if (must_refuse() || !keys_known_ || source.write == nullptr) return std::nullopt;
  if (!make_wire_entry(source)) return std::nullopt;
  return add_entry();
}

DYNASIO_DECL admission batch_writer_impl::admit_described(const wire_source& source, write_request& req,
                                                          write_report& r) {
  if (refuse(r)) return admission::done;
  req = write_request{write_request::kind::put, source.to_item(source.value, source.nullopt_as_null)};
  return admit(req, r);
}

DYNASIO_DECL boost::asio::awaitable<write_report> batch_writer_impl::submit(std::shared_ptr<batch_writer_impl> self,
                                                                            write_request req, admission a) {
  write_report r;
  if (a == admission::learn_keys) {
    r.error = co_await self->learn_keys();
    if (r.error.code) co_return r;
    a = self->admit(req, r);
  }
  if (a == admission::wait) r = co_await wait_for_room(std::move(self));
  co_return r;
}

DYNASIO_DECL boost::asio::awaitable<write_report> batch_writer_impl::wait_for_room(
    std::shared_ptr<batch_writer_impl> self) {
  // Backpressure: a full buffer waits for a call to complete (or a re-send to leave).
  write_report r;
  r.buffered = true;
  while (self->fsm_.must_wait()) {
    if (!co_await self->wait_change()) {
      r.error = cancelled_info();
      co_return r;
    }
    self->pump();
  }
  co_return r;
}

DYNASIO_DECL boost::asio::awaitable<write_report> batch_writer_impl::drain(std::shared_ptr<batch_writer_impl> self,
                                                                           bool close) {
  write_report r;
  if (close) self->fsm_.close();
  self->fsm_.begin_drain();
  {
    drain_guard guard{self->fsm_};
    self->pump();
    while (!self->fsm_.idle()) {
      if (!co_await self->wait_change()) {
        r.error = cancelled_info();
        break;
      }
      self->pump();
    }
  }
  r.failed = self->fsm_.take_failed();
  co_return r;
}

DYNASIO_DECL boost::asio::awaitable<void> batch_writer_impl::send(std::shared_ptr<batch_writer_impl> self,
                                                                  std::uint64_t id) {
  // Body buffers are reused from call to call: a fresh one would be a large allocation per call.
  std::string body;
  if (!self->spare_bodies_.empty()) {
    body = std::move(self->spare_bodies_.back());
    self->spare_bodies_.pop_back();
  }
  self->make_body(body, self->fsm_.batch(id));
  const auto start = batch_clock::now();
  call_outcome out = co_await access::run(self->db_, batch_write_item_op, body);
  auto latency = std::chrono::duration_cast<std::chrono::microseconds>(batch_clock::now() - start);
  if (body.capacity() <= max_spare_body && self->spare_bodies_.size() < self->opts_.max_in_flight) {
    try {
      self->spare_bodies_.push_back(std::move(body));
    } catch (const std::bad_alloc&) {
      // Only a missed reuse.
    }
  }
  self->complete(id, out, latency);
}

DYNASIO_DECL void batch_writer_impl::complete(std::uint64_t id, call_outcome& call, std::chrono::microseconds latency) {
  batch_metrics m;
  m.items = fsm_.batch(id).size();
  m.latency = latency;
  m.retries = call.retries;
  m.throttles = call.throttles;
  m.consumed_write_units = call.consumed_write_units;
  std::vector<bool> flags;
  if (!call.ec) {
    try {
      flags = unprocessed_flags(call.reply, fsm_.batch(id));
    } catch (const std::exception& e) {
      call.ec = make_error_code(errc::protocol_error);
      call.diag.message = std::string("BatchWriteItem: malformed UnprocessedItems: ") + e.what();
    }
  }
  batch_outcome out;
  if (!call.ec) {
    m.unprocessed = static_cast<std::size_t>(std::count(flags.begin(), flags.end(), true));
    const unsigned table_throttles = call.throttles - call.hot_key_throttles;
    out = fsm_.on_reply(id, flags, batch_clock::now(), table_throttles);
    // Only what is sent again counts as re-sent: a request given up on is not.
    stats_.unprocessed_resent += out.requeued;
  } else {
    if (is_throttling(call.ec)) ++m.throttles;
    const std::string& message = call.diag.message;
    // A hot key: every throttling reply of the call, the last included, named only key ranges.
    const bool hot_key = call.hot_key && call.hot_key_throttles == call.throttles;
    out = fsm_.on_call_failed(id, call.ec, message, batch_clock::now(), hot_key);
    access::log(db_, out.split ? log_level::info : log_level::warning,
                "batch_writer: BatchWriteItem of " + std::to_string(m.items) + " request(s) to '" + table_ +
                    "' failed: " + message + (out.split ? " (splitting the call to find the offending request)" : ""));
  }
  ++stats_.requests_sent;
  stats_.items_written += out.written;
  stats_.retries += m.retries;
  stats_.throttles += m.throttles;
  stats_.failed += out.failed;
  stats_.consumed_write_units += m.consumed_write_units.value_or(0);
  if (fsm_.abandoned()) return;
  if (opts_.on_flush) {
    try {
      opts_.on_flush(m);
    } catch (const std::exception& e) {
      access::log(db_, log_level::error, std::string("batch_writer: on_flush threw: ") + e.what());
    }
  }
  pump();
  wake_all();
}

DYNASIO_DECL void batch_writer_impl::abandon() noexcept {
  try {
    std::vector<write_request> held = fsm_.remaining();
    const std::size_t in_calls = held.size() - fsm_.pending_size();
    for (auto& f : fsm_.take_failed()) held.push_back(std::move(f.request));
    fsm_.abandon();
    for (auto* t : alarms_) t->cancel();
    wake_all();
    if (held.empty()) return;
    const std::size_t count = held.size();
    if (opts_.on_abandoned) {
      opts_.on_abandoned(std::move(held));
      return;
    }
    std::string msg = "batch_writer for table '" + table_ + "' destroyed without close() while holding " +
                      std::to_string(count) + " request(s) (" + std::to_string(fsm_.pending_size()) +
                      " buffered and never sent, " + std::to_string(in_calls) +
                      " sent or awaiting a re-send, not acknowledged; the rest failed and unreported); first: " +
                      describe_request(held.front());
    access::log(db_, log_level::error, msg);
  } catch (...) {
    // A destructor's report must not throw; the writer is marked abandoned either way.
    fsm_.abandon();
  }
}

}  // namespace detail

DYNASIO_DECL batch_writer::batch_writer(dynasio::client db, std::string table_name, batch_options opts)
    : impl_(std::make_shared<detail::batch_writer_impl>(std::move(db), std::move(table_name), std::move(opts))) {}

DYNASIO_DECL batch_writer::~batch_writer() {
  if (impl_) impl_->abandon();
}

DYNASIO_DECL batch_writer& batch_writer::operator=(batch_writer&& other) noexcept {
  if (this != &other) {
    if (impl_) impl_->abandon();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

namespace detail {
inline boost::asio::awaitable<void> moved_from_writer() {
  throw error(errc::closed, "batch_writer: this writer was moved from");
  co_return;
}
}  // namespace detail

namespace detail {
// The public edge: the writer's reports become exceptions here.
// Most requests are taken at once, with nothing to report and no wait: then neither a report
// is made nor an inner coroutine runs.
inline boost::asio::awaitable<void> submit_or_throw(std::shared_ptr<batch_writer_impl> self, write_request req) {
  std::optional<admission> a = self->try_admit(req, false);
  if (a == admission::done) co_return;
  write_report r;
  if (!a) a = self->admit(req, r);
  if (*a != admission::done) r = co_await batch_writer_impl::submit(self, std::move(req), *a);
  self->throw_report(r);
}

// As submit_or_throw(), for a described struct (read here, before anything suspends).
inline boost::asio::awaitable<void> submit_described_or_throw(std::shared_ptr<batch_writer_impl> self,
                                                              wire_source source) {
  std::optional<admission> a = self->try_admit_described(source);
  if (a == admission::done) co_return;
  write_report r;
  write_request req;
  if (!a) a = self->admit_described(source, req, r);
  if (*a != admission::done) r = co_await batch_writer_impl::submit(self, std::move(req), *a);
  self->throw_report(r);
}

inline boost::asio::awaitable<void> drain_or_throw(std::shared_ptr<batch_writer_impl> self, bool close) {
  write_report r = co_await batch_writer_impl::drain(self, close);
  self->throw_report(r);
}
}  // namespace detail

DYNASIO_DECL boost::asio::awaitable<void> batch_writer::put_item(item item) {
  if (!impl_) return detail::moved_from_writer();
  return detail::submit_or_throw(impl_, write_request{write_request::kind::put, std::move(item)});
}

DYNASIO_DECL boost::asio::awaitable<void> batch_writer::put_described(detail::wire_source source) {
  if (!impl_) return detail::moved_from_writer();
  return detail::submit_described_or_throw(impl_, source);
}

DYNASIO_DECL boost::asio::awaitable<void> batch_writer::delete_item(key key) {
  if (!impl_) return detail::moved_from_writer();
  return detail::submit_or_throw(impl_, write_request{write_request::kind::del, std::move(key)});
}

DYNASIO_DECL boost::asio::awaitable<void> batch_writer::flush() {
  if (!impl_) return detail::moved_from_writer();
  return detail::drain_or_throw(impl_, false);
}

DYNASIO_DECL boost::asio::awaitable<void> batch_writer::close() {
  if (!impl_) return detail::moved_from_writer();
  return detail::drain_or_throw(impl_, true);
}

DYNASIO_DECL batch_stats batch_writer::stats() const noexcept { return impl_ ? impl_->stats() : batch_stats{}; }

DYNASIO_DECL boost::asio::any_io_executor batch_writer::get_executor() const noexcept {
  return impl_ ? impl_->get_executor() : boost::asio::any_io_executor{};
}

}  // namespace dynasio

#endif
