//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_CREDENTIALS_HTTP_FETCH_IPP
#define DYNASIO_IMPL_CREDENTIALS_HTTP_FETCH_IPP

#include <dynasio/config.hpp>
#include <dynasio/detail/credentials/http_fetch.hpp>
#include <dynasio/detail/credentials/parse.hpp>
#include <dynasio/detail/transport/endpoint.hpp>
#include <dynasio/detail/transport/http_conn.hpp>
#include <dynasio/error.hpp>

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/error.hpp>

#include <cctype>
#include <memory>

namespace dynasio::detail {

DYNASIO_DECL bool is_network_failure(const std::error_code& ec) {
  // http_fetch reports everything but timeouts and bad URLs with the Asio/system codes.
  return ec == errc::timeout || ec.category() != client_category();
}

DYNASIO_DECL boost::asio::awaitable<fetch_response> http_fetch(const fetch_request& req) {
  // One verifying context for every provider; created on first use, never in a constructor.
  static boost::asio::ssl::context ssl_ctx = [] {
    boost::asio::ssl::context ctx(boost::asio::ssl::context::tls_client);
    ctx.set_verify_mode(boost::asio::ssl::verify_peer);
    ctx.set_default_verify_paths();
    return ctx;
  }();
  const split_url_result url = split_url(req.url, "credentials URL");
  const endpoint_info ep = parse_endpoint(url.origin);
  connect_options opts;
  opts.connect_timeout = req.timeout;
  opts.handshake_timeout = req.timeout;
  std::string head = req.method + " " + url.target + " HTTP/1.1\r\nHost: " + ep.host_header + "\r\n";
  for (const auto& [k, v] : req.headers) head.append(k).append(": ").append(v).append("\r\n");
  head += "Content-Length: " + std::to_string(req.body.size()) + "\r\nConnection: close\r\n\r\n";
  auto ex = co_await boost::asio::this_coro::executor;
  http_conn conn(ex, ssl_ctx, ep.tls);
  http_reply res;
  boost::system::error_code ec = co_await conn.connect(ep, opts);
  if (!ec) ec = co_await conn.exchange(head, req.body, req.timeout, res);
  if (ec) {
    const std::string what = req.method + " " + req.url + ": ";
    if (ec == boost::beast::error::timeout) throw error(errc::timeout, what + "timed out");
    throw error(std::error_code(ec), what + ec.message());
  }
  fetch_response out;
  out.status = res.status();
  for (std::size_t i = 0; i < res.field_count(); ++i) {
    const http_reply::field_view f = res.field_at(i);
    std::string name(f.name);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace_back(std::move(name), std::string(f.value));
  }
  out.body = std::move(res.body());
  co_return out;
}

}  // namespace dynasio::detail

#endif
