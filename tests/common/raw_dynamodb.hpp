#ifndef DYNASIO_TESTS_RAW_DYNAMODB_HPP
#define DYNASIO_TESTS_RAW_DYNAMODB_HPP

// A stand-in for the client in early integration tests: one synchronous, unsigned-in-substance
// HTTP POST to a local DynamoDB (dynalite checks the Authorization header's shape only).

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

namespace dynasio::test {

/// The endpoint from DYNASIO_TEST_ENDPOINT (`http://127.0.0.1:PORT`); throws when it is unset.
inline std::string test_endpoint() {
  const char* e = std::getenv("DYNASIO_TEST_ENDPOINT");
  if (!e || !*e)
    throw std::runtime_error(
        "DYNASIO_TEST_ENDPOINT is not set: run the integration tests through scripts/test.sh (or "
        "`source scripts/dynalite.sh && start_dynalite` first)");
  return e;
}

/// The HTTP status and parsed JSON body of one DynamoDB call.
struct raw_reply {
  unsigned status = 0;
  boost::json::value body;
};

/// POSTs `body` as operation `op` (e.g. "PutItem") to an `http://host:port` endpoint.
inline raw_reply raw_call(const std::string& endpoint, std::string_view op, std::string body) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  std::string_view rest = endpoint;
  if (rest.starts_with("http://")) rest.remove_prefix(7);
  const auto colon = rest.rfind(':');
  if (colon == std::string_view::npos) throw std::runtime_error("endpoint needs a port: " + endpoint);
  const std::string host(rest.substr(0, colon)), port(rest.substr(colon + 1));

  boost::asio::io_context ioc;
  boost::asio::ip::tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(resolver.resolve(host, port));

  http::request<http::string_body> req(http::verb::post, "/", 11);
  req.set(http::field::host, host + ":" + port);
  req.set(http::field::content_type, "application/x-amz-json-1.0");
  req.set("X-Amz-Target", "DynamoDB_20120810." + std::string(op));
  req.set("X-Amz-Date", "20260101T000000Z");
  req.set(http::field::authorization,
          "AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, "
          "Signature=00");
  req.body() = std::move(body);
  req.prepare_payload();
  http::write(stream, req);

  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  beast::error_code ec;
  stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  return {res.result_int(), boost::json::parse(res.body())};
}

}  // namespace dynasio::test

#endif
