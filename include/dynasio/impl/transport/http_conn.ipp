//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_TRANSPORT_HTTP_CONN_IPP
#define DYNASIO_IMPL_TRANSPORT_HTTP_CONN_IPP

#include <dynasio/detail/transport/http_conn.hpp>
#include <dynasio/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

#include <openssl/ssl.h>

#include <array>
#include <tuple>

namespace dynasio::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

DYNASIO_DECL std::optional<std::string_view> http_reply::field(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    const field_view f = field_at(i);
    if (beast::iequals(f.name, name)) return f.value;
  }
  return std::nullopt;
}

// Beast's parser (framing, chunked bodies, limits, keep-alive) writing into an http_reply.
class http_reply_parser final : public http::basic_parser<false> {
 public:
  explicit http_reply_parser(http_reply& reply) : reply_(reply) {
    reply_.clear();
    // A DynamoDB reply's fields take about 200 bytes in about 6 fields: one allocation each
    // rather than a doubling per field.
    reply_.text_.reserve(512);
    reply_.fields_.reserve(16);
  }

 private:
  void on_request_impl(http::verb, beast::string_view, beast::string_view, int, beast::error_code&) override {}
  void on_response_impl(int code, beast::string_view reason, int, beast::error_code&) override {
    reply_.status_ = static_cast<unsigned>(code);
    reply_.reason_.assign(reason.data(), reason.size());
  }
  void on_field_impl(http::field, beast::string_view name, beast::string_view value, beast::error_code&) override {
    reply_.fields_.push_back({reply_.text_.size(), name.size(), value.size()});
    reply_.text_.append(name.data(), name.size()).append(value.data(), value.size());
  }
  void on_header_impl(beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, beast::error_code&) override {
    // The parser has checked the length against body_limit().
    if (length) reply_.body_.reserve(static_cast<std::size_t>(*length));
  }
  std::size_t on_body_impl(beast::string_view body, beast::error_code&) override {
    reply_.body_.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, beast::error_code&) override {
    reply_.body_.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(beast::error_code&) override {}

  http_reply& reply_;
};

DYNASIO_DECL http_conn::http_conn(asio::any_io_executor ex, asio::ssl::context& ctx, bool tls)
    : stream_(beast::tcp_stream(std::move(ex)), ctx), tls_(tls) {}

DYNASIO_DECL asio::awaitable<boost::system::error_code> http_conn::connect(const endpoint_info& ep,
                                                                           const connect_options& opts) {
  constexpr auto tuple = asio::as_tuple(asio::use_awaitable);
  auto& tcp = stream_.next_layer();
  asio::ip::tcp::resolver resolver(tcp.get_executor());
  tcp.expires_after(opts.connect_timeout);
  // Through a proxy, the proxy resolves the endpoint: only its own name is looked up here.
  const std::string& host = opts.proxy ? opts.proxy->host : ep.host;
  const std::string& port = opts.proxy ? opts.proxy->port : ep.port;
  auto [rec, results] = co_await resolver.async_resolve(host, port, tuple);
  if (rec) co_return rec;
  auto [cec, where] = co_await tcp.async_connect(results, tuple);
  (void)where;
  if (cec) co_return cec;
  boost::system::error_code ec;
  tcp.socket().set_option(asio::ip::tcp::no_delay(true), ec);
  if (opts.proxy && tls_) {
    // CONNECT needs host:port whatever the scheme's default.
    boost::system::error_code v6;
    const bool ipv6 = asio::ip::make_address(ep.host, v6).is_v6() && !v6;
    const std::string target = (ipv6 ? "[" + ep.host + "]" : ep.host) + ":" + ep.port;
    const std::string request = connect_request(target, *opts.proxy);
    auto [wec, written] = co_await asio::async_write(tcp, asio::buffer(request), tuple);
    (void)written;
    if (wec) co_return wec;
    http::response_parser<http::empty_body> reply;
    reply.skip(true);  // a CONNECT reply has no body: the tunnel starts right after its header
    auto [hec, read] = co_await http::async_read(tcp, buffer_, reply, tuple);
    (void)read;
    if (hec) co_return hec;
    const unsigned status = reply.get().result_int();
    if (status == 407) co_return make_error_code(errc::proxy_authentication_required);
    // Bytes after the header would belong to the TLS handshake, which reads the socket itself.
    if (status / 100 != 2 || buffer_.size() != 0) co_return make_error_code(errc::proxy_refused);
  }
  if (tls_) {
    // SNI is for names only (RFC 6066): IP literals are verified but not sent as SNI.
    boost::system::error_code addr_ec;
    asio::ip::make_address(ep.host, addr_ec);
    if (addr_ec && !SSL_set_tlsext_host_name(stream_.native_handle(), ep.host.c_str()))
      co_return make_error_code(errc::invalid_configuration);
    if (opts.verify_tls) stream_.set_verify_callback(asio::ssl::host_name_verification(ep.host));
    tcp.expires_after(opts.handshake_timeout);
    auto [hec] = co_await stream_.async_handshake(asio::ssl::stream_base::client, tuple);
    if (hec) co_return hec;
  }
  tcp.expires_never();
  co_return boost::system::error_code{};
}

DYNASIO_DECL asio::awaitable<boost::system::error_code> http_conn::exchange(std::string_view head,
                                                                            std::string_view body,
                                                                            std::chrono::milliseconds timeout,
                                                                            http_reply& reply) {
  constexpr auto tuple = asio::as_tuple(asio::use_awaitable);
  auto& tcp = stream_.next_layer();
  tcp.expires_after(timeout);
  http_reply_parser parser(reply);
  // BatchGetItem replies reach 16 MB; leave room for JSON overhead.
  parser.body_limit(64u * 1024 * 1024);
  const std::array<asio::const_buffer, 2> request{asio::buffer(head), asio::buffer(body)};
  boost::system::error_code ec;
  if (tls_) {
    std::tie(ec, std::ignore) = co_await asio::async_write(stream_, request, tuple);
    if (!ec) std::tie(ec, std::ignore) = co_await http::async_read(stream_, buffer_, parser, tuple);
  } else {
    std::tie(ec, std::ignore) = co_await asio::async_write(tcp, request, tuple);
    if (!ec) std::tie(ec, std::ignore) = co_await http::async_read(tcp, buffer_, parser, tuple);
  }
  if (ec) co_return ec;
  tcp.expires_never();
  keep_alive_ = parser.keep_alive();
  co_return ec;
}

}  // namespace dynasio::detail

#endif
