//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_FAILED_ITEM_IPP
#define DYNASIO_IMPL_FAILED_ITEM_IPP

#include <dynasio/detail/protocol/json_reader.hpp>
#include <dynasio/failed_item.hpp>

#include <boost/json/parse.hpp>

namespace dynasio {

DYNASIO_DECL std::optional<item> condition_failed_item(const error& e) {
  if (e.code() != service_errc::conditional_check_failed || e.diagnostics().details.empty()) return std::nullopt;
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(e.diagnostics().details, ec);
  if (ec || !body.is_object()) return std::nullopt;
  auto it = body.get_object().find("Item");
  if (it == body.get_object().end() || !it->value().is_object()) return std::nullopt;
  return detail::read_item(it->value().get_object());
}

}  // namespace dynasio

#endif
