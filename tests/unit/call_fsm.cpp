// The request core without I/O: every branch of call_fsm, driven by scripted events. Actions
// print as "acquire connect exchange wait(17ms) done", so a failing check shows the sequence.

#include <dynasio/detail/call_fsm.hpp>
#include <dynasio/error.hpp>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/crc.hpp>
#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace dynasio;
using namespace dynasio::detail;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

std::string show(const call_action& a) {
  switch (a.kind) {
    case call_action_kind::fetch_credentials: return "fetch_credentials";
    case call_action_kind::acquire: return "acquire";
    case call_action_kind::connect: return "connect";
    case call_action_kind::exchange: return "exchange";
    case call_action_kind::wait: return (a.pacing ? "pace(" : "wait(") + std::to_string(a.delay.count()) + "ms)";
    case call_action_kind::done: return "done";
  }
  return "?";
}

const credentials creds{"AKIDFSM", "SECRET/fsm+key", "TOKEN/fsm=="};

// A reply the test owns: the view points into it.
struct canned {
  unsigned status = 200;
  std::string body = R"({"ok":true})";
  std::string crc;  // empty: no x-amz-crc32
  std::string request_id = "REQ-1";
  std::string date;
  reply_view view() const {
    reply_view v;
    v.status = status;
    v.reason = status == 200 ? "OK" : "Error";
    v.request_id = request_id;
    v.has_crc32 = !crc.empty();
    v.crc32 = crc;
    v.date = date;
    v.body = body;
    return v;
  }
};

canned aws_error(unsigned status, std::string type, std::string message = "msg") {
  canned c;
  c.status = status;
  c.body = R"({"__type":"com.amazonaws.dynamodb.v20120810#)" + type + R"(","message":")" + message + R"("})";
  return c;
}

std::string crc_of(const std::string& body) {
  boost::crc_32_type sum;
  sum.process_bytes(body.data(), body.size());
  return std::to_string(sum.checksum());
}

// One call under test, with its own token bucket (fixed seed) and counters.
struct harness {
  retry_config cfg;
  retry_policy retry;
  client_stats stats;
  std::chrono::milliseconds skew{0};
  call_fsm fsm;
  std::vector<std::string> trace;
  reply_view view;

  explicit harness(retry_config c = retry_config{}, unsigned max_attempts = 3)
      : cfg(c), retry(cfg, 42), fsm("PutItem", "db.test", max_attempts, retry, stats, skew) {}

  // The virtual time every event carries (adaptive mode's rate limiter runs on it).
  std::chrono::steady_clock::time_point now{std::chrono::seconds(1000)};

  call_action step(call_event ev) {
    ev.now = now;
    call_action a = fsm.resume(ev);
    trace.push_back(show(a));
    return a;
  }
  call_action start() { return step({}); }
  call_action acquired(bool reused) {
    call_event ev;
    ev.reused = reused;
    return step(ev);
  }
  call_action failed(boost::system::error_code ec) {
    call_event ev;
    ev.ec = ec;
    return step(ev);
  }
  call_action ok() { return step({}); }
  call_action replied(const canned& c, std::chrono::system_clock::time_point at = {}) {
    view = c.view();
    call_event ev;
    ev.reply = &view;
    ev.creds = &creds;
    ev.received_at = at;
    return step(ev);
  }
  std::string joined() const {
    std::string s;
    for (const auto& t : trace) s += (s.empty() ? "" : " ") + t;
    return s;
  }
};

// The waits a fresh retry_policy with the same seed draws, for exact expectations.
std::vector<std::string> expected_waits(const retry_config& cfg, unsigned n) {
  retry_policy same(cfg, 42);
  std::vector<std::string> out;
  for (unsigned i = 1; i <= n; ++i) out.push_back("wait(" + std::to_string(same.backoff(i).count()) + "ms)");
  return out;
}

}  // namespace

TEST_CASE("call_fsm: a reused connection, one exchange, done with the reply") {
  harness h;
  CHECK(show(h.start()) == "acquire");
  CHECK(show(h.acquired(true)) == "exchange");
  CHECK(show(h.replied(canned{})) == "done");
  const call_outcome& out = h.fsm.outcome();
  CHECK(!out.ec);
  CHECK(out.reply.at("ok").as_bool());
  CHECK(out.attempts == 1);
  CHECK(out.retries == 0);
  CHECK(h.stats.requests == 1);
  CHECK(h.stats.connections_opened == 0);
}

