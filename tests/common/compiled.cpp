// The one translation unit holding dynasio's, Asio's and Beast's non-template code for every
// in-tree program (tests, benchmarks, examples, tools).
#include <dynasio/src.hpp>

#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
