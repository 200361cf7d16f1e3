//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_ERROR_HPP
#define DYNASIO_ERROR_HPP

#include <dynasio/detail/config.hpp>
#include <dynasio/diagnostics.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace dynasio {

class attribute_value;

/// Failures detected by the client itself (category "dynasio.client").
enum class errc {
  /// A value, item, key, option or expression that DynamoDB would refuse; nothing was sent.
  invalid_argument = 1,
  /// Text that is not a number DynamoDB accepts (38 digits, 1e-130 .. below 1e126).
  invalid_number,
  /// Configuration is missing or malformed (region, endpoint, credentials).
  invalid_configuration,
  /// The cryptographic primitives (OpenSSL) failed while signing.
  signing_failed,
  /// The reply was not valid HTTP/JSON of the shape the operation expects.
  protocol_error,
  /// The reply body did not match its `x-amz-crc32` header.
  crc32_mismatch,
  /// A connect, handshake or request deadline from client_config expired.
  timeout,
  /// The retry token bucket is empty: too many recent failures to retry again.
  retry_quota_exceeded,
  /// A batch writer or sink could not write some requests; see batch_error::unwritten().
  batch_incomplete,
  /// The object was closed and takes no further writes.
  closed,
  /// A waiter (table exists / not exists) ran out of attempts.
  waiter_timeout,
  /// An existing table's key schema differs from the configured one.
  key_schema_mismatch,
  /// The HTTP proxy asked for credentials (407): client_config::proxy needs user:password.
  proxy_authentication_required,
  /// The HTTP proxy did not open the tunnel (a CONNECT reply other than 200).
  proxy_refused,
  /// No credentials provider applied; the message names each one and why.
  no_credentials,
};

/// Errors reported by DynamoDB, from the `__type` of the reply (category "dynasio.service").
enum class service_errc {
  /// A type this client does not know; diagnostics().type holds it.
  unknown = 1,
  validation_exception,
  conditional_check_failed,
  resource_not_found,
  resource_in_use,
  provisioned_throughput_exceeded,
  throttling,
  request_limit_exceeded,
  limit_exceeded,
  transaction_conflict,
  transaction_canceled,
  transaction_in_progress,
  item_collection_size_limit_exceeded,
  access_denied,
  unrecognized_client,
  invalid_signature,
  incomplete_signature,
  missing_authentication_token,
  expired_token,
  serialization_exception,
  internal_server_error,
  service_unavailable,
  /// The request's signing time is too far from the service's clock (RequestTimeTooSkewed,
  /// RequestExpired, RequestInTheFuture): the client corrects its signing clock and retries.
  request_time_too_skewed,
};

/// The category of errc values.
DYNASIO_DECL const std::error_category& client_category() noexcept;
/// The category of service_errc values.
DYNASIO_DECL const std::error_category& service_category() noexcept;

/// Makes an error code of the client category.
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), client_category()}; }
/// Makes an error code of the service category.
inline std::error_code make_error_code(service_errc e) noexcept { return {static_cast<int>(e), service_category()}; }

/// Maps an AWS error type (with or without its `namespace#` prefix) to a service_errc.
DYNASIO_DECL service_errc service_errc_from_type(std::string_view aws_type) noexcept;

/**
 * @brief The exception every dynasio operation throws.
 * @details `code()` is an errc (client side), a service_errc (DynamoDB said no) or a
 * Boost.Asio/SSL code (network). `diagnostics()` says more: the AWS type, message, HTTP status
 * and request id. `what()` combines them; it never contains secrets.
 */
class error : public std::system_error {
 public:
  /// An error with a code and diagnostics.
  DYNASIO_DECL error(std::error_code ec, dynasio::diagnostics diag);
  /// A client-side error with a message.
  error(std::error_code ec, std::string message) : error(ec, dynasio::diagnostics{{}, std::move(message), 0, {}}) {}
  /// A client-side error with a message.
  error(errc e, std::string message) : error(make_error_code(e), std::move(message)) {}

  /// What DynamoDB or the client said about the failure.
  const dynasio::diagnostics& diagnostics() const noexcept { return diag_; }

  /**
   * @brief The item as it was when a write's condition failed.
   * @details Set when a put_item(), update_item(), delete_item() or execute_statement() asked
   * for it with `return_values_on_condition_check_failure = all_old` and the item existed: the
   * `Item` of the `ConditionalCheckFailedException` (service_errc::conditional_check_failed).
   * nullopt for any other error. A cancelled transaction's items are in
   * transaction_canceled::reasons(). The result is a dynasio::item (attribute_value.hpp).
   */
  DYNASIO_DECL std::optional<std::map<std::string, attribute_value, std::less<>>> item() const;

 private:
  dynasio::diagnostics diag_;
};

}  // namespace dynasio

namespace std {
template <>
struct is_error_code_enum<dynasio::errc> : true_type {};
template <>
struct is_error_code_enum<dynasio::service_errc> : true_type {};
}  // namespace std

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/error.ipp>
#endif

#endif
