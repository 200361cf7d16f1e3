#ifndef DYNASIO_TESTS_FAKE_EXCHANGE_HPP
#define DYNASIO_TESTS_FAKE_EXCHANGE_HPP

// What the fake endpoint records (recorded_request) and plays (exchange), and helpers to build them.

#include <boost/asio/ssl.hpp>
#include <boost/crc.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dynasio::test {

/// One request as the fake endpoint received it.
struct recorded_request {
  /// The X-Amz-Target header, e.g. "DynamoDB_20120810.PutItem"; empty if absent.
  std::string target;
  /// The request body.
  std::string body;
  /// Every header, names lower-cased; repeated headers are joined with ",".
  std::map<std::string, std::string> headers;
  /// When the request had been fully read.
  std::chrono::steady_clock::time_point at;
  /// Which accepted connection it came on, counting from 0 in accept order.
  std::size_t connection_index = 0;
  /// The HTTP method, e.g. "POST".
  std::string method;
  /// The request target (path and query), e.g. "/".
  std::string path;
};

/// One step of the script: what the request should be and how to answer it.
struct exchange {
  /// Expected X-Amz-Target; empty accepts any. A mismatch is recorded in failures().
  std::string expect_target;
  /// HTTP status of the reply.
  unsigned status = 200;
  /// Reply body (ignored when body_fn is set).
  std::string body = "{}";
  /// Extra reply headers, e.g. {"x-amzn-RequestId", "RID1"}; they replace defaults of the same name.
  std::vector<std::pair<std::string, std::string>> headers;
  /// Wait this long after reading the request before acting on it (reply, close or hang).
  std::chrono::milliseconds delay{0};
  /// What to do with the request.
  enum class action {
    reply,              ///< answer normally
    close_before_read,  ///< close the connection without reading the request (or right after accept)
    close_after_read,   ///< read the whole request, then close without replying
    wrong_crc,          ///< reply with an x-amz-crc32 that does not match the body
    no_reply_hang       ///< read the request and never reply, until the client closes or stop()
  } act = action::reply;
  /// Send x-amz-crc32 (CRC-32 of the body, decimal) as DynamoDB does.
  bool add_crc32 = true;
  /// false: reply with "Connection: close" and close the connection afterwards.
  bool keep_alive = true;
  /// Optional: computes the reply body from the request (e.g. echoes part of it).
  std::function<std::string(const recorded_request&)> body_fn;
};

/// Handler mode: decides the reply for each request. Called after the request was read, so an
/// action::close_before_read it returns behaves like action::close_after_read.
using fake_handler = std::function<exchange(const recorded_request&)>;

/// Optional settings of a fake endpoint.
struct fake_endpoint_options {
  /// Serve HTTPS with this server context instead of plain HTTP.
  std::shared_ptr<boost::asio::ssl::context> tls;
  /// Host written into endpoint_url(); the server always listens on 127.0.0.1.
  std::string url_host = "127.0.0.1";
};

/// CRC-32 (IEEE, as zlib and DynamoDB's x-amz-crc32 compute it) of some bytes.
inline std::uint32_t crc32_of(std::string_view data) {
  boost::crc_32_type crc;
  crc.process_bytes(data.data(), data.size());
  return crc.checksum();
}

/// A request id unique within the process, in the style DynamoDB sends.
inline std::string fake_request_id() {
  static std::atomic<unsigned> next{1};
  std::string digits = std::to_string(next++);
  return "FAKE" + std::string(digits.size() < 28 ? 28 - digits.size() : 0, '0') + digits;
}

/// A DynamoDB error reply: `{"__type":"com.amazonaws.dynamodb.v20120810#<type>","message":...}`
/// with an x-amzn-RequestId header. A type that already contains '#' is used as given.
inline exchange aws_error(unsigned status, std::string_view type, std::string_view message) {
  boost::json::object obj;
  std::string full_type = type.find('#') == std::string_view::npos
                              ? "com.amazonaws.dynamodb.v20120810#" + std::string(type)
                              : std::string(type);
  obj["__type"] = full_type;
  obj["message"] = message;
  exchange e;
  e.status = status;
  e.body = boost::json::serialize(obj);
  e.headers.emplace_back("x-amzn-RequestId", fake_request_id());
  return e;
}

}  // namespace dynasio::test

#endif
