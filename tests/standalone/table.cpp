#include <dynasio/table.hpp>
