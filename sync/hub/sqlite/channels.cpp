// ERP loads: catalog, prices, promotions (hub-authoritative) and stock levels (written as deltas).
// Each load is one transaction; the first invalid item refuses the whole load, naming it.
#include <boost/json.hpp>

#include "platform/sqlite/transaction.hpp"
#include "sync/hub/json_read.hpp"
#include "sync/hub/sqlite/sql_util.hpp"
#include "sync/hub/sqlite/sqlite_storage.hpp"

namespace storeedge::sync::hub {
namespace json = boost::json;
namespace {

// GTIN-8/12/13/14 with a valid check digit, as 14 digits.
Result<std::string> gtin14(const std::string& sku, const std::string& code) {
  const std::string what = "product " + sku + ": GTIN '" + code + "'";
  if (code.size() != 8 && code.size() != 12 && code.size() != 13 && code.size() != 14) {
    return fail(Errc::invalid_argument, what + " must have 8, 12, 13 or 14 digits");
  }
  if (code.find_first_not_of("0123456789") != std::string::npos) {
    return fail(Errc::invalid_argument, what + " must contain digits only");
  }
  const std::string padded = std::string(14 - code.size(), '0') + code;
  int sum = 0;
  for (std::size_t i = 0; i < 13; ++i) sum += (padded[i] - '0') * (i % 2 == 0 ? 3 : 1);
  if ((10 - sum % 10) % 10 != padded[13] - '0')
    return fail(Errc::invalid_argument, what + " has a wrong check digit");
  return padded;
}

Status validate_product(const Product& p) {
  if (p.sku.empty()) return fail(Errc::invalid_argument, "a product has an empty SKU");
  const std::string what = "product " + p.sku;
  if (p.name.empty()) return fail(Errc::invalid_argument, what + ": name is empty");
  if (p.tax_class.empty()) return fail(Errc::invalid_argument, what + ": tax class is empty");
  if (p.sold_by != "unit" && p.sold_by != "weight") {
    return fail(Errc::invalid_argument, what + ": sold_by '" + p.sold_by + "' is not unit or weight");
  }
  return {};
}

json::object product_json(const Product& p, const std::vector<std::string>& gtins) {
  json::array codes;
  for (const auto& g : gtins) codes.emplace_back(g);
  return json::object{{"type", "product"},
                      {"sku", p.sku},
                      {"name", p.name},
                      {"category", p.category},
                      {"tax_class", p.tax_class},
                      {"sold_by", p.sold_by},
                      {"age_restricted", p.age_restricted},
                      {"active", p.active},
                      {"gtins", std::move(codes)}};
}

const std::array<std::string_view, 6> kPromotionKinds = {"percent_off",   "amount_off",    "group_discount",
                                                         "mix_and_match", "basket_amount", "basket_percent"};

json::object promotion_json(const Promotion& p) {
  json::array skus;
  for (const auto& s : p.skus) skus.emplace_back(s);
  return json::object{{"type", "promotion"},
                      {"promotion_id", p.promotion_id},
                      {"withdrawn", p.withdrawn},
                      {"description", p.description},
                      {"kind", p.kind},
                      {"percent_bp", p.percent_bp},
                      {"amount_cents", p.amount_cents},
                      {"group_size", p.group_size},
                      {"discounted_units", p.discounted_units},
                      {"threshold_cents", p.threshold_cents},
                      {"members_only", p.members_only},
                      {"stackable", p.stackable},
                      {"valid_from_ms", jsonr::opt(p.valid_from_ms)},
                      {"valid_to_ms", jsonr::opt(p.valid_to_ms)},
                      {"skus", std::move(skus)}};
}

}  // namespace

Result<std::int64_t> SqliteStorage::load_catalog(const CatalogLoad& load) {
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  std::int64_t n = 0;
  for (const TaxRate& t : load.tax_rates) {
    if (t.tax_class.empty() || t.rate_bp < 0 || t.rate_bp > 10'000) {
      return fail(Errc::invalid_argument, "tax rate '" + t.tax_class + "' of " + std::to_string(t.rate_bp) +
                                              " bp: class must be named and the rate within 0..10000 bp");
    }
    if (auto s = sql::run(
            db_,
            "INSERT INTO tax_rate (tax_class, rate_bp, name) VALUES (?, ?, ?) ON CONFLICT (tax_class) "
            "DO UPDATE SET rate_bp = excluded.rate_bp, name = excluded.name",
            "loading tax rate " + t.tax_class, t.tax_class, std::int64_t{t.rate_bp}, t.name);
        !s) {
      return fail(s.error());
    }
    const std::string doc = json::serialize(json::object{
        {"type", "tax_rate"}, {"tax_class", t.tax_class}, {"rate_bp", t.rate_bp}, {"name", t.name}});
    if (auto s = append_change("catalog", "tax_rate:" + t.tax_class, {}, doc); !s) return fail(s.error());
    ++n;
  }
  for (const Product& p : load.products) {
    if (auto s = validate_product(p); !s) return fail(s.error());
    auto tax = db_.query_one<std::int64_t>("SELECT 1 FROM tax_rate WHERE tax_class = ?", p.tax_class);
    if (!tax) return fail(tax.error());
    if (!*tax)
      return fail(Errc::invalid_argument, "product " + p.sku + ": unknown tax class '" + p.tax_class + "'");
    std::vector<std::string> gtins;
    for (const auto& code : p.gtins) {
      auto g = gtin14(p.sku, code);
      if (!g) return fail(g.error());
      gtins.push_back(*g);
    }
    if (auto s = sql::run(
            db_,
            "INSERT INTO product (sku, name, category, tax_class, sold_by, age_restricted, active) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sku) DO UPDATE SET name = excluded.name, "
            "category = excluded.category, tax_class = excluded.tax_class, sold_by = excluded.sold_by, "
            "age_restricted = excluded.age_restricted, active = excluded.active",
            "loading product " + p.sku, p.sku, p.name, p.category, p.tax_class, p.sold_by,
            p.age_restricted ? 1 : 0, p.active ? 1 : 0);
        !s) {
      return fail(s.error());
    }
    if (auto s =
            sql::run(db_, "DELETE FROM product_gtin WHERE sku = ?", "replacing GTINs of " + p.sku, p.sku);
        !s) {
      return fail(s.error());
    }
    for (const auto& g : gtins) {
      // A GTIN moved to another product (hub-authoritative): the old product loses it.
      if (auto s = sql::run(db_, "INSERT OR REPLACE INTO product_gtin (gtin14, sku) VALUES (?, ?)",
                            "loading GTIN " + g + " of " + p.sku, g, p.sku);
          !s) {
        return fail(s.error());
      }
    }
    if (auto s = append_change("catalog", "product:" + p.sku, {}, json::serialize(product_json(p, gtins)));
        !s) {
      return fail(s.error());
    }
    ++n;
  }
  if (auto s = tx->commit(); !s) return fail(s.error().with_context("loading the catalog"));
  return n;
}

Result<std::int64_t> SqliteStorage::load_prices(const std::vector<Price>& prices) {
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  for (const Price& p : prices) {
    const std::string what = "price of " + p.sku + " in store " + p.store_code;
    if (p.unit_price_cents < 0) return fail(Errc::invalid_argument, what + ": unit price is negative");
    if (p.valid_to_ms && *p.valid_to_ms <= p.valid_from_ms) {
      return fail(Errc::invalid_argument, what + ": valid_to_ms is not after valid_from_ms");
    }
    auto store = db_.query_one<std::int64_t>("SELECT 1 FROM store WHERE store_code = ?", p.store_code);
    if (!store) return fail(store.error());
    if (!*store) return fail(Errc::invalid_argument, what + ": unknown store");
    auto product = db_.query_one<std::int64_t>("SELECT 1 FROM product WHERE sku = ?", p.sku);
    if (!product) return fail(product.error());
    if (!*product) return fail(Errc::invalid_argument, what + ": unknown SKU");
    if (auto s = sql::run(
            db_,
            "INSERT INTO price (store_code, sku, valid_from_ms, valid_to_ms, unit_price_cents) VALUES "
            "(?, ?, ?, ?, ?) ON CONFLICT (store_code, sku, valid_from_ms) DO UPDATE SET valid_to_ms = "
            "excluded.valid_to_ms, unit_price_cents = excluded.unit_price_cents",
            what, p.store_code, p.sku, p.valid_from_ms, p.valid_to_ms, p.unit_price_cents);
        !s) {
      return fail(s.error());
    }
    const std::string doc = json::serialize(json::object{{"type", "price"},
                                                         {"store_code", p.store_code},
                                                         {"sku", p.sku},
                                                         {"valid_from_ms", p.valid_from_ms},
                                                         {"valid_to_ms", jsonr::opt(p.valid_to_ms)},
                                                         {"unit_price_cents", p.unit_price_cents}});
    const std::string entity = "price:" + p.store_code + ":" + p.sku + ":" + std::to_string(p.valid_from_ms);
    if (auto s = append_change("prices", entity, {p.store_code, std::nullopt, std::nullopt}, doc); !s) {
      return fail(s.error());
    }
  }
  if (auto s = tx->commit(); !s) return fail(s.error().with_context("loading prices"));
  return static_cast<std::int64_t>(prices.size());
}

Result<std::int64_t> SqliteStorage::load_promotions(const std::vector<Promotion>& promotions) {
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  for (const Promotion& p : promotions) {
    if (p.promotion_id.empty()) return fail(Errc::invalid_argument, "a promotion has an empty id");
    const std::string what = "promotion " + p.promotion_id;
    if (std::find(kPromotionKinds.begin(), kPromotionKinds.end(), p.kind) == kPromotionKinds.end()) {
      return fail(Errc::invalid_argument, what + ": kind '" + p.kind + "' is not a promotion kind");
    }
    if (p.valid_from_ms && p.valid_to_ms && *p.valid_to_ms <= *p.valid_from_ms) {
      return fail(Errc::invalid_argument, what + ": valid_to_ms is not after valid_from_ms");
    }
    const std::string doc = json::serialize(promotion_json(p));
    if (auto s =
            sql::run(db_,
                     "INSERT INTO promotion (promotion_id, doc) VALUES (?, ?) ON CONFLICT (promotion_id) DO "
                     "UPDATE SET doc = excluded.doc",
                     what, p.promotion_id, doc);
        !s) {
      return fail(s.error());
    }
    if (auto s = append_change("promotions", "promotion:" + p.promotion_id, {}, doc); !s)
      return fail(s.error());
  }
  if (auto s = tx->commit(); !s) return fail(s.error().with_context("loading promotions"));
  return static_cast<std::int64_t>(promotions.size());
}

Result<std::int64_t> SqliteStorage::set_stock_levels(const std::vector<StockLevel>& levels) {
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  std::int64_t written = 0;
  for (const StockLevel& l : levels) {
    const std::string what = "stock level of " + l.sku + " in store " + l.store_code;
    if (l.level < 0)
      return fail(Errc::invalid_argument, what + ": level " + std::to_string(l.level) + " is negative");
    auto store = db_.query_one<std::int64_t>("SELECT 1 FROM store WHERE store_code = ?", l.store_code);
    if (!store) return fail(store.error());
    if (!*store) return fail(Errc::invalid_argument, what + ": unknown store");
    auto current = stock_level(l.store_code, l.sku);
    if (!current) return fail(current.error());
    if (*current == l.level) continue;
    auto id = add_stock_move(l.store_code, l.sku, l.level - *current, "hub", std::nullopt, std::nullopt);
    if (!id) return fail(id.error().with_context(what));
    ++written;
  }
  if (auto s = tx->commit(); !s) return fail(s.error().with_context("setting stock levels"));
  return written;
}

}  // namespace storeedge::sync::hub