TEST_CASE("call_fsm: a free slot is connected first") {
  harness h;
  h.start();
  CHECK(show(h.acquired(false)) == "connect");
  CHECK(show(h.ok()) == "exchange");
  CHECK(show(h.replied(canned{})) == "done");
  CHECK(h.stats.connections_opened == 1);
  CHECK(h.joined() == "acquire connect exchange done");
}

TEST_CASE("call_fsm: throttling twice then success: exact backoffs, counters, token refund") {
  harness h;
  h.start();
  h.acquired(true);
  h.replied(aws_error(400, "ProvisionedThroughputExceededException"));
  h.ok();  // waited
  h.acquired(true);
  h.replied(aws_error(400, "ThrottlingException"));
  h.ok();
  h.acquired(true);
  CHECK(show(h.replied(canned{})) == "done");
  auto w = expected_waits(h.cfg, 2);
  CHECK(h.joined() == "acquire exchange " + w[0] + " acquire exchange " + w[1] + " acquire exchange done");
  const call_outcome& out = h.fsm.outcome();
  CHECK(!out.ec);
  CHECK(out.attempts == 3);
  CHECK(out.retries == 2);
  CHECK(out.throttles == 2);
  CHECK(h.stats.retries == 2);
  CHECK(h.stats.throttles == 2);
  CHECK(h.stats.requests == 3);
  // Two retries cost 5 each; the success gives them back.
  CHECK(h.retry.tokens() == 500);
}

TEST_CASE("call_fsm: throttles naming only hot key ranges are counted apart, the last one too") {
  canned hot = aws_error(400, "ThrottlingException");
  hot.body = R"({"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"m",)"
             R"("ThrottlingReasons":[{"reason":"TableWriteKeyRangeThroughputExceeded","resource":"arn:t"}]})";
  {
    // A table throttle, a hot-key one, then success: one of the two retried throttles is hot.
    harness h;
    h.start();
    h.acquired(true);
    h.replied(aws_error(400, "ProvisionedThroughputExceededException"));
    h.ok();
    h.acquired(true);
    h.replied(hot);
    h.ok();
    h.acquired(true);
    CHECK(show(h.replied(canned{})) == "done");
    CHECK(h.fsm.outcome().throttles == 2);
    CHECK(h.fsm.outcome().hot_key_throttles == 1);
    CHECK_FALSE(h.fsm.outcome().hot_key);
  }
  {
    // Hot-key throttles to the last attempt: the call ends in one.
    harness h(retry_config{}, 2);
    h.start();
    h.acquired(true);
    h.replied(hot);
    h.ok();
    h.acquired(true);
    CHECK(show(h.replied(hot)) == "done");
    CHECK(h.fsm.outcome().ec == service_errc::throttling);
    CHECK(h.fsm.outcome().throttles == 1);
    CHECK(h.fsm.outcome().hot_key_throttles == 1);
    CHECK(h.fsm.outcome().hot_key);
  }
}

TEST_CASE("call_fsm: every wait stays within the capped exponential bound") {
  retry_config cfg;
  cfg.base_delay = 100ms;
  cfg.max_delay = 300ms;
  harness h(cfg, 6);
  h.start();
  for (unsigned attempt = 1; attempt < 6; ++attempt) {
    h.acquired(true);
    call_action a = h.replied(aws_error(500, "InternalServerError"));
    REQUIRE(a.kind == call_action_kind::wait);
    CHECK(a.delay <= capped_backoff(cfg.base_delay, cfg.max_delay, attempt));
    CHECK(h.fsm.last_failure().code == service_errc::internal_server_error);
    h.ok();
  }
  h.acquired(true);
  CHECK(show(h.replied(aws_error(500, "InternalServerError"))) == "done");
  CHECK(h.fsm.outcome().attempts == 6);
  CHECK(h.fsm.outcome().diag.message.find("(after 6 attempts)") != std::string::npos);
}

