// From a scanned barcode (or a keyed SKU) to a priced cart line, and the cashier's errors.
#include <gtest/gtest.h>

#include "edge/domain/cart.hpp"
#include "edge/domain/scan/gtin.hpp"
#include "edge/domain/scan/variable_measure.hpp"
#include "tests/unit/catalog/catalog_fixtures.hpp"

namespace storeedge::store::test {
namespace {

using domain::scan::make_ean13;

std::string vm_key(std::string_view key) {
  return *variable_measure_gtin14(key);
}

// "22" price label: 22 IIIII K PPPP C.
std::string price_label(std::string_view item, std::string_view price4) {
  return *make_ean13("22" + std::string(item) + *domain::scan::price_check_digit(price4) +
                     std::string(price4));
}

class ResolveScanTest : public CatalogTest {
 protected:
  void SetUp() override {
    CatalogTest::SetUp();
    add_tax_rates();
    using domain::SoldBy;
    using domain::scan::EmbeddedValue;
    ASSERT_TRUE(in_tx([&](CatalogRepository& r) -> Status {
      Status s = r.upsert_scan_template(
          {.prefix = "21", .value = EmbeddedValue::weight_grams, .check_offset = std::nullopt});
      if (s)
        s = r.upsert_scan_template({.prefix = "22",
                                    .value = EmbeddedValue::price_cents,
                                    .value_offset = 8,
                                    .value_length = 4,
                                    .check_offset = 7});
      const std::vector<std::tuple<domain::Product, bool, std::optional<domain::Cents>>> products{
          {milk(), true, 99},
          {{"200001", {vm_key("2112345")}, "Manzana golden", "Fruta", "super_reduced", SoldBy::weight},
           true,
           249},
          {{"200002", {vm_key("2212346")}, "Jamón serrano", "Charcutería", "reduced", SoldBy::weight},
           true,
           2499},
          {{"200003", {"8412345000010"}, "Plátano de Canarias", "Fruta", "super_reduced", SoldBy::weight},
           true,
           199},
          {{"100003", {"8412345000027"}, "Yogur descatalogado", "Yogures", "reduced"}, false, 150},
          {{"100004", {"8412345000034"}, "Novedad sin precio", "Despensa", "reduced"}, true, std::nullopt},
          {{"100005", {vm_key("2112399")}, "Tarta de queso", "Bollería", "reduced"}, true, 1200},
      };
      for (const auto& [p, active, cents] : products) {
        if (s) s = r.upsert_product(p, active);
        if (s && cents) s = r.upsert_price(price(p.sku, *cents));
      }
      return s;
    }));
    options_.variable_measure_templates = *repo().scan_templates();
  }

  Result<domain::LineRequest> scan(std::string_view raw, std::optional<std::int64_t> grams = std::nullopt) {
    return repo().resolve_scan(raw, kStore, kNow, options_, grams);
  }

  // The line's gross as the cart prices it.
  domain::Cents cart_total(const domain::LineRequest& line) {
    auto cart = domain::Cart::create(
        "c1", {.store = std::string(kStore), .tax_rates = *repo().tax_rates(), .approvals = {}});
    EXPECT_TRUE(cart);
    auto id = cart->add_line(line, kNow);
    EXPECT_TRUE(id) << id.error().what();
    return cart->totals(kNow).total;
  }

  std::string all_digest() { return catalog_digest(db()) + table_digest(db(), "stock_move"); }

  domain::scan::DecodeOptions options_;
};

TEST_F(ResolveScanTest, PlainEan13GivesAUnitLineAtTheShelfPrice) {
  for (const char* raw : {"8412345678905", "]E08412345678905"}) {
    auto line = scan(raw);
    ASSERT_TRUE(line) << raw << ": " << line.error().what();
    EXPECT_EQ(line->product.sku, "100001");
    EXPECT_EQ(line->price.unit_price, 99);
    EXPECT_EQ(line->quantity, 1);
    EXPECT_EQ(line->weight_grams, 0);
    EXPECT_FALSE(line->embedded_price);
    EXPECT_EQ(cart_total(*line), 99);
  }
}

TEST_F(ResolveScanTest, WeightLabelGivesAWeighedLinePricedPerKg) {
  auto line = scan(*make_ean13("211234501234"));  // 1,234 kg of item 12345
  ASSERT_TRUE(line) << line.error().what();
  EXPECT_EQ(line->product.sku, "200001");
  EXPECT_EQ(line->weight_grams, 1234);
  EXPECT_EQ(line->price.unit_price, 249);
  EXPECT_EQ(cart_total(*line), 307);  // 2.49 €/kg x 1.234 kg = 3.07266
}

TEST_F(ResolveScanTest, PriceLabelCarriesTheLineTotal) {
  auto line = scan(price_label("12346", "0899"));
  ASSERT_TRUE(line) << line.error().what();
  EXPECT_EQ(line->product.sku, "200002");
  EXPECT_EQ(line->embedded_price, 899);
  EXPECT_EQ(line->price.unit_price, 2499);
  EXPECT_EQ(cart_total(*line), 899);
}

TEST_F(ResolveScanTest, WeighedProductByPlainGtinTakesTheScaleWeight) {
  auto missing = scan("8412345000010");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind(), Errc::invalid_argument);
  EXPECT_EQ(
      missing.error().what(),
      "'Plátano de Canarias' (SKU 200003) is sold by weight: put it on the scale or scan its weight label");
  auto line = scan("8412345000010", 750);
  ASSERT_TRUE(line);
  EXPECT_EQ(line->weight_grams, 750);
  EXPECT_EQ(cart_total(*line), 149);  // 1.99 x 0.75 = 1.4925
  EXPECT_FALSE(scan("8412345000010", 0));

