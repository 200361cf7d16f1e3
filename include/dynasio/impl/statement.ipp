//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_STATEMENT_IPP
#define DYNASIO_IMPL_STATEMENT_IPP

#include <dynasio/detail/protocol/json_reader.hpp>
#include <dynasio/detail/protocol/json_writer.hpp>
#include <dynasio/detail/protocol/request_writer.hpp>
#include <dynasio/error.hpp>
#include <dynasio/statement.hpp>

namespace dynasio {
namespace detail {

inline void check_statement(const std::string& where, const std::string& text) {
  if (text.empty()) throw error(errc::invalid_argument, where + ": the statement is empty");
  if (text.size() > max_statement_length)
    throw error(errc::invalid_argument, where + ": the statement has " + std::to_string(text.size()) +
                                            " characters; at most " + std::to_string(max_statement_length) +
                                            " are allowed");
}

inline void write_parameters(request_writer& w, const std::vector<attribute_value>& parameters) {
  if (parameters.empty()) return;
  std::string list = "[";
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    if (i != 0) list += ',';
    write_value(list, parameters[i]);
  }
  list += ']';
  w.raw("Parameters", list);
}

inline std::optional<item> item_field(const boost::json::object& o, std::string_view name) {
  auto it = o.find(name);
  if (it == o.end() || !it->value().is_object()) return std::nullopt;
  return read_item(it->value().get_object());
}

}  // namespace detail

DYNASIO_DECL std::string detail::execute_statement_body(const std::string& statement,
                                                        const std::vector<attribute_value>& parameters,
                                                        const statement_options& opts) {
  check_statement("execute_statement", statement);
  if (opts.limit && *opts.limit < 1)
    throw error(errc::invalid_argument,
                "execute_statement: limit must be at least 1, not " + std::to_string(*opts.limit));
  request_writer w;
  w.string("Statement", statement);
  write_parameters(w, parameters);
  if (opts.consistent_read) w.boolean("ConsistentRead", true);
  if (opts.limit) w.integer("Limit", *opts.limit);
  w.string("NextToken", opts.next_token)
      .return_values_on_condition_check_failure(opts.return_values_on_condition_check_failure);
  return w.finish();
}

DYNASIO_DECL std::string detail::batch_execute_statement_body(const std::vector<dynasio::statement>& statements) {
  if (statements.empty())
    throw error(errc::invalid_argument, "batch_execute_statement: there must be at least one statement");
  if (statements.size() > max_batch_statements)
    throw error(errc::invalid_argument, "batch_execute_statement: " + std::to_string(statements.size()) +
                                            " statements; at most " + std::to_string(max_batch_statements) +
                                            " are allowed");
  std::string list = "[";
  for (std::size_t i = 0; i < statements.size(); ++i) {
    check_statement("batch_execute_statement: statements[" + std::to_string(i) + "]", statements[i].text);
    request_writer w;
    w.string("Statement", statements[i].text);
    write_parameters(w, statements[i].parameters);
    if (statements[i].consistent_read) w.boolean("ConsistentRead", true);
    if (i != 0) list += ',';
    list += w.finish();
  }
  list += ']';
  request_writer body;
  body.raw("Statements", list);
  return body.finish();
}

DYNASIO_DECL std::vector<statement_result> detail::read_batch_statement(const boost::json::object& reply,
                                                                        std::size_t expected) {
  auto it = reply.find("Responses");
  if (it == reply.end() || !it->value().is_array())
    throw error(errc::protocol_error, "BatchExecuteStatement: the reply has no Responses");
  std::vector<statement_result> out;
  for (const auto& r : it->value().get_array()) {
    if (!r.is_object()) throw error(errc::protocol_error, "BatchExecuteStatement: a response is not an object");
    const auto& o = r.get_object();
    statement_result res;
    if (auto t = o.find("TableName"); t != o.end() && t->value().is_string()) res.table_name = t->value().get_string();
    res.item = item_field(o, "Item");
    if (auto e = o.find("Error"); e != o.end() && e->value().is_object()) {
      const auto& eo = e->value().get_object();
      statement_error err;
      if (auto c = eo.find("Code"); c != eo.end() && c->value().is_string()) err.code = c->value().get_string();
      if (auto m = eo.find("Message"); m != eo.end() && m->value().is_string()) err.message = m->value().get_string();
      err.item = item_field(eo, "Item");
      res.error = std::move(err);
    }
    out.push_back(std::move(res));
  }
  if (out.size() != expected)
    throw error(errc::protocol_error, "BatchExecuteStatement: " + std::to_string(out.size()) + " responses for " +
                                          std::to_string(expected) + " statements");
  return out;
}

DYNASIO_DECL boost::asio::awaitable<statement_page> execute_statement(client db, std::string statement,
                                                                      std::vector<attribute_value> parameters,
                                                                      statement_options opts) {
  std::string body = detail::execute_statement_body(statement, parameters, opts);
  boost::json::object reply = co_await db.call_raw("ExecuteStatement", std::move(body));
  statement_page page;
  if (auto it = reply.find("Items"); it != reply.end() && it->value().is_array())
    for (const auto& v : it->value().get_array()) {
      if (!v.is_object()) throw error(errc::protocol_error, "ExecuteStatement: Items holds a non-object");
      page.items.push_back(detail::read_item(v.get_object()));
    }
  if (auto it = reply.find("NextToken"); it != reply.end() && it->value().is_string())
    page.next_token = it->value().get_string();
  co_return page;
}

DYNASIO_DECL boost::asio::awaitable<statement_page> execute_statement(client db, std::string statement,
                                                                      std::vector<attribute_value> parameters) {
  return execute_statement(std::move(db), std::move(statement), std::move(parameters), statement_options());
}

DYNASIO_DECL boost::asio::awaitable<std::vector<item>> execute_statement_all(client db, std::string statement,
                                                                             std::vector<attribute_value> parameters,
                                                                             statement_options opts) {
  std::vector<item> all;
  // A NextToken that never ends would be a server bug; bound the loop anyway.
  for (unsigned pages = 0; pages < 1000000; ++pages) {
    statement_page p = co_await execute_statement(db, statement, parameters, opts);
    std::move(p.items.begin(), p.items.end(), std::back_inserter(all));
    if (p.next_token.empty()) co_return all;
    opts.next_token = std::move(p.next_token);
  }
  throw error(errc::protocol_error, "execute_statement_all: NextToken did not end after 1 000 000 pages");
}

DYNASIO_DECL boost::asio::awaitable<std::vector<item>> execute_statement_all(client db, std::string statement,
                                                                             std::vector<attribute_value> parameters) {
  return execute_statement_all(std::move(db), std::move(statement), std::move(parameters), statement_options());
}

DYNASIO_DECL boost::asio::awaitable<std::vector<statement_result>> batch_execute_statement(
    client db, std::vector<statement> statements) {
  std::string body = detail::batch_execute_statement_body(statements);
  boost::json::object reply = co_await db.call_raw("BatchExecuteStatement", std::move(body));
  co_return detail::read_batch_statement(reply, statements.size());
}

}  // namespace dynasio

#endif
