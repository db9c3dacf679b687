// Catalog writes and reads: what hub sync stores is what the till reads back.
#include <gtest/gtest.h>

#include "tests/unit/catalog/catalog_fixtures.hpp"

namespace storeedge::store::test {
namespace {

class RepositoryTest : public CatalogTest {
 protected:
  void SetUp() override {
    CatalogTest::SetUp();
    add_tax_rates();
  }
};

TEST_F(RepositoryTest, ProductRoundTripsWithItsGtinsNormalised) {
  domain::Product p = milk();
  p.gtins = {"8412345678905", "96385074", "036000291452"};
  p.age_restricted = true;
  ASSERT_TRUE(in_tx([&](CatalogRepository& r) { return r.upsert_product(p); }));

  auto found = repo().find_by_sku("100001");
  ASSERT_TRUE(found && *found) << (found ? "missing" : found.error().what());
  domain::Product expected = p;
  expected.gtins = {"00036000291452", "00000096385074", "08412345678905"};
  std::sort(expected.gtins.begin(), expected.gtins.end());
  EXPECT_EQ((*found)->gtins, expected.gtins);
  EXPECT_EQ((*found)->name, p.name);
  EXPECT_EQ((*found)->category, p.category);
  EXPECT_EQ((*found)->tax_class, p.tax_class);
  EXPECT_TRUE((*found)->age_restricted);
  EXPECT_EQ((*found)->sold_by, domain::SoldBy::unit);
}

TEST_F(RepositoryTest, EveryGtinFormFindsTheProduct) {
  domain::Product p = milk();
  p.gtins = {"8412345678905", "96385074", "036000291452", "10012345678902"};
  ASSERT_TRUE(in_tx([&](CatalogRepository& r) { return r.upsert_product(p); }));
  for (const char* form : {"96385074", "00000096385074", "036000291452", "0036000291452", "8412345678905",
                           "08412345678905", "10012345678902"}) {
    auto found = repo().find_by_gtin(form);
    ASSERT_TRUE(found) << form << ": " << found.error().what();
    ASSERT_TRUE(*found) << form;
    EXPECT_EQ((*found)->sku, "100001") << form;
    EXPECT_EQ((*found)->gtins.size(), 4u);
  }
  auto unknown = repo().find_by_gtin("8412345000010");
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(*unknown);
  auto bad = repo().find_by_gtin("8412345678906");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind(), Errc::invalid_argument);
  EXPECT_NE(bad.error().what().find("check digit"), std::string::npos) << bad.error().what();
}

TEST_F(RepositoryTest, UpsertReplacesGtinsAndKeepsPrices) {
  ASSERT_TRUE(in_tx([&](CatalogRepository& r) -> Status {
    if (auto s = r.upsert_product(milk()); !s) return s;
    return r.upsert_price(price("100001", 99));
  }));
  domain::Product renamed = milk();
  renamed.name = "Leche entera brik 1 L";
  renamed.gtins = {"8412345000010"};
  ASSERT_TRUE(in_tx([&](CatalogRepository& r) { return r.upsert_product(renamed); }));

  EXPECT_FALSE(*repo().find_by_gtin("8412345678905"));
  auto found = repo().find_by_gtin("8412345000010");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->name, "Leche entera brik 1 L");
  auto p = repo().price_at(kStore, "100001", kNow);
  ASSERT_TRUE(p && *p);
  EXPECT_EQ((*p)->unit_price, 99);
}

TEST_F(RepositoryTest, GtinMovesToTheProductThatListsItLast) {
  domain::Product other = milk();
  other.sku = "100002";
  ASSERT_TRUE(in_tx([&](CatalogRepository& r) -> Status {
    if (auto s = r.upsert_product(milk()); !s) return s;
    return r.upsert_product(other);
  }));
  EXPECT_EQ((*repo().find_by_gtin("8412345678905"))->sku, "100002");
  EXPECT_TRUE((*repo().find_by_sku("100001"))->gtins.empty());
}

TEST_F(RepositoryTest, InvalidGtinIsNamedAndNothingIsWritten) {
  ASSERT_TRUE(in_tx([&](CatalogRepository& r) { return r.upsert_product(milk()); }));
  const std::string before = catalog_digest(db());
  domain::Product changed = milk();
  changed.name = "Changed";
  changed.gtins = {"8412345000010", "84123456789"};
  auto s = in_tx([&](CatalogRepository& r) { return r.upsert_product(changed); });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), Errc::invalid_argument);
  EXPECT_EQ(s.error().what(),
            "SKU '100001': GTIN \"84123456789\" is invalid: GTIN must be 8, 12, 13 or 14 digits, got 11");
  EXPECT_EQ(catalog_digest(db()), before);
}

TEST_F(RepositoryTest, InactiveProductStaysReadable) {
  ASSERT_TRUE(in_tx([&](CatalogRepository& r) { return r.upsert_product(milk(), false); }));
  EXPECT_FALSE(*repo().is_active("100001"));
  EXPECT_EQ((*repo().find_by_gtin("8412345678905"))->sku, "100001");
  ASSERT_TRUE(in_tx([&](CatalogRepository& r) { return r.upsert_product(milk(), true); }));
  EXPECT_TRUE(*repo().is_active("100001"));
  auto unknown = repo().is_active("nope");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind(), Errc::not_found);
}

