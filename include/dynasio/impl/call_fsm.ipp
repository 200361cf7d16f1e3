//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_CALL_FSM_IPP
#define DYNASIO_IMPL_CALL_FSM_IPP

#include <dynasio/detail/call_fsm.hpp>
#include <dynasio/detail/protocol/json_reader.hpp>
#include <dynasio/error.hpp>
#include <dynasio/is_retryable.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/crc.hpp>

#include <charconv>

namespace dynasio::detail {

DYNASIO_DECL bool is_stale_connection(const boost::system::error_code& ec) noexcept {
  namespace asio = boost::asio;
  return ec == boost::beast::http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::ssl::error::stream_truncated;
}

DYNASIO_DECL call_fsm::call_fsm(std::string_view operation, std::string_view host, unsigned max_attempts,
                                retry_policy& retry, client_stats& stats, std::chrono::milliseconds& clock_skew)
    : operation_(operation),
      host_(host),
      max_attempts_(max_attempts),
      retry_(retry),
      stats_(stats),
      clock_skew_(clock_skew) {}

DYNASIO_DECL call_action call_fsm::resume(const call_event& ev) {
  now_ = ev.now;
  switch (state_) {
    case state::start: return begin_attempt();
    case state::pacing:
      if (ev.ec) return cancelled("cancelled while waiting for the rate limiter");
      return begin_attempt();
    case state::fetching:
      if (ev.ec == boost::asio::error::operation_aborted) return cancelled("cancelled");
      if (ev.ec) {
        // The cache retries its providers itself: its verdict ends the call.
        error_info e{std::error_code(ev.ec), {}};
        e.diag.message = std::string(operation_) + ": no credentials to sign with: " + std::string(ev.message);
        return finish(std::move(e));
      }
      return acquire();
    case state::acquiring:
      if (ev.ec) return cancelled("cancelled");
      reused_ = ev.reused;
      if (!reused_) {
        ++stats_.connections_opened;
        state_ = state::connecting;
        return {call_action_kind::connect};
      }
      state_ = state::exchanging;
      ++stats_.requests;
      return {call_action_kind::exchange};
    case state::connecting:
      if (ev.ec == boost::asio::error::operation_aborted) return cancelled("cancelled");
      if (ev.ec) {
        feed({});
        return transport_failed(ev.ec);
      }
      state_ = state::exchanging;
      ++stats_.requests;
      return {call_action_kind::exchange};
    case state::exchanging:
      if (ev.ec == boost::asio::error::operation_aborted) return cancelled("cancelled");
      if (ev.ec) {
        // The server closed an idle keep-alive connection: one free retry on a fresh one.
        if (reused_ && stale_retry_left_ && is_stale_connection(ev.ec)) {
          stale_retry_left_ = false;
          ++stats_.stale_connection_retries;
          return acquire();
        }
        feed({});
        return transport_failed(ev.ec);
      }
      if (ev.reply == nullptr) {
        error_info e{make_error_code(errc::protocol_error), {}};
        e.diag.message = std::string(operation_) + ": no reply";
        return finish(std::move(e));
      }
      if (ev.creds == nullptr) {
        const credentials none;
        return reply_arrived(*ev.reply, none, ev.received_at);
      }
      // By reference: `ev.creds ? *ev.creds : credentials{}` would copy the keys, session token
      // included, on every reply.
      return reply_arrived(*ev.reply, *ev.creds, ev.received_at);
    case state::waiting:
      if (ev.ec) return cancelled("cancelled while waiting to retry");
      ++attempt_;
      return begin_attempt();
    case state::finished: break;
  }
  return {call_action_kind::done};
}

DYNASIO_DECL call_action call_fsm::begin_attempt() {
  if (adaptive_rate* rate = retry_.rate()) {
    const auto wait = rate->acquire(now_);
    if (wait.count() > 0) {
      state_ = state::pacing;
      call_action a{call_action_kind::wait, std::chrono::ceil<std::chrono::milliseconds>(wait)};
      a.pacing = true;
      return a;
    }
  }
  if (!provider_) return acquire();
  state_ = state::fetching;
  return {call_action_kind::fetch_credentials};
}

DYNASIO_DECL void call_fsm::feed(const std::error_code& code) {
  if (adaptive_rate* rate = retry_.rate()) rate->on_response(now_, is_throttling(code));
}

DYNASIO_DECL call_action call_fsm::acquire() {
  state_ = state::acquiring;
  return {call_action_kind::acquire};
}

DYNASIO_DECL call_action call_fsm::cancelled(std::string_view where) {
  error_info e{std::error_code(boost::system::error_code(boost::asio::error::operation_aborted)), {}};
  e.diag.message = std::string(operation_) + ": " + std::string(where);
  return finish(std::move(e));
}

DYNASIO_DECL call_action call_fsm::transport_failed(const boost::system::error_code& ec) {
  error_info e;
  const std::string where = ec.message() + " (" + std::string(host_) + ")";
  if (ec == boost::beast::error::timeout) {
    e.code = make_error_code(errc::timeout);
    e.diag.message = std::string(operation_) + ": timed out (" + where + ")";
  } else {
    e.code = std::error_code(ec);
    e.diag.message = std::string(operation_) + ": " + where;
  }
  return retry_or_fail(std::move(e));
}

DYNASIO_DECL bool call_fsm::corrects_skew(const error_info& e, const reply_view& reply,
                                          std::chrono::system_clock::time_point received_at) {
  if (!skew_retry_left_) return false;
  const auto server = parse_http_date(reply.date);
  if (!server) return false;
  const auto skew = std::chrono::duration_cast<std::chrono::milliseconds>(*server - received_at);
  const bool signature = e.code == service_errc::invalid_signature || e.code == service_errc::incomplete_signature;
  if (!(e.code == service_errc::request_time_too_skewed ||
        (signature && std::chrono::abs(skew) > std::chrono::minutes(4))))
    return false;
  skew_retry_left_ = false;
  clock_skew_ = skew;
  return true;
}

DYNASIO_DECL call_action call_fsm::reply_arrived(const reply_view& reply, const credentials& creds,
                                                 std::chrono::system_clock::time_point received_at) {
  if (reply.status / 100 != 2) {
    error_info e = parse_error_reply(reply, creds);
    feed(e.code);
    if (corrects_skew(e, reply, received_at)) return acquire();  // signed again with the corrected clock
    if (provider_ && renew_left_ && e.code == service_errc::expired_token) {
      // The keys were revoked or expired early: once, with keys fetched anew.
      renew_left_ = false;
      state_ = state::fetching;
      call_action a{call_action_kind::fetch_credentials};
      a.renew = true;
      return a;
    }
    return retry_or_fail(std::move(e));
  }
  feed({});
  if (reply.has_crc32) {
    boost::crc_32_type sum;
    sum.process_bytes(reply.body.data(), reply.body.size());
    char text[16];
    const auto end = std::to_chars(text, text + sizeof text, sum.checksum()).ptr;
    if (std::string_view(text, static_cast<std::size_t>(end - text)) != reply.crc32) {
      error_info e{make_error_code(errc::crc32_mismatch), {}};
      e.diag.message = std::string(operation_) + ": reply body does not match its x-amz-crc32";
      return retry_or_fail(std::move(e));
    }
  }
  boost::system::error_code ec;
  boost::json::value v = parse_wire_json(reply.body, ec);
  if (ec || !v.is_object()) {
    error_info e{make_error_code(errc::protocol_error), {}};
    e.diag.message = std::string(operation_) + ": reply is not a JSON object";
    e.diag.http_status = reply.status;
    e.diag.request_id = std::string(reply.request_id);
    return finish(std::move(e));
  }
  retry_.on_success(spent_);
  out_.reply = std::move(v.get_object());
  return finish({});
}

DYNASIO_DECL call_action call_fsm::retry_or_fail(error_info failure) {
  if (!is_retryable(failure.code)) return finish(std::move(failure));
  if (attempt_ >= max_attempts_) {
    failure.diag.message += " (after " + std::to_string(attempt_) + " attempts)";
    return finish(std::move(failure));
  }
  auto cost = retry_.acquire(failure.code == errc::timeout);
  if (!cost) {
    failure.diag.message += " (not retried: the retry token bucket is empty)";
    return finish(std::move(failure));
  }
  spent_ += *cost;
  ++stats_.retries;
  ++out_.retries;
  if (is_throttling(failure.code)) {
    ++stats_.throttles;
    ++out_.throttles;
    if (failure.key_range_only) ++out_.hot_key_throttles;
  }
  last_ = std::move(failure);
  state_ = state::waiting;
  return {call_action_kind::wait, retry_.backoff(attempt_)};
}

DYNASIO_DECL call_action call_fsm::finish(error_info failure) {
  state_ = state::finished;
  out_.attempts = attempt_;
  out_.ec = failure.code;
  out_.hot_key = is_throttling(failure.code) && failure.key_range_only;
  out_.diag = std::move(failure.diag);
  return {call_action_kind::done};
}

}  // namespace dynasio::detail

#endif