TEST_CASE("call_fsm: a 4xx the service will refuse again is not retried") {
  for (const char* type : {"ValidationException", "ConditionalCheckFailedException", "ResourceNotFoundException",
                           "AccessDeniedException", "InvalidSignatureException"}) {
    CAPTURE(type);
    harness h;
    h.start();
    h.acquired(true);
    CHECK(show(h.replied(aws_error(400, type, "nope"))) == "done");
    const call_outcome& out = h.fsm.outcome();
    CHECK(out.ec == make_error_code(service_errc_from_type(type)));
    CHECK(out.diag.type == type);
    CHECK(out.diag.message == "nope");
    CHECK(out.diag.http_status == 400);
    CHECK(out.diag.request_id == "REQ-1");
    CHECK(out.attempts == 1);
    CHECK(h.stats.retries == 0);
  }
}

TEST_CASE("call_fsm: 5xx without a type: 500 internal, 503 unavailable, both retried") {
  for (unsigned status : {500u, 502u, 503u}) {
    CAPTURE(status);
    harness h;
    h.start();
    h.acquired(true);
    canned c;
    c.status = status;
    c.body = "<html>down</html>";
    CHECK(h.replied(c).kind == call_action_kind::wait);
    CHECK(h.fsm.last_failure().code ==
          (status == 503 ? service_errc::service_unavailable : service_errc::internal_server_error));
    CHECK(h.fsm.last_failure().diag.message == "HTTP " + std::to_string(status) + " Error");
  }
}

TEST_CASE("call_fsm: the CRC-32 of the body is checked; a mismatch is retried, a match accepted") {
  harness h;
  h.start();
  h.acquired(true);
  canned bad;
  bad.crc = "12345";
  CHECK(h.replied(bad).kind == call_action_kind::wait);
  CHECK(h.fsm.last_failure().code == errc::crc32_mismatch);
  h.ok();
  h.acquired(true);
  canned good;
  good.crc = crc_of(good.body);
  CHECK(show(h.replied(good)) == "done");
  CHECK(!h.fsm.outcome().ec);
}

TEST_CASE("call_fsm: a 200 whose body is not a JSON object is a protocol error, not retried") {
  for (const char* body : {"", "[1,2]", "{\"a\":", "null"}) {
    CAPTURE(body);
    harness h;
    h.start();
    h.acquired(true);
    canned c;
    c.body = body;
    CHECK(show(h.replied(c)) == "done");
    CHECK(h.fsm.outcome().ec == errc::protocol_error);
    CHECK(h.fsm.outcome().diag.message == "PutItem: reply is not a JSON object");
  }
}

TEST_CASE("call_fsm: an exchange without error but without a reply is a protocol error") {
  harness h;
  h.start();
  h.acquired(true);
  CHECK(show(h.ok()) == "done");
  CHECK(h.fsm.outcome().ec == errc::protocol_error);
}

TEST_CASE("call_fsm: a reused connection the server had closed gets one free retry, not an attempt") {
  for (boost::system::error_code stale :
       {boost::system::error_code(boost::beast::http::error::end_of_stream),
        boost::system::error_code(asio::error::eof), boost::system::error_code(asio::error::connection_reset),
        boost::system::error_code(asio::error::broken_pipe),
        boost::system::error_code(asio::ssl::error::stream_truncated)}) {
    CAPTURE(stale.message());
    harness h;
    h.start();
    h.acquired(true);
    CHECK(show(h.failed(stale)) == "acquire");
    CHECK(h.stats.stale_connection_retries == 1);
    CHECK(h.stats.retries == 0);
    h.acquired(true);
    // The second stale failure is a real (retried) attempt.
    CHECK(h.failed(stale).kind == call_action_kind::wait);
    CHECK(h.stats.retries == 1);
    h.ok();
    h.acquired(false);
    h.ok();
    CHECK(show(h.replied(canned{})) == "done");
    CHECK(h.fsm.outcome().attempts == 2);
  }
}

TEST_CASE("call_fsm: a fresh connection failing is an attempt (no free retry)") {
  harness h;
  h.start();
  h.acquired(false);
  h.ok();
  CHECK(h.failed(asio::error::eof).kind == call_action_kind::wait);
  CHECK(h.stats.stale_connection_retries == 0);
  CHECK(h.stats.retries == 1);
}

