// Shared by every example: runs co_main on an io_context and reports its failure.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <iostream>

boost::asio::awaitable<void> co_main();

int main() {
  boost::asio::io_context ioc;
  int status = 0;
  boost::asio::co_spawn(ioc, co_main(), [&](std::exception_ptr e) {
    if (!e) return;
    status = 1;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      std::cerr << "error: " << ex.what() << '\n';
    }
  });
  ioc.run();
  return status;
}
