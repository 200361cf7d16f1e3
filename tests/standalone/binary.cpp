#include <dynasio/binary.hpp>
