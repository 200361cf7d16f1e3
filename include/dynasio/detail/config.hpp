//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_CONFIG_HPP
#define DYNASIO_DETAIL_CONFIG_HPP

// Header-only unless the user builds src.hpp in one translation unit of their own (or links
// dynasio::compiled). Non-template definitions then live in impl/*.ipp, compiled exactly once.
#ifdef DYNASIO_SEPARATE_COMPILATION
#define DYNASIO_DECL
#else
#define DYNASIO_HEADER_ONLY
#define DYNASIO_DECL inline
#endif

#endif
