// Channel loads: ERP catalog, prices, promotions and stock levels; bad loads change nothing.
#include "tests/unit/hub/hub_fixture.hpp"

namespace storeedge::sync::hub::testing {
namespace {

TEST_F(HubTest, CatalogLoadsStoreGtinsAsGtin14AndPublishThem) {
  auto catalog = pull_all(kNorth, "node-n1", "catalog");
  ASSERT_EQ(catalog.size(), 4u);
  auto product = doc(catalog[2]);
  EXPECT_EQ(product["type"], "product");
  EXPECT_EQ(product["sku"], "SKU-A");
  EXPECT_EQ(product["gtins"].as_array()[0], "08410000000009");
  EXPECT_EQ(doc(catalog[0])["rate_bp"], 2100);

  // Moving a GTIN to another product: the hub is authoritative, the old owner loses it.
  ASSERT_TRUE(hub().load_catalog(
      {{}, {{"SKU-B", "Red wine", "drinks", "standard", "unit", true, true, {"8410000000009"}}}}));
  EXPECT_EQ(
      *hub().db().query_one<std::string>("SELECT sku FROM product_gtin WHERE gtin14 = '08410000000009'"),
      "SKU-B");
}

TEST_F(HubTest, AnInvalidItemRefusesTheWholeLoad) {
  const auto before = count("change_log");
  CatalogLoad load;
  load.products = {{"SKU-C", "Bread", "bakery", "reduced", "unit", false, true, {"8410000000009"}},
                   {"SKU-D", "Cheese", "dairy", "reduced", "unit", false, true, {"8410000000008"}}};
  auto r = hub().load_catalog(load);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what().find("product SKU-D: GTIN '8410000000008' has a wrong check digit"),
            std::string::npos)
      << r.error().what();
  load.products = {{"SKU-E", "Cake", "bakery", "luxury", "unit", false, true, {}}};
  EXPECT_NE(hub().load_catalog(load).error().what().find("unknown tax class 'luxury'"), std::string::npos);
  load.products = {{"SKU-F", "Ham", "deli", "reduced", "litre", false, true, {}}};
  EXPECT_NE(hub().load_catalog(load).error().what().find("sold_by 'litre'"), std::string::npos);
  EXPECT_EQ(count("product"), 2);
  EXPECT_EQ(count("change_log"), before);

  auto price = hub().load_prices({{std::string(kNorth), "SKU-A", 450}, {"9999", "SKU-A", 450}});
  ASSERT_FALSE(price);
  EXPECT_NE(price.error().what().find("price of SKU-A in store 9999: unknown store"), std::string::npos);
  EXPECT_FALSE(hub().load_prices({{std::string(kNorth), "SKU-Z", 450}}));
  EXPECT_FALSE(hub().load_prices({{std::string(kNorth), "SKU-A", -1}}));
  EXPECT_EQ(count("price"), 0);

  Promotion promo;
  promo.promotion_id = "P1";
  promo.kind = "buy_one_get_a_pony";
  EXPECT_NE(
      hub().load_promotions({promo}).error().what().find("'buy_one_get_a_pony' is not a promotion kind"),
      std::string::npos);
  EXPECT_EQ(hub().set_stock_levels({{std::string(kNorth), "SKU-A", -4}}).error().kind(),
            Errc::invalid_argument);
  EXPECT_EQ(count("change_log"), before);
}

TEST_F(HubTest, SettingAStockLevelWritesTheDeltaThatReachesIt) {
  ASSERT_TRUE(hub().apply_push("node-n1", {mutation("node-n1", 1, "order.completed",
                                                    sale("ord-1", kNorth, "node-n1", {{"SKU-A", -3}}))}));
  auto written =
      hub().set_stock_levels({{std::string(kNorth), "SKU-A", 20}, {std::string(kNorth), "SKU-B", 0}});
  ASSERT_TRUE(written);
  EXPECT_EQ(*written, 1) << "SKU-B is already at 0";
  EXPECT_EQ(*hub().stock_level(kNorth, "SKU-A"), 20);
  auto moves = pull_all(kNorth, "node-n1", "stock");
  ASSERT_EQ(moves.size(), 1u);
  EXPECT_EQ(doc(moves[0])["delta"], 23) << "20 - (-3)";
}

TEST_F(HubTest, PromotionsReachEveryStoreAndCanBeWithdrawn) {
  Promotion promo;
  promo.promotion_id = "P-OIL";
  promo.description = "10% off oil";
  promo.kind = "percent_off";
  promo.percent_bp = 1000;
  promo.skus = {"SKU-A"};
  ASSERT_TRUE(hub().load_promotions({promo}));
  promo.withdrawn = true;
  ASSERT_TRUE(hub().load_promotions({promo}));
  for (auto store : {kNorth, kSouth}) {
    auto changes = pull_all(store, "any-node", "promotions");
    ASSERT_EQ(changes.size(), 1u) << "only the latest version of a promotion is sent";
    EXPECT_EQ(doc(changes[0])["withdrawn"], true);
    EXPECT_EQ(doc(changes[0])["percent_bp"], 1000);
  }
}

}  // namespace
}  // namespace storeedge::sync::hub::testing
