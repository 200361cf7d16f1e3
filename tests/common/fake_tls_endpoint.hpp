#ifndef DYNASIO_TESTS_FAKE_TLS_ENDPOINT_HPP
#define DYNASIO_TESTS_FAKE_TLS_ENDPOINT_HPP

// The scripted fake endpoint over TLS, with certificates from test_certs.hpp.

#include "fake_endpoint.hpp"
#include "test_certs.hpp"

#include <boost/asio/ssl.hpp>

#include <openssl/ssl.h>

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

/// fake_endpoint serving HTTPS with a certificate signed by test_certs().ca. It records the
/// server name (SNI) of every TLS handshake it sees.
class fake_tls_endpoint : public fake_endpoint {
 public:
  /// Plays `script`; endpoint_url() is "https://<url_host>:PORT".
  fake_tls_endpoint(boost::asio::any_io_executor ex, std::vector<exchange> script,
                    server_cert cert = server_cert::localhost, std::string url_host = "127.0.0.1")
      : fake_tls_endpoint(std::move(ex), std::move(script), cert, std::move(url_host),
                          std::make_shared<std::vector<std::string>>()) {}

  /// Handler mode.
  fake_tls_endpoint(boost::asio::any_io_executor ex, fake_handler handler, server_cert cert = server_cert::localhost,
                    std::string url_host = "127.0.0.1")
      : fake_tls_endpoint(std::move(ex), std::move(handler), cert, std::move(url_host),
                          std::make_shared<std::vector<std::string>>()) {}

  /// The server name each handshake asked for, in order; "" when the client sent none.
  const std::vector<std::string>& server_names() const { return *server_names_; }

 private:
  template <class Play>
  fake_tls_endpoint(boost::asio::any_io_executor ex, Play play, server_cert cert, std::string url_host,
                    std::shared_ptr<std::vector<std::string>> names)
      : fake_endpoint(std::move(ex), std::move(play), options(cert, std::move(url_host), *names)),
        server_names_(std::move(names)) {}

  // `names` is on the heap, owned by server_names_, so it stays put when the endpoint moves.
  static fake_endpoint_options options(server_cert cert, std::string url_host, std::vector<std::string>& names) {
    const test_pki& pki = test_certs();
    auto ctx = make_server_tls_context(cert == server_cert::localhost ? pki.localhost : pki.wrong_host);
    SSL_CTX_set_tlsext_servername_callback(
        ctx->native_handle(), +[](SSL* ssl, int*, void* arg) -> int {
          const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
          static_cast<std::vector<std::string>*>(arg)->push_back(name ? name : "");
          return SSL_TLSEXT_ERR_OK;
        });
    SSL_CTX_set_tlsext_servername_arg(ctx->native_handle(), &names);
    return {std::move(ctx), std::move(url_host)};
  }

  std::shared_ptr<std::vector<std::string>> server_names_;
};

}  // namespace dynasio::test

#endif
