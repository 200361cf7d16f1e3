#include <dynasio/update_expression.hpp>
