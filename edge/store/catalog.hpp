#pragma once
// The catalog part of the replica (tax_rate, product, product_gtin, price, promotion,
// promotion_sku, scan_template) mapped to the checkout domain's types, and the scan-to-line
// resolution the till runs for every barcode.
//
// Writes are used by the demo-data generator and by hub sync. Each write runs inside a transaction
// the caller holds (sqlite::Transaction), so a hub batch and its cursor commit together; a write
// without one is refused (Errc::conflict). A write validates its whole input before touching a row,
// so bad input returns a clear error and writes nothing.
//
// Reads are the checkout hot path: they use the connection's cached statements and the primary-key
// indexes (a barcode costs three indexed lookups).
//
// Not thread-safe: a CatalogRepository borrows one connection and must not outlive it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edge/domain/cart.hpp"
#include "edge/domain/catalog.hpp"
#include "edge/domain/scan/scan.hpp"
#include "platform/error.hpp"
#include "platform/sqlite/database.hpp"

namespace storeedge::store {

// The catalog key of a variable-measure item: the variable-measure lookup key (template prefix +
// item reference, e.g. "2112345") right-padded with zeros to 12 digits, completed with its EAN-13
// check digit and left-padded to GTIN-14 ("02112345000007"). For the usual layouts, where the item
// reference follows the prefix, this is the code the item's label would carry with a zero price or
// weight. Such keys start with 02 or 2 (restricted circulation) so they never collide with a real
// GTIN. Errc::invalid_argument for a key that is not 2..12 digits starting with 2 or 02.
[[nodiscard]] Result<std::string> variable_measure_gtin14(std::string_view lookup_key);

class CatalogRepository {
 public:
  explicit CatalogRepository(sqlite::Database& db) : db_(&db) {}

  // --- writes (caller holds a transaction) ---
  [[nodiscard]] Status upsert_tax_rate(const domain::TaxRate& rate, std::string_view name);
  // Inserts or updates the product and replaces its GTINs with `product.gtins`, each validated and
  // normalised to GTIN-14 (an invalid one is Errc::invalid_argument naming it). A GTIN listed here
  // that belonged to another product moves to this one: the hub's catalog is authoritative.
  // Prices and promotions of the SKU are kept. `active` false keeps the product for history and
  // lookups but resolve_scan refuses to sell it.
  [[nodiscard]] Status upsert_product(const domain::Product& product, bool active = true);
  // Keyed by (store, sku, valid_from); an unset valid_from is stored as 0 (open start).
  [[nodiscard]] Status upsert_price(const domain::Price& price);
  // Checked with domain::validate; replaces the promotion's SKU list.
  [[nodiscard]] Status upsert_promotion(const domain::Promotion& promotion);
  // Checked with scan::validate_template (Errc::config when unusable).
  [[nodiscard]] Status upsert_scan_template(const domain::scan::VariableMeasureTemplate& layout);

  // --- reads ---
  // `gtin` may be any GTIN-8/12/13/14 form; an invalid one is Errc::invalid_argument. The product
  // comes with all its GTINs (GTIN-14, ascending), whether active or not.
  [[nodiscard]] Result<std::optional<domain::Product>> find_by_gtin(std::string_view gtin);
  [[nodiscard]] Result<std::optional<domain::Product>> find_by_sku(std::string_view sku);
  // False for discontinued products; Errc::not_found for an unknown SKU.
  [[nodiscard]] Result<bool> is_active(std::string_view sku);
  // The cashier's product search: SKUs starting with `text`, then names containing it, both
  // case-insensitive (ASCII letters), at most `limit` (1..100) results. SKU matches come first by
  // SKU, then name matches by name. It scans the product table: fine for a person typing, not for
  // the scan path. Empty text is Errc::invalid_argument.
  [[nodiscard]] Result<std::vector<domain::Product>> search(std::string_view text, int limit);
  // The price row whose [valid_from, valid_to) contains `now_ms`, the latest valid_from winning
  // when windows overlap (a temporary price over the base price); nullopt when none is in force.
  [[nodiscard]] Result<std::optional<domain::Price>> price_at(std::string_view store_code,
                                                              std::string_view sku,
                                                              domain::UnixMillis now_ms);
  // Promotions whose window contains `now_ms`, by id; each SKU list ascending.
  [[nodiscard]] Result<std::vector<domain::Promotion>> promotions_at(domain::UnixMillis now_ms);
  [[nodiscard]] Result<std::vector<domain::TaxRate>> tax_rates();                             // by tax class
  [[nodiscard]] Result<std::vector<domain::scan::VariableMeasureTemplate>> scan_templates();  // by prefix

  // --- checkout ---
  // Decodes `raw` (options carry the store's templates, see scan_templates()), finds the product by
  // its GTIN or its variable-measure key (variable_measure_gtin14), prices it at `now_ms` and fills
  // the weight or embedded price from the code. A weighed product scanned by a plain GTIN takes its
  // weight from `scale_grams`. Errors, all for the cashier's screen:
  //   invalid barcode    the scan module's error (invalid_argument, not_found, config, unsupported)
  //   unknown product    not_found "no product with barcode 8412345678905"
  //   inactive product   conflict  "... is no longer sold"
  //   no price           not_found "no price in force for ... in store ..."
  //   missing weight     invalid_argument "... is sold by weight: ..."
  [[nodiscard]] Result<domain::LineRequest> resolve_scan(
      std::string_view raw, std::string_view store_code, domain::UnixMillis now_ms,
      const domain::scan::DecodeOptions& options, std::optional<std::int64_t> scale_grams = std::nullopt);
  // A line keyed in by SKU: `amount` is units for unit products, grams for weighed ones (> 0).
  [[nodiscard]] Result<domain::LineRequest> resolve_sku(std::string_view sku, std::int64_t amount,
                                                        std::string_view store_code,
                                                        domain::UnixMillis now_ms);

 private:
  struct Row {
    domain::Product product;
    bool active = true;
  };
  Status require_transaction(std::string_view what) const;
  Result<std::optional<Row>> row_by_gtin14(std::string_view gtin14);
  Result<std::optional<Row>> row_by_sku(std::string_view sku);
  Status load_gtins(domain::Product& product);
  Result<domain::LineRequest> priced_line(Row row, std::string_view store_code, domain::UnixMillis now_ms);

  sqlite::Database* db_;
};

}  // namespace storeedge::store
