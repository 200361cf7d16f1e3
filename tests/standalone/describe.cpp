#include <dynasio/describe.hpp>
