#ifndef DYNASIO_TESTS_DESCRIBE_CHECK_HPP
#define DYNASIO_TESTS_DESCRIBE_CHECK_HPP

#include <dynasio/operations/table_schema.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace dynasio::test {

inline void check_same_index(const secondary_index& got, const secondary_index& want) {
  CAPTURE(want.name);
  CHECK(got.name == want.name);
  CHECK(got.partition_key == want.partition_key);
  CHECK(got.sort_key == want.sort_key);
  CHECK(got.projection == want.projection);
  std::vector<std::string> a = got.non_key_attributes, b = want.non_key_attributes;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  CHECK(a == b);
}

// Indexes of `got` by name, in `want`'s order (servers list them in any order).
inline void check_same_indexes(const std::vector<secondary_index>& got, const std::vector<secondary_index>& want) {
  REQUIRE(got.size() == want.size());
  for (const auto& w : want) {
    auto it = std::find_if(got.begin(), got.end(), [&](const secondary_index& g) { return g.name == w.name; });
    REQUIRE_MESSAGE(it != got.end(), "index " << w.name << " not described");
    check_same_index(*it, w);
  }
}

/// describe_table() of an ACTIVE table reports what create_table() was given.
inline void check_described(const table_description& d, const table_schema& want) {
  CHECK(d.schema.table_name == want.table_name);
  CHECK(d.status == "ACTIVE");
  CHECK(d.schema.partition_key == want.partition_key);
  CHECK(d.schema.sort_key == want.sort_key);
  check_same_indexes(d.schema.global_secondary_indexes, want.global_secondary_indexes);
  check_same_indexes(d.schema.local_secondary_indexes, want.local_secondary_indexes);
  CHECK(d.index_status.size() == want.global_secondary_indexes.size());
  for (const auto& g : want.global_secondary_indexes) {
    auto it = d.index_status.find(g.name);
    REQUIRE(it != d.index_status.end());
    CHECK(it->second == "ACTIVE");
  }
  REQUIRE(d.schema.billing.has_value() == want.billing.has_value());
  if (want.billing) {
    CHECK(d.schema.billing->read_capacity_units == want.billing->read_capacity_units);
    CHECK(d.schema.billing->write_capacity_units == want.billing->write_capacity_units);
  }
  CHECK(d.schema.deletion_protection == want.deletion_protection);
}

}  // namespace dynasio::test

#endif
