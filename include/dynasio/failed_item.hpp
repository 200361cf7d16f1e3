//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_FAILED_ITEM_HPP
#define DYNASIO_FAILED_ITEM_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/detail/config.hpp>
#include <dynasio/error.hpp>

#include <optional>

namespace dynasio {

/**
 * @brief The item as it was when a put_item(), update_item() or delete_item() condition failed.
 * @details Set only when the operation asked for it with `return_values_on_condition_check_failure
 * = all_old` and the item existed: the `Item` of the `ConditionalCheckFailedException`
 * (service_errc::conditional_check_failed). nullopt for any other error.
 */
DYNASIO_DECL std::optional<item> condition_failed_item(const error& e);

}  // namespace dynasio

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/failed_item.ipp>
#endif

#endif
