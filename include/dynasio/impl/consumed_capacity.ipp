//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_CONSUMED_CAPACITY_IPP
#define DYNASIO_IMPL_CONSUMED_CAPACITY_IPP

#include <dynasio/detail/consumed_capacity.hpp>

#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>

namespace dynasio::detail {

namespace capacity {

enum class kind { none, read, write, partiql };

inline kind kind_of(std::string_view op) noexcept {
  static constexpr std::array<std::string_view, 5> reads{"GetItem", "BatchGetItem", "Query", "Scan",
                                                         "TransactGetItems"};
  static constexpr std::array<std::string_view, 5> writes{"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
                                                          "TransactWriteItems"};
  static constexpr std::array<std::string_view, 3> partiql{"ExecuteStatement", "BatchExecuteStatement",
                                                           "ExecuteTransaction"};
  for (auto r : reads)
    if (op == r) return kind::read;
  for (auto w : writes)
    if (op == w) return kind::write;
  for (auto p : partiql)
    if (op == p) return kind::partiql;
  return kind::none;
}

inline std::size_t skip_space(std::string_view s, std::size_t i) noexcept {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  return i;
}

// Where the string value of member `name` starts (after its opening quote), searching from the
// start; npos when absent. Only a member name is followed by a colon then a string: item
// attributes map to objects, and placeholder values are not followed by a colon.
// Boyer-Moore-Horspool: quotes are dense in JSON, which a find() by first character pays for.
inline std::size_t string_member_at(std::string_view body, std::string_view quoted_name) {
  const std::boyer_moore_horspool_searcher searcher(quoted_name.begin(), quoted_name.end());
  for (auto it = std::search(body.begin(), body.end(), searcher); it != body.end();
       it = std::search(it + 1, body.end(), searcher)) {
    const auto at = static_cast<std::size_t>(it - body.begin());
    std::size_t i = skip_space(body, at + quoted_name.size());
    if (i >= body.size() || body[i] != ':') continue;
    i = skip_space(body, i + 1);
    if (i < body.size() && body[i] == '"') return i + 1;
  }
  return std::string_view::npos;
}

inline std::string_view string_at(std::string_view body, std::size_t start) noexcept {
  if (start == std::string_view::npos) return {};
  const std::size_t end = body.find('"', start);
  return end == std::string_view::npos ? std::string_view{} : body.substr(start, end - start);
}

// A PartiQL request reads when its (first) statement is a SELECT: DynamoDB refuses batches and
// transactions mixing reads and writes.
inline bool statement_reads(std::string_view body) {
  std::string_view text = body.substr(std::min(body.size(), string_member_at(body, "\"Statement\"")));
  std::size_t i = 0;
  while (i < text.size() && (std::isspace(static_cast<unsigned char>(text[i])) || text[i] == '(')) ++i;
  constexpr std::string_view select = "select";
  if (text.size() - i < select.size()) return false;
  for (std::size_t k = 0; k < select.size(); ++k)
    if (std::tolower(static_cast<unsigned char>(text[i + k])) != select[k]) return false;
  return true;
}

inline std::optional<double> number_member(const boost::json::object& o, std::string_view name) {
  auto it = o.find(name);
  if (it == o.end() || !it->value().is_number()) return std::nullopt;
  return it->value().to_number<double>();
}

inline void add(std::optional<double>& sum, double v) { sum = sum.value_or(0) + v; }

}  // namespace capacity

DYNASIO_DECL bool takes_consumed_capacity(std::string_view operation) noexcept {
  return capacity::kind_of(operation) != capacity::kind::none;
}

DYNASIO_DECL std::optional<std::string> with_return_consumed_capacity(std::string_view operation, std::string_view body,
                                                                      return_consumed_capacity mode) {
  if (mode == return_consumed_capacity::none || !takes_consumed_capacity(operation)) return std::nullopt;
  const std::size_t open = capacity::skip_space(body, 0);
  if (open >= body.size() || body[open] != '{') return std::nullopt;
  if (capacity::string_member_at(body, "\"ReturnConsumedCapacity\"") != std::string_view::npos) return std::nullopt;
  const std::string_view field = mode == return_consumed_capacity::total ? R"("ReturnConsumedCapacity":"TOTAL")"
                                                                         : R"("ReturnConsumedCapacity":"INDEXES")";
  const std::string_view rest = body.substr(open + 1);
  const std::size_t next = capacity::skip_space(rest, 0);
  std::string out;
  out.reserve(body.size() + field.size() + 1);
  out.append(body.substr(0, open + 1)).append(field);
  if (next < rest.size() && rest[next] != '}') out += ',';
  out.append(rest);
  return out;
}

DYNASIO_DECL std::string_view request_table(std::string_view operation, std::string_view body) {
  // Batch bodies are keyed by table; looking for a TableName there would scan the whole body.
  if (operation == "BatchWriteItem" || operation == "BatchGetItem") {
    const std::size_t items = body.find("\"RequestItems\"");
    if (items == std::string_view::npos) return {};
    std::size_t i = capacity::skip_space(body, items + 14);
    if (i >= body.size() || body[i] != ':') return {};
    i = capacity::skip_space(body, i + 1);
    if (i >= body.size() || body[i] != '{') return {};
    i = capacity::skip_space(body, i + 1);
    if (i >= body.size() || body[i] != '"') return {};
    return capacity::string_at(body, i + 1);
  }
  return capacity::string_at(body, capacity::string_member_at(body, "\"TableName\""));
}

DYNASIO_DECL consumed_units read_consumed_capacity(std::string_view operation, std::string_view body,
                                                   const boost::json::object& reply) {
  consumed_units units;
  auto it = reply.find("ConsumedCapacity");
  if (it == reply.end()) return units;
  capacity::kind k = capacity::kind_of(operation);
  if (k == capacity::kind::partiql) k = capacity::statement_reads(body) ? capacity::kind::read : capacity::kind::write;
  auto add_entry = [&](const boost::json::value& v) {
    if (!v.is_object()) return;
    const auto& o = v.get_object();
    const auto read = capacity::number_member(o, "ReadCapacityUnits");
    const auto write = capacity::number_member(o, "WriteCapacityUnits");
    if (read) capacity::add(units.read, *read);
    if (write) capacity::add(units.write, *write);
    if (read || write) return;
    const auto total = capacity::number_member(o, "CapacityUnits");
    if (!total) return;
    if (k == capacity::kind::read) capacity::add(units.read, *total);
    else if (k == capacity::kind::write) capacity::add(units.write, *total);
  };
  if (it->value().is_array())
    for (const auto& v : it->value().get_array()) add_entry(v);
  else add_entry(it->value());
  return units;
}

}  // namespace dynasio::detail

#endif
