//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_SIGV4_HTTP_REQUEST_HPP
#define DYNASIO_SIGV4_HTTP_REQUEST_HPP

#include <string>
#include <vector>

namespace dynasio::sigv4 {

/// One HTTP header field, as sent.
struct header {
  /// The field name in any case (`Host`, `x-amz-date`); SigV4 compares names case-insensitively.
  std::string name;
  /// The field value as sent; may hold obsolete line folding (a newline followed by whitespace).
  std::string value;
};

/**
 * @brief An HTTP request, described independently of any HTTP library, for signing.
 * @details The signer reads every field and returns a copy with the signing headers added
 * (see signing_result::signed_request). Every header present is signed, except
 * `Authorization`.
 */
struct http_request {
  /// The method in upper case: `GET`, `POST`, ...
  std::string method;
  /// The request-target of the request line: the path, optionally followed by `?` and the query,
  /// as it goes on the wire (percent-encoded or raw; the query is decoded before being re-encoded).
  std::string target = "/";
  /// The header fields in their order; a name may repeat (its values are joined in this order).
  std::vector<header> headers;
  /// The body, as bytes.
  std::string body;
};

/// Options for the general signer; the defaults are right for every service except S3.
struct sign_options {
  /// Remove `.` and `..` segments and duplicate slashes from the path before signing (S3: false).
  bool normalize_path = true;
  /// URI-encode the path (as sent) once more for the canonical request, as SigV4 wants for every
  /// service except S3 (S3: false, the path is signed as sent).
  bool uri_encode_path = true;
  /// Sign the `X-Amz-Security-Token` header. When false, the token is attached after signing,
  /// which a few services require.
  bool sign_session_token = true;
  /// Add and sign an `x-amz-content-sha256` header holding the payload hash (S3 requires it).
  bool add_content_sha256 = false;
};

/// Everything the general signer computes, for use and for comparison with test vectors.
struct signing_result {
  /// The SigV4 canonical request.
  std::string canonical_request;
  /// The string to sign: algorithm, date, credential scope and hash of the canonical request.
  std::string string_to_sign;
  /// The signature, 64 lowercase hex digits.
  std::string signature;
  /// The value of the `Authorization` header.
  std::string authorization;
  /// The request with `X-Amz-Security-Token`, `X-Amz-Date`, `x-amz-content-sha256` (when asked
  /// for and absent) and finally `Authorization` appended to its headers.
  http_request signed_request;
};

}  // namespace dynasio::sigv4

#endif
