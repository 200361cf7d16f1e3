//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_CREDENTIALS_HTTP_FETCH_HPP
#define DYNASIO_DETAIL_CREDENTIALS_HTTP_FETCH_HPP

#include <dynasio/detail/config.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dynasio::detail {

/// One HTTP/1.1 request of a credential provider (IMDS, container endpoint, STS, SSO).
struct fetch_request {
  std::string method = "GET";
  /// `http[s]://host[:port]/path[?query]`.
  std::string url;
  /// Extra header fields; Host, Content-Length and Connection are added.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// Bound on connecting, and separately on writing the request and reading the reply.
  std::chrono::milliseconds timeout{2000};
};

/// The reply: status, header fields (names lower-cased) and body.
struct fetch_response {
  unsigned status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// The value of header `name` (lower case), or empty.
  std::string header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return {};
  }
};

/**
 * Sends `req` on a fresh connection (closed afterwards: these calls are rare) and reads the reply.
 * HTTPS verifies the peer against the system store. Network failures throw dynasio::error whose
 * code is errc::timeout for an expired deadline, else the Asio code (connection_refused, ...),
 * and whose message names the method and URL. Honours the caller's cancellation.
 */
DYNASIO_DECL boost::asio::awaitable<fetch_response> http_fetch(const fetch_request& req);

/// True for failures of the network (refused, reset, timeout, DNS), as opposed to HTTP replies.
DYNASIO_DECL bool is_network_failure(const std::error_code& ec);

}  // namespace dynasio::detail

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/credentials/http_fetch.ipp>
#endif

#endif
