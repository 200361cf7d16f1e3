#ifndef DYNASIO_TESTS_FAKE_CONFIG_HPP
#define DYNASIO_TESTS_FAKE_CONFIG_HPP

#include <dynasio/config.hpp>

#include "fake_endpoint.hpp"
#include "secret_guard.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace dynasio::test {

/// A client_config for a fake endpoint: its URL, the guarded secret key (secret_guard.hpp),
/// retries that wait 1 to 2 ms, and a logger that fails the test on a leaked secret and prints
/// nothing. Tests change what they need.
inline client_config fake_config(const fake_endpoint& ep) {
  client_config c;
  c.region = "us-east-1";
  c.endpoint = ep.endpoint_url();
  c.credentials = {"AKIDFAKE", std::string(guarded_secret_key), ""};
  c.retry.base_delay = std::chrono::milliseconds(1);
  c.retry.max_delay = std::chrono::milliseconds(2);
  c.logger = guarded_logger([](log_level, std::string_view) {});
  return c;
}

}  // namespace dynasio::test

#endif
