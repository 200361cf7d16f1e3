//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_STATEMENT_HPP
#define DYNASIO_STATEMENT_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/client.hpp>
#include <dynasio/detail/config.hpp>
#include <dynasio/operations/return_values.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dynasio {

/// The longest PartiQL `Statement`: 8192 characters.
inline constexpr std::size_t max_statement_length = 8192;
/// The most statements one BatchExecuteStatement takes.
inline constexpr std::size_t max_batch_statements = 25;

/// Options of execute_statement() and execute_statement_all().
struct statement_options {
  /// `ConsistentRead`: a strongly consistent read (SELECT only).
  bool consistent_read = false;
  /// `Limit`: most items DynamoDB evaluates for one page (at least 1).
  std::optional<std::int32_t> limit{};
  /// `NextToken`: continue where the previous page's next_token says.
  std::string next_token{};
  /// `ReturnValuesOnConditionCheckFailure` of an INSERT, UPDATE or DELETE whose condition failed.
  dynasio::return_values_on_condition_check_failure return_values_on_condition_check_failure =
      dynasio::return_values_on_condition_check_failure::none;
};

/// One page of execute_statement() results.
struct statement_page {
  /// `Items`: the items a SELECT returned on this page.
  std::vector<item> items{};
  /// `NextToken`: pass it as statement_options::next_token for the next page; empty on the last.
  std::string next_token{};
};

/// One statement of batch_execute_statement() (a `Statements` element).
struct statement {
  /// `Statement`: the PartiQL text, with `?` for each parameter.
  std::string text{};
  /// `Parameters`, in the order of the `?`s.
  std::vector<attribute_value> parameters{};
  /// `ConsistentRead` (SELECT only).
  bool consistent_read = false;
};

/// Why one statement of a batch failed (a response's `Error`).
struct statement_error {
  /// `Code`: "ConditionalCheckFailed", "DuplicateItem", "ValidationError", "ResourceNotFound", ...
  std::string code{};
  /// `Message`.
  std::string message{};
  /// `Item`, when a failed condition returned the item as it was.
  std::optional<dynasio::item> item{};
};

/// The answer to one statement of batch_execute_statement(), in the order they were given.
struct statement_result {
  /// `TableName`, when DynamoDB reports it.
  std::string table_name{};
  /// `Item`: what a SELECT of one item returned (nullopt when no item matched or on error).
  std::optional<dynasio::item> item{};
  /// Set when this statement failed; the others are unaffected.
  std::optional<statement_error> error{};

  /// True when this statement succeeded.
  bool ok() const noexcept { return !error; }
};

/**
 * @brief ExecuteStatement: runs one PartiQL statement, returning one page.
 * @param statement `Statement` (1 to 8192 characters), with `?` placeholders.
 * @param parameters `Parameters`, one per `?`; sent only when not empty.
 * @throws dynasio::error: errc::invalid_argument for a statement or option refused before
 * sending; service_errc::validation_exception for a statement or parameters DynamoDB refuses
 * (e.g. a parameter count that does not match the `?`s); conditional_check_failed, ...
 */
DYNASIO_DECL boost::asio::awaitable<statement_page> execute_statement(client db, std::string statement,
                                                                      std::vector<attribute_value> parameters,
                                                                      statement_options opts);
/// execute_statement() with default options.
DYNASIO_DECL boost::asio::awaitable<statement_page> execute_statement(client db, std::string statement,
                                                                      std::vector<attribute_value> parameters);

/// execute_statement() following `NextToken` to the end: every item, in order. Memory grows
/// with the result; use execute_statement() page by page for large ones.
DYNASIO_DECL boost::asio::awaitable<std::vector<item>> execute_statement_all(client db, std::string statement,
                                                                             std::vector<attribute_value> parameters,
                                                                             statement_options opts);
/// execute_statement_all() with default options.
DYNASIO_DECL boost::asio::awaitable<std::vector<item>> execute_statement_all(client db, std::string statement,
                                                                             std::vector<attribute_value> parameters);

/**
 * @brief BatchExecuteStatement: up to 25 statements, all reads or all writes, each succeeding
 * or failing on its own (not a transaction).
 * @returns One result per statement, in order; a failed statement has `error` set.
 * @throws dynasio::error for a batch refused as a whole (errc::invalid_argument before sending:
 * none or more than 25 statements, an empty or too long statement).
 */
DYNASIO_DECL boost::asio::awaitable<std::vector<statement_result>> batch_execute_statement(
    client db, std::vector<statement> statements);

namespace detail {
/// The ExecuteStatement body (validated first).
DYNASIO_DECL std::string execute_statement_body(const std::string& statement,
                                                const std::vector<attribute_value>& parameters,
                                                const statement_options& opts);
/// The BatchExecuteStatement body (validated first).
DYNASIO_DECL std::string batch_execute_statement_body(const std::vector<dynasio::statement>& statements);
/// The results of a BatchExecuteStatement reply; errc::protocol_error unless there are `expected`.
DYNASIO_DECL std::vector<statement_result> read_batch_statement(const boost::json::object& reply, std::size_t expected);
}  // namespace detail

inline boost::asio::awaitable<statement_page> client::execute_statement(std::string statement,
                                                                        std::vector<attribute_value> parameters,
                                                                        statement_options opts) {
  return dynasio::execute_statement(*this, std::move(statement), std::move(parameters), std::move(opts));
}
inline boost::asio::awaitable<statement_page> client::execute_statement(std::string statement,
                                                                        std::vector<attribute_value> parameters) {
  return dynasio::execute_statement(*this, std::move(statement), std::move(parameters));
}
inline boost::asio::awaitable<std::vector<item>> client::execute_statement_all(std::string statement,
                                                                               std::vector<attribute_value> parameters,
                                                                               statement_options opts) {
  return dynasio::execute_statement_all(*this, std::move(statement), std::move(parameters), std::move(opts));
}
inline boost::asio::awaitable<std::vector<item>> client::execute_statement_all(
    std::string statement, std::vector<attribute_value> parameters) {
  return dynasio::execute_statement_all(*this, std::move(statement), std::move(parameters));
}
inline boost::asio::awaitable<std::vector<statement_result>> client::batch_execute_statement(
    std::vector<statement> statements) {
  return dynasio::batch_execute_statement(*this, std::move(statements));
}

}  // namespace dynasio

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/statement.ipp>
#endif

#endif
