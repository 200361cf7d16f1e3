//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_TRANSPORT_PROXY_HPP
#define DYNASIO_DETAIL_TRANSPORT_PROXY_HPP

#include <dynasio/detail/config.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace dynasio::detail {

/// An HTTP proxy taken apart (`http://[user:pass@]host[:port]`).
struct proxy_info {
  std::string host;
  std::string port;
  /// The value of Proxy-Authorization ("Basic ..."), empty without user info.
  std::string authorization;
};

/// Parses client_config::proxy. Throws errc::invalid_configuration (naming the field, never
/// the password) for anything but an http:// URL with a host and an optional port.
DYNASIO_DECL proxy_info parse_proxy_url(std::string_view url);

/**
 * True when requests to `host` go direct: loopback and link-local addresses (localhost,
 * 127.0.0.0/8, ::1, 169.254.0.0/16, fe80::/10: IMDS and container endpoints are never proxied),
 * and `no_proxy` entries (comma-separated, case-insensitive): `*`, a host name that matches
 * exactly or as a domain suffix (`example.com` and `.example.com` both match
 * `db.example.com`), an IP address, or an IPv4/IPv6 CIDR block. A `:port` on an entry is ignored.
 */
DYNASIO_DECL bool bypasses_proxy(std::string_view host, std::string_view no_proxy);

/// The CONNECT request that opens a tunnel to `host_port` ("host:port", IPv6 in brackets).
DYNASIO_DECL std::string connect_request(std::string_view host_port, const proxy_info& proxy);

}  // namespace dynasio::detail

#ifdef DYNASIO_HEADER_ONLY
#include <dynasio/impl/transport/proxy.ipp>
#endif

#endif
