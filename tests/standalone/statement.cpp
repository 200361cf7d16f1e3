#include <dynasio/statement.hpp>
