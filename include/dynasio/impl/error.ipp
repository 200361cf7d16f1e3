//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_ERROR_IPP
#define DYNASIO_IMPL_ERROR_IPP

#include <dynasio/error.hpp>

#include <array>
#include <utility>

namespace dynasio {
namespace detail {

struct service_type_name {
  std::string_view type;
  service_errc code;
};

// The exact `__type` suffixes DynamoDB sends; "unknown" is never matched.
inline constexpr std::array<service_type_name, 24> service_type_names{{
    {"ValidationException", service_errc::validation_exception},
    {"ConditionalCheckFailedException", service_errc::conditional_check_failed},
    {"ResourceNotFoundException", service_errc::resource_not_found},
    {"ResourceInUseException", service_errc::resource_in_use},
    {"ProvisionedThroughputExceededException", service_errc::provisioned_throughput_exceeded},
    {"ThrottlingException", service_errc::throttling},
    {"RequestLimitExceeded", service_errc::request_limit_exceeded},
    {"LimitExceededException", service_errc::limit_exceeded},
    {"TransactionConflictException", service_errc::transaction_conflict},
    {"TransactionCanceledException", service_errc::transaction_canceled},
    {"TransactionInProgressException", service_errc::transaction_in_progress},
    {"ItemCollectionSizeLimitExceededException", service_errc::item_collection_size_limit_exceeded},
    {"AccessDeniedException", service_errc::access_denied},
    {"UnrecognizedClientException", service_errc::unrecognized_client},
    {"InvalidSignatureException", service_errc::invalid_signature},
    {"IncompleteSignatureException", service_errc::incomplete_signature},
    {"MissingAuthenticationTokenException", service_errc::missing_authentication_token},
    {"ExpiredTokenException", service_errc::expired_token},
    {"SerializationException", service_errc::serialization_exception},
    {"InternalServerError", service_errc::internal_server_error},
    {"ServiceUnavailable", service_errc::service_unavailable},
    {"RequestTimeTooSkewed", service_errc::request_time_too_skewed},
    {"RequestExpired", service_errc::request_time_too_skewed},
    {"RequestInTheFuture", service_errc::request_time_too_skewed},
}};

class client_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "dynasio.client"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::invalid_argument: return "invalid argument";
      case errc::invalid_number: return "invalid number";
      case errc::invalid_configuration: return "invalid configuration";
      case errc::signing_failed: return "request signing failed";
      case errc::protocol_error: return "malformed reply";
      case errc::crc32_mismatch: return "reply CRC-32 mismatch";
      case errc::timeout: return "timed out";
      case errc::retry_quota_exceeded: return "retry quota exceeded";
      case errc::batch_incomplete: return "some requests were not written";
      case errc::closed: return "closed";
      case errc::waiter_timeout: return "waiter gave up";
      case errc::key_schema_mismatch: return "key schema mismatch";
      case errc::proxy_authentication_required: return "the HTTP proxy requires authentication (407)";
      case errc::proxy_refused: return "the HTTP proxy refused to open a tunnel";
      case errc::no_credentials: return "no credentials";
    }
    return "unknown client error";
  }
};

class service_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "dynasio.service"; }
  std::string message(int ev) const override {
    for (const auto& n : service_type_names)
      if (static_cast<int>(n.code) == ev) return std::string(n.type);
    return "unknown service error";
  }
};

}  // namespace detail

DYNASIO_DECL const std::error_category& client_category() noexcept {
  static const detail::client_category_impl cat;
  return cat;
}

DYNASIO_DECL const std::error_category& service_category() noexcept {
  static const detail::service_category_impl cat;
  return cat;
}

DYNASIO_DECL service_errc service_errc_from_type(std::string_view aws_type) noexcept {
  if (auto hash = aws_type.rfind('#'); hash != std::string_view::npos) aws_type.remove_prefix(hash + 1);
  for (const auto& n : detail::service_type_names)
    if (n.type == aws_type) return n.code;
  return service_errc::unknown;
}

namespace detail {
// std::system_error appends ": <code message>" itself, so the code is not repeated here.
inline std::string error_what(const std::error_code& ec, const diagnostics& d) {
  std::string w;
  if (!d.type.empty() && d.type != ec.message()) w = d.type;
  if (!d.message.empty()) w.append(w.empty() ? "" : ": ").append(d.message);
  if (d.http_status != 0) w.append(" [HTTP ").append(std::to_string(d.http_status)).append("]");
  if (!d.request_id.empty()) w.append(" [request id ").append(d.request_id).append("]");
  return w.empty() ? std::string("dynasio") : w;
}
}  // namespace detail

DYNASIO_DECL error::error(std::error_code ec, dynasio::diagnostics diag)
    : std::system_error(ec, detail::error_what(ec, diag)), diag_(std::move(diag)) {}

}  // namespace dynasio

#endif
