// Catalog writes and reads; the scan-to-line resolution is in catalog_scan.cpp.
#include "edge/store/catalog.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include <sqlite3.h>

#include "edge/domain/scan/gtin.hpp"
#include "edge/domain/scan/variable_measure.hpp"

namespace storeedge::store {
namespace {

using domain::PromotionKind;
using domain::scan::EmbeddedValue;

constexpr std::string_view kProductColumns =
    "p.sku, p.name, p.category, p.tax_class, p.sold_by, p.age_restricted, p.active";

constexpr std::array<std::pair<PromotionKind, std::string_view>, 6> kPromotionKinds{{
    {PromotionKind::percent_off, "percent_off"},
    {PromotionKind::amount_off, "amount_off"},
    {PromotionKind::group_discount, "group_discount"},
    {PromotionKind::mix_and_match, "mix_and_match"},
    {PromotionKind::basket_amount, "basket_amount"},
    {PromotionKind::basket_percent, "basket_percent"},
}};

std::string_view kind_name(PromotionKind kind) {
  for (const auto& [k, name] : kPromotionKinds) {
    if (k == kind) return name;
  }
  return "percent_off";
}

Result<PromotionKind> kind_from(std::string_view name) {
  for (const auto& [k, n] : kPromotionKinds) {
    if (n == name) return k;
  }
  return fail(Errc::corrupt, "promotion kind '" + std::string(name) + "' is unknown");
}

// Reads kProductColumns starting at column 0.
domain::Product read_product(const sqlite::Statement& s) {
  domain::Product p;
  p.sku = s.column_text(0);
  p.name = s.column_text(1);
  p.category = s.column_text(2);
  p.tax_class = s.column_text(3);
  p.sold_by = s.column_text(4) == "weight" ? domain::SoldBy::weight : domain::SoldBy::unit;
  p.age_restricted = s.column_int64(5) != 0;
  return p;
}

std::optional<domain::UnixMillis> open_start(std::int64_t from_ms) {
  if (from_ms == 0) return std::nullopt;
  return from_ms;
}

std::string like_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

Result<std::vector<std::string>> normalised_gtins(const domain::Product& p) {
  std::vector<std::string> out;
  for (const std::string& g : p.gtins) {
    auto gtin14 = domain::scan::validate_gtin(g);
    if (!gtin14) {
      return fail(Errc::invalid_argument,
                  "SKU '" + p.sku + "': GTIN \"" + g + "\" is invalid: " + gtin14.error().message());
    }
    out.push_back(std::move(*gtin14));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

Result<std::string> variable_measure_gtin14(std::string_view key) {
  const bool restricted = key.starts_with("02") || key.starts_with('2');
  if (key.size() < 2 || key.size() > 12 || !domain::scan::require_digits(key) || !restricted) {
    return fail(Errc::invalid_argument, "variable-measure key \"" + std::string(key) +
                                            "\" must be 2 to 12 digits starting with 2 or 02");
  }
  std::string twelve(key);
  twelve.resize(12, '0');
  auto ean = domain::scan::make_ean13(twelve);
  if (!ean) return fail(ean.error());
  return "0" + *ean;
}

Status CatalogRepository::require_transaction(std::string_view what) const {
  if (db_->in_transaction()) return {};
  return fail(Errc::conflict, std::string(what) + " needs the caller's open transaction");
}

Status CatalogRepository::upsert_tax_rate(const domain::TaxRate& rate, std::string_view name) {
  if (auto s = require_transaction("upserting a tax rate"); !s) return s;
  if (rate.tax_class.empty()) return fail(Errc::invalid_argument, "tax rate without a tax class");
  if (rate.rate_bp < 0 || rate.rate_bp > 10000) {
    return fail(Errc::invalid_argument, "tax class '" + rate.tax_class + "': rate must be 0..10000 bp, got " +
                                            std::to_string(rate.rate_bp));
  }
  auto stmt = db_->cached(
      "INSERT INTO tax_rate (tax_class, rate_bp, name) VALUES (?, ?, ?) "
      "ON CONFLICT (tax_class) DO UPDATE SET rate_bp = excluded.rate_bp, name = excluded.name");
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(rate.tax_class, rate.rate_bp, name); !s) return s;
  return (*stmt)->run();
}

// A new product (every product of a bootstrap) costs two statements, as a bare insert does: the
// product and its GTINs. An existing one is updated and its GTINs replaced. The tax class and, for
// prices, the product are checked by the schema's foreign keys; their failure becomes the clear error.
Status CatalogRepository::upsert_product(const domain::Product& p, bool active) {
  if (auto s = require_transaction("upserting a product"); !s) return s;
  if (p.sku.empty()) return fail(Errc::invalid_argument, "product without a SKU");
  if (p.name.empty()) return fail(Errc::invalid_argument, "SKU '" + p.sku + "': product without a name");
  auto gtins = normalised_gtins(p);
  if (!gtins) return fail(gtins.error());
  const auto written = [&](Status s) -> Status {
    if (s) return s;
    if (s.error().code() == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return fail(Errc::invalid_argument, "SKU '" + p.sku + "': unknown tax class '" + p.tax_class + "'");
    }
    return fail(s.error().with_context("writing SKU '" + p.sku + "'"));
  };
  const std::string_view sold_by = p.sold_by == domain::SoldBy::weight ? "weight" : "unit";
  auto insert_product = db_->cached(
      "INSERT INTO product (sku, name, category, tax_class, sold_by, age_restricted, active) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sku) DO NOTHING");
  if (!insert_product) return fail(insert_product.error());
  if (auto s =
          (*insert_product)
              ->bind_all(p.sku, p.name, p.category, p.tax_class, sold_by, int{p.age_restricted}, int{active});
      !s) {
    return s;
  }
  if (auto s = written((*insert_product)->run()); !s) return s;
  if (db_->changes() == 0) {  // it existed: update it and drop its GTINs before writing the new ones
    auto update = db_->cached(
        "UPDATE product SET name = ?, category = ?, tax_class = ?, sold_by = ?, age_restricted = ?, "
        "active = ? WHERE sku = ?");
    if (!update) return fail(update.error());
    if (auto s = (*update)->bind_all(p.name, p.category, p.tax_class, sold_by, int{p.age_restricted},
                                     int{active}, p.sku);
        !s) {
      return s;
    }
    if (auto s = written((*update)->run()); !s) return s;
    auto drop = db_->cached("DELETE FROM product_gtin WHERE sku = ?");
    if (!drop) return fail(drop.error());
    if (auto s = (*drop)->bind_all(p.sku); !s) return s;
    if (auto s = (*drop)->run(); !s) return s;
  }
  auto insert = db_->cached(
      "INSERT INTO product_gtin (gtin14, sku) VALUES (?, ?) ON CONFLICT (gtin14) DO UPDATE SET sku = "
      "excluded.sku");
  if (!insert) return fail(insert.error());
  for (const std::string& gtin14 : *gtins) {
    if (auto s = (*insert)->bind_all(gtin14, p.sku); !s) return s;
    if (auto s = (*insert)->run(); !s) return fail(s.error().with_context("writing GTIN " + gtin14));
  }
  return {};
}

Status CatalogRepository::upsert_price(const domain::Price& price) {
  if (auto s = require_transaction("upserting a price"); !s) return s;
  const auto what = [&] { return "price of SKU '" + price.sku + "' in store '" + price.store + "'"; };
  if (price.store.empty()) return fail(Errc::invalid_argument, what() + ": no store code");
  if (price.unit_price < 0) return fail(Errc::invalid_argument, what() + ": negative price");
  const std::int64_t from = price.valid_from.value_or(0);
  if (price.valid_to && *price.valid_to <= from) {
    return fail(Errc::invalid_argument, what() + ": validity window is empty");
  }
  auto stmt = db_->cached(
      "INSERT INTO price (store_code, sku, valid_from_ms, valid_to_ms, unit_price_cents) VALUES (?, ?, ?, ?, "
      "?) "
      "ON CONFLICT (store_code, sku, valid_from_ms) DO UPDATE SET valid_to_ms = excluded.valid_to_ms, "
      "unit_price_cents = excluded.unit_price_cents");
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(price.store, price.sku, from, price.valid_to, price.unit_price); !s)
    return s;
  auto s = (*stmt)->run();
  if (!s && s.error().code() == SQLITE_CONSTRAINT_FOREIGNKEY)
    return fail(Errc::not_found, what() + ": no product with that SKU");
  return s;
}

Status CatalogRepository::upsert_promotion(const domain::Promotion& p) {
  if (auto s = require_transaction("upserting a promotion"); !s) return s;
  if (auto s = domain::validate(p); !s) return s;
  auto stmt = db_->cached(
      "INSERT INTO promotion (promotion_id, description, kind, percent_bp, amount_cents, group_size, "
      "discounted_units, threshold_cents, members_only, stackable, valid_from_ms, valid_to_ms) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (promotion_id) DO UPDATE SET "
      "description = excluded.description, kind = excluded.kind, percent_bp = excluded.percent_bp, "
      "amount_cents = excluded.amount_cents, group_size = excluded.group_size, "
      "discounted_units = excluded.discounted_units, threshold_cents = excluded.threshold_cents, "
      "members_only = excluded.members_only, stackable = excluded.stackable, "
      "valid_from_ms = excluded.valid_from_ms, valid_to_ms = excluded.valid_to_ms");
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(p.id, p.description, kind_name(p.kind), p.percent_bp, p.amount_cents,
                                 p.group_size, p.discounted_units, p.threshold_cents, int{p.members_only},
                                 int{p.stackable}, p.valid_from, p.valid_to);
      !s) {
    return s;
  }
  if (auto s = (*stmt)->run(); !s) return fail(s.error().with_context("writing promotion '" + p.id + "'"));

