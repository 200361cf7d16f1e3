//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_OPERATIONS_DELETE_ITEM_HPP
#define DYNASIO_OPERATIONS_DELETE_ITEM_HPP

#include <dynasio/operations/put_item.hpp>

namespace dynasio {

/// Options of table::delete_item(): the same conditional-write parameters as put_item().
using delete_options = write_options;

}  // namespace dynasio

#endif
