// http_reply_parser, sans-io: every reply reads the same however its bytes are split (one piece,
// every cut into two, byte by byte); framing (Content-Length, chunked, to the close, none after
// 1xx/204/304), keep-alive, folded fields and the bytes after a reply; a catalog of malformed
// replies, each refused with its own code; the deadline watch leaves no work once idle.

#include <dynasio/detail/transport/http_conn.hpp>
#include <dynasio/detail/transport/http_reply.hpp>

#include "run_coro.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/error.hpp>
#include <doctest/doctest.h>

#include <string>
#include <vector>

using dynasio::detail::http_reply;
using dynasio::detail::http_reply_parser;
namespace http_error = boost::beast::http;

namespace {

struct parsed {
  boost::system::error_code ec;
  bool done = false;
  bool keep_alive = false;
  unsigned status = 0;
  std::string reason;
  std::vector<std::string> fields;  // "name: value"
  std::string body;
  std::size_t taken = 0;  // bytes of the input the parser took
  bool operator==(const parsed&) const = default;
};

// Feeds `pieces` in turn as a reader would: what the parser leaves is passed again with the
// next piece. `close` ends the input after the last piece.
parsed feed(const std::vector<std::string>& pieces, bool close = false, std::size_t body_limit = 1 << 20) {
  http_reply reply;
  http_reply_parser p(reply, body_limit);
  parsed out;
  std::string held;
  for (const std::string& piece : pieces) {
    held += piece;
    const std::size_t n = p.feed(held, out.ec);
    out.taken += n;
    held.erase(0, n);
    if (out.ec || p.done()) break;
  }
  if (close && !out.ec && !p.done()) p.end_of_input(out.ec);
  out.done = p.done();
  out.keep_alive = p.keep_alive();
  out.status = reply.status();
  out.reason = std::string(reply.reason());
  for (std::size_t i = 0; i < reply.field_count(); ++i)
    out.fields.push_back(std::string(reply.field_at(i).name) + ": " + std::string(reply.field_at(i).value));
  out.body = reply.body();
  return out;
}

// A complete reply as the parser should leave it.
parsed complete(unsigned status, std::string reason, std::vector<std::string> fields, std::string body,
                std::size_t taken, bool keep_alive = true) {
  parsed p;
  p.done = true;
  p.keep_alive = keep_alive;
  p.status = status;
  p.reason = std::move(reason);
  p.fields = std::move(fields);
  p.body = std::move(body);
  p.taken = taken;
  return p;
}

// The same reply in one piece, cut in two at every point, and one byte at a time.
void check_every_split(const std::string& text, bool close, const parsed& expected) {
  CAPTURE(text);
  CHECK(feed({text}, close) == expected);
  for (std::size_t cut = 1; cut < text.size(); ++cut) {
    CAPTURE(cut);
    CHECK(feed({text.substr(0, cut), text.substr(cut)}, close) == expected);
  }
  std::vector<std::string> bytes;
  for (char c : text) bytes.emplace_back(1, c);
  CHECK(feed(bytes, close) == expected);
}

}  // namespace

TEST_CASE("http_reply_parser: a reply reads the same whatever its split") {
  SUBCASE("Content-Length, with what follows it left alone") {
    const std::string reply = "HTTP/1.1 200 OK\r\nx-amz-crc32: 7\r\nContent-Length: 11\r\n\r\nhello world";
    check_every_split(reply, false,
                      complete(200, "OK", {"x-amz-crc32: 7", "Content-Length: 11"}, "hello world", reply.size()));
    // The bytes after a complete reply are not taken: they belong to whatever comes next.
    const parsed more = feed({reply + "HTTP/1.1 204"});
    CHECK(more.taken == reply.size());
    CHECK(more.body == "hello world");
  }
  SUBCASE("chunked, with extensions and a trailer after the header's fields") {
    const std::string reply =
        "HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
        "5\r\nhello\r\n1;ext=\"a b\"\r\n,\r\nA  ;x\r\n world!!!!\r\n0\r\nTrailer-Field: t\r\n\r\n";
    check_every_split(reply, false,
                      complete(400, "Bad Request", {"Transfer-Encoding: gzip, chunked", "Trailer-Field: t"},
                               "hello, world!!!!", reply.size()));
  }
  SUBCASE("chunked without a trailer") {
    const std::string reply = "HTTP/1.1 200 OK\r\ntransfer-encoding: CHUNKED\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
    check_every_split(reply, false, complete(200, "OK", {"transfer-encoding: CHUNKED"}, "abc", reply.size()));
  }
  SUBCASE("a body that runs to the close, which ends keep-alive") {
    const std::string reply = "HTTP/1.1 500 Internal Server Error\r\nServer: x\r\n\r\npartial {\"a\":1}";
    check_every_split(reply, true,
                      complete(500, "Internal Server Error", {"Server: x"}, "partial {\"a\":1}", reply.size(), false));
  }
  SUBCASE("an interim 100 Continue is dropped, and the reply after it read") {
    const std::string reply =
        "HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
    check_every_split(reply, false, complete(200, "OK", {"Content-Length: 2"}, "{}", reply.size()));
  }
  SUBCASE("folded lines join their field with a space; values are trimmed") {
    const std::string reply = "HTTP/1.1 200 \r\nX-Long:  a \r\n  b\r\n\tc \r\nContent-Length:0\r\n\r\n";
    check_every_split(reply, false, complete(200, "", {"X-Long: a b c", "Content-Length: 0"}, "", reply.size()));
  }
}

