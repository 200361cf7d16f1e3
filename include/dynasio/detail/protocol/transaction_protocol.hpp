//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_PROTOCOL_TRANSACTION_PROTOCOL_HPP
#define DYNASIO_DETAIL_PROTOCOL_TRANSACTION_PROTOCOL_HPP

#include <dynasio/detail/config.hpp>
#include <dynasio/transaction.hpp>

#include <boost/json/object.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace dynasio::detail {

/// Checks `actions` and `opts` against DynamoDB's limits; throws errc::invalid_argument.
DYNASIO_DECL void validate_transact_write(const std::vector<transact_write>& actions,
                                          const transact_write_options& opts);

/// The TransactWriteItems body (validated first).
DYNASIO_DECL std::string transact_write_body(const std::vector<transact_write>& actions,
                                             const transact_write_options& opts);

/// The TransactGetItems body (validated first).
DYNASIO_DECL std::string transact_get_body(const std::vector<transact_get>& gets);

/// The items of a TransactGetItems reply, one per get, in order.
DYNASIO_DECL std::vector<std::optional<item>> read_transact_get(const boost::json::object& reply, std::size_t expected);

/**
 * The reasons of a TransactionCanceledException: from `CancellationReasons` in the error body
 * (`details`) when present, else the codes listed in brackets at the end of `message`.
 */
DYNASIO_DECL std::vector<cancellation_reason> read_cancellation_reasons(std::string_view details,
                                                                        std::string_view message);

}  // namespace dynasio::detail

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/protocol/transaction_protocol.ipp>
#endif

#endif