  auto drop = db_->cached("DELETE FROM promotion_sku WHERE promotion_id = ?");
  if (!drop) return fail(drop.error());
  if (auto s = (*drop)->bind_all(p.id); !s) return s;
  if (auto s = (*drop)->run(); !s) return s;
  auto insert = db_->cached("INSERT OR IGNORE INTO promotion_sku (promotion_id, sku) VALUES (?, ?)");
  if (!insert) return fail(insert.error());
  for (const std::string& sku : p.skus) {
    if (auto s = (*insert)->bind_all(p.id, sku); !s) return s;
    if (auto s = (*insert)->run(); !s) return s;
  }
  return {};
}

Status CatalogRepository::upsert_scan_template(const domain::scan::VariableMeasureTemplate& t) {
  if (auto s = require_transaction("upserting a scan template"); !s) return s;
  if (auto s = domain::scan::validate_template(t); !s) return s;
  auto stmt = db_->cached(
      "INSERT OR REPLACE INTO scan_template (prefix, item_offset, item_length, measure, value_offset, "
      "value_length, check_digit_offset) VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!stmt) return fail(stmt.error());
  const std::optional<std::int64_t> check =
      t.check_offset ? std::optional<std::int64_t>(static_cast<std::int64_t>(*t.check_offset)) : std::nullopt;
  if (auto s = (*stmt)->bind_all(
          t.prefix, static_cast<std::int64_t>(t.item_offset), static_cast<std::int64_t>(t.item_length),
          std::string_view(t.value == EmbeddedValue::weight_grams ? "weight" : "price"),
          static_cast<std::int64_t>(t.value_offset), static_cast<std::int64_t>(t.value_length), check);
      !s) {
    return s;
  }
  return (*stmt)->run();
}

Status CatalogRepository::load_gtins(domain::Product& product) {
  auto stmt = db_->cached("SELECT gtin14 FROM product_gtin WHERE sku = ? ORDER BY gtin14");
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(product.sku); !s) return s;
  while (true) {
    auto row = (*stmt)->step();
    if (!row) return fail(row.error().with_context("reading GTINs of SKU '" + product.sku + "'"));
    if (!*row) return {};
    product.gtins.push_back((*stmt)->column_text(0));
  }
}

Result<std::optional<CatalogRepository::Row>> CatalogRepository::row_by_gtin14(std::string_view gtin14) {
  static const std::string sql = "SELECT " + std::string(kProductColumns) +
                                 " FROM product_gtin g JOIN product p ON p.sku = g.sku WHERE g.gtin14 = ?";
  auto stmt = db_->cached(sql);
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(gtin14); !s) return fail(s.error());
  auto row = (*stmt)->step();
  if (!row) return fail(row.error().with_context("looking up GTIN " + std::string(gtin14)));
  if (!*row) return std::optional<Row>();
  Row out{read_product(**stmt), (*stmt)->column_int64(6) != 0};
  if (auto s = load_gtins(out.product); !s) return fail(s.error());
  return std::optional<Row>(std::move(out));
}

