#ifndef DYNASIO_TESTS_FAKE_TLS_ENDPOINT_HPP
#define DYNASIO_TESTS_FAKE_TLS_ENDPOINT_HPP

// The scripted fake endpoint over TLS, with certificates from test_certs.hpp.

#include "fake_endpoint.hpp"
#include "test_certs.hpp"

#include <boost/asio/ssl.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dynasio::test {

/// A server context presenting `server` (certificate and key, PEM).
inline std::shared_ptr<boost::asio::ssl::context> make_server_tls_context(const cert_and_key& server) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  ctx->use_certificate_chain(boost::asio::buffer(server.cert_pem));
  ctx->use_private_key(boost::asio::buffer(server.key_pem), ssl::context::pem);
  return ctx;
}

/// A client context that trusts only `ca_pem` and verifies the peer. Host-name verification is
/// per stream: `stream.set_verify_callback(ssl::host_name_verification(host))`.
inline boost::asio::ssl::context make_client_tls_context(std::string_view ca_pem = test_certs().ca.cert_pem) {
  namespace ssl = boost::asio::ssl;
  ssl::context ctx(ssl::context::tls_client);
  ctx.add_certificate_authority(boost::asio::buffer(ca_pem.data(), ca_pem.size()));
  ctx.set_verify_mode(ssl::verify_peer);
  return ctx;
}

/// Which certificate a fake TLS endpoint presents.
enum class server_cert {
  localhost,  ///< valid for 127.0.0.1 and localhost
  wrong_host  ///< valid only for wrong.example: host-name verification must fail
};

/// fake_endpoint serving HTTPS with a certificate signed by test_certs().ca.
class fake_tls_endpoint : public fake_endpoint {
 public:
  /// Plays `script`; endpoint_url() is "https://<url_host>:PORT".
  fake_tls_endpoint(boost::asio::any_io_executor ex, std::vector<exchange> script,
                    server_cert cert = server_cert::localhost, std::string url_host = "127.0.0.1")
      : fake_endpoint(std::move(ex), std::move(script), options(cert, std::move(url_host))) {}

  /// Handler mode.
  fake_tls_endpoint(boost::asio::any_io_executor ex, fake_handler handler, server_cert cert = server_cert::localhost,
                    std::string url_host = "127.0.0.1")
      : fake_endpoint(std::move(ex), std::move(handler), options(cert, std::move(url_host))) {}

 private:
  static fake_endpoint_options options(server_cert cert, std::string url_host) {
    const test_pki& pki = test_certs();
    return {make_server_tls_context(cert == server_cert::localhost ? pki.localhost : pki.wrong_host),
            std::move(url_host)};
  }
};

}  // namespace dynasio::test

#endif
