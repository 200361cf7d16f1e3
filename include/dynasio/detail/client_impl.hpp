//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_CLIENT_IMPL_HPP
#define DYNASIO_DETAIL_CLIENT_IMPL_HPP

#include <dynasio/client.hpp>
#include <dynasio/detail/credentials_cache.hpp>
#include <dynasio/detail/retry_policy.hpp>
#include <dynasio/detail/transport/connection_pool.hpp>
#include <dynasio/detail/transport/endpoint.hpp>
#include <dynasio/sigv4/signer.hpp>

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string_view>

namespace dynasio::detail {

/// What client shares between its copies, tables and operations in flight.
class client_impl : public std::enable_shared_from_this<client_impl> {
 public:
  DYNASIO_DECL client_impl(boost::asio::any_io_executor ex, client_config cfg);

  /// Sends one operation with retries; returns the parsed reply object. Both strings are
  /// borrowed: the caller keeps them alive until the returned awaitable completes (client's
  /// public call() and call_raw() own theirs; the batch writer reuses its body buffers).
  DYNASIO_DECL boost::asio::awaitable<boost::json::object> call(std::string_view operation, std::string_view body);

  DYNASIO_DECL void log(log_level level, std::string_view message) const;

  boost::asio::any_io_executor ex_;
  client_config cfg_;
  endpoint_info endpoint_;
  boost::asio::ssl::context ssl_ctx_;
  sigv4::signer signer_;
  connection_pool pool_;
  retry_policy retry_;
  client_stats stats_;
  // Set when cfg_.credentials_provider is: the keys to sign with (WIP wiring, see send_once).
  std::shared_ptr<credentials_cache> creds_cache_;

 private:
  // `used` receives the provider keys that signed the request (null with static keys).
  DYNASIO_DECL boost::asio::awaitable<http_response> send_once(const std::string& target, std::string_view body,
                                                               std::shared_ptr<const credentials>& used);
};

}  // namespace dynasio::detail

#endif
