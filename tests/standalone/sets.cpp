#include <dynasio/sets.hpp>
