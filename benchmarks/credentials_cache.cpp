// The cost of looking up cached credentials per request: credentials_cache::try_get() (the
// synchronous fast path) and `co_await get()` (a coroutine frame per call), against the baseline
// of copying a shared_ptr and against sign_dynamodb on a 1 KB body, which every request pays too.

#include <dynasio/detail/credentials_cache.hpp>
#include <dynasio/sigv4/signer.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr long long calls = 2'000'000;

template <class Op>
double ns_per_call(Op op) {
  for (int i = 0; i < 10'000; ++i) op();
  const auto start = clock_type::now();
  for (long long i = 0; i < calls; ++i) op();
  return std::chrono::duration<double, std::nano>(clock_type::now() - start).count() / static_cast<double>(calls);
}

asio::awaitable<dynasio::credentials> far_future() {
  dynasio::credentials c;
  c.access_key_id = "ASIAEXAMPLE";
  c.secret_access_key = "secret";
  c.session_token = std::string(900, 't');
  c.expiration = std::chrono::system_clock::now() + std::chrono::hours(6);
  co_return c;
}

asio::awaitable<void> await_loop(std::shared_ptr<dynasio::detail::credentials_cache> cache, double& result) {
  volatile std::size_t sink = 0;
  for (int i = 0; i < 10'000; ++i) sink = sink + (co_await cache->get()).creds->access_key_id.size();
  const auto start = clock_type::now();
  for (long long i = 0; i < calls; ++i) sink = sink + (co_await cache->get()).creds->access_key_id.size();
  result = std::chrono::duration<double, std::nano>(clock_type::now() - start).count() / static_cast<double>(calls);
}

}  // namespace

int main() {
  asio::io_context ioc;
  auto cache = std::make_shared<dynasio::detail::credentials_cache>(
      ioc.get_executor(), dynasio::credentials_provider("bench", [] { return far_future(); }),
      dynasio::credentials_refresh_config{}, dynasio::detail::credentials_cache::clock_function{},
      dynasio::log_function{});
  double awaited = 0;
  asio::co_spawn(ioc, await_loop(cache, awaited), asio::detached);
  ioc.run();

  volatile std::size_t sink = 0;
  auto shared = cache->try_get();
  const double copy = ns_per_call([&] {
    auto p = shared;
    sink = sink + p->access_key_id.size();
  });
  const double fast = ns_per_call([&] { sink = sink + cache->try_get()->access_key_id.size(); });

  std::string body(1024, 'x');
  dynasio::sigv4::signer signer("us-east-1", "dynamodb");
  const double sign = ns_per_call([&] {
    const std::string a = signer.sign_dynamodb(*shared, "dynamodb.us-east-1.amazonaws.com", "20250101T000000Z",
                                               "DynamoDB_20120810.PutItem", "application/x-amz-json-1.0", body);
    sink = sink + a.size();
  });
  std::printf("shared_ptr copy (baseline): %7.1f ns/call\n", copy);
  std::printf("try_get() (fast path):      %7.1f ns/call\n", fast);
  std::printf("co_await get():             %7.1f ns/call\n", awaited);
  std::printf("sign_dynamodb, 1 KB body:   %7.1f ns/call\n", sign);
  std::printf("provider calls: %llu\n", static_cast<unsigned long long>(cache->provider_calls()));
  return 0;
}
