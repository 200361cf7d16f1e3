//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_CRYPTO_HPP
#define DYNASIO_DETAIL_CRYPTO_HPP

// The one place that calls OpenSSL's crypto (SHA-256, HMAC); the only other includer of OpenSSL
// is impl/transport/http_conn.ipp, for TLS. Everything else calls these wrappers, so tests can make them
// fail on purpose (crypto_fail_countdown) without mocking the library itself, and public headers
// stay free of OpenSSL's macros and names.

#include <dynasio/error.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <cstddef>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

namespace dynasio::detail {

/// A SHA-256 digest or an HMAC-SHA256 tag.
using sha256_digest = std::array<unsigned char, 32>;

/// Test hook: when >= 0, the crypto call that finds it at 0 fails with errc::signing_failed,
/// and each call before it counts it down. -1 (the default) never fails.
inline thread_local int crypto_fail_countdown = -1;

inline void check_injected_crypto_failure(const char* what) {
  if (crypto_fail_countdown >= 0 && crypto_fail_countdown-- == 0)
    throw dynasio::error(errc::signing_failed, std::string(what) + " failed (injected)");
}

// OpenSSL 3 looks an algorithm up on every implicit use (EVP_sha256(), HMAC()); fetching it
// once and reusing one context per thread keeps the lookups and the context's own allocation off
// the per-request path. OpenSSL 3.0 still allocates the provider's state on every
// EVP_DigestInit_ex: one allocation per digest.
struct evp_contexts {
  std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md{EVP_MD_fetch(nullptr, "SHA256", nullptr), &EVP_MD_free};
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md_ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
};

inline evp_contexts& thread_evp_contexts() {
  thread_local evp_contexts contexts;
  return contexts;
}

// SHA-256 of the concatenation of `parts` on the thread's reused context.
inline sha256_digest sha256_of(std::initializer_list<std::string_view> parts) {
  evp_contexts& c = thread_evp_contexts();
  sha256_digest out{};
  unsigned int len = 0;
  bool ok = c.md && c.md_ctx && EVP_DigestInit_ex(c.md_ctx.get(), c.md.get(), nullptr) == 1;
  for (std::string_view p : parts) ok = ok && EVP_DigestUpdate(c.md_ctx.get(), p.data(), p.size()) == 1;
  if (!ok || EVP_DigestFinal_ex(c.md_ctx.get(), out.data(), &len) != 1 || len != out.size())
    throw dynasio::error(errc::signing_failed, "SHA-256 failed");
  return out;
}

inline std::string_view digest_view(const sha256_digest& d) noexcept {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

/// SHA-256 of `data`. Throws dynasio::error(errc::signing_failed) if OpenSSL fails.
inline sha256_digest sha256(std::string_view data) {
  check_injected_crypto_failure("SHA-256");
  return sha256_of({data});
}

/**
 * HMAC-SHA256 of `data` under `key` (RFC 2104), as two SHA-256 digests on the thread's reused
 * context: H((K ^ opad) || H((K ^ ipad) || data)), K the key zero-padded to the 64-byte block
 * (or its digest when longer). That is two digest inits, an allocation each; EVP_MAC, re-keyed
 * for every request, allocated about three times as often. Throws
 * dynasio::error(errc::signing_failed) on failure.
 */
inline sha256_digest hmac_sha256(std::string_view key, std::string_view data) {
  check_injected_crypto_failure("HMAC-SHA256");
  constexpr std::size_t block = 64;
  // The padded key and the pads are key material: wiped however this returns.
  struct key_block {
    std::array<char, block> k{}, ipad{}, opad{};
    ~key_block() {
      OPENSSL_cleanse(k.data(), block);
      OPENSSL_cleanse(ipad.data(), block);
      OPENSSL_cleanse(opad.data(), block);
    }
  } b;
  if (key.size() > block) {
    sha256_digest hashed = sha256_of({key});
    std::memcpy(b.k.data(), hashed.data(), hashed.size());
    OPENSSL_cleanse(hashed.data(), hashed.size());
  } else if (!key.empty()) {
    std::memcpy(b.k.data(), key.data(), key.size());
  }
  for (std::size_t i = 0; i < block; ++i) {
    b.ipad[i] = static_cast<char>(b.k[i] ^ 0x36);
    b.opad[i] = static_cast<char>(b.k[i] ^ 0x5c);
  }
  const sha256_digest inner = sha256_of({std::string_view(b.ipad.data(), block), data});
  return sha256_of({std::string_view(b.opad.data(), block), digest_view(inner)});
}

/// HMAC-SHA256 keyed by a previous digest (the SigV4 key derivation chain).
inline sha256_digest hmac_sha256(const sha256_digest& key, std::string_view data) {
  return hmac_sha256(digest_view(key), data);
}

// The two lowercase hex digits of every byte value, so that a byte is one two-byte copy.
inline constexpr std::array<char, 512> hex_pairs = [] {
  constexpr std::string_view digits = "0123456789abcdef";
  std::array<char, 512> t{};
  for (std::size_t b = 0; b < 256; ++b) {
    t[2 * b] = digits[b >> 4];
    t[2 * b + 1] = digits[b & 0x0f];
  }
  return t;
}();

/// Writes the lowercase hex of `bytes` (2 * size chars) to `out`.
inline void to_hex(const unsigned char* bytes, std::size_t size, char* out) noexcept {
  for (std::size_t i = 0; i < size; ++i) std::memcpy(out + 2 * i, hex_pairs.data() + 2 * bytes[i], 2);
}

/// Lowercase hex SHA-1 of `data`: only for the AWS SSO token cache's file names, never for security.
inline std::string sha1_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha1(), nullptr) != 1)
    throw dynasio::error(errc::signing_failed, "SHA-1 failed");
  std::string out(2 * len, '0');
  to_hex(md.data(), len, out.data());
  return out;
}

/// Appends the lowercase hex of a digest (64 chars) to `out`.
template <class String>
void append_hex(String& out, const sha256_digest& d) {
  const std::size_t at = out.size();
  out.resize(at + 2 * d.size());
  to_hex(d.data(), d.size(), out.data() + at);
}

}  // namespace dynasio::detail

#endif
