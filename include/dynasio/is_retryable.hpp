//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IS_RETRYABLE_HPP
#define DYNASIO_IS_RETRYABLE_HPP

#include <dynasio/detail/config.hpp>

#include <system_error>

namespace dynasio {

/**
 * @brief Should an operation that failed with `ec` be tried again?
 * @details True for throttling (`ProvisionedThroughputExceededException`,
 * `ThrottlingException`, `RequestLimitExceeded`, `LimitExceededException`), server faults
 * (HTTP 500/502/503/504), `TransactionConflictException`, a CRC-32 mismatch, timeouts and
 * dropped or refused connections (also a reply cut short: Beast's `end_of_stream`,
 * `partial_message`). False for everything else, notably
 * `ValidationException`, `ConditionalCheckFailedException`, `ResourceNotFoundException`,
 * `AccessDeniedException`, signature errors and cancellation.
 */
DYNASIO_DECL bool is_retryable(std::error_code ec) noexcept;

/// True for the throttling subset of is_retryable() (used for metrics and backoff).
DYNASIO_DECL bool is_throttling(std::error_code ec) noexcept;

}  // namespace dynasio

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/is_retryable.ipp>
#endif

#endif
