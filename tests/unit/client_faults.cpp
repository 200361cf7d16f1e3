// The client against the scripted fake endpoint: retries, backoff, the token bucket, stale
// connections, timeouts, cancellation, error diagnostics, the request's shape, the pool bound.
// Every scenario ends by checking that the same client still completes a request.

#include <dynasio/client.hpp>
#include <dynasio/detail/client_impl.hpp>
#include <dynasio/detail/protocol/json_reader.hpp>
#include <dynasio/detail/retry_policy.hpp>
#include <dynasio/error.hpp>
#include <dynasio/is_retryable.hpp>
#include <dynasio/item_limits.hpp>
#include <dynasio/sigv4/signer.hpp>

#include "fake_config.hpp"
#include "fake_endpoint.hpp"
#include "run_coro.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <doctest/doctest.h>

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace json = boost::json;
using namespace dynasio;
using namespace asio::experimental::awaitable_operators;
using namespace std::chrono_literals;
using test::aws_error;
using test::exchange;
using test::fake_endpoint;
using test::run_coro;
using test::stop_when_done;

namespace {

// The guarded secret key (tests/common/secret_guard.hpp): a test fails if it leaks.
const credentials test_creds{"AKIDFAULTS0001", std::string(test::guarded_secret_key), ""};

// Log lines the client wrote, kept for assertions.
struct log_lines {
  std::vector<std::string> lines;
};

client_config fast_config(const fake_endpoint& ep, std::shared_ptr<log_lines> log = nullptr) {
  client_config c = test::fake_config(ep);
  c.credentials = test_creds;
  c.retry.base_delay = 20ms;
  c.retry.max_delay = 30ms;
  c.connect_timeout = 2s;
  c.request_timeout = 2s;
  c.logger = test::guarded_logger([log](log_level, std::string_view line) {
    if (log) log->lines.emplace_back(line);
  });
  return c;
}

exchange ok(std::string body = R"({"ok":true})") {
  exchange e;
  e.body = std::move(body);
  return e;
}

exchange with_status(unsigned status) {
  exchange e;
  e.status = status;
  return e;
}

exchange fault(exchange::action act, std::chrono::milliseconds delay = 0ms) {
  exchange e;
  e.act = act;
  e.delay = delay;
  return e;
}

// What one call threw, if it threw a dynasio::error.
asio::awaitable<std::optional<error>> call_error(client& db, std::string op = "PutItem") {
  try {
    co_await db.call_raw(op, "{}");
  } catch (const error& e) {
    co_return e;
  }
  co_return std::nullopt;
}

// The client still works: one more scripted reply, one more request that succeeds.
asio::awaitable<void> check_usable(client& db, fake_endpoint& ep) {
  ep.push(ok(R"({"usable":true})"));
  json::object r = co_await db.call_raw("GetItem", "{}");
  CHECK(r.contains("usable"));
}

// Runs one call and keeps what it threw: `a || b` discards the loser's exception.
asio::awaitable<void> call_keeping_error(client& db, std::optional<error>& thrown) {
  try {
    co_await db.call_raw("GetItem", "{}");
  } catch (const error& e) {
    thrown = e;
    throw;
  }
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

// Returns once the endpoint has read `n` requests: a deadline that falls exactly in flight.
asio::awaitable<void> until_requests(const fake_endpoint& ep, std::size_t n) {
  for (int i = 0; i < 2000 && ep.request_count() < n; ++i) co_await sleep_for(5ms);
  REQUIRE(ep.request_count() >= n);
}

bool is_canceled(const std::optional<error>& e) { return e && e->code() == std::errc::operation_canceled; }

// Plays `script` on a fake endpoint while `body(ep)` runs; the endpoint must have seen nothing amiss.
void play(std::vector<exchange> script, const std::function<asio::awaitable<void>(fake_endpoint&)>& body) {
  asio::io_context ioc;
  fake_endpoint ep(ioc.get_executor(), std::move(script));
  run_coro(ioc, stop_when_done(ep, body(ep)));
  CHECK(ep.failures().empty());
}

// --- 1. throttling ---------------------------------------------------------------------------

asio::awaitable<void> throttled_twice(fake_endpoint& ep) {
  auto log = std::make_shared<log_lines>();
  client db(co_await asio::this_coro::executor, fast_config(ep, log));
  json::object r = co_await db.call_raw("PutItem", "{}");
  CHECK(r.contains("ok"));
  CHECK(ep.request_count() == 3);
  CHECK(db.stats().requests == 3);
  CHECK(db.stats().retries == 2);
  CHECK(db.stats().throttles == 2);
  co_await check_usable(db, ep);
}

TEST_CASE("client fault: throttling twice, then success") {
  play({aws_error(400, "ProvisionedThroughputExceededException", "slow down"),
        aws_error(400, "ThrottlingException", "slow down more"), ok()},
       throttled_twice);
}

// --- 2. server errors ------------------------------------------------------------------------

asio::awaitable<void> server_errors(fake_endpoint& ep) {
  auto log = std::make_shared<log_lines>();
  client db(co_await asio::this_coro::executor, fast_config(ep, log));
  auto e = co_await call_error(db);
  REQUIRE(e);
  CHECK(e->code() == service_errc::internal_server_error);
  CHECK(e->diagnostics().http_status == 500);
  CHECK(std::string(e->what()).find("after 3 attempts") != std::string::npos);
  CHECK(ep.request_count() == 3);
  CHECK(db.stats().retries == 2);
  CHECK(db.stats().throttles == 0);

  ep.push(with_status(503));
  ep.push(with_status(503));
  ep.push(with_status(503));
  e = co_await call_error(db);
  REQUIRE(e);
  CHECK(e->code() == service_errc::service_unavailable);
  CHECK(e->diagnostics().http_status == 503);
  CHECK(ep.request_count() == 6);

  ep.push(aws_error(400, "ValidationException", "One or more parameter values were invalid"));
  e = co_await call_error(db);
  REQUIRE(e);
  CHECK(e->code() == service_errc::validation_exception);
  CHECK(e->diagnostics().message == "One or more parameter values were invalid");
  CHECK(ep.request_count() == 7);
  CHECK(db.stats().retries == 4);
  co_await check_usable(db, ep);
}

TEST_CASE("client fault: 500 and 503 are retried up to max_attempts, 400 is not retried") {
  play({with_status(500), with_status(500), with_status(500)}, server_errors);
}

// --- 3 and 4. connection closed before or after the request was read ---------------------------

// The first connection was closed by the server (having read `requests_read` requests): the call
// succeeds on the retry, on a second connection, and it counts as a retry, not a stale one.
asio::awaitable<void> retried_on_a_new_connection(fake_endpoint& ep, std::size_t requests_read) {
  client db(co_await asio::this_coro::executor, fast_config(ep));
  json::object r = co_await db.call_raw("PutItem", "{}");
  CHECK(r.contains("ok"));
  CHECK(ep.connections_accepted() == 2);
  CHECK(ep.request_count() == requests_read + 1);
  CHECK(db.stats().retries == 1);
  CHECK(db.stats().stale_connection_retries == 0);
  co_await check_usable(db, ep);
}

TEST_CASE("client fault: a fresh connection closed before the request was read is a retried attempt") {
  play({fault(exchange::action::close_before_read), ok()},
       [](fake_endpoint& ep) { return retried_on_a_new_connection(ep, 0); });
}

asio::awaitable<void> closed_before_read_reused(fake_endpoint& ep) {
  client db(co_await asio::this_coro::executor, fast_config(ep));
  co_await db.call_raw("PutItem", "{}");
  CHECK(ep.connections_accepted() == 1);
  json::object r = co_await db.call_raw("PutItem", "{}");
  CHECK(r.contains("second"));
  CHECK(ep.connections_accepted() == 2);
  CHECK(db.stats().stale_connection_retries == 1);
  CHECK(db.stats().retries == 0);
  co_await check_usable(db, ep);
  CHECK(ep.connections_accepted() == 2);
}

TEST_CASE("client fault: a reused keep-alive connection closed by the server gets the free stale retry") {
  play({ok(), fault(exchange::action::close_before_read), ok(R"({"second":1})")}, closed_before_read_reused);
}

TEST_CASE("client fault: a connection closed after the request was read is retried") {
  play({fault(exchange::action::close_after_read), ok()},
       [](fake_endpoint& ep) { return retried_on_a_new_connection(ep, 1); });
}

// --- 5. CRC-32 -------------------------------------------------------------------------------

asio::awaitable<void> wrong_crc(fake_endpoint& ep) {
  client db(co_await asio::this_coro::executor, fast_config(ep));
  json::object r = co_await db.call_raw("GetItem", "{}");
  CHECK(r.contains("ok"));
  CHECK(ep.request_count() == 2);
  CHECK(db.stats().retries == 1);

  client_config single = fast_config(ep);
  single.retry.max_attempts = 1;
  client once(co_await asio::this_coro::executor, single);
  ep.push(fault(exchange::action::wrong_crc));
  auto e = co_await call_error(once, "GetItem");
  REQUIRE(e);
  CHECK(e->code() == errc::crc32_mismatch);
  CHECK(is_retryable(e->code()));
  co_await check_usable(once, ep);
}

TEST_CASE("client fault: a reply whose CRC-32 does not match is retried") {
  play({fault(exchange::action::wrong_crc), ok()}, wrong_crc);
}

// --- 6. request timeout ----------------------------------------------------------------------

asio::awaitable<void> timeouts(fake_endpoint& ep) {
  client_config cfg = fast_config(ep);
  cfg.request_timeout = 100ms;
  client db(co_await asio::this_coro::executor, cfg);
  auto e = co_await call_error(db);
  REQUIRE(e);
  CHECK(e->code() == errc::timeout);
  CHECK(std::string(e->what()).find("after 3 attempts") != std::string::npos);
  CHECK(ep.request_count() == 3);
  CHECK(db.stats().retries == 2);
  // Each timed-out connection is closed, never reused.
  CHECK(ep.connections_accepted() == 3);
  co_await check_usable(db, ep);
  CHECK(ep.connections_accepted() == 4);
}

TEST_CASE("client fault: replies slower than request_timeout time out after max_attempts attempts") {
  play({fault(exchange::action::reply, 400ms), fault(exchange::action::no_reply_hang),
        fault(exchange::action::no_reply_hang)},
       timeouts);
}

// --- 7. cancellation in flight ---------------------------------------------------------------

asio::awaitable<void> cancel_in_flight(fake_endpoint& ep) {
  client db(co_await asio::this_coro::executor, fast_config(ep));
  std::optional<error> thrown;
  auto winner = co_await (call_keeping_error(db, thrown) || until_requests(ep, 1));
  CHECK(winner.index() == 1);
  CHECK(is_canceled(thrown));
  CHECK(db.stats().retries == 0);
  CHECK(dynasio::detail::access::pool(db).open() == 0);

  // The reply to a cancelled request arrives later, on a connection the client has closed: the
  // next request, on a new connection, reads its own reply.
  thrown.reset();
  winner = co_await (call_keeping_error(db, thrown) || until_requests(ep, 2));
  CHECK(winner.index() == 1);
  CHECK(is_canceled(thrown));
  json::object r = co_await db.call_raw("GetItem", "{}");
  CHECK(r.contains("fresh"));
  CHECK(ep.request_count() == 3);
  CHECK(ep.connections_accepted() == 3);
  co_await check_usable(db, ep);
}

TEST_CASE("client fault: cancelled in flight, the call throws operation_canceled and drops the connection") {
  exchange late = ok(R"({"late":true})");
  late.delay = 300ms;
  play({fault(exchange::action::no_reply_hang), late, ok(R"({"fresh":true})")}, cancel_in_flight);
}

asio::awaitable<void> cancel_during_backoff(fake_endpoint& ep) {
  auto ex = co_await asio::this_coro::executor;
  // The client logs "retrying in N ms" just before it waits: that is when to cancel.
  auto retrying = std::make_shared<asio::steady_timer>(ex, asio::steady_timer::time_point::max());
  client_config cfg = fast_config(ep);
  cfg.retry.base_delay = 5s;
  cfg.retry.max_delay = 5s;
  cfg.logger = test::guarded_logger([retrying](log_level, std::string_view line) {
    if (line.find("retrying in") != std::string_view::npos) retrying->cancel();
  });
  client db(ex, cfg);
  std::optional<error> thrown;
  auto winner = co_await (call_keeping_error(db, thrown) || retrying->async_wait(asio::as_tuple(asio::use_awaitable)));
  CHECK(winner.index() == 1);
  CHECK(is_canceled(thrown));
  CHECK(ep.request_count() == 1);
  CHECK(db.stats().retries == 1);
  co_await check_usable(db, ep);
}

TEST_CASE("client fault: cancelled while waiting to retry, the call throws operation_canceled") {
  play({with_status(500)}, cancel_during_backoff);
}

// --- 8. cancellation before sending ----------------------------------------------------------

asio::awaitable<void> holds_the_only_connection(client& db, asio::steady_timer& release, std::optional<error>& thrown) {
  auto winner = co_await (call_keeping_error(db, thrown) || release.async_wait(asio::as_tuple(asio::use_awaitable)));
  CHECK(winner.index() == 1);
}

asio::awaitable<void> waits_for_a_connection(client& db, fake_endpoint& ep, asio::steady_timer& release,
                                             std::optional<error>& thrown) {
  co_await until_requests(ep, 1);
  CHECK(dynasio::detail::access::pool(db).open() == 1);
  auto winner = co_await (call_keeping_error(db, thrown) || sleep_for(100ms));
  CHECK(winner.index() == 1);
  CHECK(ep.request_count() == 1);
  CHECK(db.stats().requests == 1);
  release.cancel();
}

asio::awaitable<void> cancel_while_waiting(fake_endpoint& ep) {
  client_config cfg = fast_config(ep);
  cfg.max_connections = 1;
  client db(co_await asio::this_coro::executor, cfg);
  std::optional<error> first, second;
  asio::steady_timer release(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
  co_await (holds_the_only_connection(db, release, first) && waits_for_a_connection(db, ep, release, second));
  CHECK(is_canceled(first));
  CHECK(is_canceled(second));
  CHECK(ep.request_count() == 1);
  CHECK(db.stats().requests == 1);
  CHECK(dynasio::detail::access::pool(db).open() == 0);
  co_await check_usable(db, ep);
  CHECK(ep.connections_accepted() == 2);
}

TEST_CASE("client fault: cancelled while waiting for a pooled connection, nothing is sent") {
  play({fault(exchange::action::no_reply_hang)}, cancel_while_waiting);
}

// --- 9. retry token bucket -------------------------------------------------------------------

asio::awaitable<void> token_bucket(fake_endpoint& ep) {
  client_config cfg = fast_config(ep);
  cfg.retry.max_attempts = 10;
  cfg.retry.token_bucket_capacity = 10;
  cfg.retry.retry_cost = 5;
  client db(co_await asio::this_coro::executor, cfg);
  const auto& bucket = dynasio::detail::access::retry(db);

  // One retry, then success: the success refunds what the retry took.
  co_await db.call_raw("PutItem", "{}");
  CHECK(bucket.tokens() == 10);
  CHECK(db.stats().retries == 1);

  // Two retries empty the bucket; the third failure is returned, not retried.
  for (int i = 0; i < 3; ++i) ep.push(with_status(500));
  auto e = co_await call_error(db);
  REQUIRE(e);
  CHECK(e->code() == service_errc::internal_server_error);
  CHECK(std::string(e->what()).find("retry token bucket is empty") != std::string::npos);
  CHECK(ep.request_count() == 5);
  CHECK(db.stats().retries == 3);
  CHECK(bucket.tokens() == 0);

  // Empty bucket: a failure is not retried at all.
  ep.push(with_status(500));
  e = co_await call_error(db);
  REQUIRE(e);
  CHECK(std::string(e->what()).find("retry token bucket is empty") != std::string::npos);
  CHECK(ep.request_count() == 6);

  // Successes without retries refund one token each, until a retry can be paid for again.
  for (int i = 0; i < 5; ++i) co_await check_usable(db, ep);
  CHECK(bucket.tokens() == 5);
  ep.push(with_status(500));
  co_await check_usable(db, ep);
  CHECK(db.stats().retries == 4);
  CHECK(bucket.tokens() == 5);
}

TEST_CASE("client fault: the retry token bucket stops retries when empty, successes refill it") {
  play({with_status(500), ok()}, token_bucket);
}

// --- 10. diagnostics and secrets ---------------------------------------------------------------

const credentials secret_creds{"AKIDNEEDLE0001", "wJalrXUtnFEMI/K7MDENG/SECRETNEEDLEKEY",
                               "TOKENNEEDLE/session+token=="};

// DynamoDB's InvalidSignatureException quotes the canonical request, security token included.
exchange invalid_signature_echo() {
  exchange e;
  e.status = 400;
  e.body_fn = [](const test::recorded_request& req) {
    json::object o;
    o["__type"] = "com.amazon.coral.service#InvalidSignatureException";
    o["message"] =
        "The request signature we calculated does not match the signature you provided.\n\n"
        "The Canonical String for this request should have been\n'POST\n/\n\nx-amz-security-token:" +
        req.headers.at("x-amz-security-token") + "\n'";
    return json::serialize(o);
  };
  return e;
}

asio::awaitable<void> diagnostics_and_secrets(fake_endpoint& ep) {
  auto log = std::make_shared<log_lines>();
  client_config cfg = fast_config(ep, log);
  cfg.credentials = secret_creds;
  cfg.retry.max_attempts = 2;
  cfg.request_timeout = 100ms;
  client db(co_await asio::this_coro::executor, cfg);
  std::vector<std::string> whats;

  auto e = co_await call_error(db);
  REQUIRE(e);
  CHECK(e->code() == service_errc::conditional_check_failed);
  CHECK(e->diagnostics().type == "ConditionalCheckFailedException");
  CHECK(e->diagnostics().message == "The conditional request failed");
  CHECK(e->diagnostics().request_id == "RID-DIAG-1");
  CHECK(e->diagnostics().http_status == 400);
  whats.push_back(e->what());

  exchange unknown = aws_error(400, "SomeNewException", "brand new");
  ep.push(unknown);
  e = co_await call_error(db);
  REQUIRE(e);
  CHECK(e->code() == service_errc::unknown);
  CHECK(e->diagnostics().type == "SomeNewException");
  CHECK(e->diagnostics().message == "brand new");
  whats.push_back(e->what());

  ep.push(invalid_signature_echo());
  e = co_await call_error(db);
  REQUIRE(e);
  CHECK(e->code() == service_errc::invalid_signature);
  CHECK(e->diagnostics().message.find("The request signature we calculated") != std::string::npos);
  whats.push_back(e->what());
  whats.push_back(e->diagnostics().message);

  for (int i = 0; i < 2; ++i) ep.push(fault(exchange::action::wrong_crc));
  e = co_await call_error(db);
  REQUIRE(e);
  whats.push_back(e->what());
  for (int i = 0; i < 2; ++i) ep.push(fault(exchange::action::no_reply_hang));
  e = co_await call_error(db);
  REQUIRE(e);
  CHECK(e->code() == errc::timeout);
  whats.push_back(e->what());

  std::string signature;
  for (const auto& r : ep.requests()) {
    const std::string& auth = r.headers.at("authorization");
    signature = auth.substr(auth.find("Signature=") + 10);
    REQUIRE(signature.size() == 64);
    for (const auto& w : whats) CHECK(w.find(signature) == std::string::npos);
  }
  for (const auto& l : log->lines) whats.push_back(l);
  for (const auto& w : whats) {
    INFO(w);
    CHECK(w.find("SECRETNEEDLE") == std::string::npos);
    CHECK(w.find("TOKENNEEDLE") == std::string::npos);
    CHECK(w.find("Signature=") == std::string::npos);
  }
  co_await check_usable(db, ep);
}

TEST_CASE("client fault: error diagnostics come from the reply, and no error carries a secret") {
  json::object body;
  body["__type"] = "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException";
  body["Message"] = "The conditional request failed";
  exchange conditional;
  conditional.status = 400;
  conditional.body = json::serialize(body);
  conditional.headers.emplace_back("x-amzn-RequestId", "RID-DIAG-1");
  play({conditional}, diagnostics_and_secrets);
}

// --- 11. request shape -----------------------------------------------------------------------

asio::awaitable<void> request_shape(fake_endpoint& ep) {
  client plain(co_await asio::this_coro::executor, fast_config(ep));
  co_await plain.call_raw("PutItem", R"({"TableName":"t"})");
  client_config with_token = fast_config(ep);
  with_token.credentials.session_token = "SESSIONTOKEN0001";
  client temporary(co_await asio::this_coro::executor, with_token);
  co_await temporary.call_raw("DescribeTable", R"({"TableName":"t"})");

  auto reqs = ep.requests();
  REQUIRE(reqs.size() == 2);
  sigv4::signer signer("us-east-1", "dynamodb");
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    const auto& r = reqs[i];
    const bool token = i == 1;
    CAPTURE(i);
    CHECK(r.method == "POST");
    CHECK(r.path == "/");
    CHECK(r.target == (token ? "DynamoDB_20120810.DescribeTable" : "DynamoDB_20120810.PutItem"));
    CHECK(r.headers.at("content-type") == "application/x-amz-json-1.0");
    CHECK(r.headers.at("host") == "127.0.0.1:" + std::to_string(ep.port()));
    CHECK(r.headers.at("x-amz-date").size() == 16);
    const std::string& auth = r.headers.at("authorization");
    CHECK(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDFAULTS0001/" + r.headers.at("x-amz-date").substr(0, 8) +
                           "/us-east-1/dynamodb/aws4_request, "));
    CHECK(auth.find(token ? "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,"
                          : "SignedHeaders=content-type;host;x-amz-date;x-amz-target,") != std::string::npos);
    CHECK(r.headers.contains("x-amz-security-token") == token);
    if (token) CHECK(r.headers.at("x-amz-security-token") == "SESSIONTOKEN0001");
    // The signature is the one the signer computes for exactly what arrived.
    CHECK(auth == signer.sign_dynamodb(token ? with_token.credentials : test_creds, r.headers.at("host"),
                                       r.headers.at("x-amz-date"), r.target, r.headers.at("content-type"), r.body));
  }
}

TEST_CASE("client request shape: SigV4 Authorization, X-Amz-Target, Content-Type, security token") {
  play({ok(), ok()}, request_shape);
}

// --- 12. pool bound --------------------------------------------------------------------------

asio::awaitable<void> one_call(client& db, std::size_t& peak_open) {
  co_await db.call_raw("PutItem", "{}");
  peak_open = std::max(peak_open, dynasio::detail::access::pool(db).open());
}

asio::awaitable<void> six_concurrent_calls(fake_endpoint& ep) {
  client_config cfg = fast_config(ep);
  cfg.max_connections = 2;
  client db(co_await asio::this_coro::executor, cfg);
  std::size_t peak = 0;
  co_await (one_call(db, peak) && one_call(db, peak) && one_call(db, peak) && one_call(db, peak) &&
            one_call(db, peak) && one_call(db, peak));
  CHECK(ep.request_count() == 6);
  CHECK(ep.connections_accepted() == 2);
  CHECK(db.stats().connections_opened == 2);
  CHECK(peak <= 2);
  // The ended calls' buffers are kept for the next ones, at most one per connection.
  CHECK(dynasio::detail::access::spare_call_buffers(db).size() == 2);
  co_await check_usable(db, ep);
  CHECK(ep.connections_accepted() == 2);
}

TEST_CASE("client fault: max_connections bounds the connections of concurrent calls") {
  std::vector<exchange> script(6, fault(exchange::action::reply, 50ms));
  play(std::move(script), six_concurrent_calls);
}

// --- 13. buffers kept between calls ---------------------------------------------------------

// From the second call on, a call writes its target and head and reads its reply in the buffers
// an earlier call left: each call must still see only its own reply's status, fields and body.
asio::awaitable<void> buffers_between_calls(fake_endpoint& ep) {
  client db(co_await asio::this_coro::executor, fast_config(ep));
  const auto& spares = dynasio::detail::access::spare_call_buffers(db);
  json::object big = co_await db.call_raw("GetItem", "{}");
  CHECK(big.at("Item").at("s").at("S").as_string().size() == 100000);
  REQUIRE(spares.size() == 1);
  // A large reply's body is freed, not kept for every later call.
  CHECK(spares.front()->reply.body().capacity() < 100000);
  auto e = co_await call_error(db, "PutItem");
  REQUIRE(e);
  CHECK(e->code() == service_errc::conditional_check_failed);
  CHECK(e->diagnostics().request_id == "RID-SECOND");
  CHECK(e->diagnostics().http_status == 400);
  // No x-amz-crc32 this time: the first replies' checksums must not be checked against it.
  json::object small = co_await db.call_raw("DescribeTable", "{}");
  CHECK(small == json::parse(R"({"Table":{"TableName":"t"}})").as_object());
  CHECK(spares.size() == 1);
  CHECK(ep.connections_accepted() == 1);
  co_await check_usable(db, ep);
}

TEST_CASE("client: buffers kept between calls hold only the current call's target and reply") {
  exchange big = ok(R"({"Item":{"s":{"S":")" + std::string(100000, 'x') + R"("}}})");
  big.expect_target = "DynamoDB_20120810.GetItem";
  big.headers.emplace_back("x-amzn-RequestId", "RID-FIRST");
  exchange failed = aws_error(400, "ConditionalCheckFailedException", "The conditional request failed");
  failed.expect_target = "DynamoDB_20120810.PutItem";
  failed.headers.back().second = "RID-SECOND";
  exchange small = ok(R"({"Table":{"TableName":"t"}})");
  small.expect_target = "DynamoDB_20120810.DescribeTable";
  small.add_crc32 = false;
  play({big, failed, small}, buffers_between_calls);
}

}  // namespace

