#ifndef DYNASIO_TESTS_INTEGRATION_HPP
#define DYNASIO_TESTS_INTEGRATION_HPP

#include <dynasio/config.hpp>

#include "secret_guard.hpp"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace dynasio::test {

/// A client_config for the server started by scripts/test.sh (DYNASIO_TEST_ENDPOINT).
/// Integration tests fail, not skip, without it: they are part of the suite. Its logger fails
/// the test on a line holding the secret key or token; a test replacing it wraps it in guarded_logger().
inline client_config integration_config() {
  const char* ep = std::getenv("DYNASIO_TEST_ENDPOINT");
  if (!ep || !*ep)
    throw std::runtime_error("DYNASIO_TEST_ENDPOINT is not set: run the integration tests through scripts/test.sh");
  client_config cfg;
  cfg.region = "us-east-1";
  cfg.endpoint = ep;
  // Letters and digits only: DynamoDB Local (2.0 and later) refuses any other access key id
  // with UnrecognizedClientException; dynalite and AWS accept it.
  // The guarded secrets: a test fails if they appear in a log line or an error (secret_guard.hpp).
  cfg.credentials = {"dynasiotest", std::string(guarded_secret_key), std::string(guarded_session_token)};
  cfg.logger = guarded_logger();
  return cfg;
}

/// The server behind DYNASIO_TEST_ENDPOINT, from DYNASIO_TEST_SERVER (scripts/dynalite.sh and
/// scripts/ddblocal.sh set it): "dynalite" when unset, as before there were two.
inline std::string test_server() {
  const char* s = std::getenv("DYNASIO_TEST_SERVER");
  return s && *s ? s : "dynalite";
}

/// True against dynalite, which has no transactions and no PartiQL: the caller skips those
/// cases and says so.
inline bool server_is_dynalite() { return test_server() == "dynalite"; }

/// A table name unique to this process and call, so tests never share state.
inline std::string unique_table_name(const std::string& prefix) {
  static std::atomic<int> n{0};
  auto t = std::chrono::steady_clock::now().time_since_epoch().count() % 1000000;
  return prefix + "-" + std::to_string(t) + "-" + std::to_string(n++);
}

}  // namespace dynasio::test

#endif