TEST_CASE("call_fsm: a timeout is errc::timeout, retried, and costs timeout_cost tokens") {
  harness h;
  h.start();
  h.acquired(true);
  CHECK(h.failed(boost::beast::error::timeout).kind == call_action_kind::wait);
  CHECK(h.fsm.last_failure().code == errc::timeout);
  CHECK(h.fsm.last_failure().diag.message.find("PutItem: timed out (") == 0);
  CHECK(h.fsm.last_failure().diag.message.find("db.test") != std::string::npos);
  CHECK(h.retry.tokens() == 490);
}

TEST_CASE("call_fsm: a refused connect is retried and names the host") {
  harness h;
  h.start();
  h.acquired(false);
  CHECK(h.failed(asio::error::connection_refused).kind == call_action_kind::wait);
  CHECK(h.fsm.last_failure().code == std::error_code(boost::system::error_code(asio::error::connection_refused)));
  CHECK(h.fsm.last_failure().diag.message.find("(db.test)") != std::string::npos);
}

TEST_CASE("call_fsm: the empty token bucket ends retries; the original error is reported") {
  retry_config cfg;
  cfg.token_bucket_capacity = 7;  // one retry (5), not two
  harness h(cfg, 5);
  h.start();
  h.acquired(true);
  CHECK(h.replied(aws_error(500, "InternalServerError")).kind == call_action_kind::wait);
  h.ok();
  h.acquired(true);
  CHECK(show(h.replied(aws_error(500, "InternalServerError"))) == "done");
  CHECK(h.fsm.outcome().ec == service_errc::internal_server_error);
  CHECK(h.fsm.outcome().diag.message.find("not retried: the retry token bucket is empty") != std::string::npos);
  CHECK(h.retry.tokens() == 2);
}

TEST_CASE("call_fsm: cancellation at every I/O step ends the call at once with operation_aborted") {
  // Walk a call that needs a connect and a retry; cancel at step k for every k.
  const std::vector<std::string> steps{"acquire", "connect", "exchange", "wait", "acquire", "exchange"};
  for (std::size_t k = 0; k < steps.size(); ++k) {
    CAPTURE(k);
    harness h;
    h.start();
    std::size_t at = 0;
    call_action a{call_action_kind::acquire};
    while (a.kind != call_action_kind::done) {
      if (at == k) {
        a = h.failed(asio::error::operation_aborted);
        break;
      }
      switch (a.kind) {
        case call_action_kind::acquire: a = h.acquired(at != 0); break;
        case call_action_kind::connect: a = h.ok(); break;
        case call_action_kind::exchange:
          a = at == 2 ? h.replied(aws_error(503, "ServiceUnavailable")) : h.replied(canned{});
          break;
        case call_action_kind::wait: a = h.ok(); break;
        case call_action_kind::fetch_credentials:
        case call_action_kind::done: break;
      }
      ++at;
    }
    CHECK(show(a) == "done");
    const call_outcome& out = h.fsm.outcome();
    CHECK(out.ec == std::errc::operation_canceled);
    CHECK(out.diag.message ==
          (steps[k] == "wait" ? "PutItem: cancelled while waiting to retry" : "PutItem: cancelled"));
    // Nothing after the cancelled step.
    CHECK(show(h.fsm.resume({})) == "done");
  }
}

TEST_CASE("call_fsm: a failure injected at every I/O step is retried, and the call still succeeds") {
  // acquire never fails but by cancellation; connect and exchange fail with transport errors.
  for (int fail_at : {1, 2}) {
    CAPTURE(fail_at);
    harness h;
    h.start();
    h.acquired(false);
    call_action a = fail_at == 1 ? h.failed(asio::error::host_unreachable) : (h.ok(), h.failed(asio::error::eof));
    REQUIRE(a.kind == call_action_kind::wait);
    h.ok();
    h.acquired(false);
    h.ok();
    CHECK(show(h.replied(canned{})) == "done");
    CHECK(!h.fsm.outcome().ec);
    CHECK(h.fsm.outcome().attempts == 2);
    CHECK(h.stats.connections_opened == 2);
  }
}

