//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_HPP
#define DYNASIO_HPP

// The public API in one include.
#include <dynasio/credentials.hpp>
#include <dynasio/diagnostics.hpp>
#include <dynasio/error.hpp>
#include <dynasio/sigv4/signer.hpp>

#endif
