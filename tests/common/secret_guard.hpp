#ifndef DYNASIO_TESTS_SECRET_GUARD_HPP
#define DYNASIO_TESTS_SECRET_GUARD_HPP

// Fails the running test when a secret access key or session token, or its first 8
// characters, shows up where a user could read it: a log line (guarded_logger(), which
// integration_config() and the fault suite's configs install), an exception message or
// diagnostics() (check_no_secret_in(), which run_coro() applies to every exception it passes on).

#include <dynasio/error.hpp>
#include <dynasio/log_level.hpp>

#include <doctest/doctest.h>

#include <exception>
#include <functional>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace dynasio::test {

/// The secret key and session token of integration_config() and the fault suite: distinctive
/// from their first 8 characters on, so finding them (or that prefix) anywhere is a leak.
inline constexpr std::string_view guarded_secret_key = "Qz7SeKrT/guarded+SecretKey0123456789abcdEF";
inline constexpr std::string_view guarded_session_token = "Tk9SeSsN/guarded+SessionToken//0123456789==";

/// Every secret watched for: the two above, and whatever a test adds with guard_secret().
inline std::vector<std::string>& guarded_secrets() {
  static std::vector<std::string> secrets{std::string(guarded_secret_key), std::string(guarded_session_token)};
  return secrets;
}

/// Watches `secret` too (a test signing with its own credentials).
inline void guard_secret(std::string secret) {
  if (secret.empty()) return;
  for (const auto& s : guarded_secrets())
    if (s == secret) return;
  guarded_secrets().push_back(std::move(secret));
}

/// The secret whose first 8 characters (or whole text, when shorter) occur in `text`; empty when none.
inline std::string leaked_secret(std::string_view text) {
  for (const auto& s : guarded_secrets()) {
    std::string_view needle = std::string_view(s).substr(0, 8);
    if (!needle.empty() && text.find(needle) != std::string_view::npos) return s;
  }
  return {};
}

/// Fails the current test (and goes on) when `text` holds a guarded secret.
inline void check_no_secret(std::string_view where, std::string_view text) {
  const std::string s = leaked_secret(text);
  // The report names the secret by its first 4 characters only: test logs are read too.
  if (!s.empty()) FAIL_CHECK(where << " holds a secret (" << s.substr(0, 4) << "...): " << text);
}

/// Checks an exception's what() and, for a dynasio::error, every field of its diagnostics().
inline void check_no_secret_in(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const dynasio::error& err) {
    check_no_secret("exception message", err.what());
    const auto& d = err.diagnostics();
    for (std::string_view field : {std::string_view(d.type), std::string_view(d.message),
                                   std::string_view(d.request_id), std::string_view(d.details)})
      check_no_secret("diagnostics()", field);
  } catch (const std::exception& err) {
    check_no_secret("exception message", err.what());
  } catch (...) {
  }
}

/// A client_config::logger that checks every line, then hands it to `next`; without `next`,
/// warnings and errors go to std::clog, as the client does with no logger.
inline std::function<void(log_level, std::string_view)> guarded_logger(
    std::function<void(log_level, std::string_view)> next = {}) {
  return [next = std::move(next)](log_level level, std::string_view line) {
    check_no_secret("log line", line);
    if (next) next(level, line);
    else if (level >= log_level::warning) std::clog << "dynasio: " << line << '\n';
  };
}

}  // namespace dynasio::test

#endif
