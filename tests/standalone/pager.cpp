#include <dynasio/pager.hpp>
