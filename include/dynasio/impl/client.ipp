//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_CLIENT_IPP
#define DYNASIO_IMPL_CLIENT_IPP

#include <dynasio/client.hpp>
#include <dynasio/detail/client_impl.hpp>
#include <dynasio/detail/consumed_capacity.hpp>
#include <dynasio/error.hpp>
#include <dynasio/is_retryable.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>
#include <iostream>

namespace dynasio {
namespace detail {

// Returns the connection to the pool when the exchange completed, closes it otherwise
// (cancelled or failed mid-request: never hand a half-read connection to the next request).
struct connection_lease {
  connection_pool& pool;
  std::unique_ptr<http_conn> conn;
  bool held = false;
  bool reusable = false;
  void release() {
    if (held) pool.release(std::move(conn), reusable);
    held = reusable = false;
  }
  ~connection_lease() { release(); }
};

// The configuration's own checks, made before anything (the signer, the pool) is built from it,
// so that each error names its field.
inline client_config checked_config(client_config cfg) {
  if (cfg.region.empty()) throw error(errc::invalid_configuration, "client_config.region is empty");
  if (!cfg.credentials_provider && (cfg.credentials.access_key_id.empty() || cfg.credentials.secret_access_key.empty()))
    throw error(
        errc::invalid_configuration,
        "client_config.credentials needs an access key id and a secret access key (or set credentials_provider)");
  if (cfg.retry.max_attempts == 0) throw error(errc::invalid_configuration, "retry.max_attempts must be at least 1");
  return cfg;
}

DYNASIO_DECL void throw_if_failed(const call_outcome& out) {
  if (out.ec) throw error(out.ec, out.diag);
}

}  // namespace detail

DYNASIO_DECL detail::client_impl::client_impl(boost::asio::any_io_executor ex, client_config cfg)
    : ex_(std::move(ex)),
      cfg_(checked_config(std::move(cfg))),
      endpoint_(parse_endpoint(cfg_.endpoint, "client_config.endpoint")),
      connect_{cfg_.connect_timeout, cfg_.handshake_timeout, cfg_.verify_tls},
      ssl_ctx_(boost::asio::ssl::context::tls_client),
      signer_(cfg_.region, "dynamodb"),
      deadlines_(std::make_shared<deadline_watch>(ex_)),
      pool_(ex_, cfg_.max_connections),
      retry_(cfg_.retry) {
  if (cfg_.credentials_provider) {
    // The logger is copied, not `this`: a refresh in flight may outlive the client.
    creds_cache_ = std::make_shared<credentials_cache>(ex_, cfg_.credentials_provider, cfg_.credentials_refresh,
                                                       credentials_cache::clock_function{}, cfg_.logger);
  }
  if (!cfg_.proxy.empty() && !bypasses_proxy(endpoint_.host, cfg_.no_proxy)) {
    connect_.proxy = parse_proxy_url(cfg_.proxy);
    // Plain HTTP through a proxy names the whole URL in the request line.
    if (!endpoint_.tls) request_target_ = "http://" + endpoint_.host_header + "/";
  }
  if (endpoint_.tls) {
    if (cfg_.verify_tls) {
      ssl_ctx_.set_verify_mode(boost::asio::ssl::verify_peer);
      ssl_ctx_.set_default_verify_paths();
      if (!cfg_.ca_file.empty()) {
        boost::system::error_code ec;
        ssl_ctx_.load_verify_file(cfg_.ca_file, ec);
        if (ec) throw error(errc::invalid_configuration, "cannot load ca_file '" + cfg_.ca_file + "': " + ec.message());
      }
    } else {
      ssl_ctx_.set_verify_mode(boost::asio::ssl::verify_none);
      log(log_level::warning,
          "TLS certificate verification is OFF (verify_tls = false) for " + endpoint_.host_header +
              ": anyone on the path can read and change this traffic",
          {});
    }
  }
}

DYNASIO_DECL void detail::client_impl::log(log_level level, std::string_view message, std::string_view prefix) const {
  std::string line;
  if (!prefix.empty()) {
    line.reserve(prefix.size() + 2 + message.size());
    line.append(prefix).append(": ").append(message);
    message = line;
  }
  if (cfg_.logger) cfg_.logger(level, message);
  else if (level >= log_level::warning)
    std::clog << "dynasio " << (level == log_level::warning ? "warning" : "error") << ": " << message << '\n';
}

DYNASIO_DECL boost::asio::awaitable<detail::call_outcome> detail::client_impl::run(std::string_view operation,
                                                                                   std::string_view body,
                                                                                   std::string_view log_prefix) {
  namespace asio = boost::asio;
  constexpr auto tuple = asio::as_tuple(asio::use_awaitable);
  auto self = shared_from_this();
  // Errors are values on this path: a cancelled caller gets operation_aborted from the step it
  // waits in, not an exception from Asio's co_await check. The caller's setting is restored.
  const bool caller_throws = co_await asio::this_coro::throw_if_cancelled();
  co_await asio::this_coro::throw_if_cancelled(false);

  // The clock is read only for what uses it: on_call's latency, adaptive mode's rate limiter.
  const auto started = cfg_.on_call ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
  const bool rate_limited = retry_.rate() != nullptr;
  std::string with_capacity;
  if (auto patched = with_return_consumed_capacity(operation, body, cfg_.return_consumed_capacity)) {
    with_capacity = std::move(*patched);
    body = with_capacity;
  }
  const buffers_lease buffers(*this);
  std::string& target = buffers->target;
  target.assign("DynamoDB_20120810.").append(operation);
  call_fsm fsm(operation, endpoint_.host_header, cfg_.retry.max_attempts, retry_, stats_, clock_skew_);
  if (creds_cache_) fsm.use_credentials_provider();
  // The keys of this attempt: the cache's (shared, so a rotation cannot free them mid-request).
  std::shared_ptr<const credentials> keys;
  connection_lease lease{pool_, nullptr};
  http_reply& res = buffers->reply;
  reply_view reply;
  call_event ev;
  std::string fetch_message;
  for (;;) {
    if (rate_limited) ev.now = std::chrono::steady_clock::now();
    const call_action action = fsm.resume(ev);
    ev = call_event{};
    switch (action.kind) {
      case call_action_kind::fetch_credentials: {
        if (action.renew && keys) creds_cache_->invalidate(keys->access_key_id);
        // Usually cached: no suspension.
        keys = creds_cache_->try_get();
        if (!keys) {
          credentials_result got = co_await creds_cache_->get();
          ev.ec = boost::system::error_code(got.ec);
          fetch_message = std::move(got.message);
          ev.message = fetch_message;
          keys = std::move(got.creds);
        }
        break;
      }
      case call_action_kind::acquire: {
        auto [ec, conn] = co_await pool_.acquire();
        if (!ec) {
          lease.conn = std::move(conn);
          lease.held = true;
          // Cancelled while waiting for a connection: nothing has been sent yet, so stop here.
          if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) {
            lease.reusable = lease.conn != nullptr;
            lease.release();
            ec = asio::error::operation_aborted;
          }
        }
        ev.ec = ec;
        ev.reused = lease.conn != nullptr;
        break;
      }
      case call_action_kind::connect:
        lease.conn = std::make_unique<http_conn>(ex_, ssl_ctx_, endpoint_.tls, deadlines_);
        ev.ec = co_await lease.conn->connect(endpoint_, connect_);
        if (ev.ec) lease.release();
        break;
      case call_action_kind::exchange: {
        const credentials& creds = keys ? *keys : cfg_.credentials;
        request_head(buffers->head, target, body, creds);
        ev.ec = co_await lease.conn->exchange(buffers->head, body, cfg_.request_timeout, res);
        lease.reusable = !ev.ec;
        lease.release();
        if (!ev.ec) {
          reply.status = res.status();
          reply.reason = res.reason();
          reply.request_id = res.field("x-amzn-RequestId").value_or(std::string_view{});
          const auto crc = res.field("x-amz-crc32");
          reply.has_crc32 = crc.has_value();
          reply.crc32 = crc.value_or(std::string_view{});
          reply.date = res.field("Date").value_or(std::string_view{});
          reply.body = res.body();
          ev.reply = &reply;
          ev.received_at = std::chrono::system_clock::now();
        }
        ev.creds = &creds;
        break;
      }
      case call_action_kind::wait: {
        if (!action.pacing)
          log(log_level::debug,
              std::string(operation) + ": attempt " + std::to_string(fsm.attempt()) + " failed (" +
                  fsm.last_failure().diag.message + "), retrying in " + std::to_string(action.delay.count()) + " ms",
              log_prefix);
        asio::steady_timer timer(ex_, action.delay);
        auto [ec] = co_await timer.async_wait(tuple);
        ev.ec = ec;
        break;
      }
      case call_action_kind::done:
        co_await asio::this_coro::throw_if_cancelled(caller_throws);
        account(operation, body, fsm.outcome(), started, log_prefix);
        co_return std::move(fsm.outcome());
    }
  }
}