Result<std::optional<CatalogRepository::Row>> CatalogRepository::row_by_sku(std::string_view sku) {
  static const std::string sql = "SELECT " + std::string(kProductColumns) + " FROM product p WHERE p.sku = ?";
  auto stmt = db_->cached(sql);
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(sku); !s) return fail(s.error());
  auto row = (*stmt)->step();
  if (!row) return fail(row.error().with_context("looking up SKU '" + std::string(sku) + "'"));
  if (!*row) return std::optional<Row>();
  Row out{read_product(**stmt), (*stmt)->column_int64(6) != 0};
  if (auto s = load_gtins(out.product); !s) return fail(s.error());
  return std::optional<Row>(std::move(out));
}

Result<std::optional<domain::Product>> CatalogRepository::find_by_gtin(std::string_view gtin) {
  auto gtin14 = domain::scan::validate_gtin(gtin);
  if (!gtin14) return fail(gtin14.error().with_context("GTIN \"" + std::string(gtin) + "\""));
  auto row = row_by_gtin14(*gtin14);
  if (!row) return fail(row.error());
  if (!*row) return std::optional<domain::Product>();
  return std::optional<domain::Product>(std::move((*row)->product));
}

Result<std::optional<domain::Product>> CatalogRepository::find_by_sku(std::string_view sku) {
  auto row = row_by_sku(sku);
  if (!row) return fail(row.error());
  if (!*row) return std::optional<domain::Product>();
  return std::optional<domain::Product>(std::move((*row)->product));
}

