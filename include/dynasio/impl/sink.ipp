//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_SINK_IPP
#define DYNASIO_IMPL_SINK_IPP

#include <dynasio/detail/client_impl.hpp>
#include <dynasio/detail/sink_keys.hpp>
#include <dynasio/detail/sink_step.hpp>
#include <dynasio/error.hpp>
#include <dynasio/item_limits.hpp>
#include <dynasio/sink.hpp>

#include <exception>
#include <functional>
#include <iostream>
#include <string_view>
#include <utility>
#include <vector>

namespace dynasio {
namespace detail {

// The logger of a sink's client: every line, the batch writer's and the client's included,
// starts with the sink's name. Without a user logger, it prints what the client would.
struct sink_logger {
  std::function<void(log_level, std::string_view)> inner;
  std::string who;

  void operator()(log_level level, std::string_view message) const {
    std::string line = who + ": ";
    line += message;
    if (inner) inner(level, line);
    else if (level >= log_level::warning)
      std::clog << "dynasio " << (level == log_level::warning ? "warning" : "error") << ": " << line << '\n';
  }
};

class sink_impl {
 public:
  sink_impl(client db, sink_config cfg)
      : db_(std::move(db)),
        cfg_(std::move(cfg)),
        keys_{cfg_.table_name, cfg_.partition_key, cfg_.sort_key},
        who_("sink '" + cfg_.name + "'"),
        writer_(db_, cfg_.table_name, cfg_.batch) {
    stats_.name = cfg_.name;
  }

  void log(log_level level, const std::string& message) const { db_.impl()->log(level, message); }

  boost::asio::awaitable<void> hand(const write_request& request, std::vector<failed_request>& failed);
  void restore(std::vector<write_request>& requests, std::size_t from);
  boost::asio::awaitable<void> commit();

