//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_SRC_HPP
#define DYNASIO_SRC_HPP

// Include this file in exactly one translation unit built with DYNASIO_SEPARATE_COMPILATION
// (or link dynasio::compiled) to compile dynasio's non-template code once. Boost.JSON's own
// sources are not included: link Boost::json.
#ifndef DYNASIO_SEPARATE_COMPILATION
#error "Define DYNASIO_SEPARATE_COMPILATION to include dynasio/src.hpp"
#endif

#include <dynasio/impl/admin.ipp>
#include <dynasio/impl/attribute_value.ipp>
#include <dynasio/impl/batch_fsm.ipp>
#include <dynasio/impl/batch_writer.ipp>
#include <dynasio/impl/call_fsm.ipp>
#include <dynasio/impl/client.ipp>
#include <dynasio/impl/config.ipp>
#include <dynasio/impl/consumed_capacity.ipp>
#include <dynasio/impl/credentials.ipp>
#include <dynasio/impl/credentials_cache.ipp>
#include <dynasio/impl/error.ipp>
#include <dynasio/impl/error_item.ipp>
#include <dynasio/impl/expression.ipp>
#include <dynasio/impl/is_retryable.ipp>
#include <dynasio/impl/item_limits.ipp>
#include <dynasio/impl/number.ipp>
#include <dynasio/impl/pager.ipp>
#include <dynasio/impl/protocol/base64.ipp>
#include <dynasio/impl/protocol/error_reply.ipp>
#include <dynasio/impl/protocol/json_reader.ipp>
#include <dynasio/impl/protocol/json_writer.ipp>
#include <dynasio/impl/protocol/replies.ipp>
#include <dynasio/impl/protocol/transaction_protocol.ipp>
#include <dynasio/impl/sets.ipp>
#include <dynasio/impl/sink.ipp>
#include <dynasio/impl/sink_keys.ipp>
#include <dynasio/impl/sink_step.ipp>
#include <dynasio/impl/statement.ipp>
#include <dynasio/impl/table.ipp>
#include <dynasio/impl/timestamp.ipp>
#include <dynasio/impl/transaction.ipp>
#include <dynasio/impl/transport/http_conn.ipp>
#include <dynasio/impl/transport/http_reply.ipp>
#include <dynasio/impl/transport/proxy.ipp>
#include <dynasio/impl/update_expression.ipp>
#include <dynasio/impl/validate.ipp>
#include <dynasio/sigv4/impl/canonical.ipp>
#include <dynasio/sigv4/impl/signer.ipp>

#endif
