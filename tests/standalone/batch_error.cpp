#include <dynasio/batch_error.hpp>
