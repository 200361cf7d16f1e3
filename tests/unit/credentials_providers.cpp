#include <dynasio/credentials.hpp>
#include <dynasio/detail/crypto.hpp>
#include <dynasio/error.hpp>

#include "credentials_fakes.hpp"
#include "run_coro.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace dynasio;
using namespace dynasio::test;
using namespace std::chrono;
namespace asio = boost::asio;

namespace {

struct outcome {
  std::optional<credentials> creds;
  std::optional<error> err;
};

asio::awaitable<outcome> fetch(credentials_provider p) {
  outcome o;
  try {
    credentials c = co_await p();
    o.creds = std::move(c);
  } catch (const error& e) {
    o.err = e;
  }
  co_return o;
}

outcome run_provider(asio::io_context& ioc, fake_endpoint& ep, credentials_provider p) {
  return run_coro(ioc, stop_when_done(ep, fetch(std::move(p))));
}

outcome run_provider(credentials_provider p) {
  asio::io_context ioc;
  return run_coro(ioc, fetch(std::move(p)));
}

std::string message(const outcome& o) { return o.err ? std::string(o.err->what()) : std::string("(no error)"); }

unsigned short closed_port() {
  asio::io_context ioc;
  asio::ip::tcp::acceptor a(ioc, {asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

const auto in_an_hour = [] { return system_clock::now() + hours(1); };

}  // namespace

TEST_CASE("environment provider: keys, token, expiration, account; partial keys are an error") {
  fake_env_vars env;
  auto o = run_provider(environment_credentials(env.options()));
  REQUIRE(o.err);
  CHECK(o.err->code() == errc::no_credentials);
  env["AWS_ACCESS_KEY_ID"] = "AK";
  o = run_provider(environment_credentials(env.options()));
  REQUIRE(o.err);
  CHECK(o.err->code() == errc::invalid_configuration);
  env["AWS_SECRET_ACCESS_KEY"] = "SK";
  env["AWS_SECURITY_TOKEN"] = "OLDTOK";
  env["AWS_CREDENTIAL_EXPIRATION"] = "2030-01-01T00:00:00+00:00";
  env["AWS_ACCOUNT_ID"] = "123";
  o = run_provider(environment_credentials(env.options()));
  REQUIRE(o.creds);
  CHECK(o.creds->session_token == "OLDTOK");
  CHECK(o.creds->expiration == detail::parse_timestamp("2030-01-01T00:00:00Z"));
  CHECK(o.creds->account_id == "123");
  env["AWS_SESSION_TOKEN"] = "TOK";
  env["AWS_CREDENTIAL_EXPIRATION"] = "tomorrow";
  o = run_provider(environment_credentials(env.options()));
  REQUIRE(o.err);
  CHECK(o.err->code() == errc::invalid_configuration);
}

TEST_CASE("container provider: relative URI on the configured host, Accept header, no Authorization") {
  asio::io_context ioc;
  fake_container fc;
  fc.doc = creds_json("CONT", in_an_hour());
  fake_endpoint ep(ioc.get_executor(), fc.handler());
  fake_env_vars env;
  env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/v2/credentials/abc";
  env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://127.0.0.1:1/never";
  auto opts = env.options();
  opts.container_host = "127.0.0.1:" + std::to_string(ep.port());
  auto o = run_provider(ioc, ep, container_credentials(opts));
  REQUIRE_MESSAGE(o.creds, message(o));
  CHECK(o.creds->access_key_id == "CONT");
  CHECK(o.creds->session_token == "token-CONT");
  auto reqs = ep.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].method == "GET");
  CHECK(reqs[0].path == "/v2/credentials/abc");
  CHECK(reqs[0].headers.at("accept") == "application/json");
  CHECK(reqs[0].headers.count("authorization") == 0);
}

TEST_CASE("container provider: full URI with a token; the token file wins and is re-read at every fetch") {
  asio::io_context ioc;
  fake_container fc;
  fc.doc = creds_json("POD", in_an_hour());
  fc.expected_token = "env-token";
  fake_endpoint ep(ioc.get_executor(), fc.handler());
  fake_env_vars env;
  env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = ep.endpoint_url() + "/v1/credentials";
  env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "env-token";
  auto p = container_credentials(env.options());
  auto body = [&]() -> asio::awaitable<void> {
    auto a = co_await fetch(p);
    CHECK_MESSAGE(a.creds, message(a));
    const std::string file = write_temp_file("pod-token", "file-token-1\n");
    env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = file;
    fc.expected_token = "file-token-1";
    auto b = co_await fetch(p);
    CHECK_MESSAGE(b.creds, message(b));
    write_temp_file("pod-token", "file-token-2");
    fc.expected_token = "file-token-2";
    auto c = co_await fetch(p);
    CHECK_MESSAGE(c.creds, message(c));
    // Without the header the Pod Identity agent answers 400: an error, not retried.
    fc.expected_token = "something-else";
    auto d = co_await fetch(p);
    CHECK(d.err);
    CHECK(message(d).find("InvalidToken") != std::string::npos);
    std::filesystem::remove(file);
    auto e = co_await fetch(p);
    CHECK(e.err);
    CHECK(e.err->code() == errc::invalid_configuration);
  };
  run_coro(ioc, stop_when_done(ep, body()));
  CHECK(fc.seen_tokens == std::vector<std::string>{"env-token", "file-token-1", "file-token-2", "file-token-2"});
}

TEST_CASE("container provider: CR/LF tokens and disallowed hosts fail before any request") {
  asio::io_context ioc;
  fake_container fc;
  fc.doc = creds_json("X", in_an_hour());
  fake_endpoint ep(ioc.get_executor(), fc.handler());
  fake_env_vars env;
  env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = ep.endpoint_url() + "/creds";
  env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "abc\r\nX-Injected: 1";
  auto o = run_provider(ioc, ep, container_credentials(env.options()));
  REQUIRE(o.err);
  CHECK(o.err->code() == errc::invalid_configuration);
  env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "fine";
  env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://10.0.0.1/creds";
  o = run_provider(container_credentials(env.options()));
  REQUIRE(o.err);
  CHECK(o.err->code() == errc::invalid_configuration);
  CHECK(ep.request_count() == 0);
  fake_env_vars none;
  o = run_provider(container_credentials(none.options()));
  REQUIRE(o.err);
  CHECK(o.err->code() == errc::no_credentials);
}

TEST_CASE("container provider: 5xx, 429 and unparsable 200 are retried; 4xx is not") {
  asio::io_context ioc;
  fake_container fc;
  fc.doc = creds_json("RETRIED", in_an_hour());
  fc.before.push_back(fake_imds::with(500, "oops"));
  fc.before.push_back(fake_imds::with(200, "not json"));
  fake_endpoint ep(ioc.get_executor(), fc.handler());
  fake_env_vars env;
  env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = ep.endpoint_url() + "/creds";
  auto o = run_provider(ioc, ep, container_credentials(env.options()));
  REQUIRE_MESSAGE(o.creds, message(o));
  CHECK(ep.request_count() == 3);

  asio::io_context ioc2;
  fake_container fc2;
  fc2.before.push_back(fake_imds::with(403, R"({"code":"AccessDenied","message":"nope"})"));
  fake_endpoint ep2(ioc2.get_executor(), fc2.handler());
  env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = ep2.endpoint_url() + "/creds";
  o = run_provider(ioc2, ep2, container_credentials(env.options()));
  REQUIRE(o.err);
  CHECK(message(o).find("AccessDenied: nope") != std::string::npos);
  CHECK(ep2.request_count() == 1);
}

TEST_CASE("IMDS provider: token PUT with TTL, role, credentials; the token is reused") {
  asio::io_context ioc;
  fake_imds imds;
  imds.docs.push_back(creds_json("EC2A", in_an_hour()));
  fake_endpoint ep(ioc.get_executor(), imds.handler());
  fake_env_vars env;
  env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = ep.endpoint_url() + "/";
  auto p = imds_credentials(env.options());
  auto body = [&]() -> asio::awaitable<void> {
    auto a = co_await fetch(p);
    REQUIRE_MESSAGE(a.creds, message(a));
    CHECK(a.creds->access_key_id == "EC2A");
    CHECK(a.creds->session_token == "token-EC2A");
    auto b = co_await fetch(p);
    CHECK(b.creds);
  };
  run_coro(ioc, stop_when_done(ep, body()));
  CHECK(imds.puts == 1);
  auto reqs = ep.requests();
  REQUIRE(reqs.size() == 5);
  CHECK(reqs[0].method == "PUT");
  CHECK(reqs[0].headers.at("x-aws-ec2-metadata-token-ttl-seconds") == "21600");
  CHECK(reqs[0].headers.count("x-forwarded-for") == 0);
  CHECK(reqs[1].path == "/latest/meta-data/iam/security-credentials/");
  CHECK(reqs[2].path == "/latest/meta-data/iam/security-credentials/web-role");
  CHECK(reqs[2].headers.at("x-aws-ec2-metadata-token") == "imds-token-1");
  CHECK(imds.tokenless_gets.empty());
}

TEST_CASE(
    "IMDS provider: a 401 on a GET with the cached token gets one new token; a missing TTL header assumes the one "
    "asked") {
  asio::io_context ioc;
  fake_imds imds;
  imds.send_ttl = false;
  imds.docs.push_back(creds_json("EC2B", in_an_hour()));
  fake_endpoint ep(ioc.get_executor(), imds.handler());
  fake_env_vars env;
  env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = ep.endpoint_url();
  auto p = imds_credentials(env.options());
  auto body = [&]() -> asio::awaitable<void> {
    auto a = co_await fetch(p);
    CHECK_MESSAGE(a.creds, message(a));
    imds.gets_401 = 1;
    auto b = co_await fetch(p);
    CHECK_MESSAGE(b.creds, message(b));
  };
  run_coro(ioc, stop_when_done(ep, body()));
  CHECK(imds.puts == 2);
}

TEST_CASE("IMDS provider: PUT refused -> error, IMDSv1 only when asked and not disabled") {
  for (unsigned status : {403u, 404u, 405u}) {
    asio::io_context ioc;
    fake_imds imds;
    imds.put_status = status;
    imds.docs.push_back(creds_json("V1", in_an_hour()));
    fake_endpoint ep(ioc.get_executor(), imds.handler());
    fake_env_vars env;
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = ep.endpoint_url();
    auto body = [&]() -> asio::awaitable<void> {
      auto a = co_await fetch(imds_credentials(env.options()));
      CHECK(a.err);
      CHECK(imds.tokenless_gets.empty());
      auto opts = env.options();
      opts.imds_v1_fallback = true;
      auto b = co_await fetch(imds_credentials(opts));
      CHECK_MESSAGE(b.creds, message(b));
      CHECK(imds.tokenless_gets.size() == 2);
      env["AWS_EC2_METADATA_V1_DISABLED"] = "TRUE";
      auto c = co_await fetch(imds_credentials(opts));
      CHECK(c.err);
      CHECK(message(c).find("disabled") != std::string::npos);
      CHECK(imds.tokenless_gets.size() == 2);
    };
    run_coro(ioc, stop_when_done(ep, body()));
  }
  asio::io_context ioc;
  fake_imds imds;
  imds.put_status = 400;
  fake_endpoint ep(ioc.get_executor(), imds.handler());
  fake_env_vars env;
  env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = ep.endpoint_url();
  auto opts = env.options();
  opts.imds_v1_fallback = true;
  auto o = run_provider(ioc, ep, imds_credentials(opts));
  REQUIRE(o.err);
  CHECK(imds.tokenless_gets.empty());
}

TEST_CASE("IMDS provider: nothing answering means not-loaded, fast; disabled means no connection") {
  asio::io_context ioc;
  fake_imds imds;
  imds.hang_put = true;
  fake_endpoint ep(ioc.get_executor(), imds.handler());
  fake_env_vars env;
  env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = ep.endpoint_url();
  auto opts = env.options();
  opts.imds_timeout = milliseconds(200);
  auto o = run_provider(ioc, ep, imds_credentials(opts));
  REQUIRE(o.err);
  CHECK(o.err->code() == errc::no_credentials);
  CHECK(imds.puts == 1);  // a timeout is not retried

  env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:" + std::to_string(closed_port());
  o = run_provider(imds_credentials(env.options()));
  REQUIRE(o.err);
  CHECK(o.err->code() == errc::no_credentials);

  asio::io_context ioc2;
  fake_imds imds2;
  fake_endpoint ep2(ioc2.get_executor(), imds2.handler());
  env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = ep2.endpoint_url();
  env["AWS_EC2_METADATA_DISABLED"] = "true";
  o = run_provider(ioc2, ep2, imds_credentials(env.options()));
  REQUIRE(o.err);
  CHECK(o.err->code() == errc::no_credentials);
  CHECK(ep2.connections_accepted() == 0);
}

TEST_CASE("IMDS provider: no role, error code, malformed JSON, expired keys") {
  asio::io_context ioc;
  fake_imds imds;
  fake_endpoint ep(ioc.get_executor(), imds.handler());
  fake_env_vars env;
  env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = ep.endpoint_url();
  std::vector<std::string> warnings;
  auto opts = env.options();
  opts.logger = [&](log_level l, std::string_view m) {
    if (l == log_level::warning) warnings.emplace_back(m);
  };
  auto p = imds_credentials(opts);
  auto body = [&]() -> asio::awaitable<void> {
    imds.role = "";
    auto a = co_await fetch(p);
    CHECK(a.err);
    CHECK(a.err->code() == errc::no_credentials);
    imds.role = "r";
    imds.docs = {R"({"Code":"AssumeRoleUnauthorizedAccess","Message":"cannot assume"})"};
    auto b = co_await fetch(p);
    CHECK(b.err);
    CHECK(message(b).find("AssumeRoleUnauthorizedAccess") != std::string::npos);
    imds.docs = {"{not json"};
    auto c = co_await fetch(p);
    CHECK(c.err);
    CHECK(c.err->code() == errc::protocol_error);
    imds.docs = {creds_json("STALE", system_clock::now() - minutes(5))};
    auto d = co_await fetch(p);
    REQUIRE_MESSAGE(d.creds, message(d));
    CHECK(*d.creds->expiration >= system_clock::now() + minutes(9));
    CHECK(*d.creds->expiration <= system_clock::now() + minutes(16));
  };
  run_coro(ioc, stop_when_done(ep, body()));
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("expired") != std::string::npos);
}

