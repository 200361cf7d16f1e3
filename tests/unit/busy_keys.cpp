#include <dynasio/detail/batch_fsm.hpp>
#include <dynasio/detail/busy_keys.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

using namespace dynasio;
using namespace dynasio::detail;

namespace {

// A key held by an entry, with a hash of our choosing: few distinct hashes force long probe
// runs, wrap-around at the table's end and shifts on erase.
struct held_key {
  key_values values;
  std::size_t hash;
  key_ref ref() const {
    key_ref r;
    r.data = values.data();
    r.size = values.size();
    r.hash = hash;
    return r;
  }
};

// Random inserts and erases against a std::map model keyed by the key's text: contains() must
// agree for every key ever used, and size() with the model.
void check_against_model(std::uint64_t seed, std::size_t hash_values, std::size_t keys, std::size_t steps) {
  std::mt19937_64 rng(seed);
  std::vector<std::unique_ptr<held_key>> pool;
  for (std::size_t i = 0; i < keys; ++i) {
    auto k = std::make_unique<held_key>();
    k->values = key_values{attribute_value("k" + std::to_string(i))};
    // High bits too, so that masks of every table size see different homes.
    k->hash = static_cast<std::size_t>(rng() % hash_values) * 0x9e3779b97f4a7c15ull;
    pool.push_back(std::move(k));
  }
  busy_keys<key_ref> set;
  std::map<std::size_t, bool> model;
  for (std::size_t step = 0; step < steps; ++step) {
    const std::size_t i = static_cast<std::size_t>(rng() % keys);
    const held_key& k = *pool[i];
    if (!model[i]) {
      set.insert(k.ref());
      model[i] = true;
    } else {
      // Erase through a view with another address but equal values half of the time: equality
      // by value must find it too.
      if (rng() % 2 == 0) {
        held_key copy{k.values, k.hash};
        REQUIRE(set.erase(copy.ref()));
      } else {
        REQUIRE(set.erase(k.ref()));
      }
      model[i] = false;
    }
    if (step % 97 == 0 || step + 1 == steps) {
      std::size_t held = 0;
      for (std::size_t j = 0; j < keys; ++j) {
        const bool want = model.count(j) != 0 && model[j];
        held += want ? 1 : 0;
        INFO("seed " << seed << " step " << step << " key " << j);
        REQUIRE(set.contains(pool[j]->ref()) == want);
      }
      REQUIRE(set.size() == held);
    }
  }
}

}  // namespace

TEST_CASE("busy_keys agrees with a model under random inserts and erases") {
  // Distinct hashes, a handful of hashes (long runs that wrap), and one hash for all keys.
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    check_against_model(seed, 1u << 20, 300, 4000);
    check_against_model(seed, 7, 150, 3000);
    check_against_model(seed, 1, 40, 1000);
  }
}

TEST_CASE("busy_keys: erasing an absent key changes nothing; equal hashes are told apart by value") {
  busy_keys<key_ref> set;
  held_key a{key_values{attribute_value("a")}, 5};
  held_key b{key_values{attribute_value("b")}, 5};
  held_key a2{key_values{attribute_value("a")}, 5};
  CHECK_FALSE(set.erase(a.ref()));
  CHECK_FALSE(set.contains(a.ref()));
  set.insert(a.ref());
  CHECK(set.contains(a.ref()));
  CHECK(set.contains(a2.ref()));  // same values elsewhere
  CHECK_FALSE(set.contains(b.ref()));
  CHECK_FALSE(set.erase(b.ref()));
  CHECK(set.size() == 1);
  set.insert(b.ref());
  CHECK(set.erase(a2.ref()));
  CHECK_FALSE(set.contains(a.ref()));
  CHECK(set.contains(b.ref()));
  CHECK(set.size() == 1);
}