DYNASIO_DECL void detail::client_impl::account(std::string_view operation, std::string_view body, call_outcome& out,
                                               std::chrono::steady_clock::time_point started,
                                               std::string_view log_prefix) {
  if (!out.ec) {
    const consumed_units units = read_consumed_capacity(operation, body, out.reply);
    out.consumed_read_units = units.read;
    out.consumed_write_units = units.write;
    stats_.consumed_read_units += units.read.value_or(0);
    stats_.consumed_write_units += units.write.value_or(0);
  }
  if (!cfg_.on_call) return;
  call_metrics m;
  m.operation = operation;
  m.table = request_table(operation, body);
  m.attempts = out.attempts;
  m.retries = out.retries;
  m.throttles = out.throttles;
  m.latency = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  m.error = out.ec;
  m.consumed_read_units = out.consumed_read_units;
  m.consumed_write_units = out.consumed_write_units;
  try {
    cfg_.on_call(m);
  } catch (const std::exception& e) {
    log(log_level::error, std::string("on_call threw: ") + e.what(), log_prefix);
  } catch (...) {
    log(log_level::error, "on_call threw", log_prefix);
  }
}

DYNASIO_DECL detail::client_impl::buffers_lease::buffers_lease(client_impl& owner) : owner_(owner) {
  if (owner_.spare_buffers_.empty()) {
    buffers_ = std::make_unique<call_buffers>();
  } else {
    buffers_ = std::move(owner_.spare_buffers_.back());
    owner_.spare_buffers_.pop_back();
  }
}

