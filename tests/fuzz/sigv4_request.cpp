// Raw request text (the SigV4 test-suite format): parsed, written back and parsed again it is
// the same request (unless a header value ends in CR, which text cannot keep); signed, it yields a canonical request
// starting with its method, the same every time; malformed text throws dynasio::error only.
#include <dynasio/error.hpp>
#include <dynasio/sigv4/detail/request_text.hpp>
#include <dynasio/sigv4/signer.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

#define CHECK(cond)                \
  do {                             \
    if (!(cond)) __builtin_trap(); \
  } while (0)

bool same(const dynasio::sigv4::http_request& a, const dynasio::sigv4::http_request& b) {
  if (a.method != b.method || a.target != b.target || a.body != b.body || a.headers.size() != b.headers.size())
    return false;
  for (std::size_t i = 0; i < a.headers.size(); ++i)
    if (a.headers[i].name != b.headers[i].name || a.headers[i].value != b.headers[i].value) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dynasio::sigv4;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  http_request req;
  try {
    req = detail::parse_request_text(text);
  } catch (const dynasio::error&) {
    return 0;
  }
  // A line's one trailing CR is its line ending: a value ending in CR cannot be written back.
  bool representable = true;
  for (const auto& h : req.headers)
    if (h.value.ends_with('\r') || h.value.find("\r\n") != std::string::npos) representable = false;
  if (representable) {
    const std::string written = detail::format_request_text(req, detail::request_text_style::classic);
    CHECK(same(detail::parse_request_text(written), req));
  }

  static signer s("us-east-1", "service");
  const dynasio::credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
  try {
    const signing_result first = s.sign(creds, req, "20150830T123600Z");
    CHECK(first.canonical_request.starts_with(req.method + "\n"));
    const signing_result again = s.sign(creds, req, "20150830T123600Z");
    CHECK(again.canonical_request == first.canonical_request);
    CHECK(again.authorization == first.authorization);
  } catch (const dynasio::error& e) {
    CHECK(e.code() == dynasio::errc::invalid_argument);
  }
  return 0;
}
