#include <dynasio/sigv4/signer.hpp>
