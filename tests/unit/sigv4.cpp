// The SigV4 pieces, the DynamoDB fast path against the general path, the key cache and
// injected OpenSSL failures.

#include <dynasio/detail/crypto.hpp>
#include <dynasio/error.hpp>
#include <dynasio/sigv4/detail/request_text.hpp>
#include <dynasio/sigv4/signer.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <string>

namespace sigv4 = dynasio::sigv4;
using dynasio::errc;

namespace {

const dynasio::credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", {}};
const dynasio::credentials token_creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "tok/en+=="};
constexpr std::string_view body = R"({"TableName":"orders","Item":{"id":{"S":"caf\u00e9 \u2603"}}})";
constexpr std::string_view target = "DynamoDB_20120810.PutItem";
constexpr std::string_view json = "application/x-amz-json-1.0";

// The same request as sign_dynamodb signs, through the general path, headers in odd order.
std::string general_authz(sigv4::signer& s, const dynasio::credentials& c, std::string_view host,
                          std::string_view date) {
  sigv4::http_request req{"POST", "/", {}, std::string(body)};
  req.headers.push_back({"X-Amz-Target", std::string(target)});
  req.headers.push_back({"Host", std::string(host)});
  req.headers.push_back({"Content-Type", std::string(json)});
  return s.sign(c, req, date).authorization;
}

template <class F>
errc thrown_errc(F f) {
  try {
    f();
  } catch (const dynasio::error& e) {
    return static_cast<errc>(e.code().value());
  }
  return errc{};
}

}  // namespace

TEST_CASE("sigv4: uri_encode keeps only unreserved characters, upper-case hex") {
  CHECK(sigv4::uri_encode("AZaz09-_.~") == "AZaz09-_.~");
  CHECK(sigv4::uri_encode("a b/c+d=e&f*") == "a%20b%2Fc%2Bd%3De%26f%2A");
  CHECK(sigv4::uri_encode("/a b/c", true) == "/a%20b/c");
  CHECK(sigv4::uri_encode("\xe1\x88\xb4") == "%E1%88%B4");
  CHECK(sigv4::uri_encode(std::string_view("\0\x7f", 2)) == "%00%7F");
}

TEST_CASE("sigv4: normalize_path removes dot segments and duplicate slashes") {
  CHECK(sigv4::normalize_path("") == "/");
  CHECK(sigv4::normalize_path("/") == "/");
  CHECK(sigv4::normalize_path("//example//") == "/example/");
  CHECK(sigv4::normalize_path("/example/..") == "/");
  CHECK(sigv4::normalize_path("/./") == "/");
  CHECK(sigv4::normalize_path("/a/./b/../c") == "/a/c");
  CHECK(sigv4::normalize_path("/../../a") == "/a");
  CHECK(sigv4::normalize_path("/a/b/.") == "/a/b");
  CHECK(sigv4::normalize_path("a/b/") == "/a/b/");
}

TEST_CASE("sigv4: canonical_query decodes, re-encodes and sorts by name then value") {
  CHECK(sigv4::canonical_query("") == "");
  CHECK(sigv4::canonical_query("b=2&a=1") == "a=1&b=2");
  CHECK(sigv4::canonical_query("a=2&a=1&A=3") == "A=3&a=1&a=2");
  CHECK(sigv4::canonical_query("flag&x=") == "flag=&x=");
  CHECK(sigv4::canonical_query("k=a+b c") == "k=a%2Bb%20c");
  CHECK(sigv4::canonical_query("%e1%88%b4=%41&&z=%zz") == "%E1%88%B4=A&z=%25zz");
}

TEST_CASE("sigv4: header values are trimmed, runs of whitespace and folding collapsed") {
  CHECK(sigv4::canonical_header_value("  a   b \t c  ") == "a b c");
  CHECK(sigv4::canonical_header_value("value1\n  value2\n     value3") == "value1 value2 value3");
  CHECK(sigv4::canonical_header_value("\"a   b\"") == "\"a b\"");
  CHECK(sigv4::canonical_header_value("   ") == "");
}

