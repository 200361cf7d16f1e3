//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_BINARY_HPP
#define DYNASIO_BINARY_HPP

#include <compare>
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace dynasio {

/**
 * @brief A DynamoDB binary value (type B): raw bytes, sent as base64.
 * @details Any byte values, embedded zeros included. Sizes count raw bytes, not base64.
 *
 * @par Thread safety
 * Distinct objects: safe. Shared objects: safe for const access.
 */
class binary {
 public:
  /// No bytes (DynamoDB refuses an empty binary as a key, but allows it elsewhere).
  binary() = default;
  /// Takes the bytes of `bytes` (not text: no encoding is assumed or checked).
  explicit binary(std::string bytes) noexcept : bytes_(std::move(bytes)) {}
  /// Copies bytes.
  explicit binary(std::span<const std::byte> bytes)
      : bytes_(reinterpret_cast<const char*>(bytes.data()), bytes.size()) {}
  /// Copies bytes.
  explicit binary(std::span<const unsigned char> bytes)
      : bytes_(reinterpret_cast<const char*>(bytes.data()), bytes.size()) {}

  /// The first byte.
  const std::byte* data() const noexcept { return reinterpret_cast<const std::byte*>(bytes_.data()); }
  /// The number of bytes.
  std::size_t size() const noexcept { return bytes_.size(); }
  /// True when there are no bytes.
  bool empty() const noexcept { return bytes_.empty(); }
  /// The bytes as a span.
  std::span<const std::byte> bytes() const noexcept { return {data(), size()}; }
  /// The bytes seen as chars, for hashing, printing or I/O.
  std::string_view view() const noexcept { return bytes_; }

  /// Byte-wise equality.
  friend bool operator==(const binary&, const binary&) = default;
  /// Byte-wise (unsigned) lexicographic order, as DynamoDB sorts binary keys.
  friend std::strong_ordering operator<=>(const binary& a, const binary& b) noexcept {
    std::span<const std::byte> x = a.bytes(), y = b.bytes();
    for (std::size_t i = 0; i < x.size() && i < y.size(); ++i)
      if (x[i] != y[i]) return x[i] <=> y[i];
    return x.size() <=> y.size();
  }

 private:
  std::string bytes_;
};

/// A hash consistent with equality.
inline std::size_t hash_value(const binary& b) noexcept { return std::hash<std::string_view>{}(b.view()); }

}  // namespace dynasio

/// Hashes the bytes, like binary's equality.
template <>
struct std::hash<dynasio::binary> {
  std::size_t operator()(const dynasio::binary& b) const noexcept { return dynasio::hash_value(b); }
};

#endif
