#include <dynasio/attribute_value.hpp>
