//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_IMPL_TRANSPORT_PROXY_IPP
#define DYNASIO_IMPL_TRANSPORT_PROXY_IPP

#include <dynasio/detail/protocol/base64.hpp>
#include <dynasio/detail/transport/endpoint.hpp>
#include <dynasio/detail/transport/proxy.hpp>
#include <dynasio/error.hpp>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include <algorithm>
#include <cctype>

namespace dynasio::detail {

namespace proxy_rules {

inline std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "[::1]" -> "::1"; "host:8080" -> "host" (a bare IPv6 address keeps its colons).
inline std::string_view strip_port(std::string_view entry) {
  if (entry.starts_with('[')) {
    auto close = entry.find(']');
    return close == std::string_view::npos ? entry : entry.substr(1, close - 1);
  }
  if (std::count(entry.begin(), entry.end(), ':') == 1) return entry.substr(0, entry.find(':'));
  return entry;
}

inline bool is_local(const boost::asio::ip::address& a) {
  if (a.is_loopback()) return true;
  if (a.is_v4()) return (a.to_v4().to_uint() & 0xffff0000u) == 0xa9fe0000u;  // 169.254.0.0/16
  const auto b = a.to_v6().to_bytes();
  if (a.to_v6().is_v4_mapped())
    return is_local(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6()));
  return b[0] == 0xfe && (b[1] & 0xc0) == 0x80;  // fe80::/10
}

}  // namespace proxy_rules

DYNASIO_DECL proxy_info parse_proxy_url(std::string_view url) {
  if (url.starts_with("https://"))
    throw error(errc::invalid_configuration,
                "client_config.proxy: an https:// proxy is not supported (use http://; TLS to DynamoDB is tunnelled)");
  if (!url.starts_with("http://"))
    throw error(errc::invalid_configuration, "client_config.proxy: must start with http://");
  proxy_info p;
  // The user info becomes the Basic credentials; the rest is parsed as any endpoint URL is (so
  // the password never reaches an error message).
  std::string rest(url.substr(7));
  if (auto at = rest.rfind('@', rest.find('/')); at != std::string::npos) {
    p.authorization = "Basic ";
    base64_encode(p.authorization, std::string_view(rest).substr(0, at));
    rest.erase(0, at + 1);
  }
  endpoint_info ep = parse_endpoint("http://" + rest, "client_config.proxy");
  p.host = std::move(ep.host);
  p.port = std::move(ep.port);
  return p;
}

DYNASIO_DECL bool bypasses_proxy(std::string_view host_view, std::string_view no_proxy) {
  const std::string host = proxy_rules::lower(host_view);
  boost::system::error_code ec;
  const auto addr = boost::asio::ip::make_address(host, ec);
  if (host == "localhost" || host.ends_with(".localhost") || (!ec && proxy_rules::is_local(addr))) return true;
  for (std::size_t start = 0; start <= no_proxy.size();) {
    auto comma = no_proxy.find(',', start);
    if (comma == std::string_view::npos) comma = no_proxy.size();
    std::string_view raw = proxy_rules::trim(no_proxy.substr(start, comma - start));
    start = comma + 1;
    if (raw.empty()) continue;
    if (raw == "*") return true;
    if (raw.find('/') != std::string_view::npos) {
      if (ec) continue;  // a CIDR block only matches addresses
      boost::system::error_code nec;
      if (addr.is_v4()) {
        auto net = boost::asio::ip::make_network_v4(raw, nec);
        if (!nec && boost::asio::ip::make_network_v4(addr.to_v4(), net.prefix_length()).network() == net.network())
          return true;
      } else {
        auto net = boost::asio::ip::make_network_v6(raw, nec);
        if (!nec && boost::asio::ip::make_network_v6(addr.to_v6(), net.prefix_length()).network() == net.network())
          return true;
      }
      continue;
    }
    std::string entry = proxy_rules::lower(proxy_rules::strip_port(raw));
    if (entry.starts_with('.')) entry.erase(0, 1);
    if (entry.empty()) continue;
    if (host == entry) return true;
    if (ec && host.size() > entry.size() && host.ends_with(entry) && host[host.size() - entry.size() - 1] == '.')
      return true;
  }
  return false;
}

DYNASIO_DECL std::string connect_request(std::string_view host_port, const proxy_info& proxy) {
  std::string r = "CONNECT ";
  r.append(host_port).append(" HTTP/1.1\r\nHost: ").append(host_port).append("\r\n");
  if (!proxy.authorization.empty()) r.append("Proxy-Authorization: ").append(proxy.authorization).append("\r\n");
  r.append("\r\n");
  return r;
}

}  // namespace dynasio::detail

#endif
