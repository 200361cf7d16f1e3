#include <dynasio/transaction.hpp>