// --- replies as deep as DynamoDB's items -------------------------------------------------------

// An item of 32 levels of M (DynamoDB's limit), as GetItem returns it: 67 levels of JSON, past
// Boost.JSON's default of 32.
std::string deep_get_item_reply() {
  std::string value = R"({"N":"1"})";
  for (int i = 0; i < 32; ++i) value = R"({"M":{"m":)" + value + "}}";
  return R"({"Item":{"id":{"S":"deep"},"doc":)" + value + "}}";
}

asio::awaitable<void> deep_reply(fake_endpoint& ep) {
  client db(co_await asio::this_coro::executor, fast_config(ep));
  json::object r = co_await db.call_raw("GetItem", "{}");
  const item got = dynasio::detail::read_item(r.at("Item").as_object());
  const attribute_value* v = &got.at("doc");
  int levels = 0;
  while (v->is(attribute_type::M)) {
    v = &v->as_map().at("m");
    ++levels;
  }
  CHECK(levels == 32);
  CHECK(*v == attribute_value(1));
  co_await check_usable(db, ep);
}

static_assert(dynasio::detail::max_wire_json_depth == 2 * dynasio::max_nesting_depth + 16);

TEST_CASE("client: a reply holding an item 32 levels deep is read, not refused as malformed") {
  play({ok(deep_get_item_reply())}, deep_reply);
}
