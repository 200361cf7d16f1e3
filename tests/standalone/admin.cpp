#include <dynasio/admin.hpp>
