#ifndef DYNASIO_TESTS_RUN_CORO_HPP
#define DYNASIO_TESTS_RUN_CORO_HPP

#include "secret_guard.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>
#include <type_traits>

namespace dynasio::test {

/// Runs an awaitable on its own io_context and returns its result, rethrowing its exception.
/// A test that does not finish within `deadline` fails instead of hanging the suite; it returns
/// as soon as the coroutine is done, whatever servers are still listening on the io_context.
/// An exception holding a guarded secret (secret_guard.hpp) fails the test too.
template <class T>
T run_coro(boost::asio::io_context& ioc, boost::asio::awaitable<T> op,
           std::chrono::steady_clock::duration deadline = std::chrono::seconds(60)) {
  std::exception_ptr error;
  bool done = false;
  std::optional<std::conditional_t<std::is_void_v<T>, int, T>> result;
  boost::asio::co_spawn(ioc, std::move(op), [&](std::exception_ptr e, auto... value) {
    done = true;
    error = e;
    if constexpr (!std::is_void_v<T>) {
      if (!e) result.emplace(std::move(value)...);
    }
  });
  ioc.restart();
  // Until the coroutine is done, not until the io_context runs out of work: a fake server
  // left listening must not hold the test to its deadline. What is ready then still runs.
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!done && ioc.run_one_until(until) != 0) {
  }
  if (done) ioc.poll();
  if (!done) {
    // Drop whatever is still pending so the next test starts clean.
    ioc.stop();
    throw std::runtime_error("run_coro: the coroutine did not finish before its deadline");
  }
  if (error) {
    check_no_secret_in(error);
    std::rethrow_exception(error);
  }
  if constexpr (!std::is_void_v<T>) return std::move(*result);
}

template <class T>
T run_coro(boost::asio::awaitable<T> op, std::chrono::steady_clock::duration deadline = std::chrono::seconds(60)) {
  boost::asio::io_context ioc;
  return run_coro(ioc, std::move(op), deadline);
}

}  // namespace dynasio::test

#endif
