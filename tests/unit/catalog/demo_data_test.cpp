// The demo store and the benchmark catalog: realistic, valid and identical for the same seed.
#include "edge/store/demo_data.hpp"

#include <gtest/gtest.h>

#include "edge/domain/scan/gtin.hpp"
#include "tests/unit/catalog/catalog_fixtures.hpp"

namespace storeedge::store::test {
namespace {

const std::vector<std::string> kDemoTables{"tax_rate",     "product",       "product_gtin",      "price",
                                           "promotion",    "promotion_sku", "scan_template",     "customer",
                                           "loyalty_card", "loyalty_entry", "loyalty_allowance", "stock_move",
                                           "sales_order",  "order_line"};

class DemoDataTest : public CatalogTest {
 protected:
  DemoOptions options() const {
    return {.store_code = std::string(kStore), .seed = 7, .products = 1500, .customers = 300, .now_ms = kNow};
  }
  std::int64_t count(const std::string& sql) { return **db().query_one<std::int64_t>(sql); }
  static std::string digest(sqlite::Database& d) {
    std::string all;
    for (const std::string& t : kDemoTables) all += t + "=" + table_digest(d, t) + "\n";
    return all;
  }
};

TEST_F(DemoDataTest, LoadsAStoreWithEverythingTheTillNeeds) {
  ASSERT_TRUE(load_demo_data(db(), options()));
  EXPECT_EQ(count("SELECT COUNT(*) FROM product"), 1500);
  EXPECT_EQ(count("SELECT COUNT(*) FROM tax_rate"), 4);
  EXPECT_EQ(count("SELECT rate_bp FROM tax_rate WHERE tax_class = 'general'"), 2100);
  EXPECT_EQ(count("SELECT rate_bp FROM tax_rate WHERE tax_class = 'exempt'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM scan_template"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM product WHERE sold_by = 'weight'"),
            count("SELECT COUNT(*) FROM product_gtin WHERE gtin14 LIKE '02%'"));
  EXPECT_GT(count("SELECT COUNT(*) FROM product WHERE sold_by = 'weight'"), 50);
  EXPECT_GT(count("SELECT COUNT(*) FROM product WHERE age_restricted = 1"), 50);
  EXPECT_GT(count("SELECT COUNT(*) FROM product WHERE active = 0"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM product p WHERE NOT EXISTS "
                  "(SELECT 1 FROM product_gtin g WHERE g.sku = p.sku)"),
            0);
  EXPECT_GT(count("SELECT COUNT(DISTINCT sku) FROM price WHERE store_code = '0042'"), 1450);
  EXPECT_GT(count("SELECT COUNT(*) FROM price WHERE valid_to_ms IS NOT NULL"), 0);
  EXPECT_EQ(count("SELECT COUNT(DISTINCT kind) FROM promotion"), 6);
  EXPECT_GT(count("SELECT COUNT(*) FROM promotion WHERE members_only = 1"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM customer"), 300);
  EXPECT_EQ(count("SELECT COUNT(*) FROM loyalty_card"), 300);
  EXPECT_GT(count("SELECT COUNT(*) FROM loyalty_entry WHERE kind = 'hub'"), 200);
  EXPECT_EQ(count("SELECT COUNT(*) FROM loyalty_allowance"), count("SELECT COUNT(*) FROM loyalty_entry"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM stock_move WHERE reason = 'hub'"),
            count("SELECT COUNT(*) FROM product WHERE active = 1"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM sales_order WHERE status = 'ready_for_pickup' AND channel = 'web' "
                  "AND store_code = '0042' AND customer_id IS NOT NULL"),
            6);
  EXPECT_GT(count("SELECT COUNT(*) FROM sales_order WHERE status = 'completed'"), 50);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sales_order o WHERE total_cents <> "
                  "(SELECT SUM(net_cents) FROM order_line l WHERE l.order_id = o.order_id)"),
            0);
  EXPECT_TRUE(db().integrity_check());
  EXPECT_EQ(*db().query_one<std::string>("PRAGMA foreign_key_check"), std::nullopt);
}

TEST_F(DemoDataTest, EveryGtinIsValidAndEveryActivePricedProductScans) {
  ASSERT_TRUE(load_demo_data(db(), options()));
  auto stmt = db().prepare("SELECT gtin14 FROM product_gtin");
  ASSERT_TRUE(stmt);
  int checked = 0;
  while (*stmt->step()) {
    const std::string gtin = stmt->column_text(0);
    auto valid = domain::scan::validate_gtin(gtin);
    ASSERT_TRUE(valid) << gtin << ": " << valid.error().what();
    EXPECT_EQ(*valid, gtin);
    ++checked;
  }
  EXPECT_GE(checked, 1500);

  domain::scan::DecodeOptions decode{.variable_measure_templates = *repo().scan_templates(),
                                     .current_year = std::nullopt};
  auto unit = db().query_one<std::string>(
      "SELECT g.gtin14 FROM product_gtin g JOIN product p USING (sku) WHERE p.active = 1 AND p.sold_by = "
      "'unit' "
      "AND g.gtin14 LIKE '084%' AND EXISTS (SELECT 1 FROM price r WHERE r.sku = p.sku AND r.valid_from_ms = "
      "0) "
      "ORDER BY g.gtin14 LIMIT 1");
  ASSERT_TRUE(unit && *unit);
  auto line = repo().resolve_scan(domain::scan::canonical_gtin(**unit), kStore, kNow, decode);
  EXPECT_TRUE(line) << line.error().what();
}

TEST_F(DemoDataTest, SameSeedGivesIdenticalContentAndAnotherSeedDoesNot) {
  ASSERT_TRUE(load_demo_data(db(), options()));
  auto other = Replica::open(dir_ / "other.db", clock_);
  ASSERT_TRUE(other);
  ASSERT_TRUE(load_demo_data(other->db(), options()));
  EXPECT_EQ(digest(db()), digest(other->db()));

  auto third = Replica::open(dir_ / "third.db", clock_);
  ASSERT_TRUE(third);
  DemoOptions reseeded = options();
  reseeded.seed = 8;
  ASSERT_TRUE(load_demo_data(third->db(), reseeded));
  EXPECT_NE(digest(db()), digest(third->db()));
}

TEST_F(DemoDataTest, SecondLoadIsRefusedAndChangesNothing) {
  ASSERT_TRUE(load_demo_data(db(), options()));
  const std::string before = digest(db());
  auto again = load_demo_data(db(), options());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind(), Errc::conflict);
  auto large = load_large_catalog(db(), 10, "0042", 1);
  ASSERT_FALSE(large);
  EXPECT_EQ(large.error().kind(), Errc::conflict);
  EXPECT_EQ(digest(db()), before);
}

TEST_F(DemoDataTest, BadOptionsAreRefused) {
  DemoOptions o = options();
  o.products = 10;
  EXPECT_EQ(load_demo_data(db(), o).error().kind(), Errc::invalid_argument);
  o = options();
  o.store_code.clear();
  EXPECT_EQ(load_demo_data(db(), o).error().kind(), Errc::invalid_argument);
  EXPECT_EQ(count("SELECT COUNT(*) FROM product"), 0);
}

TEST_F(DemoDataTest, LargeCatalogGivesEveryProductAScannableEan13) {
  constexpr std::int64_t kProducts = 20'000;
  ASSERT_TRUE(load_large_catalog(db(), kProducts, "0042", 3));
  EXPECT_EQ(count("SELECT COUNT(*) FROM product"), kProducts);
  EXPECT_EQ(count("SELECT COUNT(*) FROM product_gtin"), kProducts);
  EXPECT_EQ(count("SELECT COUNT(*) FROM price WHERE store_code = '0042'"), kProducts);
  const domain::scan::DecodeOptions decode;
  for (std::int64_t i : {std::int64_t{0}, std::int64_t{1}, std::int64_t{9'999}, kProducts - 1}) {
    const std::string ean = large_catalog_ean13(i);
    ASSERT_TRUE(domain::scan::validate_gtin(ean)) << ean;
    auto line = repo().resolve_scan(ean, kStore, kNow, decode);
    ASSERT_TRUE(line) << ean << ": " << line.error().what();
    EXPECT_EQ(line->product.sku, large_catalog_sku(i));
    EXPECT_GT(line->price.unit_price, 0);
  }
  EXPECT_FALSE(*repo().find_by_gtin(large_catalog_ean13(kProducts)));
  EXPECT_TRUE(db().integrity_check());
}

}  // namespace
}  // namespace storeedge::store::test
