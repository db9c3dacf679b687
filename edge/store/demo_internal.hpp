#pragma once
// Shared between the demo-data generator's translation units; not part of the store's interface.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edge/domain/catalog.hpp"
#include "edge/store/demo_data.hpp"
#include "platform/error.hpp"
#include "platform/sqlite/database.hpp"

namespace storeedge::store::demo {

// splitmix64 (Steele, Lea, Flood 2014): a fixed, portable sequence for a given seed. Every derived
// number uses explicit integer arithmetic so output is identical across standard libraries.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // In [0, n); n > 0. The modulo bias (< 2^-40 for our n) does not matter for demo data.
  std::int64_t below(std::int64_t n) {
    return static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(n));
  }
  std::int64_t between(std::int64_t lo, std::int64_t hi) { return lo + below(hi - lo + 1); }
  // True with probability per_mille / 1000.
  bool chance(std::int64_t per_mille) { return below(1000) < per_mille; }
  // A version-4 UUID string built from two draws.
  std::string uuid();

 private:
  std::uint64_t state_;
};

inline constexpr std::int64_t kDayMs = 86'400'000;

// What the customer and order generators need to know about a generated product.
struct DemoProduct {
  domain::Product product;
  bool active = true;
  std::optional<domain::Cents> base_price;  // the open-start price row, if the product has one
  std::int32_t rate_bp = 0;
};

// Customers, loyalty, stock baseline and online orders (demo_people.cpp). Runs inside the
// generator's transaction.
[[nodiscard]] Status load_people_and_orders(sqlite::Database& db, const DemoOptions& options, Random& rng,
                                            const std::vector<DemoProduct>& products);

// Lower-case ASCII for e-mail addresses: Spanish accented letters lose their accent, ñ becomes n,
// spaces and anything else are dropped.
std::string ascii_slug(std::string_view utf8);

}  // namespace storeedge::store::demo
