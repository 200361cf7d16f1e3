#include <dynasio/error.hpp>
