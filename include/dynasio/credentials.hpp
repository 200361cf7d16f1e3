//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_CREDENTIALS_HPP
#define DYNASIO_CREDENTIALS_HPP

#include <string>

namespace dynasio {

/**
 * @brief AWS credentials used to sign requests.
 * @details Static credentials, as read from the environment or the shared credentials file by
 * client_config::from_env(). The secret and the token never appear in errors or logs.
 */
struct credentials {
  /// The access key id (`AWS_ACCESS_KEY_ID`).
  std::string access_key_id{};
  /// The secret access key (`AWS_SECRET_ACCESS_KEY`).
  std::string secret_access_key{};
  /// The session token of temporary credentials (`AWS_SESSION_TOKEN`); empty when none.
  std::string session_token{};
};

}  // namespace dynasio

#endif
