//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_TRANSACTION_IPP
#define DYNASIO_IMPL_TRANSACTION_IPP

#include <dynasio/detail/protocol/transaction_protocol.hpp>
#include <dynasio/transaction.hpp>

namespace dynasio {
namespace detail {

// Calls `operation`, turning a TransactionCanceledException into transaction_canceled.
inline boost::asio::awaitable<boost::json::object> transact_call(client db, const char* operation, std::string body) {
  std::optional<error> canceled;
  try {
    co_return co_await db.call_raw(operation, std::move(body));
  } catch (const error& e) {
    if (e.code() != service_errc::transaction_canceled) throw;
    canceled = e;
  }
  auto reasons = read_cancellation_reasons(canceled->diagnostics().details, canceled->diagnostics().message);
  throw transaction_canceled(*canceled, std::move(reasons));
}

}  // namespace detail

DYNASIO_DECL boost::asio::awaitable<transact_write_result> transact_write_items(client db,
                                                                                std::vector<transact_write> actions,
                                                                                transact_write_options opts) {
  std::string body = detail::transact_write_body(actions, opts);
  boost::json::object reply = co_await detail::transact_call(db, "TransactWriteItems", std::move(body));
  transact_write_result result;
  if (auto it = reply.find("ConsumedCapacity"); it != reply.end() && it->value().is_array())
    result.consumed_capacity = std::move(it->value().get_array());
  co_return result;
}

DYNASIO_DECL boost::asio::awaitable<transact_write_result> transact_write_items(client db,
                                                                                std::vector<transact_write> actions) {
  return transact_write_items(std::move(db), std::move(actions), transact_write_options());
}

DYNASIO_DECL boost::asio::awaitable<std::vector<std::optional<item>>> transact_get_items(
    client db, std::vector<transact_get> gets) {
  std::string body = detail::transact_get_body(gets);
  boost::json::object reply = co_await detail::transact_call(db, "TransactGetItems", std::move(body));
  co_return detail::read_transact_get(reply, gets.size());
}

}  // namespace dynasio

#endif