TEST_CASE("sigv4: format_amz_date") {
  using namespace std::chrono;
  CHECK(sigv4::format_amz_date(sys_days(2015y / August / 30) + 12h + 36min) == "20150830T123600Z");
  CHECK(sigv4::format_amz_date(sys_days(2024y / February / 29) + 23h + 59min + 59s + 999ms) == "20240229T235959Z");
  CHECK(sigv4::format_amz_date(sys_days(2025y / January / 1)) == "20250101T000000Z");
  CHECK(sigv4::format_amz_date(system_clock::time_point{}) == "19700101T000000Z");
  char chars[16];
  sigv4::format_amz_date(sys_days(2024y / February / 29) + 23h + 59min + 59s, chars);
  CHECK(std::string_view(chars, 16) == "20240229T235959Z");
}

TEST_CASE("sigv4: the request text parser keeps folded values and refuses malformed text") {
  const auto r = sigv4::detail::parse_request_text("GET /a b?x=1 HTTP/1.1\nA:1\n  2\nB: 3\n\nbody\n\nmore");
  CHECK(r.method == "GET");
  CHECK(r.target == "/a b?x=1");
  REQUIRE(r.headers.size() == 2);
  CHECK(r.headers[0].value == "1\n  2");
  CHECK(r.headers[1].value == " 3");
  CHECK(r.body == "body\n\nmore");
  CHECK(thrown_errc([] { sigv4::detail::parse_request_text(""); }) == errc::invalid_argument);
  CHECK(thrown_errc([] { sigv4::detail::parse_request_text("GET\n"); }) == errc::invalid_argument);
  CHECK(thrown_errc([] { sigv4::detail::parse_request_text("GET / HTTP/1.1\nnocolon\n"); }) == errc::invalid_argument);
}

TEST_CASE("sigv4: request text round-trips through the classic layout, Authorization's space included") {
  // Found by the sigv4_request fuzz target: "Authorization:x" was written back as
  // "Authorization: x" and read as " x".
  for (const char* text : {"POST / HTTP/1.1\nAuthorization:x\nB: 3", "POST / HTTP/1.1\nAuthorization: x\nB:3",
                           "POST / HTTP/1.1\nAuthorization:  x"}) {
    CAPTURE(text);
    const auto r = sigv4::detail::parse_request_text(text);
    const auto again = sigv4::detail::parse_request_text(
        sigv4::detail::format_request_text(r, sigv4::detail::request_text_style::classic));
    REQUIRE(again.headers.size() == r.headers.size());
    for (std::size_t i = 0; i < r.headers.size(); ++i) {
      CHECK(again.headers[i].name == r.headers[i].name);
      CHECK(again.headers[i].value == r.headers[i].value);
    }
  }
  CHECK(sigv4::detail::parse_request_text("GET / HTTP/1.1\nAuthorization: x").headers[0].value == "x");
}

TEST_CASE("sigv4: sign_dynamodb gives the same Authorization as the general path") {
  for (const auto* c : {&creds, &token_creds}) {
    for (std::string_view host : {"dynamodb.us-east-1.amazonaws.com", "127.0.0.1:4567"}) {
      sigv4::signer fast("us-east-1", "dynamodb"), general("us-east-1", "dynamodb");
      const std::string a = fast.sign_dynamodb(*c, host, "20240229T235959Z", target, json, body);
      CHECK(a == general_authz(general, *c, host, "20240229T235959Z"));
      // The appending form leaves what the buffer held and adds the same value.
      std::string head = "Authorization: ";
      fast.append_dynamodb_authorization(head, *c, host, "20240229T235959Z", target, json, body);
      CHECK(head == "Authorization: " + a);
      CHECK(a.find(c == &creds ? "SignedHeaders=content-type;host;x-amz-date;x-amz-target,"
                               : "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,") !=
            std::string::npos);
    }
  }
}

TEST_CASE("sigv4: the signing key is derived once per secret and date, and replaced when they change") {
  sigv4::signer s("us-east-1", "dynamodb");
  const auto sign = [&](const dynasio::credentials& c, std::string_view date) {
    return s.sign_dynamodb(c, "h", date, target, json, body);
  };
  const std::string first = sign(creds, "20241231T235959Z");
  CHECK(sign(creds, "20241231T235959Z") == first);
  CHECK(sign(creds, "20241231T235900Z") != first);  // same day: same key, new signature
  CHECK(s.key_derivations() == 1);
  const std::string next_day = sign(creds, "20250101T000000Z");
  CHECK(s.key_derivations() == 2);
  const dynasio::credentials rotated{creds.access_key_id, "another-secret", {}};
  const std::string other_secret = sign(rotated, "20250101T000000Z");
  CHECK(s.key_derivations() == 3);
  CHECK(other_secret != next_day);
  sigv4::signer fresh("us-east-1", "dynamodb");
  CHECK(fresh.sign_dynamodb(rotated, "h", "20250101T000000Z", target, json, body) == other_secret);
  sigv4::signer west("us-west-2", "dynamodb");
  const std::string west_authz = west.sign_dynamodb(creds, "h", "20241231T235959Z", target, json, body);
  CHECK(west_authz != first);
  CHECK(west_authz.find("/us-west-2/dynamodb/aws4_request,") != std::string::npos);
}

