//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_CREDENTIALS_CACHE_IPP
#define DYNASIO_IMPL_CREDENTIALS_CACHE_IPP

#include <dynasio/detail/credentials_cache.hpp>
#include <dynasio/error.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <iostream>
#include <variant>

namespace dynasio::detail {

DYNASIO_DECL const char* to_string(refresh_action a) noexcept {
  switch (a) {
    case refresh_action::use: return "use";
    case refresh_action::use_and_refresh: return "use_and_refresh";
    case refresh_action::refresh_and_wait: return "refresh_and_wait";
    case refresh_action::wait: return "wait";
    case refresh_action::fail: return "fail";
  }
  return "?";
}

DYNASIO_DECL credentials_refresh_fsm::credentials_refresh_fsm(credentials_refresh_config cfg, std::uint64_t seed)
    : cfg_(cfg), rng_(seed) {
  cfg_.jitter = std::clamp(cfg_.jitter, 0.0, 0.1);
}

DYNASIO_DECL double credentials_refresh_fsm::uniform(double lo, double hi) {
  return lo + (hi - lo) * std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
}

DYNASIO_DECL bool credentials_refresh_fsm::usable(time_point now) const noexcept {
  return current_ && !invalidated_ && (!current_->expiration || *current_->expiration > now);
}

DYNASIO_DECL refresh_action credentials_refresh_fsm::next(time_point now) {
  auto start = [&](refresh_action a) {
    refreshing_ = true;
    return a;
  };
  if (!usable(now)) {
    if (refreshing_) return refresh_action::wait;
    if (now < error_until_) return refresh_action::fail;
    return start(refresh_action::refresh_and_wait);
  }
  if (now < advisory_at_) return refresh_action::use;
  if (now < mandatory_at_) {
    if (refreshing_ || now < retry_after_) return refresh_action::use;
    return start(refresh_action::use_and_refresh);
  }
  if (refreshing_) return refresh_action::wait;
  if (now < retry_after_) return refresh_action::use;
  return start(refresh_action::refresh_and_wait);
}

DYNASIO_DECL void credentials_refresh_fsm::on_refresh_success(time_point now, credentials creds) {
  using namespace std::chrono;
  if (creds.expiration && *creds.expiration <= now) {
    on_refresh_failure(now, make_error_code(errc::protocol_error),
                       "the provider returned credentials that had already expired");
    return;
  }
  refreshing_ = false;
  invalidated_ = false;
  retry_after_ = time_point::min();
  error_until_ = time_point::min();
  last_error_ = {};
  last_message_.clear();
  if (creds.expiration) {
    const auto lifetime = duration_cast<seconds>(*creds.expiration - now);
    seconds advisory = cfg_.advisory_window;
    if (advisory.count() <= 0)
      advisory = lifetime <= minutes(20) ? minutes(5) : lifetime < minutes(90) ? minutes(15) : minutes(60);
    seconds mandatory =
        cfg_.mandatory_window.count() > 0 ? cfg_.mandatory_window : std::min<seconds>(minutes(1), advisory);
    const double grow = 1.0 + uniform(0.0, cfg_.jitter);
    advisory = std::min(duration_cast<seconds>(advisory * grow), lifetime * 3 / 4);
    mandatory = std::min(duration_cast<seconds>(mandatory * grow), lifetime / 2);
    advisory = std::max(advisory, mandatory);
    advisory_at_ = *creds.expiration - advisory;
    mandatory_at_ = *creds.expiration - mandatory;
  } else {
    advisory_at_ = mandatory_at_ = time_point::max();
  }
  current_ = std::make_shared<const credentials>(std::move(creds));
}

DYNASIO_DECL void credentials_refresh_fsm::on_refresh_failure(time_point now, std::error_code ec, std::string message) {
  using namespace std::chrono;
  refreshing_ = false;
  last_error_ = ec;
  last_message_ = std::move(message);
  if (usable(now)) {
    auto pause = duration_cast<system_clock::duration>(cfg_.retry_pause * uniform(1.0, 2.0));
    if (now < mandatory_at_) pause = std::min(pause, mandatory_at_ - now);
    else if (current_->expiration) pause = std::min(pause, (*current_->expiration - now) / 2);
    retry_after_ = now + pause;
  } else {
    error_until_ = now + cfg_.error_hold;
  }
}

DYNASIO_DECL void credentials_refresh_fsm::invalidate(std::string_view access_key_id) {
  if (current_ && (access_key_id.empty() || current_->access_key_id == access_key_id)) {
    invalidated_ = true;
    // A service rejection is fresh news: do not report an old failure instead of refreshing.
    error_until_ = time_point::min();
  }
}

DYNASIO_DECL credentials_cache::credentials_cache(boost::asio::any_io_executor ex, credentials_provider provider,
                                                  credentials_refresh_config cfg, clock_function clock,
                                                  log_function log)
    : ex_(ex),
      provider_(std::move(provider)),
      cfg_(cfg),
      clock_(clock ? std::move(clock) : clock_function([] { return std::chrono::system_clock::now(); })),
      log_(std::move(log)),
      fsm_(cfg, static_cast<std::uint64_t>(std::random_device{}())),
      wake_(ex, boost::asio::steady_timer::time_point::max()) {
  if (!provider_) throw error(errc::invalid_configuration, "credentials_cache: the credentials provider is empty");
}

DYNASIO_DECL credentials_result credentials_cache::current_result() const {
  if (fsm_.usable(clock_())) return {{}, {}, fsm_.current()};
  return {fsm_.last_error() ? fsm_.last_error() : make_error_code(errc::no_credentials),
          fsm_.last_message().empty() ? "no credentials" : fsm_.last_message(), nullptr};
}

DYNASIO_DECL std::shared_ptr<const credentials> credentials_cache::try_get() {
  const auto now = clock_();
  // Decide without committing to a wait: a caller that cannot sign now goes through get().
  if (!fsm_.usable(now) || (now >= fsm_.mandatory_at() && !(now < fsm_.retry_after()))) return nullptr;
  if (fsm_.next(now) == refresh_action::use_and_refresh) start_refresh();
  return fsm_.current();
}

DYNASIO_DECL boost::asio::awaitable<credentials_result> credentials_cache::get() {
  auto self = shared_from_this();
  switch (fsm_.next(clock_())) {
    case refresh_action::use: co_return credentials_result{{}, {}, fsm_.current()};
    case refresh_action::use_and_refresh: start_refresh(); co_return credentials_result{{}, {}, fsm_.current()};
    case refresh_action::fail: co_return current_result();
    case refresh_action::refresh_and_wait: start_refresh(); break;
    case refresh_action::wait: break;
  }
  const std::uint64_t seen = generation_;
  boost::system::error_code ec;
  co_await wake_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  if (generation_ == seen) {
    credentials_result r;
    r.ec = std::error_code(boost::system::error_code(boost::asio::error::operation_aborted));
    r.message = "cancelled while waiting for credentials from " + provider_.name();
    co_return r;
  }
  co_return current_result();
}

DYNASIO_DECL void credentials_cache::start_refresh() {
  ++provider_calls_;
  boost::asio::co_spawn(ex_, refresh(), boost::asio::detached);
}

namespace cache_detail {
// The provider's outcome as a value: `||` below waits for the first success, so the provider
// side must never throw.
using outcome = std::variant<credentials, error>;

inline boost::asio::awaitable<outcome> call_provider(credentials_provider p) {
  try {
    co_return outcome(co_await p());
  } catch (const error& e) {
    co_return outcome(e);
  } catch (const boost::system::system_error& e) {
    co_return outcome(error(std::error_code(e.code()), p.name() + ": " + e.code().message()));
  } catch (const std::exception& e) {
    co_return outcome(error(errc::no_credentials, p.name() + ": " + e.what()));
  }
}
}  // namespace cache_detail

DYNASIO_DECL boost::asio::awaitable<void> credentials_cache::refresh() {
  // A using-declaration: dynasio's own operator|| (conditions) would hide a using-directive's.
  using boost::asio::experimental::awaitable_operators::operator||;
  auto self = shared_from_this();
  boost::asio::steady_timer deadline(ex_, cfg_.refresh_timeout);
  auto race = co_await (cache_detail::call_provider(provider_) || deadline.async_wait(boost::asio::use_awaitable));
  const auto now = clock_();
  const bool had_keys = fsm_.usable(now);
  // `||` flattens the variants: credentials, error, or the deadline's monostate.
  if (race.index() == 0) {
    fsm_.on_refresh_success(now, std::move(std::get<0>(race)));
    if (!fsm_.usable(now) && log_)
      log_(log_level::warning, "credentials from " + provider_.name() + ": " + fsm_.last_message());
  } else {
    std::error_code ec = make_error_code(errc::timeout);
    std::string message =
        provider_.name() + ": no credentials within " + std::to_string(cfg_.refresh_timeout.count()) + " s";
    if (race.index() == 1) {
      const error& e = std::get<1>(race);
      ec = e.code();
      message = e.diagnostics().message;
    }
    fsm_.on_refresh_failure(now, ec, message);
    if (had_keys) {
      const std::string line = "refreshing credentials failed, signing with the current keys meanwhile: " + message;
      if (log_) log_(log_level::warning, line);
      else std::clog << "dynasio warning: " << line << '\n';
    }
  }
  ++generation_;
  wake_.cancel();
}

}  // namespace dynasio::detail

#endif