  client db_;
  sink_config cfg_;
  table_schema keys_;
  std::string who_;
  batch_writer writer_;
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
    db.impl()->log(log_level::info, "dropping table '" + name + "' (init_mode " +
                                        std::string(to_string(cfg.init_mode)) + ")");
    // A table still being created or updated cannot be deleted yet.
    if (found->status == "CREATING" || found->status == "UPDATING")
      co_await db.wait_until_table_exists(name, cfg.table_wait_timeout);
    co_await sink_drop(db, name);
    co_await db.wait_until_table_not_exists(name, cfg.table_wait_timeout);
    found.reset();
  }
  if (!found) {
    if (co_await sink_create(db, wanted)) {
      db.impl()->log(log_level::info, "created table '" + name + "' [" + describe_keys(wanted) + "], on-demand billing");
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

// Hands one request to the batch writer. A batch_error thrown here reports requests of an
// earlier call of this step; the request itself was not buffered, so it is handed again. A
// request the writer refuses (e.g. an item over 400 KB) is reported with the others.
inline boost::asio::awaitable<void> sink_impl::hand(const write_request& request, std::vector<failed_request>& failed) {
  for (int attempt = 0;; ++attempt) {
    std::error_code code;
    std::string message;
    try {
      if (request.op == write_request::kind::put) co_await writer_.put_item(request.item);
      else co_await writer_.delete_item(request.item);
      co_return;
    } catch (const batch_error& e) {
      failed.insert(failed.end(), e.unwritten().begin(), e.unwritten().end());
      code = e.code();
      message = e.what();
    } catch (const error& e) {
      if (e.code() != errc::invalid_argument) throw;
      attempt = 1;
      code = e.code();
      message = e.what();
    }
    if (attempt > 0) {
      failed.push_back(failed_request{request, code, std::move(message)});
      co_return;
    }
  }
}

inline void sink_impl::restore(std::vector<write_request>& requests, std::size_t from) {
  for (std::size_t i = from; i < requests.size(); ++i) {
    key k = extract_key(requests[i].item, keys_, who_);
    step_.restore(std::move(k), std::move(requests[i]));
  }
}

inline boost::asio::awaitable<void> sink_impl::commit() {
  if (closed_) throw error(errc::closed, who_ + ": commit() after close()");
  const std::size_t events = step_.events();
  sink_step::taken step = step_.take();
  std::vector<write_request> requests = std::move(step.requests);
  stats_.rows_coalesced += events - requests.size();
  stats_.key_conflicts += step.conflicts.size();
  if (!step.conflicts.empty()) log(log_level::warning, describe_conflicts(step.conflicts));
  std::vector<failed_request> failed;
  std::size_t next = 0;
  try {
    for (; next < requests.size(); ++next) co_await hand(requests[next], failed);
  } catch (...) {
    // Cancelled (or the client failed) while handing the step on: what was not handed yet
    // goes back into the step, so the next commit() sends it.
    restore(requests, next);
    throw;
  }
  try {
    co_await writer_.flush();
  } catch (const batch_error& e) {
    failed.insert(failed.end(), e.unwritten().begin(), e.unwritten().end());
  }
  std::uint64_t puts = 0, deletes = 0;
  for (const write_request& r : requests) ++(r.op == write_request::kind::put ? puts : deletes);
  for (const failed_request& f : failed) --(f.request.op == write_request::kind::put ? puts : deletes);
  stats_.rows_upserted += puts;
  stats_.rows_deleted += deletes;
  if (failed.empty()) {
    ++stats_.commits;
    log(log_level::debug, "commit " + std::to_string(stats_.commits) + ": " + std::to_string(requests.size()) +
                              " requests for " + std::to_string(events) + " events acknowledged");
    co_return;
  }
  std::string message = "commit wrote " + std::to_string(requests.size() - failed.size()) + " of " +
                        std::to_string(requests.size()) + " requests; " + std::to_string(failed.size()) +
                        " not written (first: " + failed.front().message + ")";
  log(log_level::error, message);
  throw batch_error(who_ + ": " + message, std::move(failed));
}

}  // namespace detail

DYNASIO_DECL init_mode init_mode_from_string(std::string_view text) {
  if (text == "default" || text == "existing") return init_mode::existing;
  if (text == "create_if_not_exists") return init_mode::create_if_not_exists;
  if (text == "replace") return init_mode::replace;
  throw error(errc::invalid_argument, "unknown init_mode '" + std::string(text) +
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
  if (cfg.table_name.empty()) throw error(errc::invalid_argument, "sink: table_name is empty");
  if (cfg.name.empty()) cfg.name = cfg.table_name;
  const std::string who = "sink '" + cfg.name + "'";
  if (cfg.partition_key.name.empty()) throw error(errc::invalid_argument, who + ": partition_key name is empty");
  if (cfg.sort_key && (cfg.sort_key->name.empty() || cfg.sort_key->name == cfg.partition_key.name))
    throw error(errc::invalid_argument, who + ": sort_key name is empty or equal to the partition key's");
  table_schema wanted{cfg.table_name, cfg.partition_key, cfg.sort_key};
  // The sink's own client (its own connections), so that every line it logs carries its name.
  client_config own_config = db.config();
  own_config.logger = detail::sink_logger{std::move(own_config.logger), who};
  client own(db.get_executor(), std::move(own_config));
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
    impl_->log(log_level::error, "destroyed with " + std::to_string(impl_->step_.events()) +
                                     " uncommitted events (" + std::to_string(impl_->step_.keys()) +
                                     " keys); they were not written");
}

DYNASIO_DECL boost::asio::awaitable<void> sink::write(const item& row, int diff) {
  detail::sink_impl& s = *impl_;
  if (s.closed_) throw error(errc::closed, s.who_ + ": write() after close()");
  if (diff != 1 && diff != -1)
    throw error(errc::invalid_argument, s.who_ + ": diff must be +1 or -1, not " + std::to_string(diff));
  key k = detail::extract_key(row, s.keys_, s.who_);
  if (diff > 0) {
    try {
      validate_item_size(row);
    } catch (const error& e) {
      throw error(errc::invalid_argument, s.who_ + ": row " + detail::describe_key(k) + ": " + e.diagnostics().message);
    }
  }
  s.step_.add(std::move(k), row, diff);
  co_return;
}

DYNASIO_DECL boost::asio::awaitable<void> sink::commit() { return impl_->commit(); }

DYNASIO_DECL boost::asio::awaitable<void> sink::close() {
  detail::sink_impl& s = *impl_;
  if (s.closed_) co_return;
  std::exception_ptr failure;
  try {
    co_await s.commit();
  } catch (...) {
    failure = std::current_exception();
  }
  s.closed_ = true;
  try {
    co_await s.writer_.close();
  } catch (...) {
    if (!failure) failure = std::current_exception();
  }
  if (failure) std::rethrow_exception(failure);
}

DYNASIO_DECL sink_stats sink::stats() const {
  sink_stats out = impl_->stats_;
  batch_stats b = impl_->writer_.stats();
  out.retries = b.retries + b.unprocessed_resent;
  return out;
}

DYNASIO_DECL const sink_config& sink::config() const noexcept { return impl_->cfg_; }

DYNASIO_DECL boost::asio::any_io_executor sink::get_executor() const noexcept { return impl_->db_.get_executor(); }

}  // namespace dynasio

#endif