TEST_F(RepositoryTest, UnknownTaxClassAndUnknownSkuAreRefused) {
  domain::Product p = milk();
  p.tax_class = "luxury";
  auto s = in_tx([&](CatalogRepository& r) { return r.upsert_product(p); });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().what(), "SKU '100001': unknown tax class 'luxury'");

  auto priced = in_tx([&](CatalogRepository& r) { return r.upsert_price(price("999999", 100)); });
  ASSERT_FALSE(priced);
  EXPECT_EQ(priced.error().kind(), Errc::not_found);
  EXPECT_FALSE(*repo().find_by_sku("100001"));
}

TEST_F(RepositoryTest, WritesOutsideATransactionAreRefused) {
  auto s = repo().upsert_product(milk());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), Errc::conflict);
  EXPECT_FALSE(*repo().find_by_sku("100001"));
}

TEST_F(RepositoryTest, TaxRatesAndScanTemplatesRoundTrip) {
  auto rates = repo().tax_rates();
  ASSERT_TRUE(rates);
  EXPECT_EQ(*rates,
            (std::vector<domain::TaxRate>{{"general", 2100}, {"reduced", 1000}, {"super_reduced", 400}}));

  using domain::scan::EmbeddedValue;
  const domain::scan::VariableMeasureTemplate weight{
      .prefix = "21", .value = EmbeddedValue::weight_grams, .check_offset = std::nullopt};
  const domain::scan::VariableMeasureTemplate price_t{.prefix = "22",
                                                      .value = EmbeddedValue::price_cents,
                                                      .value_offset = 8,
                                                      .value_length = 4,
                                                      .check_offset = 7};
  ASSERT_TRUE(in_tx([&](CatalogRepository& r) -> Status {
    if (auto s = r.upsert_scan_template(weight); !s) return s;
    return r.upsert_scan_template(price_t);
  }));
  auto templates = repo().scan_templates();
  ASSERT_TRUE(templates);
  ASSERT_EQ(templates->size(), 2u);
  EXPECT_EQ((*templates)[0].value, EmbeddedValue::weight_grams);
  EXPECT_EQ((*templates)[0].value_offset, 7u);
  EXPECT_FALSE((*templates)[0].check_offset);
  EXPECT_EQ((*templates)[1].prefix, "22");
  EXPECT_EQ((*templates)[1].check_offset, std::optional<std::size_t>(7));

  const domain::scan::VariableMeasureTemplate broken{.prefix = "84", .check_offset = std::nullopt};
  auto s = in_tx([&](CatalogRepository& r) { return r.upsert_scan_template(broken); });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), Errc::config);
  EXPECT_EQ(repo().scan_templates()->size(), 2u);
}

TEST_F(RepositoryTest, SearchFindsSkuPrefixesFirstThenNames) {
  ASSERT_TRUE(in_tx([&](CatalogRepository& r) -> Status {
    int n = 0;
    for (auto [sku, name] : {std::pair{"100001", "Leche entera"},
                             {"100002", "Leche desnatada"},
                             {"200001", "Yogur natural"},
                             {"300100", "Queso 100% oveja"},
                             {"LEC-9", "Galletas"}}) {
      domain::Product p = milk();
      p.sku = sku;
      p.name = name;
      p.gtins = {};
      if (auto s = r.upsert_product(p); !s) return s;
      ++n;
    }
    return {};
  }));
  auto names = [](const std::vector<domain::Product>& ps) {
    std::vector<std::string> out;
    for (const auto& p : ps) out.push_back(p.sku);
    return out;
  };
  EXPECT_EQ(names(*repo().search("lec", 10)), (std::vector<std::string>{"LEC-9", "100002", "100001"}));
  EXPECT_EQ(names(*repo().search("  LECHE ", 10)), (std::vector<std::string>{"100002", "100001"}));
  EXPECT_EQ(names(*repo().search("1000", 10)), (std::vector<std::string>{"100001", "100002"}));
  EXPECT_EQ(names(*repo().search("100%", 10)), (std::vector<std::string>{"300100"}));
  EXPECT_EQ(repo().search("e", 2)->size(), 2u);
  EXPECT_TRUE(repo().search("zzz", 10)->empty());
  auto empty = repo().search("   ", 10);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().kind(), Errc::invalid_argument);
}

TEST_F(RepositoryTest, VariableMeasureKeyIsTheZeroValueLabelCode) {
  EXPECT_EQ(*variable_measure_gtin14("2112345"), "02112345000008");
  EXPECT_EQ(*variable_measure_gtin14("2212345"), "02212345000005");
  EXPECT_FALSE(variable_measure_gtin14("8412345"));
  EXPECT_FALSE(variable_measure_gtin14("21123456789012"));
  EXPECT_FALSE(variable_measure_gtin14("21a"));
}

}  // namespace
}  // namespace storeedge::store::test
