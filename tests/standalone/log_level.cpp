#include <dynasio/log_level.hpp>
