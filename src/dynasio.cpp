// dynasio's non-template code, compiled once (the dynasio::compiled target).
#include <dynasio/src.hpp>