  auto element_string = scan("]C101084123450000103103001234");  // GS1-128: GTIN + net weight 1.234 kg
  ASSERT_TRUE(element_string) << element_string.error().what();
  EXPECT_EQ(element_string->product.sku, "200003");
  EXPECT_EQ(element_string->weight_grams, 1234);
}

TEST_F(ResolveScanTest, CashierErrorsAreSpecific) {
  const std::string unknown = *make_ean13("841234500004");
  auto e = scan(unknown);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().kind(), Errc::not_found);
  EXPECT_EQ(e.error().what(), "no product with barcode " + unknown);

  e = scan(*make_ean13("219999901000"));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().what(), "no product with variable-measure item 2199999");

  e = scan("8412345000034");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().kind(), Errc::not_found);
  EXPECT_EQ(e.error().what(), "no price in force for 'Novedad sin precio' (SKU 100004) in store 0042");

  e = scan("8412345000027");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().kind(), Errc::conflict);
  EXPECT_EQ(e.error().what(), "'Yogur descatalogado' (SKU 100003) is no longer sold");

  e = scan(*make_ean13("211239900500"));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().what(),
            "the barcode carries a weight but 'Tarta de queso' (SKU 100005) is sold by the unit");
}

TEST_F(ResolveScanTest, InvalidBarcodesPassTheScanReasonThrough) {
  auto e = scan("8412345678906");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().kind(), Errc::invalid_argument);
  EXPECT_EQ(e.error().what(), "invalid barcode: check digit is 6, expected 5 (GTIN 8412345678906)");

  std::string wrong_price_check = price_label("12346", "0899");
  wrong_price_check[7] = wrong_price_check[7] == '0' ? '1' : '0';
  wrong_price_check = *make_ean13(wrong_price_check.substr(0, 12));
  e = scan(wrong_price_check);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().kind(), Errc::invalid_argument);
  EXPECT_NE(e.error().what().find("price check digit"), std::string::npos) << e.error().what();

  e = scan(*make_ean13("231234501234"));  // prefix 23 has no template here
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().kind(), Errc::not_found);
  EXPECT_TRUE(e.error().what().starts_with("invalid barcode: ")) << e.error().what();

  EXPECT_FALSE(scan(""));
  EXPECT_FALSE(scan("84123\x01"));
}

TEST_F(ResolveScanTest, BadScansChangeNothing) {
  const std::string before = all_digest();
  for (const std::string& raw :
       {std::string("8412345678906"), *make_ean13("841234500004"), std::string("8412345000034"),
        std::string("8412345000027"), std::string("")}) {
    EXPECT_FALSE(scan(raw)) << raw;
  }
  EXPECT_EQ(all_digest(), before);
}

TEST_F(ResolveScanTest, KeyedSkuTakesUnitsOrGrams) {
  auto units = repo().resolve_sku("100001", 3, kStore, kNow);
  ASSERT_TRUE(units);
  EXPECT_EQ(units->quantity, 3);
  EXPECT_EQ(cart_total(*units), 297);
  auto grams = repo().resolve_sku("200001", 500, kStore, kNow);
  ASSERT_TRUE(grams);
  EXPECT_EQ(grams->weight_grams, 500);
  EXPECT_EQ(grams->quantity, 1);
  EXPECT_EQ(cart_total(*grams), 125);  // 2.49 x 0.5 = 1.245

  auto zero = repo().resolve_sku("100001", 0, kStore, kNow);
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().what(), "quantity of 'Leche entera 1 L' (SKU 100001) must be 1 to 9999, got 0");
  auto unknown = repo().resolve_sku("nope", 1, kStore, kNow);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind(), Errc::not_found);
  EXPECT_EQ(unknown.error().what(), "no product with SKU 'nope'");
  EXPECT_FALSE(repo().resolve_sku("100001", 1, "0043", kNow));
}

}  // namespace
}  // namespace storeedge::store::test