TEST_CASE("sigv4: bad input is refused with invalid_argument") {
  sigv4::signer s("us-east-1", "dynamodb");
  for (std::string_view date : {"", "20150830", "20150830T123600", "2015083OT123600Z", "20150830 123600Z"})
    CHECK(thrown_errc([&] { s.sign_dynamodb(creds, "h", date, target, json, body); }) == errc::invalid_argument);
  sigv4::http_request req{"GET", "/", {{"X-Amz-Date", "20150830T123600Z"}}, {}};
  CHECK(thrown_errc([&] { s.sign(creds, req, "20150830T123601Z"); }) == errc::invalid_argument);
  CHECK(thrown_errc([] { sigv4::signer("", "dynamodb"); }) == errc::invalid_argument);
}

TEST_CASE("sigv4: an OpenSSL failure at any step surfaces as signing_failed, and the signer recovers") {
  sigv4::signer reference("us-east-1", "dynamodb");
  const std::string expected = reference.sign_dynamodb(creds, "h", "20150830T123600Z", target, json, body);
  int failures = 0;
  for (int step = 0; step < 20; ++step) {
    sigv4::signer s("us-east-1", "dynamodb");  // fresh, so the key derivation runs every time
    dynasio::detail::crypto_fail_countdown = step;
    const errc e = thrown_errc([&] { s.sign_dynamodb(creds, "h", "20150830T123600Z", target, json, body); });
    const bool injected = dynasio::detail::crypto_fail_countdown < 0;
    dynasio::detail::crypto_fail_countdown = -1;
    if (!injected) break;  // this call made fewer crypto calls than `step`: all steps covered
    CHECK(e == errc::signing_failed);
    ++failures;
    CHECK(s.sign_dynamodb(creds, "h", "20150830T123600Z", target, json, body) == expected);
  }
  // Body hash, canonical request hash, four key-derivation HMACs and the signature HMAC.
  CHECK(failures == 7);
  sigv4::signer s("us-east-1", "dynamodb");
  dynasio::detail::crypto_fail_countdown = 0;
  CHECK(thrown_errc([&] {
          s.sign(creds, {"GET", "/", {{"Host", "h"}}, {}}, "20150830T123600Z");
        }) == errc::signing_failed);
  dynasio::detail::crypto_fail_countdown = -1;
}

// HMAC-SHA256 is two SHA-256 digests on a reused context: RFC 4231's test vectors (cases 1, 2,
// 3, 6 and 7: short keys, a key longer than the block, data longer than the block), a key of
// exactly one block, and an empty key and message.
TEST_CASE("hmac_sha256: RFC 4231 test vectors, a key of exactly one block, an empty key") {
  const auto hex = [](const dynasio::detail::sha256_digest& d) {
    std::string s(64, '0');
    dynasio::detail::to_hex(d.data(), d.size(), s.data());
    return s;
  };
  using dynasio::detail::hmac_sha256;
  CHECK(hex(hmac_sha256(std::string(20, '\x0b'), "Hi There")) ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  CHECK(hex(hmac_sha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(hex(hmac_sha256(std::string(20, '\xaa'), std::string(50, '\xdd'))) ==
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  CHECK(hex(hmac_sha256(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")) ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  CHECK(hex(hmac_sha256(std::string(131, '\xaa'),
                        "This is a test using a larger than block-size key and a larger than block-size data. "
                        "The key needs to be hashed before being used by the HMAC algorithm.")) ==
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
  CHECK(hex(hmac_sha256(std::string(64, 'k'), "exactly one block of key")) ==
        "baa93ea4ccc7062ed6870c5e7937dbd35ad7791df4e29df9addeb429ff491acf");
  CHECK(hex(hmac_sha256(std::string_view(), std::string_view())) ==
        "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}
