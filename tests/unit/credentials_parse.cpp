#include <dynasio/detail/credentials/parse.hpp>
#include <dynasio/detail/timestamp.hpp>
#include <dynasio/error.hpp>

#include <doctest/doctest.h>

using namespace dynasio;
using namespace dynasio::detail;
using namespace std::chrono;

TEST_CASE("parse_rfc3339: Z, offsets and fractions; anything else is rejected") {
  const auto base = parse_timestamp("2016-02-25T06:03:31Z");
  CHECK(parse_rfc3339("2016-02-25T06:03:31Z") == base);
  CHECK(parse_rfc3339("2016-02-25T07:03:31+01:00") == base);
  CHECK(parse_rfc3339("2016-02-25T05:33:31-00:30") == base);
  CHECK(parse_rfc3339("2016-02-25T06:03:31.123Z") == base + milliseconds(123));
  CHECK(parse_rfc3339("2022-05-02T18:36:00+00:00") == parse_timestamp("2022-05-02T18:36:00Z"));
  for (const char* bad :
       {"", "2016-02-25", "2016-02-25T06:03:31", "2016-02-25 06:03:31Z", "2016-02-30T06:03:31Z",
        "2016-02-25T06:03:31.Z", "2016-02-25T06:03:31Zjunk", "2016-13-25T06:03:31Z", "2016-02-25T06:03:31+0100"})
    CHECK_MESSAGE(!parse_rfc3339(bad), bad);
}

TEST_CASE("parse_ini and find_profile: config sections, credentials override, sub-blocks skipped") {
  const ini_file config = parse_ini(
      "# comment\n[default]\nregion = eu-west-1\n[profile   dev]\nrole_arn=arn:aws:iam::1:role/r\n"
      "source_profile = base\ns3 =\n  max_concurrent_requests = 10\nregion = us-east-2\n; another\n[sso-session "
      "corp]\nsso_region=eu-west-1\n");
  const ini_file creds =
      parse_ini("[dev]\nAWS_ACCESS_KEY_ID = AK\naws_secret_access_key=SK\n[base]\naws_access_key_id=B\n");
  auto dev = find_profile(config, creds, "dev");
  REQUIRE(dev);
  CHECK(dev->at("role_arn") == "arn:aws:iam::1:role/r");
  CHECK(dev->at("aws_access_key_id") == "AK");
  CHECK(dev->at("region") == "us-east-2");
  CHECK(dev->count("max_concurrent_requests") == 0);
  CHECK(find_profile(config, creds, "default")->at("region") == "eu-west-1");
  CHECK(find_profile(config, creds, "base")->at("aws_access_key_id") == "B");
  CHECK(!find_profile(config, creds, "corp"));
  CHECK(config.count("sso-session corp") == 1);
}

TEST_CASE("parse_json_credentials: the IMDS, container, process and SSO shapes") {
  const std::string imds =
      R"({"Code":"Success","AccessKeyId":"A","SecretAccessKey":"S","Token":"T","Expiration":"2030-01-01T00:00:00Z"})";
  auto c = parse_json_credentials(imds, json_creds_source::imds, "imds");
  CHECK(c.access_key_id == "A");
  CHECK(c.session_token == "T");
  CHECK(c.expiration == parse_timestamp("2030-01-01T00:00:00Z"));
  CHECK_THROWS_WITH_AS(parse_json_credentials(R"({"Code":"AssumeRoleUnauthorizedAccess","Message":"no"})",
                                              json_creds_source::imds, "imds"),
                       doctest::Contains("AssumeRoleUnauthorizedAccess"), error);
  CHECK_THROWS_AS(parse_json_credentials("not json", json_creds_source::imds, "imds"), error);
  CHECK_THROWS_AS(parse_json_credentials("", json_creds_source::imds, "imds"), error);
  CHECK_THROWS_WITH_AS(
      parse_json_credentials(R"({"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"2030-01-01T00:00:00Z"})",
                             json_creds_source::imds, "imds"),
      doctest::Contains("no Token"), error);
  CHECK_THROWS_WITH_AS(
      parse_json_credentials(R"({"AccessKeyId":"A","SecretAccessKey":"S","Token":"T","Expiration":"soon"})",
                             json_creds_source::imds, "imds"),
      doctest::Contains("RFC 3339"), error);
  // Container: Expiration optional (static keys), AccountId kept.
  auto k = parse_json_credentials(R"({"AccessKeyId":"A","SecretAccessKey":"S","Token":"T","AccountId":"123"})",
                                  json_creds_source::container, "c");
  CHECK(!k.expiration);
  CHECK(k.account_id == "123");
  // Process: Version 1 required.
  CHECK(parse_json_credentials(R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":"S"})", json_creds_source::process,
                               "p")
            .session_token.empty());
  CHECK_THROWS_WITH_AS(parse_json_credentials(R"({"Version":2,"AccessKeyId":"A","SecretAccessKey":"S"})",
                                              json_creds_source::process, "p"),
                       doctest::Contains("Version"), error);
  CHECK_THROWS_WITH_AS(parse_json_credentials(R"({"Version":1,"AccessKeyId":"A"})", json_creds_source::process, "p"),
                       doctest::Contains("SecretAccessKey"), error);
  auto s = parse_json_credentials(
      R"({"roleCredentials":{"accessKeyId":"A","secretAccessKey":"S","sessionToken":"T","expiration":1893456000000}})",
      json_creds_source::sso, "sso");
  CHECK(s.expiration == parse_timestamp("2030-01-01T00:00:00Z"));
}

