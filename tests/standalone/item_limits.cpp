#include <dynasio/item_limits.hpp>
