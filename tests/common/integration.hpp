#ifndef DYNASIO_TESTS_INTEGRATION_HPP
#define DYNASIO_TESTS_INTEGRATION_HPP

#include <dynasio/config.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace dynasio::test {

/// A client_config for the dynalite started by scripts/test.sh (DYNASIO_TEST_ENDPOINT).
/// Integration tests fail, not skip, without it: they are part of the suite.
inline client_config integration_config() {
  const char* ep = std::getenv("DYNASIO_TEST_ENDPOINT");
  if (!ep || !*ep)
    throw std::runtime_error("DYNASIO_TEST_ENDPOINT is not set: run the integration tests through scripts/test.sh");
  client_config cfg;
  cfg.region = "us-east-1";
  cfg.endpoint = ep;
  cfg.credentials = {"dynasio-test", "dynasio-test-secret", ""};
  return cfg;
}

/// A table name unique to this process and call, so tests never share state.
inline std::string unique_table_name(const std::string& prefix) {
  static std::atomic<int> n{0};
  auto t = std::chrono::steady_clock::now().time_since_epoch().count() % 1000000;
  return prefix + "-" + std::to_string(t) + "-" + std::to_string(n++);
}

}  // namespace dynasio::test

#endif
