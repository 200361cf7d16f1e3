//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_CLIENT_IMPL_HPP
#define DYNASIO_DETAIL_CLIENT_IMPL_HPP

#include <dynasio/client.hpp>
#include <dynasio/detail/call_fsm.hpp>
#include <dynasio/detail/credentials_cache.hpp>
#include <dynasio/detail/retry_policy.hpp>
#include <dynasio/detail/transport/connection_pool.hpp>
#include <dynasio/detail/transport/endpoint.hpp>
#include <dynasio/sigv4/signer.hpp>

#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dynasio::detail {

/// What client shares between its copies, tables and operations in flight.
class client_impl : public std::enable_shared_from_this<client_impl> {
 public:
  DYNASIO_DECL client_impl(boost::asio::any_io_executor ex, client_config cfg);

  /**
   * Runs one operation through call_fsm: performs its actions (pool, connect, sign and
   * exchange, backoff) and returns its outcome. Never throws for what can go wrong on the way:
   * errors are values in the outcome. `operation` and `body` are borrowed until it completes.
   */
  DYNASIO_DECL boost::asio::awaitable<call_outcome> run(std::string_view operation, std::string_view body,
                                                        std::string_view log_prefix);

  /// The client's logger (stderr for warnings and errors without one), lines prefixed.
  DYNASIO_DECL void log(log_level level, std::string_view message, std::string_view prefix) const;

 private:
  friend struct access;
  friend class dynasio::client;

  // Reads the outcome's consumed capacity, adds it to the totals and reports the call to
  // on_call: the one place metrics come from, whatever the operation.
  DYNASIO_DECL void account(std::string_view operation, std::string_view body, call_outcome& out,
                            std::chrono::steady_clock::time_point started, std::string_view log_prefix);

  // What one call writes and reads besides its body: the X-Amz-Target value, the request head,
  // the reply. Kept by the client between calls (spare_buffers_), so that a steady stream of calls
  // allocates none of them.
  struct call_buffers {
    std::string target;
    std::string head;
    http_reply reply;
  };
  // A call's buffers, taken from the spare ones (or new) and given back when the call ends; a
  // reply body past max_spare_reply is freed rather than kept.
  class buffers_lease {
   public:
    DYNASIO_DECL explicit buffers_lease(client_impl& owner);
    DYNASIO_DECL ~buffers_lease();
    buffers_lease(const buffers_lease&) = delete;
    buffers_lease& operator=(const buffers_lease&) = delete;
    call_buffers* operator->() const noexcept { return buffers_.get(); }

   private:
    client_impl& owner_;
    std::unique_ptr<call_buffers> buffers_;
  };
  static constexpr std::size_t max_spare_reply = 64 * 1024;

  // Writes into `head` the request head for one exchange of `body`, signed with `creds`.
  DYNASIO_DECL void request_head(std::string& head, std::string_view target, std::string_view body,
                                 const credentials& creds);

  boost::asio::any_io_executor ex_;
  client_config cfg_;
  endpoint_info endpoint_;
  connect_options connect_;
  // The request line's target: "/", or the absolute URL when plain HTTP goes through a proxy.
  std::string request_target_ = "/";
  boost::asio::ssl::context ssl_ctx_;
  sigv4::signer signer_;
  // The deadlines of the pool's connections, one timer for all of them (http_conn.hpp).
  std::shared_ptr<deadline_watch> deadlines_;
  connection_pool pool_;
  retry_policy retry_;
  client_stats stats_;
  // The service's clock minus ours, learned from a skewed-signature reply (call_fsm).
  std::chrono::milliseconds clock_skew_{0};
  // The keys to sign with when cfg_.credentials_provider is set (else cfg_.credentials).
  std::shared_ptr<credentials_cache> creds_cache_;
  // Buffers of ended calls, at most max_connections of them (as many as can be in an exchange).
  std::vector<std::unique_ptr<call_buffers>> spare_buffers_;
};

/**
 * The one door into a client's internals, for the batch writer, the sink and tests (the way
 * Boost.MySQL's detail::access opens its connection): nothing else names client_impl's members.
 */
struct access {
  static client_impl& impl(const client& c) noexcept { return *c.impl_; }
  static connection_pool& pool(const client& c) noexcept { return c.impl_->pool_; }
  static retry_policy& retry(const client& c) noexcept { return c.impl_->retry_; }
  /// The buffers ended calls left for the next ones (tests: bounded, large replies not kept).
  static const auto& spare_call_buffers(const client& c) noexcept { return c.impl_->spare_buffers_; }
  /// A handle on the same client whose log lines start with `prefix: `.
  static client with_log_prefix(client c, std::string prefix) {
    c.log_prefix_ = std::move(prefix);
    return c;
  }
  static void log(const client& c, log_level level, std::string_view message) {
    c.impl_->log(level, message, c.log_prefix_);
  }
  /// The operation's outcome as a value (the batch writer's path: no exception on failure).
  static boost::asio::awaitable<call_outcome> run(const client& c, std::string_view operation, std::string_view body) {
    return c.impl_->run(operation, body, c.log_prefix_);
  }
};

/// Throws the outcome's error at the public edge (dynasio::error with its diagnostics).
DYNASIO_DECL void throw_if_failed(const call_outcome& out);

}  // namespace dynasio::detail

#endif
