#include <dynasio/failed_item.hpp>
