//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_THROTTLING_REASONS_HPP
#define DYNASIO_DETAIL_THROTTLING_REASONS_HPP

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string_view>

namespace dynasio::detail {

/**
 * True when a throttling error body names only hot keys: every entry of its `ThrottlingReasons`
 * (`[{"reason": "TableWriteKeyRangeThroughputExceeded", "resource": "arn:..."}]`) has a reason
 * ending in `KeyRangeThroughputExceeded`. Such a throttle is a partition's limit for one key
 * range, not the table's capacity (ProvisionedThroughputExceeded, AccountLimitExceeded,
 * MaxOnDemandThroughputExceeded). False without reasons: an unexplained throttle is taken as
 * the table's.
 */
inline bool only_key_range_throttling(const boost::json::object& body) {
  const auto* reasons = body.if_contains("ThrottlingReasons");
  if (reasons == nullptr || !reasons->is_array() || reasons->get_array().empty()) return false;
  constexpr std::string_view hot = "KeyRangeThroughputExceeded";
  for (const auto& r : reasons->get_array()) {
    const auto* reason = r.is_object() ? r.get_object().if_contains("reason") : nullptr;
    if (reason == nullptr || !reason->is_string()) return false;
    const std::string_view text = reason->get_string();
    if (text.size() < hot.size() || text.substr(text.size() - hot.size()) != hot) return false;
  }
  return true;
}

}  // namespace dynasio::detail

#endif
