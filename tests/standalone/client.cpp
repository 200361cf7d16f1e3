#include <dynasio/client.hpp>