TEST_CASE("call_fsm: secrets quoted by the service are masked in the diagnostics") {
  harness h;
  h.start();
  h.acquired(true);
  h.replied(aws_error(400, "InvalidSignatureException", "canonical: SECRET/fsm+key and TOKEN/fsm=="));
  const std::string& m = h.fsm.outcome().diag.message;
  CHECK(m.find("SECRET/fsm+key") == std::string::npos);
  CHECK(m.find("TOKEN/fsm==") == std::string::npos);
  CHECK(m == "canonical: [redacted] and [redacted]");
}

TEST_CASE("call_fsm: max_attempts = 1 reports the first retryable failure") {
  harness h(retry_config{}, 1);
  h.start();
  h.acquired(true);
  CHECK(show(h.replied(aws_error(400, "ThrottlingException"))) == "done");
  CHECK(h.fsm.outcome().ec == service_errc::throttling);
  CHECK(h.fsm.outcome().diag.message == "msg (after 1 attempts)");
  CHECK(h.stats.retries == 0);
}

TEST_CASE("call_fsm: RequestTimeTooSkewed corrects the signing clock from the reply's Date, one free retry") {
  harness h;
  h.start();
  h.acquired(true);
  canned skewed = aws_error(400, "RequestTimeTooSkewed", "too skewed");
  skewed.date = "Tue, 01 Dec 2026 10:15:00 GMT";
  const auto local = std::chrono::sys_days(std::chrono::year(2026) / 12 / 1) + 10h;  // 15 minutes behind
  CHECK(show(h.replied(skewed, local)) == "acquire");
  CHECK(h.skew == 15min);
  CHECK(h.stats.retries == 0);
  h.acquired(true);
  // A second skew error in the same call is reported, not corrected again.
  CHECK(show(h.replied(skewed, local)) == "done");
  CHECK(h.fsm.outcome().ec == service_errc::request_time_too_skewed);
}

TEST_CASE("call_fsm: a signature error corrects the clock only when the Date is more than 4 minutes off") {
  const auto local = std::chrono::sys_days(std::chrono::year(2026) / 12 / 1) + 10h;
  struct row {
    const char* date;
    bool corrected;
  };
  for (const row& r : {row{"Tue, 01 Dec 2026 10:03:00 GMT", false}, row{"Tue, 01 Dec 2026 09:50:00 GMT", true},
                       row{"garbage", false}}) {
    const char* date = r.date;
    const bool corrected = r.corrected;
    CAPTURE(date);
    harness h;
    h.start();
    h.acquired(true);
    canned sig = aws_error(400, "InvalidSignatureException", "Signature expired");
    sig.date = date;
    CHECK(show(h.replied(sig, local)) == (corrected ? "acquire" : "done"));
    CHECK(h.skew == (corrected ? -10min : 0min));
  }
}

TEST_CASE("call_fsm: with a credentials provider every attempt asks the cache first") {
  harness h;
  h.fsm.use_credentials_provider();
  CHECK(show(h.start()) == "fetch_credentials");
  CHECK(show(h.ok()) == "acquire");
  h.acquired(true);
  CHECK(h.replied(aws_error(500, "InternalServerError")).kind == call_action_kind::wait);
  CHECK(show(h.ok()) == "fetch_credentials");  // the next attempt: keys may have rotated meanwhile
  h.ok();
  h.acquired(true);
  CHECK(show(h.replied(canned{})) == "done");
  CHECK(!h.fsm.outcome().ec);
}

TEST_CASE("call_fsm: ExpiredTokenException renews the keys once, for free") {
  harness h;
  h.fsm.use_credentials_provider();
  h.start();
  h.ok();
  h.acquired(true);
  call_action a =
      h.replied(aws_error(400, "ExpiredTokenException", "The security token included in the request is expired"));
  CHECK(show(a) == "fetch_credentials");
  CHECK(a.renew);
  h.ok();
  h.acquired(true);
  // Refused again: reported, not renewed a second time.
  CHECK(show(h.replied(aws_error(400, "ExpiredTokenException", "still"))) == "done");
  CHECK(h.fsm.outcome().ec == service_errc::expired_token);
  CHECK(h.fsm.outcome().attempts == 1);
  CHECK(h.stats.retries == 0);
}

