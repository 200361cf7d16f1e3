//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_TRANSPORT_ENDPOINT_HPP
#define DYNASIO_DETAIL_TRANSPORT_ENDPOINT_HPP

#include <dynasio/error.hpp>

#include <string>
#include <string_view>

namespace dynasio::detail {

/// An endpoint URL taken apart: what to connect to, and the Host header to send and sign.
struct endpoint_info {
  bool tls = true;
  std::string host;         // without brackets for IPv6 literals
  std::string port;         // always set, defaulted from the scheme
  std::string host_header;  // host[:port] exactly as sent (port omitted when it is the default)
};

/// The one parser of endpoint URLs: throws errc::invalid_configuration naming `field`, the URL
/// and what is wrong (scheme, path, host, port outside 1..65535).
inline endpoint_info parse_endpoint(std::string_view url, std::string_view field = "endpoint") {
  auto bad = [&](std::string_view why) {
    return error(errc::invalid_configuration,
                 std::string(field) + " \"" + std::string(url) + "\": " + std::string(why));
  };
  endpoint_info ep;
  std::string_view rest = url;
  if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    ep.tls = false;
    rest.remove_prefix(7);
  } else {
    throw bad("must start with https:// or http://");
  }
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    if (rest.substr(slash) != "/") throw bad("DynamoDB endpoints take no path");
    rest = rest.substr(0, slash);
  }
  std::string_view host = rest, port;
  bool has_port = false;
  if (rest.starts_with('[')) {
    auto close = rest.find(']');
    if (close == std::string_view::npos) throw bad("unterminated IPv6 literal");
    host = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') throw bad("junk after IPv6 literal");
      port = rest.substr(close + 2);
      has_port = true;
    }
  } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    has_port = true;
  }
  if (host.empty()) throw bad("no host");
  if (has_port) {
    const auto quoted = "port \"" + std::string(port) + "\"";
    if (port.find_first_not_of("0123456789") != std::string_view::npos) throw bad(quoted + " is not a number");
    const unsigned long value = port.empty() || port.size() > 5 ? 0 : std::stoul(std::string(port));
    if (value == 0 || value > 65535) throw bad(quoted + " is not within 1..65535");
  }
  ep.host = host;
  const std::string_view default_port = ep.tls ? "443" : "80";
  ep.port = port.empty() ? std::string(default_port) : std::string(port);
  ep.host_header = rest.starts_with('[') ? "[" + ep.host + "]" : ep.host;
  if (ep.port != default_port) ep.host_header += ":" + ep.port;
  return ep;
}

}  // namespace dynasio::detail

#endif
