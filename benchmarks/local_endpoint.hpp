// What the local DynamoDB stand-ins of benchmarks/ share (bench_batch_endpoint,
// bench_throttled_endpoint): a JSON reply with its x-amz-crc32, and a single-threaded HTTP/1.1
// keep-alive server on 127.0.0.1 that hands each request to a handler,
//   const std::string& handler(http::request<http::string_body>& msg, bool& keep_alive, std::string& scratch)
// which returns the whole reply to write: a string of its own that outlives the write, or
// `scratch`, the connection's, for a reply made for this request. It may clear keep_alive to
// close after the reply.
#ifndef DYNASIO_BENCHMARKS_LOCAL_ENDPOINT_HPP
#define DYNASIO_BENCHMARKS_LOCAL_ENDPOINT_HPP

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/crc.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

/// A DynamoDB-style reply: status line, JSON content type, request id, x-amz-crc32, body.
inline std::string make_response(unsigned status, std::string_view body, bool keep_alive) {
  boost::crc_32_type crc;
  crc.process_bytes(body.data(), body.size());
  std::string r = "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Bad Request") + "\r\n";
  r += "Server: dynasio-bench\r\nContent-Type: application/x-amz-json-1.0\r\n";
  r += "x-amzn-RequestId: BENCH0000000000000000000000000000\r\n";
  r += "x-amz-crc32: " + std::to_string(crc.checksum()) + "\r\n";
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  r += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  r += body;
  return r;
}

/// Opens `acceptor` on 127.0.0.1:`port` (0: the OS chooses) and prints "port=NNNN" on stdout.
inline void listen_on_loopback(tcp::acceptor& acceptor, unsigned short port) {
  tcp::endpoint where(asio::ip::make_address_v4("127.0.0.1"), port);
  acceptor.open(where.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(where);
  acceptor.listen(asio::socket_base::max_listen_connections);
  std::printf("port=%u\n", static_cast<unsigned>(acceptor.local_endpoint().port()));
  std::fflush(stdout);
}

/// One connection: requests read and answered in turn (bounded), until either side closes.
template <class Handler>
asio::awaitable<void> serve_connection(tcp::socket socket, Handler& handler) {
  constexpr std::uint64_t body_limit = 32u * 1024u * 1024u;  // BatchWriteItem's 16 MB plus JSON slack
  beast::error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  beast::flat_buffer buffer;
  std::string body_storage;  // keeps its capacity from request to request
  std::string scratch;
  for (std::uint64_t n = 0; n < 1'000'000'000; ++n) {
    http::request<http::string_body> reuse;
    body_storage.clear();
    reuse.body() = std::move(body_storage);
    http::request_parser<http::string_body> parser(std::move(reuse));
    parser.body_limit(body_limit);
    co_await http::async_read(socket, buffer, parser, token);
    if (ec) co_return;
    auto& msg = parser.get();
    bool keep_alive = msg.keep_alive();
    const std::string& reply = handler(msg, keep_alive, scratch);
    body_storage = std::move(msg.body());
    co_await asio::async_write(socket, asio::buffer(reply), token);
    if (ec || !keep_alive) {
      socket.shutdown(tcp::socket::shutdown_send, ec);
      co_return;
    }
  }
}

/// Accepts connections (bounded) until the acceptor is closed, each served by serve_connection.
template <class Handler>
asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, Handler& handler) {
  auto ex = acceptor.get_executor();
  for (std::uint64_t n = 0; n < 10'000'000; ++n) {
    beast::error_code ec;
    tcp::socket socket(ex);
    co_await acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) continue;  // e.g. a connection reset before it was accepted
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(ex, serve_connection(std::move(socket), handler), asio::detached);
  }
}

}  // namespace bench

#endif