TEST_CASE("call_fsm: without a provider ExpiredTokenException is reported at once") {
  harness h;
  h.start();
  h.acquired(true);
  CHECK(show(h.replied(aws_error(400, "ExpiredTokenException", "expired"))) == "done");
}

TEST_CASE("call_fsm: the cache's failure ends the call with its code and reason; cancellation too") {
  harness h;
  h.fsm.use_credentials_provider();
  h.start();
  call_event ev;
  ev.ec = boost::system::error_code(make_error_code(errc::no_credentials));
  ev.message = "environment: AWS_ACCESS_KEY_ID not set; imds: disabled";
  CHECK(show(h.step(ev)) == "done");
  CHECK(h.fsm.outcome().ec == errc::no_credentials);
  CHECK(h.fsm.outcome().diag.message ==
        "PutItem: no credentials to sign with: environment: AWS_ACCESS_KEY_ID not set; imds: disabled");
  harness c;
  c.fsm.use_credentials_provider();
  c.start();
  CHECK(show(c.failed(asio::error::operation_aborted)) == "done");
  CHECK(c.fsm.outcome().ec == std::errc::operation_canceled);
}

TEST_CASE("call_fsm adaptive: no pacing before a throttle; after one, the next attempt waits for a token") {
  retry_config cfg;
  cfg.mode = retry_mode::adaptive;
  harness h(cfg, 3);
  REQUIRE(h.retry.rate() != nullptr);
  h.start();
  h.acquired(true);
  CHECK(show(h.replied(canned{})) == "done");  // the limiter is off: no token asked for
  CHECK_FALSE(h.retry.rate()->enabled());

  harness t(cfg, 3);
  t.start();
  t.acquired(true);
  const call_action backoff = t.replied(aws_error(400, "ProvisionedThroughputExceededException"));
  REQUIRE(backoff.kind == call_action_kind::wait);
  CHECK_FALSE(backoff.pacing);
  adaptive_rate* rate = t.retry.rate();
  CHECK(rate->enabled());
  // Nothing measured yet: the fill rate is the 0.5 tokens/s floor and the bucket is empty.
  CHECK(rate->fill_rate() == doctest::Approx(0.5));
  t.now += backoff.delay;
  const call_action pace = t.ok();
  REQUIRE(pace.kind == call_action_kind::wait);
  CHECK(pace.pacing);
  // (1 token - what the backoff refilled at 0.5/s) / 0.5 per second, rounded up to ms.
  const double refilled = 0.5 * std::chrono::duration<double>(backoff.delay).count();
  const auto expected =
      std::chrono::ceil<std::chrono::milliseconds>(std::chrono::duration<double>((1.0 - refilled) / 0.5));
  CHECK(pace.delay == expected);
  t.now += pace.delay;
  CHECK(show(t.ok()) == "acquire");
  CHECK(show(t.acquired(true)) == "exchange");
  CHECK(show(t.replied(canned{})) == "done");
  CHECK(t.fsm.outcome().attempts == 2);
  CHECK(t.fsm.outcome().retries == 1);
}

TEST_CASE("call_fsm adaptive: cancelled while waiting for a token, nothing is sent") {
  retry_config cfg;
  cfg.mode = retry_mode::adaptive;
  harness h(cfg, 3);
  h.retry.rate()->on_response(h.now, true);  // on, and empty
  CHECK(show(h.start()).rfind("pace(", 0) == 0);
  CHECK(show(h.failed(asio::error::operation_aborted)) == "done");
  CHECK(h.fsm.outcome().ec == std::error_code(boost::system::error_code(asio::error::operation_aborted)));
  CHECK(h.stats.requests == 0);
}

TEST_CASE("call_fsm adaptive with a credentials provider: the token comes first, then the keys") {
  retry_config cfg;
  cfg.mode = retry_mode::adaptive;
  harness h(cfg, 3);
  h.fsm.use_credentials_provider();
  h.retry.rate()->on_response(h.now, true);  // on, and empty
  const call_action pace = h.start();
  REQUIRE(pace.kind == call_action_kind::wait);
  CHECK(pace.pacing);
  h.now += pace.delay;
  CHECK(show(h.ok()) == "fetch_credentials");
  CHECK(show(h.ok()) == "acquire");
}
