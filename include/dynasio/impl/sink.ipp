//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_SINK_IPP
#define DYNASIO_IMPL_SINK_IPP

#include <dynasio/detail/batch_writer_impl.hpp>
#include <dynasio/detail/client_impl.hpp>
#include <dynasio/detail/sink_keys.hpp>
#include <dynasio/detail/sink_step.hpp>
#include <dynasio/error.hpp>
#include <dynasio/item_limits.hpp>
#include <dynasio/sink.hpp>

#include <exception>
#include <functional>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

namespace dynasio {
namespace detail {

class sink_impl {
 public:
  sink_impl(client db, sink_config cfg)
      : db_(std::move(db)),
        cfg_(std::move(cfg)),
        keys_{cfg_.table_name, cfg_.partition_key, cfg_.sort_key},
        who_("sink '" + cfg_.name + "'"),
        writer_(std::make_shared<batch_writer_impl>(db_, cfg_.table_name, cfg_.batch)) {
    stats_.name = cfg_.name;
  }
  sink_impl(const sink_impl&) = delete;
  sink_impl& operator=(const sink_impl&) = delete;
  ~sink_impl() { writer_->abandon(); }

  void log(log_level level, const std::string& message) const { access::log(db_, level, message); }

  // Checks one event for write(); returns its key.
  key check_event(const item& row, int diff) const;
  boost::asio::awaitable<write_report> hand_on(write_request& request, std::vector<failed_request>& failed);
  void restore(std::vector<write_request>& requests, std::size_t from);
  boost::asio::awaitable<write_report> commit();

