//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_PROTOCOL_ERROR_REPLY_HPP
#define DYNASIO_DETAIL_PROTOCOL_ERROR_REPLY_HPP

#include <dynasio/credentials.hpp>
#include <dynasio/detail/config.hpp>
#include <dynasio/diagnostics.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace dynasio::detail {

/// One HTTP reply as the protocol layer sees it: no transport types.
struct reply_view {
  unsigned status = 0;
  std::string_view reason{};
  /// `x-amzn-RequestId`; empty when absent.
  std::string_view request_id{};
  /// `x-amz-crc32`, when present.
  bool has_crc32 = false;
  std::string_view crc32{};
  /// The `Date` header (the service's clock); empty when absent.
  std::string_view date{};
  std::string_view body{};
};

/// An error as a value: the code, and what DynamoDB or the client said about it.
struct error_info {
  std::error_code code{};
  diagnostics diag{};
  /// The reply's ThrottlingReasons name only hot key ranges (only_key_range_throttling()).
  bool key_range_only = false;
};

/**
 * The error a non-2xx reply stands for: the AWS `__type` (after `#`) mapped to a service_errc
 * (5xx without a known type: internal_server_error, or service_unavailable for 503), the
 * `message`/`Message`, status and request id. DynamoDB quotes the canonical request in some
 * errors (InvalidSignatureException), security token included: the secrets of `creds` are
 * masked in the message, which reaches what() and logs.
 */
DYNASIO_DECL error_info parse_error_reply(const reply_view& reply, const credentials& creds);

/// An HTTP `Date` ("Tue, 01 Dec 2026 09:58:59 GMT", RFC 9110 IMF-fixdate); nullopt otherwise.
DYNASIO_DECL std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

/// Replaces every occurrence of the secret key and session token of `creds` in `text`.
DYNASIO_DECL void redact(std::string& text, const credentials& creds);

}  // namespace dynasio::detail

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/protocol/error_reply.ipp>
#endif

#endif
