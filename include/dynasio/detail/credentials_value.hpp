//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_CREDENTIALS_VALUE_HPP
#define DYNASIO_DETAIL_CREDENTIALS_VALUE_HPP

// The credentials record alone, so the signer can use it without the providers (include
// <dynasio/credentials.hpp>, which has this too).

#include <chrono>
#include <optional>
#include <string>

namespace dynasio {

/**
 * @brief AWS credentials used to sign requests.
 * @details Static keys, or temporary ones from a credentials_provider. The secret and the token
 * never appear in errors or logs.
 */
struct credentials {
  /// The access key id (`AWS_ACCESS_KEY_ID`).
  std::string access_key_id{};
  /// The secret access key (`AWS_SECRET_ACCESS_KEY`).
  std::string secret_access_key{};
  /// The session token of temporary credentials (`AWS_SESSION_TOKEN`); empty when none.
  std::string session_token{};
  /// When temporary credentials stop working; empty for keys that never expire.
  std::optional<std::chrono::system_clock::time_point> expiration{};
  /// The AWS account the keys belong to, when the source says (`AccountId`, `AWS_ACCOUNT_ID`).
  std::string account_id{};
};

}  // namespace dynasio

#endif