  client db_;
  sink_config cfg_;
  table_schema keys_;
  std::string who_;
  std::shared_ptr<batch_writer_impl> writer_;
  sink_step step_;
  sink_stats stats_;
  bool closed_ = false;
};

// The table's description, or nullopt when it does not exist.
inline boost::asio::awaitable<std::optional<table_description>> sink_describe(client& db, std::string name) {
  try {
    co_return co_await db.describe_table(std::move(name));
  } catch (const error& e) {
    if (e.code() != service_errc::resource_not_found) throw;
  }
  co_return std::nullopt;
}

// Creates the table; false when it already exists (created meanwhile by someone else).
inline boost::asio::awaitable<bool> sink_create(client& db, table_schema schema) {
  try {
    co_await db.create_table(std::move(schema));
    co_return true;
  } catch (const error& e) {
    if (e.code() != service_errc::resource_in_use) throw;
  }
  co_return false;
}

inline boost::asio::awaitable<void> sink_drop(client& db, std::string name) {
  try {
    co_await db.delete_table(std::move(name));
  } catch (const error& e) {
    // Gone already, or already being deleted: either way the waiter below settles it.
    if (e.code() != service_errc::resource_not_found && e.code() != service_errc::resource_in_use) throw;
  }
}

// Runs the init mode; on return the table exists, is ACTIVE and has the wanted key schema.
inline boost::asio::awaitable<void> sink_prepare_table(client& db, const sink_config& cfg, const table_schema& wanted,
                                                       const std::string& who) {
  const std::string& name = cfg.table_name;
  std::optional<table_description> found = co_await sink_describe(db, name);
  const bool deleting = found && found->status == "DELETING";
  if (cfg.init_mode == init_mode::existing && (!found || deleting))
    throw error(make_error_code(service_errc::resource_not_found),
                who + ": table '" + name + (deleting ? "' is being deleted" : "' does not exist") +
                    " (init_mode existing prepares nothing: create it, or use create_if_not_exists or replace)");
  if (found && (cfg.init_mode == init_mode::replace || deleting)) {
    access::log(db, log_level::info,
                "dropping table '" + name + "' (init_mode " + std::string(to_string(cfg.init_mode)) + ")");
    // A table still being created or updated cannot be deleted yet.
    if (found->status == "CREATING" || found->status == "UPDATING")
      co_await db.wait_until_table_exists(name, cfg.table_wait_timeout);
    co_await sink_drop(db, name);
    co_await db.wait_until_table_not_exists(name, cfg.table_wait_timeout);
    found.reset();
  }
  if (!found) {
    if (co_await sink_create(db, wanted)) {
      std::string how = wanted.billing
                            ? "provisioned billing (" + std::to_string(wanted.billing->read_capacity_units) +
                                  " read, " + std::to_string(wanted.billing->write_capacity_units) + " write units)"
                            : std::string("on-demand billing");
      const std::size_t indexes = wanted.global_secondary_indexes.size() + wanted.local_secondary_indexes.size();
      if (indexes != 0) how += ", " + std::to_string(indexes) + " secondary index(es)";
      access::log(db, log_level::info, "created table '" + name + "' [" + describe_keys(wanted) + "], " + how);
      co_await db.wait_until_table_exists(name, cfg.table_wait_timeout);
      co_return;
    }
    found = co_await sink_describe(db, name);
    if (!found) throw error(errc::protocol_error, who + ": table '" + name + "' is reported both in use and missing");
  }
  if (auto mismatch = key_schema_mismatch(wanted, found->schema))
    throw error(errc::key_schema_mismatch, who + ": " + *mismatch);
  if (found->status != "ACTIVE") co_await db.wait_until_table_exists(name, cfg.table_wait_timeout);
}

inline key sink_impl::check_event(const item& row, int diff) const {
  if (closed_) throw error(errc::closed, who_ + ": write() after close()");
  if (diff != 1 && diff != -1)
    throw error(errc::invalid_argument, who_ + ": diff must be +1 or -1, not " + std::to_string(diff));
  key k = extract_key(row, keys_, who_);
  if (diff > 0) {
    // All that DynamoDB would refuse in a row to put is refused here, before the step records
    // it: a commit must never meet a request it cannot send (it would fail the whole step).
    try {
      validate_item(row, who_);
    } catch (const error& e) {
      std::string_view why = e.diagnostics().message;
      if (why.starts_with(who_)) why.remove_prefix(who_.size());
      throw error(errc::invalid_argument, who_ + ": row " + describe_key(k) + std::string(why));
    }
  }
  return k;
}

// Hands one request to the batch writer, which moves it out of `request` when it buffers it
// (write() refused what the writer would refuse). A report of earlier failures comes
// instead of taking the request: they are collected, and the request is handed again (once: if
// that reports failures too, the request is reported with them, not written). While the table's
// key names are unknown a copy is handed on, so that a failure to learn them leaves `request`
// for restore().
inline boost::asio::awaitable<write_report> sink_impl::hand_on(write_request& request,
                                                               std::vector<failed_request>& failed) {
  for (int attempt = 0;; ++attempt) {
    write_report r;
    const admission a = writer_->admit(request, r);
    // sink::open() gives the writer the table's key names: it never has to learn them.
    if (a == admission::learn_keys) throw std::logic_error("sink: the batch writer does not know the key names");
    if (a == admission::wait) r = co_await batch_writer_impl::wait_for_room(writer_);
    if (r.buffered || r.error.code) co_return r;
    failed.insert(failed.end(), std::make_move_iterator(r.failed.begin()), std::make_move_iterator(r.failed.end()));
    if (attempt > 0) {
      failed.push_back(failed_request{request, make_error_code(errc::batch_incomplete),
                                      "not handed to the writer: earlier requests kept failing"});
      co_return r;
    }
  }
}

inline void sink_impl::restore(std::vector<write_request>& requests, std::size_t from) {
  for (std::size_t i = from; i < requests.size(); ++i) {
    key k = extract_key(requests[i].item, keys_, who_);
    step_.restore(std::move(k), std::move(requests[i]));
  }
}

inline boost::asio::awaitable<write_report> sink_impl::commit() {
  write_report result;
  if (closed_) {
    result.error.code = make_error_code(errc::closed);
    result.error.diag.message = who_ + ": commit() after close()";
    co_return result;
  }
  const std::size_t events = step_.events();
  sink_step::taken step = step_.take();
  std::vector<write_request> requests = std::move(step.requests);
  stats_.rows_coalesced += events - requests.size();
  stats_.key_conflicts += step.conflicts.size();
  if (!step.conflicts.empty()) log(log_level::warning, describe_conflicts(step.conflicts));
  std::vector<failed_request> failed;
  for (std::size_t next = 0; next < requests.size(); ++next) {
    // Most requests are taken at once, with nothing to report: then neither a report is made
    // nor an inner coroutine runs. write() validated every row to put.
    const std::optional<admission> a = writer_->try_admit(requests[next], true);
    if (a == admission::done) continue;
    write_report r;
    if (a) r = co_await batch_writer_impl::wait_for_room(writer_);  // taken; the buffer is full
    else r = co_await hand_on(requests[next], failed);
    if (r.error.code) {
      // Cancelled (or the table's keys unknown) while handing the step on: what the writer did
      // not take goes back into the step, so the next commit() sends it.
      restore(requests, r.buffered ? next + 1 : next);
      co_return r;
    }
  }
  write_report drained = co_await batch_writer_impl::drain(writer_, false);
  failed.insert(failed.end(), std::make_move_iterator(drained.failed.begin()),
                std::make_move_iterator(drained.failed.end()));
  std::uint64_t puts = 0, deletes = 0;
  for (const write_request& r : requests) ++(r.op == write_request::kind::put ? puts : deletes);
  for (const failed_request& f : failed) --(f.request.op == write_request::kind::put ? puts : deletes);
  stats_.rows_upserted += puts;
  stats_.rows_deleted += deletes;
  if (failed.empty()) {
    result.error = std::move(drained.error);
    if (!result.error.code) {
      ++stats_.commits;
      log(log_level::debug, "commit " + std::to_string(stats_.commits) + ": " + std::to_string(requests.size()) +
                                " requests for " + std::to_string(events) + " events acknowledged");
    }
    co_return result;
  }
  std::string summary = "commit wrote " + std::to_string(requests.size() - failed.size()) + " of " +
                        std::to_string(requests.size()) + " requests; " + std::to_string(failed.size()) +
                        " not written (first: " + failed.front().message + ")";
  log(log_level::error, summary);
  result.failed = std::move(failed);
  result.error.code = make_error_code(errc::batch_incomplete);
  result.error.diag.message = who_ + ": " + summary;
  co_return result;
}

// The public edge: a commit's report becomes batch_error (rows not written) or error.
inline void throw_commit_report(write_report& r) {
  if (!r.failed.empty()) throw batch_error(std::move(r.error.diag.message), std::move(r.failed));
  if (r.error.code) throw error(r.error.code, std::move(r.error.diag));
}

inline boost::asio::awaitable<void> commit_or_throw(sink_impl& s) {
  write_report r = co_await s.commit();
  throw_commit_report(r);
}

}  // namespace detail

DYNASIO_DECL init_mode init_mode_from_string(std::string_view text) {
  if (text == "default" || text == "existing") return init_mode::existing;
  if (text == "create_if_not_exists") return init_mode::create_if_not_exists;
  if (text == "replace") return init_mode::replace;
  throw error(errc::invalid_argument,
              "unknown init_mode '" + std::string(text) +
                  "': expected \"default\" (or \"existing\"), \"create_if_not_exists\" or \"replace\"");
}

DYNASIO_DECL std::string_view to_string(init_mode mode) noexcept {
  switch (mode) {
    case init_mode::existing: return "existing";
    case init_mode::create_if_not_exists: return "create_if_not_exists";
    case init_mode::replace: return "replace";
  }
  return "?";
}

DYNASIO_DECL boost::asio::awaitable<sink> sink::open(client& db, sink_config cfg) {
  detail::validate_table_name("sink", cfg.table_name);
  if (cfg.name.empty()) cfg.name = cfg.table_name;
  const std::string who = "sink '" + cfg.name + "'";
  if (cfg.partition_key.name.empty()) throw error(errc::invalid_argument, who + ": partition_key name is empty");
  if (cfg.sort_key && (cfg.sort_key->name.empty() || cfg.sort_key->name == cfg.partition_key.name))
    throw error(errc::invalid_argument, who + ": sort_key name is empty or equal to the partition key's");
  table_schema wanted{cfg.table_name, cfg.partition_key, cfg.sort_key};
  wanted.global_secondary_indexes = cfg.global_secondary_indexes;
  wanted.local_secondary_indexes = cfg.local_secondary_indexes;
  wanted.billing = cfg.billing;
  wanted.deletion_protection = cfg.deletion_protection;
  // The same client (one pool, one token bucket), whose every line, the batch writer's and the
  // client's included, starts with the sink's name.
  client own = detail::access::with_log_prefix(db, who);
  co_await detail::sink_prepare_table(own, cfg, wanted, who);
  cfg.batch.key_names = {cfg.partition_key.name};
  if (cfg.sort_key) cfg.batch.key_names.push_back(cfg.sort_key->name);
  co_return sink(std::make_unique<detail::sink_impl>(std::move(own), std::move(cfg)));
}

DYNASIO_DECL sink::sink(std::unique_ptr<detail::sink_impl> impl) noexcept : impl_(std::move(impl)) {}
DYNASIO_DECL sink::sink(sink&&) noexcept = default;
DYNASIO_DECL sink& sink::operator=(sink&&) noexcept = default;

DYNASIO_DECL sink::~sink() {
  if (impl_ && !impl_->step_.empty())
    impl_->log(log_level::error, "destroyed with " + std::to_string(impl_->step_.events()) + " uncommitted events (" +
                                     std::to_string(impl_->step_.keys()) + " keys); they were not written");
}

DYNASIO_DECL boost::asio::awaitable<void> sink::write(const item& row, int diff) {
  key k = impl_->check_event(row, diff);
  impl_->step_.add(std::move(k), row, diff);
  co_return;
}

DYNASIO_DECL boost::asio::awaitable<void> sink::write(item&& row, int diff) {
  key k = impl_->check_event(row, diff);
  impl_->step_.add(std::move(k), std::move(row), diff);
  // Documented: a row taken is left empty (a moved-from map is only "valid but unspecified").
  row.clear();
  co_return;
}

DYNASIO_DECL boost::asio::awaitable<void> sink::commit() { return detail::commit_or_throw(*impl_); }

DYNASIO_DECL boost::asio::awaitable<void> sink::close() {
  detail::sink_impl& s = *impl_;
  if (s.closed_) co_return;
  detail::write_report committed = co_await s.commit();
  s.closed_ = true;
  detail::write_report closed = co_await detail::batch_writer_impl::drain(s.writer_, true);
  if (!closed.failed.empty())
    closed.error.diag.message = s.who_ + ": close: " + std::to_string(closed.failed.size()) +
                                " request(s) not written (first: " + closed.failed.front().message + ")";
  // The commit's failures first; the close's own, if the commit had none.
  if (committed.failed.empty() && !committed.error.code) committed = std::move(closed);
  detail::throw_commit_report(committed);
}

DYNASIO_DECL sink_stats sink::stats() const {
  sink_stats out = impl_->stats_;
  batch_stats b = impl_->writer_->stats();
  out.retries = b.retries + b.unprocessed_resent;
  return out;
}

DYNASIO_DECL const sink_config& sink::config() const noexcept { return impl_->cfg_; }

DYNASIO_DECL boost::asio::any_io_executor sink::get_executor() const noexcept { return impl_->db_.get_executor(); }

}  // namespace dynasio

#endif
