//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_SETS_IPP
#define DYNASIO_IMPL_SETS_IPP

#include <dynasio/detail/protocol/base64.hpp>
#include <dynasio/error.hpp>
#include <dynasio/sets.hpp>

namespace dynasio::detail {

inline void set_element_text(std::string& out, const std::string& s) { out += s; }
inline void set_element_text(std::string& out, const number& n) { out += n.text(); }
inline void set_element_text(std::string& out, const binary& b) { base64_encode(out, b.view()); }

// Lists the elements as the service's message does (here in sorted order).
template <class T>
std::string set_listing(const std::vector<T>& values) {
  std::string s = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) s += ", ";
    set_element_text(s, values[i]);
  }
  return s + "]";
}

template <class T>
void normalize_set_impl(std::vector<T>& values, const char* empty_message, const char* duplicate_suffix) {
  if (values.empty()) throw error(errc::invalid_argument, empty_message);
  std::sort(values.begin(), values.end());
  if (std::adjacent_find(values.begin(), values.end()) != values.end())
    throw error(errc::invalid_argument, "One or more parameter values were invalid: Input collection " +
                                            set_listing(values) + duplicate_suffix);
}

DYNASIO_DECL void normalize_set(std::vector<std::string>& values) {
  normalize_set_impl(values, "One or more parameter values were invalid: An string set  may not be empty",
                     " contains duplicates.");
}

DYNASIO_DECL void normalize_set(std::vector<number>& values) {
  normalize_set_impl(values, "One or more parameter values were invalid: An number set  may not be empty",
                     " contains duplicates.");
}

DYNASIO_DECL void normalize_set(std::vector<binary>& values) {
  normalize_set_impl(values, "One or more parameter values were invalid: Binary sets should not be empty",
                     "of type BS contains duplicates.");
}

}  // namespace dynasio::detail

#endif
