#include <dynasio/expression.hpp>
