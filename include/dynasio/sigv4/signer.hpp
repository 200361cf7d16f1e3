//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_SIGV4_SIGNER_HPP
#define DYNASIO_SIGV4_SIGNER_HPP

#include <dynasio/detail/config.hpp>
#include <dynasio/detail/credentials_value.hpp>
#include <dynasio/sigv4/canonical.hpp>
#include <dynasio/sigv4/http_request.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace dynasio::sigv4 {

/**
 * @brief Signs HTTP requests with AWS Signature Version 4 (`AWS4-HMAC-SHA256`) for one region
 * and service.
 *
 * @details Two entry points: sign() takes any request and returns every intermediate result;
 * sign_dynamodb() computes only the `Authorization` value of a DynamoDB JSON request, with
 * as little work as SigV4 allows. Both give the same signature for the same request.
 *
 * The signing key (four chained HMACs) depends on the secret, the date, the region and the
 * service; the signer keeps the last one it derived and reuses it while the secret and the
 * date stay the same, so a steady stream of requests costs one HMAC each.
 *
 * Errors: dynasio::error with errc::invalid_argument for a malformed date or request,
 * errc::signing_failed if OpenSSL fails.
 *
 * @par Thread safety
 * Distinct objects: safe. Shared objects: unsafe (the key cache and buffers are mutable). Use
 * one signer per connection or strand.
 */
class signer {
 public:
  /// A signer for `region` (e.g. `us-east-1`) and `service` (`dynamodb` for the client).
  DYNASIO_DECL signer(std::string region, std::string service);

  /// The region named in every credential scope.
  const std::string& region() const noexcept { return region_; }
  /// The service named in every credential scope.
  const std::string& service() const noexcept { return service_; }

  /**
   * @brief Signs any HTTP request.
   * @param creds The credentials; a non-empty session token adds `X-Amz-Security-Token`.
   * @param request The request. If it has an `X-Amz-Date` header, it must equal `amz_date`;
   * otherwise one is added. An `x-amz-content-sha256` header, if present, is used as the
   * payload hash instead of hashing the body (e.g. `UNSIGNED-PAYLOAD`).
   * @param amz_date The request time, `YYYYMMDDTHHMMSSZ` (see format_amz_date()).
   * @param options Path handling and optional headers; the defaults suit all but S3.
   * @returns The canonical request, string to sign, signature, Authorization value and the
   * signed request.
   */
  DYNASIO_DECL signing_result sign(const dynasio::credentials& creds, const http_request& request,
                                   std::string_view amz_date, const sign_options& options = {});

  /**
   * @brief The `Authorization` header value for a DynamoDB JSON request.
   * @details Signs `POST /` with no query and the headers `content-type`, `host`,
   * `x-amz-date`, `x-amz-target` and, when `creds.session_token` is not empty,
   * `x-amz-security-token` (the caller sends that header with the token as its value).
   * Costs one SHA-256 of the body, one of the canonical request and one HMAC while the cached
   * signing key is valid.
   * @param creds The credentials.
   * @param host The `Host` header value exactly as sent (`dynamodb.us-east-1.amazonaws.com`,
   * `127.0.0.1:4567`).
   * @param amz_date The `X-Amz-Date` header value, `YYYYMMDDTHHMMSSZ`.
   * @param x_amz_target The `X-Amz-Target` value, e.g. `DynamoDB_20120810.PutItem`.
   * @param content_type The `Content-Type` value, e.g. `application/x-amz-json-1.0`.
   * @param body The request body, byte for byte as sent.
   */
  DYNASIO_DECL std::string sign_dynamodb(const dynasio::credentials& creds, std::string_view host,
                                         std::string_view amz_date, std::string_view x_amz_target,
                                         std::string_view content_type, std::string_view body);

  /// sign_dynamodb(), appended to `out`: a request head built in a reused buffer allocates nothing.
  DYNASIO_DECL void append_dynamodb_authorization(std::string& out, const dynasio::credentials& creds,
                                                  std::string_view host, std::string_view amz_date,
                                                  std::string_view x_amz_target, std::string_view content_type,
                                                  std::string_view body);

  /// How many times this signer derived a signing key (cache misses); for tests and metrics.
  std::uint64_t key_derivations() const noexcept { return key_derivations_; }

 private:
  using digest = std::array<unsigned char, 32>;

  DYNASIO_DECL const digest& signing_key(std::string_view secret, std::string_view date);
  DYNASIO_DECL void append_scope(std::string& out, std::string_view date) const;
  DYNASIO_DECL void append_authorization(std::string& out, const dynasio::credentials& creds, std::string_view date,
                                         std::string_view signed_headers, const digest& signature) const;
  DYNASIO_DECL digest sign_creq(const dynasio::credentials& creds, std::string_view amz_date);

  std::string region_;
  std::string service_;
  // The last derived key and what it was derived from (region and service are fixed per signer).
  std::string key_secret_;
  std::string key_date_;
  digest key_{};
  bool key_valid_ = false;
  std::uint64_t key_derivations_ = 0;
  // Reused across calls so the hot path does not allocate once the buffers have grown.
  std::string creq_;
  std::string sts_;
};

}  // namespace dynasio::sigv4

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/sigv4/impl/signer.ipp>
#endif

#endif
