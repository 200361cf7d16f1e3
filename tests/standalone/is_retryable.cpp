#include <dynasio/is_retryable.hpp>