DYNASIO_DECL detail::client_impl::buffers_lease::~buffers_lease() {
  if (owner_.spare_buffers_.size() >= owner_.cfg_.max_connections) return;
  std::string& body = buffers_->reply.body();
  if (body.capacity() > max_spare_reply) std::string().swap(body);
  try {
    owner_.spare_buffers_.push_back(std::move(buffers_));
  } catch (const std::bad_alloc&) {
    // Not kept: the next call allocates its own.
  }
}

// The request head is written directly, in the order and spelling Beast's serializer used
// (request line, Host, Content-Type, X-Amz-Date, X-Amz-Target, [X-Amz-Security-Token],
// Authorization, User-Agent, Content-Length): building and serializing a beast::http::fields
// cost ~20 000 instructions and 7 allocations per call.
DYNASIO_DECL void detail::client_impl::request_head(std::string& head, std::string_view target, std::string_view body,
                                                    const credentials& creds) {
  using namespace std::string_view_literals;
  constexpr std::string_view content_type = "application/x-amz-json-1.0";
  char amz_date_chars[16];
  sigv4::format_amz_date(std::chrono::system_clock::now() + clock_skew_, amz_date_chars);
  const std::string_view amz_date(amz_date_chars, sizeof amz_date_chars);
  char length[24];
  const auto length_end = std::to_chars(length, length + sizeof length, body.size()).ptr;
  head.clear();
  // The fixed text is under 256 characters, the Authorization value under 256 besides the key id.
  head.reserve(512 + request_target_.size() + endpoint_.host_header.size() + target.size() +
               creds.session_token.size() + creds.access_key_id.size() + signer_.region().size() +
               signer_.service().size());
  head.append("POST "sv).append(request_target_).append(" HTTP/1.1\r\nHost: "sv).append(endpoint_.host_header);
  if (!request_target_.starts_with('/') && !connect_.proxy->authorization.empty())
    head.append("\r\nProxy-Authorization: "sv).append(connect_.proxy->authorization);
  head.append("\r\nContent-Type: "sv).append(content_type);
  head.append("\r\nX-Amz-Date: "sv).append(amz_date);
  head.append("\r\nX-Amz-Target: "sv).append(target);
  if (!creds.session_token.empty()) head.append("\r\nX-Amz-Security-Token: "sv).append(creds.session_token);
  head.append("\r\nAuthorization: "sv);
  signer_.append_dynamodb_authorization(head, creds, endpoint_.host_header, amz_date, target, content_type, body);
  head.append("\r\nUser-Agent: dynasio/0.1\r\nContent-Length: "sv).append(length, length_end).append("\r\n\r\n"sv);
}

DYNASIO_DECL client::client(boost::asio::any_io_executor ex, client_config cfg)
    : impl_(std::make_shared<detail::client_impl>(std::move(ex), std::move(cfg))) {}

DYNASIO_DECL boost::asio::any_io_executor client::get_executor() const noexcept { return impl_->ex_; }
DYNASIO_DECL const client_config& client::config() const noexcept { return impl_->cfg_; }
DYNASIO_DECL client_stats client::stats() const noexcept { return impl_->stats_; }

namespace detail {
// Owns the operation name, body and log prefix while client_impl::run borrows them, and
// throws the outcome: the public edge.
inline boost::asio::awaitable<boost::json::object> owning_call(std::shared_ptr<client_impl> impl, std::string operation,
                                                               std::string body, std::string log_prefix) {
  call_outcome out = co_await impl->run(operation, body, log_prefix);
  throw_if_failed(out);
  co_return std::move(out.reply);
}
}  // namespace detail

DYNASIO_DECL boost::asio::awaitable<boost::json::object> client::call(std::string_view operation,
                                                                      boost::json::object request) {
  return detail::owning_call(impl_, std::string(operation), boost::json::serialize(request), log_prefix_);
}

DYNASIO_DECL boost::asio::awaitable<boost::json::object> client::call_raw(std::string_view operation,
                                                                          std::string body) {
  return detail::owning_call(impl_, std::string(operation), std::move(body), log_prefix_);
}

}  // namespace dynasio

#include <dynasio/impl/table_admin.ipp>

#endif
