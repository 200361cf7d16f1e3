//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_HPP
#define DYNASIO_HPP

// The public API in one include.
#include <dynasio/admin.hpp>
#include <dynasio/attribute_value.hpp>
#include <dynasio/batch_error.hpp>
#include <dynasio/batch_writer.hpp>
#include <dynasio/binary.hpp>
#include <dynasio/call_metrics.hpp>
#include <dynasio/client.hpp>
#include <dynasio/config.hpp>
#include <dynasio/credentials.hpp>
#include <dynasio/describe.hpp>
#include <dynasio/diagnostics.hpp>
#include <dynasio/error.hpp>
#include <dynasio/expression.hpp>
#include <dynasio/is_retryable.hpp>
#include <dynasio/item_limits.hpp>
#include <dynasio/log_level.hpp>
#include <dynasio/number.hpp>
#include <dynasio/pager.hpp>
#include <dynasio/sets.hpp>
#include <dynasio/sigv4/signer.hpp>
#include <dynasio/sink.hpp>
#include <dynasio/statement.hpp>
#include <dynasio/table.hpp>
#include <dynasio/transaction.hpp>
#include <dynasio/update_expression.hpp>

#endif
