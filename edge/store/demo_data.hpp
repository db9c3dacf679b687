#pragma once
// Deterministic data for a demo Spanish supermarket, and a large synthetic catalog for benchmarks.
// The same options give byte-identical database content on any machine and compiler: numbers come
// from a splitmix64 stream with explicit arithmetic (no <random> distributions, whose output is
// implementation-defined), and every timestamp derives from `now_ms`, never from a clock.
// docs/schema.md ("Catalog repository and demo data") lists what is generated.
#include <cstdint>
#include <string>

#include "platform/error.hpp"
#include "platform/sqlite/database.hpp"

namespace storeedge::store {

struct DemoOptions {
  std::string store_code = "0001";
  std::uint64_t seed = 1;
  std::int64_t products = 5000;  // at least 100
  std::int64_t customers = 1000;
  std::int64_t now_ms = 1'700'000'000'000;  // validity windows, stock and orders are relative to it
};

// Loads tax rates, products with EAN-13s (and variable-measure keys for weighed items), prices with
// some temporary and future prices, scan templates 21 (weight) and 22 (price with check digit),
// promotions of every kind, customers with loyalty cards, balances and allowances, a stock
// baseline, online orders ready for pickup here and customers' past online orders. One transaction
// of its own. Errc::conflict when the catalog already has products; Errc::invalid_argument for
// out-of-range options.
[[nodiscard]] Status load_demo_data(sqlite::Database& db, const DemoOptions& options);

// `products` synthetic products (one EAN-13 each, see large_catalog_ean13) with a price in
// `store_code`, plus the Spanish tax rates when missing. One transaction with prepared statements,
// streaming (memory does not grow with `products`). Errc::conflict when the catalog has products.
[[nodiscard]] Status load_large_catalog(sqlite::Database& db, std::int64_t products,
                                        const std::string& store_code, std::uint64_t seed);

// The EAN-13 of product `index` (0-based) of load_large_catalog: "84" + 10 digits of the index +
// check digit. Benchmarks use it to scan existing products. Precondition: 0 <= index < 10^10.
std::string large_catalog_ean13(std::int64_t index);
// Its SKU: "L" + the index in 8 digits.
std::string large_catalog_sku(std::int64_t index);

}  // namespace storeedge::store
