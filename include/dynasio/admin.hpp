//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_ADMIN_HPP
#define DYNASIO_ADMIN_HPP

#include <dynasio/client.hpp>
#include <dynasio/detail/config.hpp>

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

namespace dynasio {

/// ListTables following `LastEvaluatedTableName` to the end: every table name, in order.
DYNASIO_DECL boost::asio::awaitable<std::vector<std::string>> list_tables(client db);

/**
 * @brief UpdateTimeToLive: turns expiry by the epoch-seconds number `attribute` on or off.
 * @param table `TableName`. @param attribute `TimeToLiveSpecification.AttributeName`.
 * @param enabled `TimeToLiveSpecification.Enabled`.
 * @throws dynasio::error: errc::invalid_argument for an empty table or attribute name;
 * service_errc::validation_exception when TTL is already in that state.
 */
DYNASIO_DECL boost::asio::awaitable<void> update_time_to_live(client db, std::string table, std::string attribute,
                                                              bool enabled);

inline boost::asio::awaitable<std::vector<std::string>> client::list_tables() { return dynasio::list_tables(*this); }
inline boost::asio::awaitable<void> client::update_time_to_live(std::string table, std::string attribute,
                                                                bool enabled) {
  return dynasio::update_time_to_live(*this, std::move(table), std::move(attribute), enabled);
}

}  // namespace dynasio

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/admin.ipp>
#endif

#endif
