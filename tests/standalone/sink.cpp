#include <dynasio/sink.hpp>
