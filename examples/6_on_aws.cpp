// On AWS: the same binary runs unchanged on EC2 (instance profile, IMDSv2), ECS and Fargate
// (task role), EKS (IRSA web identity or Pod Identity), Lambda, or a laptop with ~/.aws files.
//
// client_config::from_env() reads the region and, when there are no static keys in the
// environment, installs default_credentials_chain(): environment, web identity, shared files
// (static keys, credential_process, role_arn, SSO), container endpoint, IMDS. Nothing is
// contacted until the first request; the keys are then cached and refreshed before they
// expire, in the background, one refresh at a time.
//
//   AWS_REGION=eu-west-1 ./example_6_on_aws            # lists the tables of that region

#include <dynasio.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <iostream>

namespace asio = boost::asio;

asio::awaitable<void> co_main() {
  dynasio::client_config cfg = dynasio::client_config::from_env();
  std::cout << "region " << cfg.region << ", credentials from "
            << (cfg.credentials_provider ? cfg.credentials_provider.name() : std::string("static environment keys"))
            << '\n';
  // Log which provider answered and every refresh problem (default: warnings to std::clog).
  cfg.logger = [](dynasio::log_level level, std::string_view line) {
    if (level >= dynasio::log_level::info) std::clog << "dynasio: " << line << '\n';
  };
  dynasio::client db(co_await asio::this_coro::executor, std::move(cfg));

  // A few calls a minute apart would show the keys rotating without a failed request; two suffice
  // to show the cached keys being reused.
  for (int round = 0; round < 2; ++round) {
    boost::json::object reply;
    try {
      reply = co_await db.call("ListTables", boost::json::object{});
    } catch (const dynasio::error& e) {
      // errc::no_credentials names every provider of the chain and why it did not apply.
      std::cerr << "ListTables failed: " << e.what() << '\n';
      co_return;
    }
    std::cout << "tables:";
    if (auto* names = reply.if_contains("TableNames"); names && names->is_array())
      for (const auto& n : names->get_array()) std::cout << ' ' << n.as_string();
    std::cout << '\n';
    asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::seconds(1));
    co_await pause.async_wait(asio::use_awaitable);
  }
}
