#include <dynasio/credentials.hpp>
