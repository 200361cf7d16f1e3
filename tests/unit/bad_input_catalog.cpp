// The bad-input catalog: invalid inputs across the public API, one line each. Each must be
// refused with its error code and a message holding every listed part (the field, the value),
// and the counting endpoint behind the client must receive nothing for it.
#include <dynasio.hpp>
#include <dynasio/detail/validate.hpp>

#include "fake_endpoint.hpp"
#include "run_coro.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/describe/class.hpp>
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

using namespace dynasio;
namespace asio = boost::asio;

namespace struct_rows {
// A row the batch writer writes straight from its members (put_item(const T&)).
struct row {
  std::string id;
  std::optional<long> n;
  std::string v;
  double d = 0;
};
BOOST_DESCRIBE_STRUCT(row, (), (id, n, v, d))
}  // namespace struct_rows

namespace {

// What a case runs against: a client on the counting endpoint, and a sink opened on it
// (table "orders": HASH id S, RANGE n N).
struct fixture {
  client db;
  std::optional<dynasio::sink> mirror;
};

using action = std::function<asio::awaitable<void>(fixture&)>;

struct bad_input {
  /// What is wrong, for the failure message.
  const char* what;
  std::error_code code;
  /// Parts the message must hold.
  std::vector<std::string> says;
  action run;
  /// The public path does not refuse it yet: the check is the detail:: function the request
  /// core must call (see the report); the line exercises that function.
  bool core = false;
};

std::error_code arg = make_error_code(errc::invalid_argument);
std::error_code num = make_error_code(errc::invalid_number);
std::error_code cfg = make_error_code(errc::invalid_configuration);

template <class F>
action sync(F f) {
  return [f](fixture&) -> asio::awaitable<void> {
    f();
    co_return;
  };
}

action put(item it, put_options o = {}) {
  return [it, o](fixture& fx) -> asio::awaitable<void> {
    table t = fx.db.table("orders");
    co_await t.put_item(it, o);
  };
}
action get(key k, get_options o = {}) {
  return [k, o](fixture& fx) -> asio::awaitable<void> {
    table t = fx.db.table("orders");
    co_await t.get_item(k, o);
  };
}
action del(key k, delete_options o = {}) {
  return [k, o](fixture& fx) -> asio::awaitable<void> {
    table t = fx.db.table("orders");
    co_await t.delete_item(k, o);
  };
}
action update(key k, update_options o) {
  return [k, o](fixture& fx) -> asio::awaitable<void> {
    table t = fx.db.table("orders");
    co_await t.update_item(k, o);
  };
}
action query(query_options o) {
  return [o](fixture& fx) -> asio::awaitable<void> {
    table t = fx.db.table("orders");
    co_await t.query(o);
  };
}
action scan(scan_options o) {
  return [o](fixture& fx) -> asio::awaitable<void> {
    table t = fx.db.table("orders");
    co_await t.scan(o);
  };
}
// A batch writer with `o`, given `it` (a put, or a delete when `remove`), then closed.
action batch(batch_options o, item it, bool remove = false) {
  return [o, it, remove](fixture& fx) -> asio::awaitable<void> {
    table t = fx.db.table("orders");
    dynasio::batch_writer w = t.batch_writer(o);
    if (remove) co_await w.delete_item(it);
    else co_await w.put_item(it);
    co_await w.close();
  };
}
// As batch(), with a described struct.
action batch_row(batch_options o, struct_rows::row r) {
  return [o, r](fixture& fx) -> asio::awaitable<void> {
    table t = fx.db.table("orders");
    dynasio::batch_writer w = t.batch_writer(o);
    co_await w.put_item(r);
    co_await w.close();
  };
}
struct_rows::row struct_row(std::string id, std::optional<long> n, std::string v, double d) {
  struct_rows::row r;
  r.id = std::move(id);
  r.n = n;
  r.v = std::move(v);
  r.d = d;
  return r;
}
action sink_write(item row, int diff = +1) {
  return [row, diff](fixture& fx) -> asio::awaitable<void> { co_await fx.mirror->write(row, diff); };
}
action sink_open(sink_config c) {
  return [c](fixture& fx) -> asio::awaitable<void> { co_await dynasio::sink::open(fx.db, c); };
}
action table_named(std::string name) {
  return [name](fixture& fx) -> asio::awaitable<void> {
    fx.db.table(name);
    co_return;
  };
}
action describe(std::string name) {
  return [name](fixture& fx) -> asio::awaitable<void> { co_await fx.db.describe_table(name); };
}
action create(table_schema s) {
  return [s](fixture& fx) -> asio::awaitable<void> { co_await fx.db.create_table(s); };
}
// A client made from the fixture's configuration changed by `change`.
action client_with(std::function<void(client_config&)> change) {
  return [change](fixture& fx) -> asio::awaitable<void> {
    client_config c = fx.db.config();
    change(c);
    client other(fx.db.get_executor(), std::move(c));
    co_return;
  };
}
// client_config::from_env over a complete environment with `changes` applied ("" removes).
action from_env(std::map<std::string, std::string> changes) {
  return sync([changes] {
    std::map<std::string, std::string> env{{"AWS_REGION", "us-east-1"},
                                           {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                                           {"AWS_SECRET_ACCESS_KEY", "catalog-secret"},
                                           {"HOME", "/nonexistent"}};
    for (const auto& [k, v] : changes) env[k] = v;
    client_config::from_env([&](std::string_view name) -> std::optional<std::string> {
      auto it = env.find(std::string(name));
      return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    });
  });
}

const key id_a{{"id", "a"}, {"n", 1}};
item nested(int levels) {
  attribute_value v = 1;
  for (int i = 0; i < levels; ++i) v = item{{"m", v}};
  return item{{"id", "deep"}, {"n", 1}, {"doc", v}};
}
update_options upd(std::string expression, item values = {}, expression_names names = {}) {
  update_options o;
  o.update_expression = std::move(expression);
  o.expression_attribute_values = std::move(values);
  o.expression_attribute_names = std::move(names);
  return o;
}
put_options put_cond(std::string expression, item values = {}) {
  put_options o;
  o.condition_expression = std::move(expression);
  o.expression_attribute_values = std::move(values);
  return o;
}
get_options projection(std::string expression, expression_names names = {}) {
  get_options o;
  o.projection_expression = std::move(expression);
  o.expression_attribute_names = std::move(names);
  return o;
}
// Query or scan options with one expression, its values and a limit.
template <class O>
O paged(std::string O::*field, std::string expression, item values, std::optional<std::int32_t> limit) {
  O o;
  o.*field = std::move(expression);
  o.expression_attribute_values = std::move(values);
  o.limit = limit;
  return o;
}
query_options key_cond(std::string expression, item values = {}, std::optional<std::int32_t> limit = {}) {
  return paged(&query_options::key_condition_expression, std::move(expression), std::move(values), limit);
}
scan_options scan_filter(std::string expression, item values = {}, std::optional<std::int32_t> limit = {}) {
  return paged(&scan_options::filter_expression, std::move(expression), std::move(values), limit);
}
template <class T>
T with_return(T o, return_values rv) {
  o.return_values = rv;
  return o;
}
batch_options flush(std::size_t amount, std::size_t in_flight = 4) {
  batch_options o;
  o.flush_amount = amount;
  o.max_in_flight = in_flight;
  return o;
}
batch_options keyed(std::vector<std::string> names) {
  batch_options o;
  o.key_names = std::move(names);
  return o;
}
sink_config sink_cfg(std::string table, std::string pk = "id", std::optional<key_attribute> sk = {}) {
  sink_config c;
  c.table_name = std::move(table);
  c.partition_key = {std::move(pk)};
  c.sort_key = std::move(sk);
  return c;
}
const std::string bad_utf8 = "ab\xff";
// With {"id": "a"} (3 bytes), {"n": 1} (1 + 2) and the name "v", an item of 400 KB + 1.
const std::string item_400k_plus_1(max_item_size + 1 - 7, 'x');

const std::vector<bad_input> catalog = {
    // Numbers: invalid_number, quoting the text.
    {"39 digits", num, {"38 significant digits", "123456789012345678901234567890123456789"}, sync([] {
       number("123456789012345678901234567890123456789");
     })},
    {"1e126", num, {"Number overflow", "1e126"}, sync([] { number("1e126"); })},
    {"1e-131", num, {"Number underflow", "1e-131"}, sync([] { number("1e-131"); })},
    {"NaN", num, {"numeric value: NaN"}, sync([] { attribute_value v(std::nan("")); })},
    {"infinity", num, {"numeric value: Infinity"}, sync([] { attribute_value v(HUGE_VAL); })},
    {"1e300 as a double", num, {"Number overflow", "1e+300"}, sync([] { attribute_value v(1e300); })},
    {"empty number", num, {"cannot be converted to a numeric value: "}, sync([] { number(""); })},
    {"1e", num, {"numeric value: 1e"}, sync([] { number("1e"); })},
    {"+-1", num, {"numeric value: +-1"}, sync([] { number("+-1"); })},
    {"hex", num, {"numeric value: 0x1A"}, sync([] { number("0x1A"); })},
    {"two points", num, {"numeric value: 1.2.3"}, sync([] { number("1.2.3"); })},
    {"space", num, {"numeric value:  1"}, sync([] { number(" 1"); })},
    // Strings and binaries.
    {"invalid UTF-8 value",
     arg,
     {"put_item: attribute \"v\"", "\"ab\\xff\"", "not valid UTF-8 at byte 2"},
     put({{"id", "a"}, {"n", 1}, {"v", bad_utf8}})},
    {"invalid UTF-8 nested",
     arg,
     {"attribute \"doc.inner[1]\"", "not valid UTF-8"},
     put({{"id", "a"}, {"n", 1}, {"doc", item{{"inner", list{"ok", bad_utf8}}}}})},
    {"invalid UTF-8 in SS",
     arg,
     {"attribute \"tags\"", "not valid UTF-8"},
     put({{"id", "a"}, {"n", 1}, {"tags", string_set{"ok", bad_utf8}}})},
    {"invalid UTF-8 name",
     arg,
     {"attribute \"ab\\xff\"", "name is not valid UTF-8 at byte 2"},
     put({{"id", "a"}, {"n", 1}, {bad_utf8, 1}})},
    {"overlong UTF-8", arg, {"not valid UTF-8 at byte 0"}, put({{"id", "a"}, {"n", 1}, {"v", "\xc0\xaf"}})},
    {"UTF-16 surrogate", arg, {"not valid UTF-8 at byte 1"}, put({{"id", "a"}, {"n", 1}, {"v", "x\xed\xa0\x80"}})},
    {"empty string key", arg, {"empty string value", "Key: id"}, get({{"id", ""}, {"n", 1}})},
    {"empty binary key", arg, {"empty binary value", "Key: id"}, get({{"id", binary(std::string())}})},
    {"partition key over 2048 bytes",
     arg,
     {"maximum size limit of2048 bytes", "key attribute id: 2049 bytes"},
     get({{"id", std::string(2049, 'k')}})},
    {"item of 400 KB + 1",
     arg,
     {"put_item: Item size has exceeded", "409601 bytes"},
     put({{"id", "a"}, {"n", 1}, {"v", item_400k_plus_1}})},
    {"oversized item in the batch writer",
     arg,
     {"Item size has exceeded"},
     batch(keyed({"id", "n"}), {{"id", "a"}, {"n", 1}, {"v", item_400k_plus_1}})},
    {"oversized row in the sink",
     arg,
     {"sink 'orders': row id=\"a\", n=1", "Item size has exceeded"},
     sink_write({{"id", "a"}, {"n", 1}, {"v", item_400k_plus_1}})},
    // The sink refuses at write() what its commit could not send.
    {"invalid UTF-8 in a sink row",
     arg,
     {"sink 'orders': row id=\"a\", n=1: attribute \"v\"", "not valid UTF-8 at byte 2"},
     sink_write({{"id", "a"}, {"n", 1}, {"v", bad_utf8}})},
    {"nesting over 32 levels in a sink row",
     arg,
     {"sink 'orders': row id=\"deep\", n=1: attribute \"doc", "nesting exceeds 32 levels"},
     sink_write(nested(33))},
    {"empty attribute name in a sink row",
     arg,
     {"sink 'orders': row id=\"a\", n=1: attribute \"\""},
     sink_write({{"id", "a"}, {"n", 1}, {"", 2}})},
    {"empty item", arg, {"put_item: the item is empty"}, put({})},
    // Sets.
    {"empty SS", arg, {"string set  may not be empty"}, sync([] { string_set s{std::vector<std::string>{}}; })},
    {"empty NS", arg, {"number set  may not be empty"}, sync([] { number_set s{std::vector<number>{}}; })},
    {"empty BS", arg, {"Binary sets should not be empty"}, sync([] { binary_set s{std::vector<binary>{}}; })},
    {"duplicates in SS", arg, {"Input collection [a, a] contains duplicates"}, sync([] {
       string_set s{"a", "a"};
     })},
    {"1 and 1.0 in one NS", arg, {"Input collection [", "1.0", "contains duplicates"}, sync([] {
       number_set s{number("1"), number("1.0")};
     })},
    {"duplicates in BS", arg, {"contains duplicates"}, sync([] {
       binary_set s{binary(std::string("x")), binary(std::string("x"))};
     })},
    {"a string in an NS", num, {"numeric value: one"}, sync([] {
       number_set s{number(1), number("one")};
     })},
    {"SS read as NS", arg, {"attribute value is SS, not NS"}, sync([] {
       attribute_value(string_set{"a"}).as_number_set();
     })},
    // Names.
    {"empty attribute name",
     arg,
     {"put_item: attribute \"\": the attribute name is empty"},
     put({{"id", "a"}, {"n", 1}, {"", 1}})},
    {"attribute name over 64 KB",
     arg,
     {"the attribute name has 65536 bytes; the limit is 65535"},
     put({{"id", "a"}, {"n", 1}, {std::string(65536, 'a'), 1}})},
    {"empty key attribute name", arg, {"get_item: the key has an empty attribute name"}, get({{"", "a"}})},
    {"table name of 2 characters",
     arg,
     {"table: table name \"ab\" has 2 characters; table names have 3 to 255"},
     table_named("ab")},
    {"table name of 256 characters", arg, {"has 256 characters"}, table_named(std::string(256, 't'))},
    {"table name with a space", arg, {"table name \"my orders\" holds \" \""}, table_named("my orders")},
    {"empty table name", arg, {"table name \"\" has 0 characters"}, table_named("")},
    {"create_table with a slash",
     arg,
     {"create_table: table name \"a/b/c\" holds \"/\""},
     create(table_schema{"a/b/c", {"id"}, std::nullopt})},
    {"describe_table of 1 character", arg, {"describe_table: table name \"x\""}, describe("x")},
    {"sink on a table named with a space", arg, {"sink: table name \"my orders\""}, sink_open(sink_cfg("my orders"))},
    {"nesting over 32 levels", arg, {"put_item: attribute \"doc", "nesting exceeds 32 levels"}, put(nested(33))},
    {"key with an extra attribute on get",
     arg,
     {"get_item: the key has 3 attributes"},
     get({{"id", "a"}, {"n", 1}, {"qty", 2}})},
    {"key with an extra attribute on delete",
     arg,
     {"delete_item: the key has 3 attributes"},
     del({{"id", "a"}, {"n", 1}, {"qty", 2}})},
    {"BOOL key on get", arg, {"key attribute id must be of type S, N or B, not BOOL"}, get({{"id", true}})},
    {"empty key on get", arg, {"get_item: the key is empty"}, get({})},
    // Expressions.
    {"unbalanced update expression",
     arg,
     {"update_item: update_expression \"SET a = (:v\" leaves 1 parenthesis unclosed"},
     update(id_a, upd("SET a = (:v", {{":v", 1}}))},
    {"closing parenthesis first",
     arg,
     {"scan: filter_expression \")a = :v(\" closes a parenthesis it never opened"},
     scan(scan_filter(")a = :v(", {{":v", 1}}))},
    {"value placeholder missing a value",
     arg,
     {"update_item: update_expression uses :v, which expression_attribute_values does not define"},
     update(id_a, upd("SET a = :v"))},
    {"name placeholder missing a name",
     arg,
     {"update_item: update_expression uses #a, which expression_attribute_names does not define"},
     update(id_a, upd("SET #a = :v", {{":v", 1}}))},
    {"unused value",
     arg,
     {"put_item: expression_attribute_values defines \":x\", which no expression uses"},
     put({{"id", "a"}, {"n", 1}}, put_cond("attribute_exists(id)", {{":x", 1}}))},
    {"unused name",
     arg,
     {"get_item: expression_attribute_names defines \"#q\" (for \"qty\"), which no expression uses"},
     get(id_a, projection("id", {{"#q", "qty"}}))},
    {"names without any expression",
     arg,
     {"expression_attribute_names defines \"#q\""},
     get(id_a, projection("", {{"#q", "qty"}}))},
    {"projection placeholder undefined", arg, {"get_item: projection_expression uses #p"}, get(id_a, projection("#p"))},
    {"bare colon",
     arg,
     {"condition_expression \"a = :\" has a bare ':'"},
     put({{"id", "a"}, {"n", 1}}, put_cond("a = :"))},
    {"query without a key condition",
     arg,
     {"query: key_condition (or key_condition_expression) is required"},
     query(query_options{})},
    {"query placeholder undefined", arg, {"query: key_condition_expression uses :k"}, query(key_cond("id = :k"))},
    {"empty update expression", arg, {"update_item: update (or update_expression) is required"}, update(id_a, upd(""))},
    // Options.
    {"put return_values updated_new",
     arg,
     {"put_item: return_values updated_new is for update_item"},
     put({{"id", "a"}, {"n", 1}}, with_return(put_options{}, return_values::updated_new))},
    {"delete return_values all_new",
     arg,
     {"delete_item: return_values all_new is for update_item"},
     del(id_a, with_return(delete_options{}, return_values::all_new))},
    {"query limit 0", arg, {"query: limit must be at least 1, not 0"}, query(key_cond("id = :k", {{":k", "a"}}, 0))},
    {"scan limit -5", arg, {"scan: limit must be at least 1, not -5"}, scan(scan_filter("", {}, -5))},
    {"flush_amount 0",
     arg,
     {"batch_options.flush_amount must be 1..25", "not 0"},
     batch(flush(0), {{"id", "a"}, {"n", 1}})},
    {"flush_amount 26",
     arg,
     {"batch_options.flush_amount must be 1..25", "not 26"},
     batch(flush(26), {{"id", "a"}, {"n", 1}})},
    {"max_in_flight 0",
     arg,
     {"batch_options.max_in_flight must be at least 1"},
     batch(flush(25, 0), {{"id", "a"}, {"n", 1}})},
    {"three key names",
     arg,
     {"batch_options.key_names names more than two key attributes"},
     batch(keyed({"id", "n", "x"}), {{"id", "a"}})},
    {"batch put missing a key attribute",
     arg,
     {"batch_writer.put_item: the item has no key attribute 'n'"},
     batch(keyed({"id", "n"}), {{"id", "a"}})},
    {"batch delete with an extra attribute",
     arg,
     {"batch_writer.delete_item: the key must hold exactly the key attributes ('id', 'n'), it holds 3"},
     batch(keyed({"id", "n"}), {{"id", "a"}, {"n", 1}, {"x", 1}}, true)},
    {"batch key of type BOOL",
     arg,
     {"key attribute id must be of type S, N or B, not BOOL"},
     batch(keyed({"id"}), {{"id", false}})},
    {"sink diff 2", arg, {"sink 'orders': diff must be +1 or -1, not 2"}, sink_write({{"id", "a"}, {"n", 1}}, 2)},
    // Configuration.
    {"endpoint without a scheme",
     cfg,
     {"client_config.endpoint", "localhost:8000", "must start with https:// or http://"},
     client_with([](client_config& c) { c.endpoint = "localhost:8000"; })},
    {"endpoint with a path",
     cfg,
     {"client_config.endpoint", "http://localhost:8000/v1", "DynamoDB endpoints take no path"},
     client_with([](client_config& c) { c.endpoint = "http://localhost:8000/v1"; })},
    {"empty region", cfg, {"client_config.region is empty"}, client_with([](client_config& c) { c.region.clear(); })},
    {"no secret key",
     cfg,
     {"client_config.credentials needs an access key id and a secret access key"},
     client_with([](client_config& c) { c.credentials.secret_access_key.clear(); })},
    {"max_attempts 0", cfg, {"retry.max_attempts must be at least 1"}, client_with([](client_config& c) {
       c.retry.max_attempts = 0;
     })},
    {"environment: port out of range",
     cfg,
     {"from_env: endpoint \"http://127.0.0.1:99999\": port \"99999\" is not within 1..65535"},
     from_env({{"AWS_ENDPOINT_URL", "http://127.0.0.1:99999"}})},
    {"environment: endpoint without a scheme",
     cfg,
     {"endpoint \"dynamodb.local\": must start with"},
     from_env({{"AWS_ENDPOINT_URL_DYNAMODB", "dynamodb.local"}})},
    {"environment: unknown AWS_RETRY_MODE",
     cfg,
     {"AWS_RETRY_MODE must be standard, legacy or adaptive, not \"fast\""},
     from_env({{"AWS_RETRY_MODE", "fast"}})},
    {"environment: AWS_MAX_ATTEMPTS 0",
     cfg,
     {"AWS_MAX_ATTEMPTS must be an integer from 1 to 100, got '0'"},
     from_env({{"AWS_MAX_ATTEMPTS", "0"}})},
    {"environment: no region", cfg, {"missing region"}, from_env({{"AWS_REGION", ""}})},
    // Checks the request core must call (marked core: see the report).
    {"endpoint port 99999",
     cfg,
     {"client_config.endpoint \"http://127.0.0.1:99999\": port \"99999\" is not within 1..65535"},
     sync([] { detail::validate_endpoint_url("client_config.endpoint", "http://127.0.0.1:99999"); }),
     true},
    {"endpoint port 0",
     cfg,
     {"port \"0\" is not within 1..65535"},
     sync([] { detail::validate_endpoint_url("client_config.endpoint", "http://[::1]:0"); }),
     true},
    // The batch writer checks UTF-8 while writing JSON, then names the attribute.
    {"invalid UTF-8 through the batch writer",
     arg,
     {"batch_writer.put_item: attribute \"v\"", "\"ab\\xff\"", "not valid UTF-8 at byte 2"},
     batch(keyed({"id", "n"}), {{"id", "a"}, {"n", 1}, {"v", bad_utf8}})},
    {"invalid UTF-8 nested, through the batch writer",
     arg,
     {"batch_writer.put_item: attribute \"doc.inner[1]\"", "not valid UTF-8"},
     batch(keyed({"id", "n"}), {{"id", "a"}, {"n", 1}, {"doc", item{{"inner", list{"ok", bad_utf8}}}}})},
    {"invalid UTF-8 name, through the batch writer",
     arg,
     {"batch_writer.put_item: attribute \"ab\\xff\"", "name is not valid UTF-8 at byte 2"},
     batch(keyed({"id", "n"}), {{"id", "a"}, {"n", 1}, {bad_utf8, 1}})},
    {"invalid UTF-8 key, through the batch writer",
     arg,
     {"batch_writer.put_item: attribute \"id\"", "not valid UTF-8 at byte 2"},
     batch(keyed({"id", "n"}), {{"id", bad_utf8}, {"n", 1}})},
    {"invalid UTF-8 in a batch delete",
     arg,
     {"batch_writer.delete_item: attribute \"id\"", "not valid UTF-8 at byte 1"},
     batch(keyed({"id", "n"}), {{"id", "x\xed\xa0\x80"}, {"n", 1}}, true)},
    // Described structs through the batch writer: the item path's checks and messages.
    {"invalid UTF-8 in a struct member, through the batch writer",
     arg,
     {"batch_writer.put_item: attribute \"v\"", "\"ab\\xff\"", "not valid UTF-8 at byte 2"},
     batch_row(keyed({"id", "n"}), struct_row("a", 1, bad_utf8, 0))},
    {"struct put whose sort key member is empty",
     arg,
     {"batch_writer.put_item: the item has no key attribute 'n'"},
     batch_row(keyed({"id", "n"}), struct_row("a", std::nullopt, "v", 0))},
    {"struct put with an empty partition key",
     arg,
     {"cannot contain an empty string value", "Key: id"},
     batch_row(keyed({"id", "n"}), struct_row("", 1, "v", 0))},
    {"struct put with a NaN member",
     num,
     {"cannot be converted to a numeric value: NaN"},
     batch_row(keyed({"id", "n"}), struct_row("a", 1, "v", std::nan("")))},
    // Sink keys.
    {"sink key BOOL", arg, {"partition key column 'id'", "not BOOL"}, sink_write({{"id", true}, {"n", 1}})},
    {"sink key NULL", arg, {"partition key column 'id'", "not NULL"}, sink_write({{"id", nullptr}, {"n", 1}}, -1)},
    {"sink key missing", arg, {"sink 'orders': partition key column 'id' is missing"}, sink_write({{"n", 1}})},
    {"sink sort key missing", arg, {"sort key column 'n' is missing"}, sink_write({{"id", "a"}}, -1)},
    {"sink key of the wrong type",
     arg,
     {"sort key column 'n' is S but the key is declared N"},
     sink_write({{"id", "a"}, {"n", "1"}})},
    {"sink key empty string", arg, {"cannot contain an empty string value"}, sink_write({{"id", ""}, {"n", 1}})},
    {"sink partition key name empty", arg, {"partition_key name is empty"}, sink_open(sink_cfg("orders", ""))},
    {"sink sort key equal to the partition key",
     arg,
     {"sort_key name is empty or equal to the partition key's"},
     sink_open(sink_cfg("orders", "id", key_attribute{"id"}))},
};

// DescribeTable of "orders" answers; anything else reaching the server is a leak.
test::exchange orders_endpoint(const test::recorded_request& r) {
  if (!r.target.ends_with(".DescribeTable")) return test::aws_error(400, "ValidationException", "reached the server");
  test::exchange e;
  e.body =
      R"({"Table":{"TableName":"orders","TableStatus":"ACTIVE","ItemCount":0,)"
      R"("KeySchema":[{"AttributeName":"id","KeyType":"HASH"},{"AttributeName":"n","KeyType":"RANGE"}],)"
      R"("AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"},{"AttributeName":"n","AttributeType":"N"}]}})";
  return e;
}

asio::awaitable<void> run_catalog(test::fake_endpoint& ep, fixture& fx, std::size_t& refused) {
  sink_config c = sink_cfg("orders", "id", key_attribute{"n", key_type::N});
  fx.mirror.emplace(co_await dynasio::sink::open(fx.db, std::move(c)));
  const std::size_t setup = ep.request_count();
  for (const bad_input& b : catalog) {
    const std::size_t before = ep.request_count();
    std::string message;
    std::error_code code;
    try {
      co_await b.run(fx);
    } catch (const error& e) {
      code = e.code();
      message = e.what();
    }
    const std::string what = b.what;
    CHECK_MESSAGE(ep.request_count() == before, what << ": reached the endpoint");
    if (!code) {
      FAIL_CHECK(what << ": accepted");
      continue;
    }
    ++refused;
    CHECK_MESSAGE(code == b.code, what << ": " << code.message() << ": " << message);
    for (const std::string& part : b.says)
      CHECK_MESSAGE(message.find(part) != std::string::npos,
                    what << ": the message lacks [" << part << "]: " << message);
  }
  CHECK(ep.request_count() == setup);
  fx.mirror.reset();
}

}  // namespace

TEST_CASE("bad input catalog: every case is refused, named and quoted, before anything is sent") {
  asio::io_context ioc;
  test::fake_endpoint ep(ioc.get_executor(), test::fake_handler(orders_endpoint));
  client_config c;
  c.region = "us-east-1";
  c.endpoint = ep.endpoint_url();
  c.credentials = {"AKIDEXAMPLE", "catalog-secret", ""};
  c.logger = [](log_level, std::string_view) {};
  fixture fx{client(ioc.get_executor(), std::move(c)), std::nullopt};
  std::size_t refused = 0;
  test::run_coro(ioc, test::stop_when_done(ep, run_catalog(ep, fx, refused)));
  CHECK(ep.failures().empty());
  CHECK(catalog.size() >= 60);
  CHECK(refused == catalog.size());
  std::size_t core = 0;
  for (const bad_input& b : catalog) core += b.core;
  MESSAGE(catalog.size() << " bad inputs refused before sending (" << core
                         << " through checks the request core must call)");
}

TEST_CASE("bad input catalog: what DynamoDB accepts passes the same checks") {
  CHECK_NOTHROW(detail::validate_table_name("t", "abc"));
  CHECK_NOTHROW(detail::validate_table_name("t", "My-table.v1_" + std::string(243, 'x')));
  CHECK_NOTHROW(detail::validate_expressions("u",
                                             {{"update_expression", "SET #a = if_not_exists(#a, :z) + :v, b[2] = :v"},
                                              {"condition_expression", "(attribute_exists(#a))"}},
                                             {{"#a", "qty"}}, {{":v", 1}, {":z", 0}}));
  CHECK_NOTHROW(detail::validate_expressions("g", {{"projection_expression", ""}}, {}, {}));
  for (const char* url : {"http://127.0.0.1:8000", "https://dynamodb.us-east-1.amazonaws.com/", "http://[::1]:65535",
                          "https://[fe80::1]"})
    CHECK_NOTHROW(detail::validate_endpoint_url("endpoint", url));
  for (const char* mode : {"standard", "legacy", "adaptive"}) CHECK_NOTHROW(detail::validate_retry_mode(mode));
  CHECK_FALSE(detail::invalid_utf8_at("plain, \xc3\xa9t\xc3\xa9, \xe2\x82\xac, \xf0\x9f\x98\x80"));
  CHECK(detail::invalid_utf8_at("\xf4\x90\x80\x80") == 0u);  // above U+10FFFF
  CHECK(detail::invalid_utf8_at("ok\xe2\x82") == 2u);        // cut short
  CHECK_NOTHROW(validate_item(nested(32), "put_item"));
  CHECK_NOTHROW(validate_item({{"id", "a"}, {"v", std::string(max_item_size - 3 - 1, 'x')}}, "put_item"));
  CHECK(detail::quote_text(std::string(70, 'q')) == "\"" + std::string(64, 'q') + "...\"");
}
