// A second translation unit including everything: in header-only mode a definition that is
// not inline would now be defined twice and fail to link.
#include <dynasio.hpp>

int second_unit_item_size() {
  dynasio::item it{{"id", "2"}};
  return static_cast<int>(it.size());
}
