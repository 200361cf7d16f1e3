//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_OPERATIONS_TABLE_SCHEMA_HPP
#define DYNASIO_OPERATIONS_TABLE_SCHEMA_HPP

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

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

/// Which attributes a secondary index holds (`Projection.ProjectionType`).
enum class projection_type { all, keys_only, include };

/// A global or local secondary index (`GlobalSecondaryIndexes` / `LocalSecondaryIndexes`).
struct secondary_index {
  /// `IndexName`.
  std::string name{};
  /// The index's partition (HASH) key; for a local index, the table's own partition key.
  key_attribute partition_key{};
  /// The index's sort (RANGE) key (required for a local index).
  std::optional<key_attribute> sort_key{};
  /// `Projection.ProjectionType`.
  dynasio::projection_type projection = dynasio::projection_type::all;
  /// `Projection.NonKeyAttributes`, for `include`.
  std::vector<std::string> non_key_attributes{};
};

/// Provisioned capacity (`ProvisionedThroughput`); on-demand billing when absent.
struct provisioned_throughput {
  /// `ReadCapacityUnits` (at least 1).
  std::int64_t read_capacity_units = 1;
  /// `WriteCapacityUnits` (at least 1).
  std::int64_t write_capacity_units = 1;
};

/**
 * @brief What create_table() creates and describe_table() reports.
 * @details Tables are created with on-demand billing (`PAY_PER_REQUEST`) unless `billing`
 * holds provisioned capacity (then global indexes get the same capacity).
 */
struct table_schema {
  /// Table name.
  std::string table_name{};
  /// Partition (HASH) key.
  key_attribute partition_key{};
  /// Sort (RANGE) key, when the table has one.
  std::optional<key_attribute> sort_key{};
  /// `GlobalSecondaryIndexes`: key schema and projection of each.
  std::vector<secondary_index> global_secondary_indexes{};
  /// `LocalSecondaryIndexes`: key schema and projection of each.
  std::vector<secondary_index> local_secondary_indexes{};
  /// `BillingMode` `PROVISIONED` with this `ProvisionedThroughput`; nullopt: `PAY_PER_REQUEST`.
  std::optional<provisioned_throughput> billing{};
  /// `DeletionProtectionEnabled`: delete_table() is refused until it is turned off.
  bool deletion_protection = false;
};

/// describe_table()'s answer.
struct table_description {
  /// Name, and key schema with the key attributes' types.
  table_schema schema{};
  /// `CREATING`, `ACTIVE`, `DELETING` or `UPDATING`.
  std::string status{};
  /// DynamoDB's approximate item count (updated about every six hours by AWS).
  std::int64_t item_count = 0;
  /// `IndexStatus` of each global secondary index by name: `CREATING`, `UPDATING`,
  /// `DELETING` or `ACTIVE` (local indexes have none: they live and die with the table).
  std::map<std::string, std::string, std::less<>> index_status{};
};

}  // namespace dynasio

#endif
