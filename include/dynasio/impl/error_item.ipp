//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_ERROR_ITEM_IPP
#define DYNASIO_IMPL_ERROR_ITEM_IPP

#include <dynasio/attribute_value.hpp>
#include <dynasio/detail/protocol/json_reader.hpp>
#include <dynasio/error.hpp>

#include <type_traits>

namespace dynasio {

// error.hpp cannot include attribute_value.hpp (which needs error): it spells item's type.
static_assert(std::is_same_v<item, std::map<std::string, attribute_value, std::less<>>>,
              "error::item() must return std::optional<dynasio::item>");

DYNASIO_DECL std::optional<item> error::item() const {
  if (code() != service_errc::conditional_check_failed || diag_.details.empty()) return std::nullopt;
  boost::system::error_code ec;
  boost::json::value body = detail::parse_wire_json(diag_.details, ec);
  if (ec || !body.is_object()) return std::nullopt;
  auto it = body.get_object().find("Item");
  if (it == body.get_object().end() || !it->value().is_object()) return std::nullopt;
  try {
    return detail::read_item(it->value().get_object());
  } catch (const error&) {
    return std::nullopt;  // not an item DynamoDB would send: there is no old item to show
  }
}

}  // namespace dynasio

#endif
