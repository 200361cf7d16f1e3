#include <dynasio/batch_writer.hpp>
