// Which price and which promotions are in force at a given moment.
#include <gtest/gtest.h>

#include "tests/unit/catalog/catalog_fixtures.hpp"

namespace storeedge::store::test {
namespace {

class WindowsTest : public CatalogTest {
 protected:
  void SetUp() override {
    CatalogTest::SetUp();
    add_tax_rates();
    ASSERT_TRUE(in_tx([](CatalogRepository& r) { return r.upsert_product(milk()); }));
  }
  void prices(std::vector<domain::Price> rows) {
    ASSERT_TRUE(in_tx([&](CatalogRepository& r) -> Status {
      for (const auto& p : rows) {
        if (auto s = r.upsert_price(p); !s) return s;
      }
      return {};
    }));
  }
  std::optional<domain::Cents> price_now(domain::UnixMillis at, std::string_view store = kStore) {
    auto p = repo().price_at(store, "100001", at);
    EXPECT_TRUE(p) << p.error().what();
    if (!p || !*p) return std::nullopt;
    return (*p)->unit_price;
  }
};

TEST_F(WindowsTest, OpenPriceAppliesAlwaysAndOnlyInItsStore) {
  prices({price("100001", 99)});
  EXPECT_EQ(price_now(kNow), 99);
  EXPECT_EQ(price_now(1), 99);
  EXPECT_EQ(price_now(kNow, "0043"), std::nullopt);
  auto p = *repo().price_at(kStore, "100001", kNow);
  EXPECT_FALSE(p->valid_from);
  EXPECT_FALSE(p->valid_to);
  EXPECT_EQ(p->store, kStore);
  EXPECT_EQ(p->sku, "100001");
}

TEST_F(WindowsTest, FuturePriceIsNotInForceYet) {
  prices({price("100001", 109, kNow + kDay)});
  EXPECT_EQ(price_now(kNow), std::nullopt);
  EXPECT_EQ(price_now(kNow + kDay - 1), std::nullopt);
  EXPECT_EQ(price_now(kNow + kDay), 109);
}

TEST_F(WindowsTest, ExpiredPriceIsNotInForceAndTheEndIsExclusive) {
  prices({price("100001", 89, kNow - 2 * kDay, kNow)});
  EXPECT_EQ(price_now(kNow - 1), 89);
  EXPECT_EQ(price_now(kNow), std::nullopt);
}

TEST_F(WindowsTest, OverlappingWindowsTakeTheLatestStart) {
  prices({price("100001", 99), price("100001", 79, kNow - kDay, kNow + kDay),
          price("100001", 69, kNow, kNow + 1000)});
  EXPECT_EQ(price_now(kNow - kDay - 1), 99);
  EXPECT_EQ(price_now(kNow - 1), 79);
  EXPECT_EQ(price_now(kNow), 69);
  EXPECT_EQ(price_now(kNow + 1000), 79);
  EXPECT_EQ(price_now(kNow + kDay), 99);
  auto p = *repo().price_at(kStore, "100001", kNow - 1);
  EXPECT_EQ(p->valid_from, kNow - kDay);
  EXPECT_EQ(p->valid_to, kNow + kDay);
}

TEST_F(WindowsTest, UpsertingTheSameStartReplacesThePrice) {
  prices({price("100001", 99)});
  prices({price("100001", 105)});
  EXPECT_EQ(price_now(kNow), 105);
}

TEST_F(WindowsTest, BadPricesAreRefusedAndChangeNothing) {
  prices({price("100001", 99)});
  const std::string before = catalog_digest(db());
  for (const domain::Price& bad : {price("100001", -1), price("100001", 50, kNow, kNow), price("999", 50)}) {
    auto s = in_tx([&](CatalogRepository& r) { return r.upsert_price(bad); });
    EXPECT_FALSE(s);
  }
  domain::Price no_store = price("100001", 50);
  no_store.store.clear();
  EXPECT_FALSE(in_tx([&](CatalogRepository& r) { return r.upsert_price(no_store); }));
  EXPECT_EQ(catalog_digest(db()), before);
}

TEST_F(WindowsTest, PromotionsInForceFollowTheirWindows) {
  domain::Promotion always = domain::n_for_m("P-3X2", "3x2 leche", {"100003", "100001", "100002"}, 3, 2);
  domain::Promotion week = domain::percent_off("P-WEEK", "10 % leche", {"100001"}, 1000);
  week.valid_from = kNow;
  week.valid_to = kNow + 7 * kDay;
  week.members_only = true;
  week.stackable = true;
  domain::Promotion basket = domain::basket_amount_off("P-BASKET", "5 € desde 50 €", 5000, 500);
  basket.valid_to = kNow;
  ASSERT_TRUE(in_tx([&](CatalogRepository& r) -> Status {
    for (const auto& p : {always, week, basket}) {
      if (auto s = r.upsert_promotion(p); !s) return s;
    }
    return {};
  }));
  auto ids = [&](domain::UnixMillis at) {
    std::vector<std::string> out;
    auto promotions = repo().promotions_at(at);
    EXPECT_TRUE(promotions);
    for (const auto& p : *promotions) out.push_back(p.id);
    return out;
  };
  EXPECT_EQ(ids(kNow - 1), (std::vector<std::string>{"P-3X2", "P-BASKET"}));
  EXPECT_EQ(ids(kNow), (std::vector<std::string>{"P-3X2", "P-WEEK"}));
  EXPECT_EQ(ids(kNow + 7 * kDay), (std::vector<std::string>{"P-3X2"}));

  auto at_now = *repo().promotions_at(kNow);
  domain::Promotion sorted = always;
  sorted.skus = {"100001", "100002", "100003"};
  EXPECT_EQ(at_now[0], sorted);
  EXPECT_EQ(at_now[1], week);
  auto before = *repo().promotions_at(kNow - 1);
  EXPECT_EQ(before[1], basket);
}

TEST_F(WindowsTest, PromotionUpsertReplacesItsSkusAndInvalidOnesAreRefused) {
  ASSERT_TRUE(in_tx([](CatalogRepository& r) {
    return r.upsert_promotion(domain::percent_off("P", "x", {"100001", "100002"}, 1000));
  }));
  ASSERT_TRUE(in_tx([](CatalogRepository& r) {
    return r.upsert_promotion(domain::percent_off("P", "y", {"100003"}, 2000));
  }));
  auto now = *repo().promotions_at(kNow);
  ASSERT_EQ(now.size(), 1u);
  EXPECT_EQ(now[0].skus, std::vector<std::string>{"100003"});
  EXPECT_EQ(now[0].percent_bp, 2000);

  const std::string before = catalog_digest(db());
  auto s =
      in_tx([](CatalogRepository& r) { return r.upsert_promotion(domain::percent_off("P", "z", {}, 1000)); });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().what(), "promotion 'P': no eligible SKUs");
  EXPECT_EQ(catalog_digest(db()), before);
}

}  // namespace
}  // namespace storeedge::store::test