Result<bool> CatalogRepository::is_active(std::string_view sku) {
  auto active = db_->query_one<bool>("SELECT active FROM product WHERE sku = ?", sku);
  if (!active) return fail(active.error());
  if (!*active) return fail(Errc::not_found, "no product with SKU '" + std::string(sku) + "'");
  return **active;
}

Result<std::vector<domain::Product>> CatalogRepository::search(std::string_view text, int limit) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return fail(Errc::invalid_argument, "search text is empty");
  text = text.substr(first, text.find_last_not_of(" \t") - first + 1);
  limit = std::clamp(limit, 1, 100);
  static const std::string sql =
      "SELECT " + std::string(kProductColumns) +
      " FROM product p WHERE p.sku LIKE ?1 ESCAPE '\\' OR p.name LIKE ?2 ESCAPE '\\' "
      "ORDER BY (p.sku LIKE ?1 ESCAPE '\\') DESC, "
      "CASE WHEN p.sku LIKE ?1 ESCAPE '\\' THEN p.sku ELSE p.name END, p.sku LIMIT ?3";
  auto stmt = db_->cached(sql);
  if (!stmt) return fail(stmt.error());
  const std::string escaped = like_escape(text);
  if (auto s = (*stmt)->bind_all(escaped + "%", "%" + escaped + "%", limit); !s) return fail(s.error());
  std::vector<domain::Product> out;
  while (true) {
    auto row = (*stmt)->step();
    if (!row) return fail(row.error().with_context("searching products"));
    if (!*row) break;
    out.push_back(read_product(**stmt));
  }
  for (domain::Product& p : out) {
    if (auto s = load_gtins(p); !s) return fail(s.error());
  }
  return out;
}

Result<std::optional<domain::Price>> CatalogRepository::price_at(std::string_view store_code,
                                                                 std::string_view sku,
                                                                 domain::UnixMillis now_ms) {
  auto stmt = db_->cached(
      "SELECT valid_from_ms, valid_to_ms, unit_price_cents FROM price WHERE store_code = ? AND sku = ? "
      "AND valid_from_ms <= ?3 AND (valid_to_ms IS NULL OR valid_to_ms > ?3) "
      "ORDER BY valid_from_ms DESC LIMIT 1");
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(store_code, sku, now_ms); !s) return fail(s.error());
  auto row = (*stmt)->step();
  if (!row) return fail(row.error().with_context("reading the price of SKU '" + std::string(sku) + "'"));
  if (!*row) return std::optional<domain::Price>();
  domain::Price price{.sku = std::string(sku),
                      .store = std::string(store_code),
                      .unit_price = (*stmt)->column_int64(2),
                      .valid_from = open_start((*stmt)->column_int64(0)),
                      .valid_to = (*stmt)->get<std::optional<std::int64_t>>(1)};
  return std::optional<domain::Price>(std::move(price));
}

