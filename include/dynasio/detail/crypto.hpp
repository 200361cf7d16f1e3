//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_CRYPTO_HPP
#define DYNASIO_DETAIL_CRYPTO_HPP

// The only file that includes OpenSSL. Everything else calls these wrappers, so tests can make
// them fail on purpose (crypto_fail_countdown) without mocking the library itself, and public
// headers stay free of OpenSSL's macros and names.

#include <dynasio/error.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstddef>
#include <memory>
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

// OpenSSL 3 looks the algorithm up on every implicit use of EVP_sha256(); fetching it once
// keeps that lookup off the per-request path.
inline const EVP_MD* sha256_md() {
  static const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md(EVP_MD_fetch(nullptr, "SHA256", nullptr),
                                                                  &EVP_MD_free);
  return md.get();
}

/// SHA-256 of `data`. Throws dynasio::error(errc::signing_failed) if OpenSSL fails.
inline sha256_digest sha256(std::string_view data) {
  check_injected_crypto_failure("SHA-256");
  sha256_digest out{};
  unsigned int len = 0;
  const EVP_MD* md = sha256_md();
  if (md == nullptr || EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1 ||
      len != out.size())
    throw dynasio::error(errc::signing_failed, "SHA-256 failed");
  return out;
}

/// HMAC-SHA256 of `data` under `key`. Throws dynasio::error(errc::signing_failed) on failure.
inline sha256_digest hmac_sha256(std::string_view key, std::string_view data) {
  check_injected_crypto_failure("HMAC-SHA256");
  sha256_digest out{};
  unsigned int len = 0;
  const EVP_MD* md = sha256_md();
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  if (md == nullptr || HMAC(md, key.data(), static_cast<int>(key.size()), bytes, data.size(), out.data(), &len) ==
                           nullptr ||
      len != out.size())
    throw dynasio::error(errc::signing_failed, "HMAC-SHA256 failed");
  return out;
}

/// HMAC-SHA256 keyed by a previous digest (the SigV4 key derivation chain).
inline sha256_digest hmac_sha256(const sha256_digest& key, std::string_view data) {
  return hmac_sha256(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()), data);
}

/// Writes the lowercase hex of `bytes` (2 * size chars) to `out`.
inline void to_hex(const unsigned char* bytes, std::size_t size, char* out) noexcept {
  constexpr std::string_view digits = "0123456789abcdef";
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 0x0f];
  }
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