TEST_CASE("parse_sts_reply: credentials, account from the ARN, errors, malformed") {
  auto r = parse_sts_reply(
      "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA</AccessKeyId><SecretAccessKey>s&amp;k</"
      "SecretAccessKey>"
      "<SessionToken>tok</SessionToken><Expiration>2030-01-01T00:00:00.5Z</Expiration></Credentials><AssumedRoleUser>"
      "<Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser></AssumeRoleResult></"
      "AssumeRoleResponse>");
  CHECK(r.ok);
  CHECK(r.creds.secret_access_key == "s&k");
  CHECK(r.creds.account_id == "123456789012");
  CHECK(r.creds.expiration == parse_timestamp("2030-01-01T00:00:00.5Z"));
  auto e = parse_sts_reply(
      "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>bad &lt;jwt&gt;</Message>"
      "</Error><RequestId>rid</RequestId></ErrorResponse>");
  CHECK(!e.ok);
  CHECK(e.code == "InvalidIdentityToken");
  CHECK(e.message == "bad <jwt>");
  CHECK(e.request_id == "rid");
  CHECK_THROWS_AS(parse_sts_reply("<Foo/>"), error);
  CHECK_THROWS_AS(parse_sts_reply("<Credentials><AccessKeyId>A</AccessKeyId></Credentials>"), error);
}

TEST_CASE("form_encode, account_from_arn, split_url") {
  CHECK(form_encode({{"Action", "AssumeRole"}, {"Policy", "{\"a\": 1}"}}) ==
        "Action=AssumeRole&Policy=%7B%22a%22%3A%201%7D");
  CHECK(account_from_arn("arn:aws:iam::123:role/x") == "123");
  CHECK(account_from_arn("nonsense").empty());
  auto u = split_url("http://[::1]:8080/v1/creds?x=1", "t");
  CHECK(u.origin == "http://[::1]:8080");
  CHECK(u.host == "::1");
  CHECK(u.target == "/v1/creds?x=1");
  CHECK(split_url("https://sts.eu-west-1.amazonaws.com", "t").target == "/");
  CHECK_THROWS_AS(split_url("ftp://x", "t"), error);
  CHECK_THROWS_AS(split_url("http://user:pw@x/", "t"), error);
}

TEST_CASE("container_uri_problem: plain http only to the allowed hosts") {
  for (const char* ok : {"http://127.0.0.1:80/creds", "http://[::1]:9/x", "http://169.254.170.2/v2",
                         "http://169.254.170.23/v1/credentials", "http://[fd00:ec2::23]/v1", "http://localhost:1/x",
                         "https://anything.example.com/x", "http://127.0.0.2/"})
    CHECK_MESSAGE(container_uri_problem(ok).empty(), ok);
  for (const char* bad : {"http://10.0.0.1/x", "http://example.com/x", "ftp://127.0.0.1/"})
    CHECK_MESSAGE(!container_uri_problem(bad).empty(), bad);
}

TEST_CASE("imds_endpoint and sts_endpoint") {
  CHECK(imds_endpoint(std::nullopt, std::nullopt) == "http://169.254.169.254");
  CHECK(imds_endpoint(std::nullopt, std::string("IPv6")) == "http://[fd00:ec2::254]");
  CHECK(imds_endpoint(std::string("http://127.0.0.1:5/"), std::string("IPv6")) == "http://127.0.0.1:5");
  CHECK_THROWS_AS(imds_endpoint(std::nullopt, std::string("ipv5")), error);
  CHECK(sts_endpoint("eu-west-1", std::nullopt, std::nullopt, false) == "https://sts.eu-west-1.amazonaws.com");
  CHECK(sts_endpoint("cn-north-1", std::nullopt, std::nullopt, false) == "https://sts.cn-north-1.amazonaws.com.cn");
  CHECK(sts_endpoint("eu-west-1", std::string("http://127.0.0.1:1"), std::string("http://x"), false) ==
        "http://127.0.0.1:1");
  CHECK(sts_endpoint("eu-west-1", std::nullopt, std::string("http://x"), false) == "http://x");
  CHECK(sts_endpoint("eu-west-1", std::string("http://127.0.0.1:1"), std::nullopt, true) ==
        "https://sts.eu-west-1.amazonaws.com");
  CHECK_THROWS_AS(sts_endpoint("", std::nullopt, std::nullopt, false), error);
}

TEST_CASE("split_command_line: quotes and escapes, no expansion") {
  using v = std::vector<std::string>;
  CHECK(split_command_line("  /bin/tool --flag  x ") == v{"/bin/tool", "--flag", "x"});
  CHECK(split_command_line("\"/path with spaces/tool\" --flag") == v{"/path with spaces/tool", "--flag"});
  CHECK(split_command_line("a 'b c' \"d \\\" e\" f\\ g $HOME `x` ;") ==
        v{"a", "b c", "d \" e", "f g", "$HOME", "`x`", ";"});
  CHECK(split_command_line("").empty());
  CHECK_THROWS_AS(split_command_line("a 'b"), error);
  CHECK_THROWS_AS(split_command_line("a \"b"), error);
}
