// Any bytes as a DynamoDB reply body: the reply parsers return items, pages, descriptions,
// unprocessed keys and errors, or throw dynasio::error; nothing else escapes, nothing crashes.
#include <dynasio/detail/protocol/error_reply.hpp>
#include <dynasio/detail/protocol/json_reader.hpp>
#include <dynasio/detail/protocol/replies.hpp>
#include <dynasio/error.hpp>

#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

template <class F>
void refused_or_parsed(F f) {
  try {
    f();
  } catch (const dynasio::error&) {
    // A reply DynamoDB could not have sent: protocol_error. Anything else is a finding.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dynasio::detail;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const dynasio::credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "token-of-the-session"};
  reply_view error_reply;
  error_reply.status = size ? 400u + data[0] % 200u : 400u;
  error_reply.body = text;
  error_reply.request_id = "RID";
  refused_or_parsed([&] {
    error_info e = parse_error_reply(error_reply, creds);
    // Secrets quoted back by the service never survive into the message.
    if (e.diag.message.find(creds.secret_access_key) != std::string::npos) __builtin_trap();
  });

  boost::system::error_code ec;
  boost::json::value json = boost::json::parse(text, ec);
  if (ec) return 0;
  refused_or_parsed([&] { read_value(json); });
  if (!json.is_object()) return 0;
  const boost::json::object& reply = json.get_object();
  refused_or_parsed([&] { read_item(reply); });
  refused_or_parsed([&] { optional_item(reply, "Item"); });
  refused_or_parsed([&] { read_page(reply); });
  refused_or_parsed([&] { parse_table_description(reply); });
  refused_or_parsed([&] { unprocessed_write_keys(reply, "t", {"id", "n"}); });
  refused_or_parsed([&] {
    std::vector<dynasio::item> found;
    std::vector<dynasio::key> unprocessed;
    read_batch_get(reply, "t", found, unprocessed);
  });
  return 0;
}
