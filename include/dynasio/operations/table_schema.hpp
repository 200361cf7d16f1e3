//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_OPERATIONS_TABLE_SCHEMA_HPP
#define DYNASIO_OPERATIONS_TABLE_SCHEMA_HPP

#include <cstdint>
#include <optional>
#include <string>

namespace dynasio {

/// The scalar types DynamoDB allows for key attributes.
enum class key_type { S, N, B };

/// A key attribute: its name and scalar type. `{"id"}` is a string key.
struct key_attribute {
  /// Attribute name.
  std::string name{};
  /// Attribute type (S, N or B).
  key_type type = key_type::S;

  friend bool operator==(const key_attribute&, const key_attribute&) = default;
};

/// The DynamoDB spelling of a key type ("S", "N" or "B").
inline const char* to_string(key_type t) noexcept { return t == key_type::S ? "S" : t == key_type::N ? "N" : "B"; }

/**
 * @brief What create_table() creates and describe_table() reports.
 * @details Tables are created with on-demand billing (`PAY_PER_REQUEST`).
 */
struct table_schema {
  /// Table name.
  std::string table_name{};
  /// Partition (HASH) key.
  key_attribute partition_key{};
  /// Sort (RANGE) key, when the table has one.
  std::optional<key_attribute> sort_key{};
};

/// describe_table()'s answer.
struct table_description {
  /// Name, and key schema with the key attributes' types.
  table_schema schema{};
  /// `CREATING`, `ACTIVE`, `DELETING` or `UPDATING`.
  std::string status{};
  /// DynamoDB's approximate item count (updated about every six hours by AWS).
  std::int64_t item_count = 0;
};

}  // namespace dynasio

#endif