namespace {
fake_handler sts_handler(std::vector<exchange>& script, std::vector<std::map<std::string, std::string>>& seen) {
  return [&script, &seen](const recorded_request& r) -> exchange {
    seen.push_back(form_params(r.body));
    seen.back()["@authorization"] = r.headers.count("authorization") ? r.headers.at("authorization") : "";
    seen.back()["@token"] = r.headers.count("x-amz-security-token") ? r.headers.at("x-amz-security-token") : "";
    seen.back()["@content-type"] = r.headers.count("content-type") ? r.headers.at("content-type") : "";
    seen.back()["@method"] = r.method + " " + r.path;
    if (script.empty()) return sts_error(500, "ScriptExhausted", "no more");
    exchange e = script.front();
    script.erase(script.begin());
    return e;
  };
}
}  // namespace

TEST_CASE("web identity provider: unsigned AssumeRoleWithWebIdentity, token file re-read, XML reply") {
  asio::io_context ioc;
  std::vector<exchange> script{fake_imds::with(200, sts_success("AssumeRoleWithWebIdentity", "WEB1", in_an_hour())),
                               fake_imds::with(200, sts_success("AssumeRoleWithWebIdentity", "WEB2", in_an_hour()))};
  std::vector<std::map<std::string, std::string>> seen;
  fake_endpoint ep(ioc.get_executor(), sts_handler(script, seen));
  fake_env_vars env;
  const std::string token_file = write_temp_file("jwt", "eyJ.first-token_x");
  env["AWS_WEB_IDENTITY_TOKEN_FILE"] = token_file;
  env["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/app";
  env["AWS_REGION"] = "eu-west-1";
  env["AWS_ENDPOINT_URL_STS"] = ep.endpoint_url();
  auto p = web_identity_credentials(env.options());
  auto body = [&]() -> asio::awaitable<void> {
    auto a = co_await fetch(p);
    REQUIRE_MESSAGE(a.creds, message(a));
    CHECK(a.creds->access_key_id == "WEB1");
    CHECK(a.creds->account_id == "123456789012");
    CHECK(system_clock::to_time_t(*a.creds->expiration) > 0);
    write_temp_file("jwt", "eyJ.second+token/=");
    env["AWS_ROLE_SESSION_NAME"] = "my-session";
    auto b = co_await fetch(p);
    CHECK(b.creds->access_key_id == "WEB2");
    env["AWS_ROLE_SESSION_NAME"] = "x";
    auto c = co_await fetch(p);
    CHECK(c.err);
    CHECK(c.err->code() == errc::invalid_argument);
  };
  run_coro(ioc, stop_when_done(ep, body()));
  REQUIRE(seen.size() == 2);
  CHECK(seen[0]["@method"] == "POST /");
  CHECK(seen[0]["Action"] == "AssumeRoleWithWebIdentity");
  CHECK(seen[0]["Version"] == "2011-06-15");
  CHECK(seen[0]["RoleArn"] == "arn:aws:iam::123456789012:role/app");
  CHECK(seen[0]["RoleSessionName"].starts_with("dynasio-"));
  CHECK(seen[0]["WebIdentityToken"] == "eyJ.first-token_x");
  CHECK(seen[0]["@authorization"].empty());
  CHECK(seen[0]["@content-type"].starts_with("application/x-www-form-urlencoded"));
  CHECK(seen[1]["WebIdentityToken"] == "eyJ.second+token/=");
  CHECK(seen[1]["RoleSessionName"] == "my-session");
  std::filesystem::remove(token_file);
}

TEST_CASE("web identity provider: IDPCommunicationError is retried, InvalidIdentityToken is not") {
  asio::io_context ioc;
  std::vector<exchange> script{sts_error(400, "IDPCommunicationError", "try again"),
                               fake_imds::with(200, sts_success("AssumeRoleWithWebIdentity", "OK", in_an_hour())),
                               sts_error(400, "InvalidIdentityToken", "bad jwt")};
  std::vector<std::map<std::string, std::string>> seen;
  fake_endpoint ep(ioc.get_executor(), sts_handler(script, seen));
  fake_env_vars env;
  env["AWS_WEB_IDENTITY_TOKEN_FILE"] = write_temp_file("jwt2", "tok");
  env["AWS_ROLE_ARN"] = "arn:aws:iam::1:role/app";
  env["AWS_DEFAULT_REGION"] = "us-east-1";
  env["AWS_ENDPOINT_URL"] = ep.endpoint_url();
  auto p = web_identity_credentials(env.options());
  auto body = [&]() -> asio::awaitable<void> {
    auto a = co_await fetch(p);
    CHECK_MESSAGE(a.creds, message(a));
    auto b = co_await fetch(p);
    REQUIRE(b.err);
    CHECK(b.err->diagnostics().type == "InvalidIdentityToken");
    CHECK(message(b).find("bad jwt") != std::string::npos);
    CHECK(b.err->diagnostics().request_id == "err-1");
  };
  run_coro(ioc, stop_when_done(ep, body()));
  CHECK(seen.size() == 3);
  fake_env_vars partial;
  partial["AWS_WEB_IDENTITY_TOKEN_FILE"] = "/nonexistent";
  auto o = run_provider(web_identity_credentials(partial.options()));
  REQUIRE(o.err);
  CHECK(o.err->code() == errc::invalid_configuration);
}

namespace {
std::string write_script(const std::string& name, const std::string& body) {
  auto path = write_temp_file(name, "#!/bin/sh\n" + body);
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  return path;
}

fake_env_vars profile_env(const std::string& config, const std::string& creds) {
  fake_env_vars env;
  env["AWS_CONFIG_FILE"] = write_temp_file("config", config);
  env["AWS_SHARED_CREDENTIALS_FILE"] = write_temp_file("credentials", creds);
  env["HOME"] = "/nonexistent";
  return env;
}
}  // namespace

TEST_CASE("profile provider: static keys; a missing profile is not-loaded") {
  auto env = profile_env("[profile dev]\nregion = eu-west-1\n",
                         "[dev]\naws_access_key_id = DEVAK\naws_secret_access_key = DEVSK\n"
                         "aws_session_token = T\naws_account_id = 42\n");
  auto o = run_provider(profile_credentials("dev", env.options()));
  REQUIRE_MESSAGE(o.creds, message(o));
  CHECK(o.creds->access_key_id == "DEVAK");
  CHECK(o.creds->account_id == "42");
  env["AWS_PROFILE"] = "dev";
  CHECK(run_provider(profile_credentials({}, env.options())).creds);
  o = run_provider(profile_credentials("nope", env.options()));
  REQUIRE(o.err);
  CHECK(o.err->code() == errc::no_credentials);
  fake_env_vars nothing;
  nothing["HOME"] = "/nonexistent";
  o = run_provider(profile_credentials({}, nothing.options()));
  REQUIRE(o.err);
  CHECK(o.err->code() == errc::no_credentials);
}

TEST_CASE("profile provider: credential_process without a shell, bounded in time") {
  const std::string ok =
      write_script("proc-ok", R"(echo '{"Version": 1, "AccessKeyId": "PROC", "SecretAccessKey": "S",)"
                              R"( "SessionToken": "T", "Expiration": "2030-01-01T00:00:00Z"}')"
                              "\n");
  const std::string dir = std::filesystem::path(ok).parent_path().string();
  const std::string spaced = dir + "/dynasio cred proc " + std::to_string(::getpid());
  std::filesystem::copy_file(ok, spaced, std::filesystem::copy_options::overwrite_existing);
  const std::string fails = write_script("proc-fail", "echo 'token expired, log in again' >&2\nexit 3\n");
  const std::string slow = write_script("proc-slow", "sleep 5\n");
  const std::string v2 = write_script("proc-v2", R"(echo '{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "S"}')"
                                                 "\n");
  const std::string args =
      write_script("proc-args", "printf '{\"Version\":1,\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"S\"}' \"$1\"\n");
  auto env = profile_env(
      "[profile ok]\ncredential_process = " + ok + "\naws_account_id = 7\n[profile spaced]\ncredential_process = \"" +
          spaced + "\" --flag\n[profile fails]\ncredential_process = " + fails +
          "\n[profile slow]\ncredential_process = " + slow + "\n[profile v2]\ncredential_process = " + v2 +
          "\n[profile args]\ncredential_process = " + args + " '$HOME;`id`'\n",
      "");
  auto o = run_provider(profile_credentials("ok", env.options()));
  REQUIRE_MESSAGE(o.creds, message(o));
  CHECK(o.creds->access_key_id == "PROC");
  CHECK(o.creds->account_id == "7");
  CHECK(o.creds->expiration == detail::parse_timestamp("2030-01-01T00:00:00Z"));
  o = run_provider(profile_credentials("spaced", env.options()));
  CHECK_MESSAGE(o.creds, message(o));
  o = run_provider(profile_credentials("args", env.options()));
  REQUIRE_MESSAGE(o.creds, message(o));
  CHECK(o.creds->access_key_id == "$HOME;`id`");
  o = run_provider(profile_credentials("fails", env.options()));
  REQUIRE(o.err);
  CHECK(message(o).find("status 3: token expired, log in again") != std::string::npos);
  o = run_provider(profile_credentials("v2", env.options()));
  REQUIRE(o.err);
  CHECK(message(o).find("Version") != std::string::npos);
  auto opts = env.options();
  opts.process_timeout = milliseconds(300);
  o = run_provider(profile_credentials("slow", opts));
  REQUIRE(o.err);
  CHECK(o.err->code() == errc::timeout);
  std::filesystem::remove(spaced);
}

TEST_CASE("profile provider: role_arn + source_profile -> SigV4-signed AssumeRole; loops and conflicts are errors") {
  asio::io_context ioc;
  std::vector<exchange> script{fake_imds::with(200, sts_success("AssumeRole", "ROLE1", in_an_hour())),
                               fake_imds::with(200, sts_success("AssumeRole", "ROLE2", in_an_hour())),
                               fake_imds::with(200, sts_success("AssumeRole", "ROLE3", in_an_hour())),
                               fake_imds::with(200, sts_success("AssumeRole", "ROLE4", in_an_hour()))};
  std::vector<std::map<std::string, std::string>> seen;
  fake_endpoint ep(ioc.get_executor(), sts_handler(script, seen));
  auto env = profile_env(
      "[profile app]\nrole_arn = arn:aws:iam::1:role/app\nsource_profile = base\nexternal_id = ext-1\nduration_seconds "
      "= 1800\n"
      "role_session_name = app-session\nregion = eu-central-1\n"
      "[profile chained]\nrole_arn = arn:aws:iam::1:role/outer\nsource_profile = app\n"
      "[profile loop_a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = loop_b\n"
      "[profile loop_b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = loop_a\n"
      "[profile both]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = base\ncredential_source = Environment\n"
      "[profile self]\nrole_arn = arn:aws:iam::1:role/self\nsource_profile = self\n"
      "[profile from_env]\nrole_arn = arn:aws:iam::1:role/e\ncredential_source = environment\n",
      "[base]\naws_access_key_id = BASEAK\naws_secret_access_key = BASESK\naws_session_token = BASETOK\n"
      "[self]\naws_access_key_id = SELFAK\naws_secret_access_key = SELFSK\n");
  env["AWS_ENDPOINT_URL_STS"] = ep.endpoint_url();
  env["AWS_ACCESS_KEY_ID"] = "ENVAK";
  env["AWS_SECRET_ACCESS_KEY"] = "ENVSK";
  auto opts = env.options();
  auto body = [&]() -> asio::awaitable<void> {
    auto a = co_await fetch(profile_credentials("app", opts));
    REQUIRE_MESSAGE(a.creds, message(a));
    CHECK(a.creds->access_key_id == "ROLE1");
    auto chained = co_await fetch(profile_credentials("chained", opts));
    CHECK_MESSAGE(chained.creds, message(chained));
    auto loop = co_await fetch(profile_credentials("loop_a", opts));
    REQUIRE(loop.err);
    CHECK(message(loop).find("loop") != std::string::npos);
    auto both = co_await fetch(profile_credentials("both", opts));
    REQUIRE(both.err);
    CHECK(both.err->code() == errc::invalid_configuration);
    auto self = co_await fetch(profile_credentials("self", opts));
    CHECK_MESSAGE(self.creds, message(self));
  };
  run_coro(ioc, stop_when_done(ep, body()));
  // app, chained (app then outer), self: the loop and the conflict sent nothing.
  REQUIRE(seen.size() == 4);
  CHECK(seen[0]["Action"] == "AssumeRole");
  CHECK(seen[0]["RoleArn"] == "arn:aws:iam::1:role/app");
  CHECK(seen[0]["RoleSessionName"] == "app-session");
  CHECK(seen[0]["ExternalId"] == "ext-1");
  CHECK(seen[0]["DurationSeconds"] == "1800");
  CHECK(seen[0]["@authorization"].starts_with("AWS4-HMAC-SHA256 Credential=BASEAK/"));
  CHECK(seen[0]["@authorization"].find("/eu-central-1/sts/aws4_request") != std::string::npos);
  CHECK(seen[0]["@authorization"].find("host;x-amz-date;x-amz-security-token") != std::string::npos);
  CHECK(seen[0]["@token"] == "BASETOK");
  // The outer hop is signed with the inner role's keys.
  CHECK(seen[2]["RoleArn"] == "arn:aws:iam::1:role/outer");
  CHECK(seen[2]["@authorization"].find("Credential=ROLE2/") != std::string::npos);
  CHECK(seen[3]["@authorization"].find("Credential=SELFAK/") != std::string::npos);
  CHECK(seen[3]["@token"].empty());
}

TEST_CASE("default chain: order, lazy, and an error naming every provider") {
  fake_env_vars env;
  env["HOME"] = "/nonexistent";
  env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:" + std::to_string(closed_port());
  auto o = run_provider(default_credentials_chain(env.options()));
  REQUIRE(o.err);
  CHECK(o.err->code() == errc::no_credentials);
  for (const char* name : {"environment:", "web identity:", "shared files:", "container:", "IMDS:"})
    CHECK_MESSAGE(message(o).find(name) != std::string::npos, name);

  // IRSA beats a credentials file baked into the image; env keys beat a container endpoint.
  asio::io_context ioc;
  std::vector<exchange> script{fake_imds::with(200, sts_success("AssumeRoleWithWebIdentity", "IRSA", in_an_hour()))};
  std::vector<std::map<std::string, std::string>> seen;
  fake_endpoint ep(ioc.get_executor(), sts_handler(script, seen));
  auto files = profile_env("", "[default]\naws_access_key_id = FILEAK\naws_secret_access_key = FILESK\n");
  files["AWS_WEB_IDENTITY_TOKEN_FILE"] = write_temp_file("jwt3", "tok");
  files["AWS_ROLE_ARN"] = "arn:aws:iam::1:role/app";
  files["AWS_REGION"] = "eu-west-1";
  files["AWS_ENDPOINT_URL_STS"] = ep.endpoint_url();
  auto chain = default_credentials_chain(files.options());
  auto body = [&]() -> asio::awaitable<void> {
    auto a = co_await fetch(chain);
    REQUIRE_MESSAGE(a.creds, message(a));
    CHECK(a.creds->access_key_id == "IRSA");
  };
  run_coro(ioc, stop_when_done(ep, body()));
  files.vars->erase("AWS_WEB_IDENTITY_TOKEN_FILE");
  CHECK(run_provider(default_credentials_chain(files.options())).creds->access_key_id == "FILEAK");
  fake_env_vars both;
  both["AWS_ACCESS_KEY_ID"] = "ENVAK";
  both["AWS_SECRET_ACCESS_KEY"] = "ENVSK";
  both["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://127.0.0.1:1/never";
  CHECK(run_provider(default_credentials_chain(both.options())).creds->access_key_id == "ENVAK");
}

TEST_CASE("profile provider: SSO from the cached token and GetRoleCredentials (sso_session and legacy keys)") {
  asio::io_context ioc;
  std::vector<recorded_request> seen;
  fake_endpoint ep(ioc.get_executor(), [&seen](const recorded_request& r) -> exchange {
    seen.push_back(r);
    auto tok = r.headers.find("x-amz-sso_bearer_token");
    if (tok == r.headers.end() || tok->second != "sso-access-token")
      return fake_imds::with(401, R"({"message":"bad token"})");
    const long long exp_ms = duration_cast<milliseconds>((system_clock::now() + hours(1)).time_since_epoch()).count();
    return fake_imds::with(
        200,
        R"({"roleCredentials":{"accessKeyId":"SSOAK","secretAccessKey":"SSOSK","sessionToken":"SSOTOK","expiration":)" +
            std::to_string(exp_ms) + "}}");
  });
  const std::string home = std::filesystem::temp_directory_path() / ("dynasio-sso-home-" + std::to_string(::getpid()));
  std::filesystem::create_directories(home + "/.aws/sso/cache");
  const std::string future = detail::format_timestamp(time_point_cast<seconds>(system_clock::now() + hours(8)));
  for (const std::string key : {"corp", "https://corp.awsapps.com/start"})
    std::ofstream(home + "/.aws/sso/cache/" + detail::sha1_hex(key) + ".json")
        << R"({"accessToken":"sso-access-token","expiresAt":")" << future << R"(","region":"eu-west-1"})";
  auto env = profile_env(
      "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev Role\n"
      "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"
      "[profile legacy]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n"
      "sso_account_id = 111122223333\nsso_role_name = Dev\n[profile broken]\nsso_session = missing\n",
      "");
  env["HOME"] = home;
  env["AWS_ENDPOINT_URL_SSO"] = ep.endpoint_url();
  auto body = [&]() -> asio::awaitable<void> {
    auto a = co_await fetch(profile_credentials("dev", env.options()));
    REQUIRE_MESSAGE(a.creds, message(a));
    CHECK(a.creds->access_key_id == "SSOAK");
    CHECK(a.creds->account_id == "111122223333");
    auto b = co_await fetch(profile_credentials("legacy", env.options()));
    CHECK_MESSAGE(b.creds, message(b));
    auto c = co_await fetch(profile_credentials("broken", env.options()));
    CHECK(c.err);
  };
  run_coro(ioc, stop_when_done(ep, body()));
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].path == "/federation/credentials?account_id=111122223333&role_name=Dev%20Role");
  std::filesystem::remove_all(home);
}
