// Any bytes as what a server sends back: http_reply_parser takes them whole, cut in two at a
// point the first byte chooses, and one byte at a time, and the three readings agree (the same
// error, or the same status, fields, body, keep-alive and bytes taken); it never takes more
// than it was given, and a done parser takes nothing more.
#include <dynasio/detail/transport/http_reply.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using dynasio::detail::http_reply;
using dynasio::detail::http_reply_parser;

struct reading {
  boost::system::error_code ec;
  bool done = false;
  bool keep_alive = false;
  unsigned status = 0;
  std::string fields;
  std::string body;
  std::size_t taken = 0;
  bool operator==(const reading&) const = default;
};

reading read(std::string_view text, const std::vector<std::size_t>& cuts, bool close) {
  http_reply reply;
  http_reply_parser p(reply, 4096);
  reading r;
  std::string held;
  std::size_t from = 0;
  for (std::size_t i = 0; i <= cuts.size(); ++i) {
    const std::size_t to = i < cuts.size() ? cuts[i] : text.size();
    held.append(text.substr(from, to - from));
    from = to;
    const std::size_t n = p.feed(held, r.ec);
    if (n > held.size()) __builtin_trap();
    r.taken += n;
    held.erase(0, n);
    if (r.ec || p.done()) break;
  }
  if (p.done() && !r.ec) {
    boost::system::error_code more;
    if (p.feed("HTTP/1.1 200 OK\r\n\r\n", more) != 0 || more) __builtin_trap();
  }
  if (close && !r.ec && !p.done()) p.end_of_input(r.ec);
  r.done = p.done();
  r.keep_alive = p.keep_alive();
  r.status = reply.status();
  for (std::size_t i = 0; i < reply.field_count(); ++i) {
    r.fields.append(reply.field_at(i).name).append(":").append(reply.field_at(i).value).append("\n");
  }
  r.body = reply.body();
  if (r.body.size() > 4096) __builtin_trap();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool close = data[0] & 1;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const reading whole = read(text, {}, close);
  const std::size_t cut = text.empty() ? 0 : (data[0] >> 1) % text.size();
  if (!(read(text, {cut}, close) == whole)) __builtin_trap();
  if (text.size() <= 512) {
    std::vector<std::size_t> bytes;
    for (std::size_t i = 1; i < text.size(); ++i) bytes.push_back(i);
    if (!(read(text, bytes, close) == whole)) __builtin_trap();
  }
  return 0;
}