TEST_CASE("http_reply_parser: framing and keep-alive rules") {
  // 204 and 304 have no body, whatever their fields say; nothing after the header is taken.
  parsed r = feed({"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nabcde"});
  CHECK(r.done);
  CHECK(r.body.empty());
  CHECK(r.taken == std::string("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n").size());
  CHECK(feed({"HTTP/1.1 304 Not Modified\r\n\r\n"}).done);
  // Keep-alive: HTTP/1.1 unless close (a token of a list, any case); HTTP/1.0 only when asked.
  CHECK_FALSE(feed({"HTTP/1.1 200 OK\r\nConnection: upgrade, CLOSE\r\nContent-Length: 0\r\n\r\n"}).keep_alive);
  CHECK_FALSE(feed({"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"}).keep_alive);
  CHECK(feed({"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n"}).keep_alive);
  // HTTP/1.0 has no Transfer-Encoding: a reply that frames itself so is read, then the
  // connection is not kept, whatever it asked.
  r = feed({"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n"});
  CHECK(r.done);
  CHECK(r.body == "a");
  CHECK_FALSE(r.keep_alive);
  // A 101 (nothing asks for an upgrade) ends the reply and the connection.
  r = feed({"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n"});
  CHECK(r.done);
  CHECK(r.status == 101);
  CHECK_FALSE(r.keep_alive);
  // The longest chunk-size line taken (extensions and all), whether or not its LF came with it.
  const std::string line = "1;" + std::string(4094, 'e');
  const std::string longest = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + line + "\r\nz\r\n0\r\n\r\n";
  const std::size_t cr = longest.find(line) + line.size() + 1;  // just after the line's CR
  CHECK(feed({longest}).body == "z");
  CHECK(feed({longest.substr(0, cr), longest.substr(cr)}).body == "z");
  CHECK(feed({longest.substr(0, cr), longest.substr(cr)}) == feed({longest}));
  // Transfer-Encoding wins over Content-Length, and such a reply ends the connection.
  r = feed({"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"});
  CHECK(r.done);
  CHECK(r.body == "ok");
  CHECK_FALSE(r.keep_alive);
  // A coding other than chunked last: the body runs to the close.
  r = feed({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nzz"}, true);
  CHECK(r.done);
  CHECK(r.body == "zz");
  CHECK_FALSE(r.keep_alive);
  // Repeated Content-Length values that agree are one length.
  r = feed({"HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nab"});
  CHECK(r.done);
  CHECK(r.body == "ab");
  // A CONNECT reply stops after its header: the tunnel's bytes are not taken.
  http_reply reply;
  http_reply_parser p(reply, 0);
  p.header_only();
  boost::system::error_code ec;
  const std::string head = "HTTP/1.1 200 Connection established\r\n\r\n";
  CHECK(p.feed(head + "\x16\x03", ec) == head.size());
  CHECK_FALSE(ec);
  CHECK(p.done());
}

TEST_CASE("http_reply_parser: malformed replies are refused, each with its code") {
  struct bad {
    std::string text;
    http_error::error code;
    bool close = false;
  };
  const std::vector<bad> catalog = {
      {"HTTP/2.0 200 OK\r\n\r\n", http_error::error::bad_version},
      {"HTTX/1.1 200 OK\r\n\r\n", http_error::error::bad_version},
      {"\r\n\r\n", http_error::error::bad_version},
      {"HTTP/1.1 20 OK\r\n\r\n", http_error::error::bad_status},
      {"HTTP/1.1 099 Low\r\n\r\n", http_error::error::bad_status},
      {"HTTP/1.1 2000 OK\r\n\r\n", http_error::error::bad_status},
      {"HTTP/1.1 200 O\x01K\r\n\r\n", http_error::error::bad_reason},
      {"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", http_error::error::bad_field},
      {"HTTP/1.1 200 OK\r\nName : x\r\n\r\n", http_error::error::bad_field},
      {"HTTP/1.1 200 OK\r\nno-colon\r\n\r\n", http_error::error::bad_field},
      {"HTTP/1.1 200 OK\r\n: empty-name\r\n\r\n", http_error::error::bad_field},
      {"HTTP/1.1 200 OK\r\n folded-first: x\r\n\r\n", http_error::error::bad_value},
      {"HTTP/1.1 200 OK\r\nX: a\nb\r\n\r\n", http_error::error::bad_value},
      {"HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n", http_error::error::bad_value},
      {"HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", http_error::error::bad_content_length},
      {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", http_error::error::bad_content_length},
      {"HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", http_error::error::bad_content_length},
      {"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", http_error::error::bad_content_length},
      {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc", http_error::error::bad_content_length},
      {"HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n", http_error::error::body_limit},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", http_error::error::bad_chunk},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n", http_error::error::bad_chunk},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2 x\r\nab\r\n", http_error::error::bad_chunk_extension},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000\r\n", http_error::error::body_limit},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF\r\n", http_error::error::bad_chunk},
      {"HTTP/1.1 200 OK\r\nX: " + std::string(http_reply_parser::header_limit, 'a') + "\r\n\r\n",
       http_error::error::header_limit},
      {"HTTP/1.1 200 OK\r\nX: " + std::string(http_reply_parser::header_limit, 'a'), http_error::error::header_limit},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + std::string(5000, '1'), http_error::error::bad_chunk},
      // The connection ends: before any byte, or within a reply that needs more.
      {"", http_error::error::end_of_stream, true},
      {"HTTP/1.1 200 OK\r\nContent-Le", http_error::error::partial_message, true},
      {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc", http_error::error::partial_message, true},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", http_error::error::partial_message, true},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: 1\r\n", http_error::error::partial_message, true},
  };
  for (const bad& b : catalog) {
    CAPTURE(b.text);
    const parsed r = feed({b.text}, b.close);
    CHECK(r.ec == b.code);
    CHECK(r.done);
  }
  // A body over the limit that runs to the close.
  const parsed r = feed({"HTTP/1.1 200 OK\r\n\r\n", std::string(100, 'x')}, true, 64);
  CHECK(r.ec == http_error::error::body_limit);
}

TEST_CASE("deadline_watch: a deadline passing closes its socket; cleared, nothing is left waiting") {
  using namespace std::chrono_literals;
  boost::asio::io_context ioc;
  auto watch = std::make_shared<dynasio::detail::deadline_watch>(ioc.get_executor());
  boost::asio::ip::tcp::socket a(ioc), b(ioc);
  a.open(boost::asio::ip::tcp::v4());
  b.open(boost::asio::ip::tcp::v4());
  dynasio::detail::deadline_watch::deadline da(a), db(b);
  watch->set(da, 0ms);
  watch->set(db, 1h);
  CHECK(watch->active() == 2);
  // The timer wakes for da's deadline (already past): da's socket closes, db's stays open.
  // (Asio may run a handler of its own first: a few turns, bounded.)
  for (int i = 0; i < 5 && !da.expired; ++i) ioc.run_one();
  CHECK(da.expired);
  CHECK_FALSE(a.is_open());
  CHECK_FALSE(db.expired);
  CHECK(b.is_open());
  CHECK(watch->active() == 1);
  watch->clear(da);  // already taken out by the watch: a no-op
  CHECK(watch->active() == 1);
  // Expired stays expired: the socket is closed, so a later step is a timeout too.
  watch->set(da, 1h);
  CHECK(da.expired);
  watch->clear(da);
  CHECK(watch->active() == 1);
  // The last deadline cleared cancels the timer: the io_context runs out of work at once.
  watch->clear(db);
  CHECK(watch->active() == 0);
  ioc.restart();
  ioc.run_for(10s);  // returns as soon as there is no work, which a pending timer would be
  CHECK(ioc.stopped());
  CHECK(b.is_open());
  CHECK_FALSE(db.expired);
}

TEST_CASE("http_reply_parser: a trailer line that starts with a bare LF is refused") {
  // The trailer arrives in a piece of its own, so nothing of the reply lies before it.
  http_reply reply;
  http_reply_parser p(reply, 1 << 20);
  boost::system::error_code ec;
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n";
  CHECK(p.feed(head, ec) == head.size());
  const std::string trailer = "\nX: 1\r\n\r\n";
  p.feed(trailer, ec);
  CHECK(ec == http_error::error::bad_value);
}