Result<std::vector<domain::Promotion>> CatalogRepository::promotions_at(domain::UnixMillis now_ms) {
  auto stmt = db_->cached(
      "SELECT p.promotion_id, description, kind, percent_bp, amount_cents, group_size, discounted_units, "
      "threshold_cents, members_only, stackable, valid_from_ms, valid_to_ms, s.sku FROM promotion p "
      "LEFT JOIN promotion_sku s ON s.promotion_id = p.promotion_id "
      "WHERE (valid_from_ms IS NULL OR valid_from_ms <= ?1) AND (valid_to_ms IS NULL OR valid_to_ms > ?1) "
      "ORDER BY p.promotion_id, s.sku");
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(now_ms); !s) return fail(s.error());
  std::vector<domain::Promotion> out;
  while (true) {
    auto row = (*stmt)->step();
    if (!row) return fail(row.error().with_context("reading promotions"));
    if (!*row) return out;
    const sqlite::Statement& s = **stmt;
    if (out.empty() || out.back().id != s.column_text(0)) {
      auto kind = kind_from(s.column_text(2));
      if (!kind) return fail(kind.error());
      out.push_back(domain::Promotion{.id = s.column_text(0),
                                      .description = s.column_text(1),
                                      .kind = *kind,
                                      .percent_bp = s.column_int(3),
                                      .amount_cents = s.column_int64(4),
                                      .group_size = s.column_int(5),
                                      .discounted_units = s.column_int(6),
                                      .threshold_cents = s.column_int64(7),
                                      .members_only = s.column_int64(8) != 0,
                                      .stackable = s.column_int64(9) != 0,
                                      .valid_from = s.get<std::optional<std::int64_t>>(10),
                                      .valid_to = s.get<std::optional<std::int64_t>>(11)});
    }
    if (!s.column_is_null(12)) out.back().skus.push_back(s.column_text(12));
  }
}

Result<std::vector<domain::TaxRate>> CatalogRepository::tax_rates() {
  auto stmt = db_->cached("SELECT tax_class, rate_bp FROM tax_rate ORDER BY tax_class");
  if (!stmt) return fail(stmt.error());
  std::vector<domain::TaxRate> out;
  while (true) {
    auto row = (*stmt)->step();
    if (!row) return fail(row.error().with_context("reading tax rates"));
    if (!*row) return out;
    out.push_back({(*stmt)->column_text(0), (*stmt)->column_int(1)});
  }
}

Result<std::vector<domain::scan::VariableMeasureTemplate>> CatalogRepository::scan_templates() {
  auto stmt = db_->cached(
      "SELECT prefix, item_offset, item_length, measure, value_offset, value_length, check_digit_offset "
      "FROM scan_template ORDER BY prefix");
  if (!stmt) return fail(stmt.error());
  std::vector<domain::scan::VariableMeasureTemplate> out;
  auto size_at = [&](int column) { return static_cast<std::size_t>((*stmt)->column_int64(column)); };
  while (true) {
    auto row = (*stmt)->step();
    if (!row) return fail(row.error().with_context("reading scan templates"));
    if (!*row) return out;
    domain::scan::VariableMeasureTemplate t;
    t.prefix = (*stmt)->column_text(0);
    t.item_offset = size_at(1);
    t.item_length = size_at(2);
    t.value = (*stmt)->column_text(3) == "weight" ? EmbeddedValue::weight_grams : EmbeddedValue::price_cents;
    t.value_offset = size_at(4);
    t.value_length = size_at(5);
    if (!(*stmt)->column_is_null(6)) t.check_offset = size_at(6);
    out.push_back(std::move(t));
  }
}

}  // namespace storeedge::store
