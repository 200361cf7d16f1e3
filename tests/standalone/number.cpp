#include <dynasio/number.hpp>
