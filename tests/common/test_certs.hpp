#ifndef DYNASIO_TESTS_TEST_CERTS_HPP
#define DYNASIO_TESTS_TEST_CERTS_HPP

// Certificates made at test time, in memory, so that no key ever sits in the repository and none
// expires under us: a CA, a server certificate for 127.0.0.1/localhost and one for another host.

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace dynasio::test {

/// A certificate and its private key, both PEM.
struct cert_and_key {
  /// The certificate, PEM.
  std::string cert_pem;
  /// Its private key, PEM (PKCS#8, unencrypted).
  std::string key_pem;
};

/// A small PKI: one CA and two server certificates it signed.
struct test_pki {
  /// The self-signed CA; trust this on the client.
  cert_and_key ca;
  /// Server certificate with subjectAltName IP:127.0.0.1, DNS:localhost.
  cert_and_key localhost;
  /// Server certificate with subjectAltName DNS:wrong.example only.
  cert_and_key wrong_host;
};

namespace certs_detail {

struct openssl_free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, openssl_free>;
using x509_ptr = std::unique_ptr<X509, openssl_free>;
using bio_ptr = std::unique_ptr<BIO, openssl_free>;
using ext_ptr = std::unique_ptr<X509_EXTENSION, openssl_free>;

inline void check(bool ok, const char* what) {
  if (ok) return;
  char reason[256] = {};
  ERR_error_string_n(ERR_get_error(), reason, sizeof reason);
  throw std::runtime_error(std::string("test_certs: ") + what + " failed: " + reason);
}

inline pkey_ptr make_key() {
  // P-256 keys take microseconds to make; RSA would cost a noticeable part of a test run.
  pkey_ptr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  check(key != nullptr, "EVP_PKEY_Q_keygen");
  return key;
}

inline void add_ext(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  ext_ptr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  check(ext != nullptr, "X509V3_EXT_conf_nid");
  check(X509_add_ext(cert, ext.get(), -1) == 1, "X509_add_ext");
}

// Signs `key`'s certificate with `issuer_key`; a null `issuer` makes it self-signed.
inline x509_ptr make_cert(EVP_PKEY* key, const char* common_name, long serial, X509* issuer, EVP_PKEY* issuer_key,
                          const char* subject_alt_name) {
  x509_ptr cert(X509_new());
  check(cert != nullptr, "X509_new");
  X509* x = cert.get();
  check(X509_set_version(x, 2) == 1, "X509_set_version");
  check(ASN1_INTEGER_set(X509_get_serialNumber(x), serial) == 1, "ASN1_INTEGER_set");
  // An hour of slack for clocks; a week is longer than any test run.
  check(X509_gmtime_adj(X509_getm_notBefore(x), -3600) != nullptr, "X509_gmtime_adj");
  check(X509_gmtime_adj(X509_getm_notAfter(x), 7L * 24 * 3600) != nullptr, "X509_gmtime_adj");
  check(X509_set_pubkey(x, key) == 1, "X509_set_pubkey");
  X509_NAME* name = X509_get_subject_name(x);
  check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("dynasio tests"), -1,
                                   -1, 0) == 1,
        "X509_NAME_add_entry_by_txt");
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name), -1,
                                   -1, 0) == 1,
        "X509_NAME_add_entry_by_txt");
  check(X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name) == 1, "X509_set_issuer_name");

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer ? issuer : x, x, nullptr, nullptr, 0);
  add_ext(x, &ctx, NID_subject_key_identifier, "hash");
  if (issuer) {
    add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always");
    add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(x, &ctx, NID_key_usage, "critical,digitalSignature");
    add_ext(x, &ctx, NID_ext_key_usage, "serverAuth");
    add_ext(x, &ctx, NID_subject_alt_name, subject_alt_name);
  } else {
    add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
  }
  check(X509_sign(x, issuer_key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

inline std::string drain(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

inline cert_and_key to_pem(X509* cert, EVP_PKEY* key) {
  bio_ptr cert_bio(BIO_new(BIO_s_mem()));
  bio_ptr key_bio(BIO_new(BIO_s_mem()));
  check(cert_bio && key_bio, "BIO_new");
  check(PEM_write_bio_X509(cert_bio.get(), cert) == 1, "PEM_write_bio_X509");
  check(PEM_write_bio_PrivateKey(key_bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  return {drain(cert_bio.get()), drain(key_bio.get())};
}

}  // namespace certs_detail

/// Makes a fresh CA and two server certificates signed by it (new keys on every call).
inline test_pki make_test_pki() {
  using namespace certs_detail;
  pkey_ptr ca_key = make_key();
  x509_ptr ca = make_cert(ca_key.get(), "dynasio test CA", 1, nullptr, ca_key.get(), nullptr);
  pkey_ptr local_key = make_key();
  x509_ptr local = make_cert(local_key.get(), "localhost", 2, ca.get(), ca_key.get(), "IP:127.0.0.1,DNS:localhost");
  pkey_ptr wrong_key = make_key();
  x509_ptr wrong = make_cert(wrong_key.get(), "wrong.example", 3, ca.get(), ca_key.get(), "DNS:wrong.example");
  return {to_pem(ca.get(), ca_key.get()), to_pem(local.get(), local_key.get()), to_pem(wrong.get(), wrong_key.get())};
}

/// The process-wide test PKI, made on first use.
inline const test_pki& test_certs() {
  static const test_pki pki = make_test_pki();
  return pki;
}

/// A file in the temporary directory, removed when this object is destroyed.
class temp_file {
 public:
  /// Writes `contents` to a new, uniquely named file.
  explicit temp_file(std::string_view contents) {
    std::string pattern = (std::filesystem::temp_directory_path() / "dynasio-test-XXXXXX").string();
    int fd = ::mkstemp(pattern.data());
    if (fd < 0) throw std::runtime_error("temp_file: mkstemp failed");
    path_ = pattern;
    std::size_t written = 0;
    // Bounded: every round writes at least one byte or gives up.
    while (written < contents.size()) {
      ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
      if (n <= 0) {
        ::close(fd);
        std::filesystem::remove(path_);
        throw std::runtime_error("temp_file: write failed");
      }
      written += static_cast<std::size_t>(n);
    }
    ::close(fd);
  }
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
  ~temp_file() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }

  /// Where the file is.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// Writes the test CA (PEM) to a temporary file, e.g. for a client's `ca_file`.
inline temp_file write_ca_file(const test_pki& pki = test_certs()) { return temp_file(pki.ca.cert_pem); }

/// The test CA's file for the whole process (written on first use, removed at exit).
inline const std::string& ca_file_path() {
  static const temp_file file(test_certs().ca.cert_pem);
  return file.path();
}

}  // namespace dynasio::test

#endif
