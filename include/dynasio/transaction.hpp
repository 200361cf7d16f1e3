//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_TRANSACTION_HPP
#define DYNASIO_TRANSACTION_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/client.hpp>
#include <dynasio/detail/config.hpp>
#include <dynasio/error.hpp>
#include <dynasio/expression.hpp>
#include <dynasio/operations/return_values.hpp>
#include <dynasio/operations/update_item.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace dynasio {

/// The most actions one TransactWriteItems or TransactGetItems takes.
inline constexpr std::size_t max_transact_items = 100;
/// The largest aggregate size of the items of one transaction: 4 MB.
inline constexpr std::size_t max_transact_size = 4 * 1024 * 1024;
/// The longest `ClientRequestToken`: 36 characters.
inline constexpr std::size_t max_client_request_token = 36;

/// The condition of a transactional put, delete or condition check.
struct transact_condition {
  /// A condition built with attr(); its placeholders are generated.
  std::optional<dynasio::condition> condition{};
  /// A hand-written `ConditionExpression` (AND-ed with `condition` when both are set).
  std::string condition_expression{};
  /// `ExpressionAttributeNames` used by condition_expression.
  expression_names expression_attribute_names{};
  /// `ExpressionAttributeValues` used by condition_expression.
  item expression_attribute_values{};
  /// `ReturnValuesOnConditionCheckFailure`: `all_old` puts the item, as it was, into the
  /// cancellation reason of this action.
  dynasio::return_values_on_condition_check_failure return_values_on_condition_check_failure =
      dynasio::return_values_on_condition_check_failure::none;
};

/**
 * @brief One action of transact_write_items(): a `Put`, `Update`, `Delete` or
 * `ConditionCheck` element of `TransactItems`.
 * @details Built with the static functions; the table is named by its name (`orders.name()`
 * for a dynasio::table). Checked when the transaction is sent, before anything goes out.
 */
class transact_write {
 public:
  /// Which element of `TransactItems` this is.
  enum class kind { put, update, remove, condition_check };

  /// `Put`: stores `item` whole.
  static transact_write put(std::string table_name, dynasio::item item) {
    return put(std::move(table_name), std::move(item), transact_condition{});
  }
  /// `Put` if `c` holds.
  static transact_write put(std::string table_name, dynasio::item item, dynasio::condition c) {
    transact_condition tc;
    tc.condition = std::move(c);
    return put(std::move(table_name), std::move(item), std::move(tc));
  }
  /// `Put` with a full condition.
  static transact_write put(std::string table_name, dynasio::item item, transact_condition c) {
    return transact_write(kind::put, std::move(table_name), std::move(item), std::move(c), {});
  }

  /// `Update`: applies opts.update (or opts.update_expression), if opts' condition holds.
  /// opts.return_values must be `none` (transactions return no attributes).
  static transact_write update(std::string table_name, key key, update_options opts) {
    return transact_write(kind::update, std::move(table_name), std::move(key), {}, std::move(opts));
  }

  /// `Delete`: removes the item with `key`.
  static transact_write remove(std::string table_name, key key) {
    return remove(std::move(table_name), std::move(key), transact_condition{});
  }
  /// `Delete` if `c` holds.
  static transact_write remove(std::string table_name, key key, dynasio::condition c) {
    transact_condition tc;
    tc.condition = std::move(c);
    return remove(std::move(table_name), std::move(key), std::move(tc));
  }
  /// `Delete` with a full condition.
  static transact_write remove(std::string table_name, key key, transact_condition c) {
    return transact_write(kind::remove, std::move(table_name), std::move(key), std::move(c), {});
  }

  /// `ConditionCheck`: the transaction happens only if `c` holds for the item with `key`.
  static transact_write condition_check(std::string table_name, key key, dynasio::condition c) {
    transact_condition tc;
    tc.condition = std::move(c);
    return condition_check(std::move(table_name), std::move(key), std::move(tc));
  }
  /// `ConditionCheck` with a full condition (one of its conditions is required).
  static transact_write condition_check(std::string table_name, key key, transact_condition c) {
    return transact_write(kind::condition_check, std::move(table_name), std::move(key), std::move(c), {});
  }

  /// Which action this is.
  kind op() const noexcept { return kind_; }
  /// `TableName`.
  const std::string& table_name() const noexcept { return table_; }
  /// The whole item of a put; the key of the other actions.
  const dynasio::item& item() const noexcept { return item_; }
  /// The condition of a put, delete or condition check.
  const transact_condition& condition() const noexcept { return cond_; }
  /// The options of an update.
  const update_options& update_opts() const noexcept { return update_; }

