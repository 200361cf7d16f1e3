// The client signing with keys from a credentials_provider, against a verifying DynamoDB front
// that checks every signature against the secrets it issued and rejects revoked keys.

#include <dynasio/batch_writer.hpp>
#include <dynasio/client.hpp>
#include <dynasio/error.hpp>
#include <dynasio/sigv4/signer.hpp>

#include "credentials_fakes.hpp"
#include "run_coro.hpp"

#include <boost/asio/io_context.hpp>
#include <doctest/doctest.h>

#include <map>
#include <set>

using namespace dynasio;
using namespace dynasio::test;
namespace asio = boost::asio;

namespace {

// Issues keys and verifies requests signed with them.
struct verifying_front {
  std::map<std::string, credentials> issued;
  std::set<std::string> revoked;
  std::vector<std::string> signed_with;  // access key id of every accepted or rejected request
  std::vector<std::string> problems;
  unsigned issues = 0;
  std::size_t accepted = 0;
  std::size_t items = 0;
  std::size_t batches_with_current = 0;

  credentials issue() {
    credentials c;
    c.access_key_id = "ASIAFRONT" + std::to_string(++issues);
    c.secret_access_key = "secret-" + c.access_key_id;
    c.session_token = "token-" + c.access_key_id;
    c.expiration = std::chrono::system_clock::now() + std::chrono::hours(1);
    issued[c.access_key_id] = c;
    return c;
  }

  fake_handler handler() {
    return [this](const recorded_request& r) -> exchange {
      auto h = [&](const char* n) { return r.headers.count(n) ? r.headers.at(n) : std::string(); };
      const std::string auth = h("authorization");
      const auto at = auth.find("Credential=");
      const std::string akid = at == std::string::npos ? "" : auth.substr(at + 11, auth.find('/', at) - at - 11);
      signed_with.push_back(akid);
      auto it = issued.find(akid);
      if (it == issued.end()) return aws_error(400, "UnrecognizedClientException", "unknown key");
      sigv4::signer s("eu-west-1", "dynamodb");
      const std::string expect =
          s.sign_dynamodb(it->second, h("host"), h("x-amz-date"), r.target, h("content-type"), r.body);
      if (expect != auth || h("x-amz-security-token") != it->second.session_token) {
        problems.push_back("bad signature from " + akid);
        return aws_error(400, "InvalidSignatureException", "signature mismatch");
      }
      if (revoked.count(akid))
        return aws_error(400, "ExpiredTokenException", "The security token included in the request is expired");
      ++accepted;
      if (r.target.ends_with("BatchWriteItem")) {
        items += boost::json::parse(r.body).at("RequestItems").at("t").as_array().size();
        // Rotate every 8 accepted batch calls: the keys in use stop working at once.
        if (++batches_with_current % 8 == 0) revoked.insert(akid);
        return fake_imds::with(200, R"({"UnprocessedItems":{}})");
      }
      return fake_imds::with(200, "{}");
    };
  }
};

asio::awaitable<credentials> issue_from(verifying_front* front, unsigned* calls) {
  ++*calls;
  co_return front->issue();
}

asio::awaitable<void> put_items(client& db, int n) {
  for (int i = 0; i < n; ++i) {
    boost::json::object req{{"TableName", "t"}, {"Item", {{"id", {{"S", std::to_string(i)}}}}}};
    co_await db.call("PutItem", req);
  }
}

// A client whose provider issues keys from the front it talks to.
struct front_harness {
  asio::io_context ioc;
  verifying_front front;
  fake_endpoint ep{ioc.get_executor(), front.handler()};
  unsigned calls = 0;
  client db{ioc.get_executor(), config()};

  client_config config() {
    client_config cfg;
    cfg.region = "eu-west-1";
    cfg.endpoint = ep.endpoint_url();
    cfg.credentials_provider = credentials_provider("front", [this] { return issue_from(&front, &calls); });
    return cfg;
  }
};

}  // namespace

TEST_CASE(
    "client + credentials_provider: one provider call, every request verified; ExpiredToken -> new keys, one retry") {
  front_harness h;
  CHECK(h.calls == 0);  // lazy: nothing fetched by the constructor
  auto body = [&]() -> asio::awaitable<void> {
    co_await put_items(h.db, 20);
    CHECK(h.calls == 1);
    h.front.revoked.insert("ASIAFRONT1");
    co_await put_items(h.db, 5);
  };
  run_coro(h.ioc, stop_when_done(h.ep, body()));
  CHECK(h.front.problems.empty());
  CHECK(h.calls == 2);
  REQUIRE(h.front.signed_with.size() == 26);
  CHECK(h.front.signed_with[19] == "ASIAFRONT1");
  CHECK(h.front.signed_with[20] == "ASIAFRONT1");  // rejected as expired
  for (std::size_t i = 21; i < h.front.signed_with.size(); ++i) CHECK(h.front.signed_with[i] == "ASIAFRONT2");
}

TEST_CASE("client + default chain with nothing configured: the first request says which providers were tried") {
  asio::io_context ioc;
  fake_env_vars env;
  env["HOME"] = "/nonexistent";
  env["AWS_EC2_METADATA_DISABLED"] = "true";
  client_config cfg;
  cfg.region = "eu-west-1";
  cfg.endpoint = "http://127.0.0.1:1";
  cfg.credentials_provider = default_credentials_chain(env.options());
  client db(ioc.get_executor(), cfg);
  try {
    run_coro(ioc, put_items(db, 1));
    FAIL("signed without credentials");
  } catch (const error& e) {
    CHECK(e.code() == errc::no_credentials);
    CHECK(std::string(e.what()).find("AWS_EC2_METADATA_DISABLED") != std::string::npos);
  }
  CHECK(db.stats().requests == 0);
}

namespace {
asio::awaitable<void> write_all(client& db, int n) {
  batch_options opts;
  opts.key_names = {"id"};
  batch_writer w(db, "t", opts);
  for (int i = 0; i < n; ++i) {
    item it;
    it.emplace("id", std::to_string(i));
    co_await w.put_item(std::move(it));
  }
  co_await w.close();
}
}  // namespace

TEST_CASE("client + credentials_provider: a batch writer runs across three rotations with no failed request") {
  front_harness h;
  // 25 items a call: 24 h.calls, rotations after the 8th, 16th and 24th.
  run_coro(h.ioc, stop_when_done(h.ep, write_all(h.db, 600)));
  CHECK(h.front.problems.empty());
  CHECK(h.front.items == 600);
  CHECK(h.front.revoked.size() == 3);
  CHECK(h.calls == 3);  // the third rotation came after the last call: nobody needed keys again
}
