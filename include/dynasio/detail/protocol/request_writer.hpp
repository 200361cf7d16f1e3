//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_PROTOCOL_REQUEST_WRITER_HPP
#define DYNASIO_DETAIL_PROTOCOL_REQUEST_WRITER_HPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/detail/protocol/json_writer.hpp>
#include <dynasio/expression.hpp>
#include <dynasio/operations/return_values.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace dynasio::detail {

/// Writes a request body field by field straight into a string: items go through the
/// streaming item writer, never through a JSON DOM. Empty optional fields are left out.
class request_writer {
 public:
  request_writer& string(std::string_view k, std::string_view v) {
    if (v.empty()) return *this;
    key(k);
    write_json_string(out_, v);
    return *this;
  }
  request_writer& boolean(std::string_view k, bool v) {
    key(k);
    out_ += v ? "true" : "false";
    return *this;
  }
  request_writer& integer(std::string_view k, std::int64_t v) {
    key(k);
    out_ += std::to_string(v);
    return *this;
  }
  request_writer& item(std::string_view k, const dynasio::item& v) {
    key(k);
    write_item(out_, v);
    return *this;
  }
  request_writer& names(const expression_names& names) {
    if (names.empty()) return *this;
    key("ExpressionAttributeNames");
    out_ += '{';
    bool first = true;
    for (const auto& [ph, name] : names) {
      if (!first) out_ += ',';
      first = false;
      write_json_string(out_, ph);
      out_ += ':';
      write_json_string(out_, name);
    }
    out_ += '}';
    return *this;
  }
  request_writer& values(const dynasio::item& values) {
    return values.empty() ? *this : item("ExpressionAttributeValues", values);
  }
  request_writer& return_values(dynasio::return_values rv) {
    static constexpr const char* names[] = {"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"};
    return rv == dynasio::return_values::none ? *this : string("ReturnValues", names[static_cast<int>(rv)]);
  }
  request_writer& return_values_on_condition_check_failure(dynasio::return_values_on_condition_check_failure v) {
    return v == dynasio::return_values_on_condition_check_failure::none
               ? *this
               : string("ReturnValuesOnConditionCheckFailure", "ALL_OLD");
  }
  request_writer& return_consumed_capacity(dynasio::return_consumed_capacity v) {
    static constexpr const char* names[] = {"NONE", "TOTAL", "INDEXES"};
    return v == dynasio::return_consumed_capacity::none ? *this
                                                        : string("ReturnConsumedCapacity", names[static_cast<int>(v)]);
  }
  /// `k` with an already serialized JSON value (a nested object or array).
  request_writer& raw(std::string_view k, std::string_view json) {
    key(k);
    out_ += json;
    return *this;
  }
  /// True when nothing has been written yet.
  bool empty() const noexcept { return out_.size() == 1; }
  std::string finish() {
    out_ += '}';
    return std::move(out_);
  }

 private:
  void key(std::string_view k) {
    if (out_.size() > 1) out_ += ',';
    write_json_string(out_, k);
    out_ += ':';
  }
  std::string out_ = "{";
};

/// The placeholders of one request: the user's own, plus those generated for conditions.
struct expression_context {
  expression_names names;
  dynasio::item values;

  /// `generated AND (hand)`, either alone, or empty.
  std::string combine(const std::optional<condition>& generated, const std::string& hand) {
    std::string text = generated ? render(*generated, names, values) : std::string();
    if (hand.empty()) return text;
    return text.empty() ? hand : "(" + text + ") AND (" + hand + ")";
  }
};

}  // namespace dynasio::detail

#endif
