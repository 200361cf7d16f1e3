#include <dynasio/config.hpp>