 private:
  transact_write(kind k, std::string table, dynasio::item it, transact_condition c, update_options u)
      : kind_(k), table_(std::move(table)), item_(std::move(it)), cond_(std::move(c)), update_(std::move(u)) {}

  kind kind_;
  std::string table_;
  dynasio::item item_;
  transact_condition cond_;
  update_options update_;
};

/// Options of transact_write_items().
struct transact_write_options {
  /// `ClientRequestToken` (1 to 36 characters): a retry with the same token within 10
  /// minutes is applied once. Empty: none is sent.
  std::string client_request_token{};
  /// `ReturnConsumedCapacity`.
  dynasio::return_consumed_capacity return_consumed_capacity = dynasio::return_consumed_capacity::none;
};

/// What transact_write_items() returns.
struct transact_write_result {
  /// `ConsumedCapacity`, one object per table, as DynamoDB sent it; empty unless asked for.
  boost::json::array consumed_capacity{};
};

/// One `Get` of transact_get_items().
struct transact_get {
  /// `TableName`.
  std::string table{};
  /// `Key`.
  dynasio::key key{};
  /// `ProjectionExpression`: the attributes to return; all when empty.
  std::string projection_expression{};
  /// `ExpressionAttributeNames` used by projection_expression.
  expression_names expression_attribute_names{};
};

/// Why one action of a cancelled transaction failed (an element of `CancellationReasons`).
struct cancellation_reason {
  /// `Code`: `"None"` for an action that did not fail, `"ConditionalCheckFailed"`,
  /// `"TransactionConflict"`, `"ItemCollectionSizeLimitExceeded"`, `"ValidationError"`, ...
  std::string code{};
  /// `Message`; often empty.
  std::string message{};
  /// `Item`: the item as it was, when the action asked for `all_old` on a failed condition.
  std::optional<dynasio::item> item{};
};

/**
 * @brief DynamoDB cancelled a transaction (`TransactionCanceledException`).
 * @details `code()` is service_errc::transaction_canceled. reasons() holds one entry per
 * action, in the order the actions were given. When the service sends no structured reasons,
 * the codes are read from its message ("... [ConditionalCheckFailed, None]").
 */
class transaction_canceled : public error {
 public:
  /// The service's error, with its reasons.
  transaction_canceled(const error& e, std::vector<cancellation_reason> reasons)
      : error(e.code(), e.diagnostics()), reasons_(std::move(reasons)) {}

  /// One reason per action, in request order.
  const std::vector<cancellation_reason>& reasons() const noexcept { return reasons_; }

 private:
  std::vector<cancellation_reason> reasons_;
};

/**
 * @brief TransactWriteItems: applies every action, or none.
 * @details Checked before sending (errc::invalid_argument naming the field): 1 to 100
 * actions, items of at most 400 KB and together at most 4 MB, table names present, an update
 * expression on each update and a condition on each condition check, return_values `none`
 * on updates, no item touched by two actions (keys compared by value; a put's key is taken
 * from the key attributes that other actions on the same table use), a token of at most 36
 * characters. `TransactionConflictException` is retried per the client's retry policy.
 * @throws transaction_canceled when a condition failed or the transaction conflicted;
 * dynasio::error otherwise (e.g. `IdempotentParameterMismatchException` as
 * service_errc::unknown for a token reused with other actions).
 */
DYNASIO_DECL boost::asio::awaitable<transact_write_result> transact_write_items(client db,
                                                                                std::vector<transact_write> actions,
                                                                                transact_write_options opts);
/// transact_write_items() with default options.
DYNASIO_DECL boost::asio::awaitable<transact_write_result> transact_write_items(client db,
                                                                                std::vector<transact_write> actions);

/**
 * @brief TransactGetItems: reads up to 100 items as one consistent snapshot.
 * @returns One entry per get, in order; nullopt where no item has that key.
 * @throws transaction_canceled when a concurrent transaction conflicted.
 */
DYNASIO_DECL boost::asio::awaitable<std::vector<std::optional<item>>> transact_get_items(
    client db, std::vector<transact_get> gets);

inline boost::asio::awaitable<transact_write_result> client::transact_write_items(std::vector<transact_write> actions,
                                                                                  transact_write_options opts) {
  return dynasio::transact_write_items(*this, std::move(actions), std::move(opts));
}
inline boost::asio::awaitable<transact_write_result> client::transact_write_items(std::vector<transact_write> actions) {
  return dynasio::transact_write_items(*this, std::move(actions));
}
inline boost::asio::awaitable<std::vector<std::optional<item>>> client::transact_get_items(
    std::vector<transact_get> gets) {
  return dynasio::transact_get_items(*this, std::move(gets));
}

}  // namespace dynasio

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/transaction.ipp>
#endif

#endif
