// Precompiled for every test TU: the in-tree programs' Boost headers, doctest, and doctest's
// printers for dynasio's values (which must be seen before the first CHECK to be used).
#include "doctest_printers.hpp"
#include "pch.hpp"
