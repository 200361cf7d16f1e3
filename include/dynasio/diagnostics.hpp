//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DIAGNOSTICS_HPP
#define DYNASIO_DIAGNOSTICS_HPP

#include <string>

namespace dynasio {

/**
 * @brief What DynamoDB (or the client) said about a failure, beyond the error code.
 * @details Filled from the error reply: `__type` (the part after `#`), `message` or `Message`,
 * the HTTP status and the `x-amzn-RequestId` header. Client-side failures leave `type`
 * empty and `http_status` zero. Never holds a secret key, a session token or a signature.
 */
struct diagnostics {
  /// The AWS error type, e.g. "ValidationException"; empty for client-side errors.
  std::string type{};
  /// Human-readable message, from the service or from the client's own checks.
  std::string message{};
  /// HTTP status of the reply, or 0 when no reply was received.
  unsigned http_status = 0;
  /// `x-amzn-RequestId` of the reply, for AWS support; empty when absent.
  std::string request_id{};
  /// The error reply's JSON body when it says more than type and message (the
  /// `CancellationReasons` of a cancelled transaction, the `Item` of a failed condition that
  /// asked for it), credentials redacted; empty otherwise.
  std::string details{};
};

}  // namespace dynasio

#endif
