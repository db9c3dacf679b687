// Each promotion kind with hand-worked euro amounts, and the rules that pick between promotions.
#include <gtest/gtest.h>

#include "tests/unit/domain/fixtures.hpp"

namespace storeedge::domain {
namespace {

using testing::kNow;
using testing::spain_config;
using testing::units;

Cart cart_with(std::vector<Promotion> promotions) {
  return Cart::create("cart-p", spain_config(std::move(promotions))).value();
}

TEST(Promotions, ThreeForTwoMakesTheCheapestFreeAndIsListedForTheReceipt) {
  Cart cart = cart_with({n_for_m("P-3X2", "3x2 Yogur natural", {"YOG"}, 3, 2)});
  const LineId id = cart.add_line(units("YOG", 120, 3, "reduced"), kNow).value();
  const Totals t = cart.totals(kNow);
  // 3 x 1.20 = 3.60, one free: -1.20, due 2.40.
  EXPECT_EQ(t.promotion_savings, 120);
  EXPECT_EQ(t.total, 240);
  ASSERT_EQ(t.promotions.size(), 1u);
  EXPECT_EQ(t.promotions[0].description, "3x2 Yogur natural");
  EXPECT_EQ(t.promotions[0].saving, 120);
  EXPECT_EQ(t.promotions[0].lines, (std::vector<LineSaving>{{id, 120}}));
}

TEST(Promotions, ThreeForTwoOnlyCountsCompleteGroupsAndPicksCheapestAcrossSkus) {
  Cart cart = cart_with({n_for_m("P-3X2", "3x2 lacteos", {"YOG", "KEFIR"}, 3, 2)});
  ASSERT_TRUE(cart.add_line(units("YOG", 120, 2), kNow));
  ASSERT_TRUE(cart.add_line(units("KEFIR", 210, 2), kNow));
  // Units by price: 2.10 2.10 1.20 | 1.20. One complete group; its cheapest (1.20) is free.
  const Totals t = cart.totals(kNow);
  EXPECT_EQ(t.subtotal_gross, 660);
  EXPECT_EQ(t.promotion_savings, 120);
  EXPECT_EQ(t.total, 540);
}

TEST(Promotions, SecondUnitAtSeventyPercentOff) {
  Cart cart = cart_with({second_unit_percent("P-2U", "2a unidad -70%", {"OIL"}, 7000)});
  ASSERT_TRUE(cart.add_line(units("OIL", 199, 2), kNow));
  // 70 % of 1.99 = 1.393 -> 1.39; 3.98 - 1.39 = 2.59.
  EXPECT_EQ(cart.totals(kNow).total, 259);
}

TEST(Promotions, PercentOffRoundsOncePerLine) {
  Cart cart = cart_with({percent_off("P-15", "-15% cafe", {"COFFEE"}, 1500)});
  ASSERT_TRUE(cart.add_line(units("COFFEE", 199, 3), kNow));
  // 15 % of 5.97 = 0.8955 -> 0.90 (per unit it would be 3 x 0.30 = 0.90 too, but 0.2985 each).
  const Totals t = cart.totals(kNow);
  EXPECT_EQ(t.promotion_savings, 90);
  EXPECT_EQ(t.total, 507);
}

TEST(Promotions, AmountOffNeverTakesAUnitBelowZero) {
  Cart cart = cart_with({amount_off("P-50C", "-0,50", {"GUM", "CHOC"}, 50)});
  ASSERT_TRUE(cart.add_line(units("GUM", 30, 2), kNow));
  ASSERT_TRUE(cart.add_line(units("CHOC", 180, 1), kNow));
  // GUM: 2 x min(0.50, 0.30) = 0.60; CHOC: 0.50. Total 0.60 + 1.80 - 1.10 = 1.30.
  const Totals t = cart.totals(kNow);
  EXPECT_EQ(t.promotion_savings, 110);
  EXPECT_EQ(t.total, 130);
}

TEST(Promotions, MixAndMatchSpreadsTheSavingByLargestRemainder) {
  Cart cart = cart_with({mix_and_match("P-MM", "3 por 4 EUR", {"A", "B", "C"}, 3, 400)});
  const LineId a = cart.add_line(units("A", 150), kNow).value();
  const LineId b = cart.add_line(units("B", 200), kNow).value();
  const LineId c = cart.add_line(units("C", 180), kNow).value();
  // 1.50 + 2.00 + 1.80 = 5.30 for 4.00: saving 1.30, spread 36.79 / 49.06 / 44.15 -> 37 / 49 / 44.
  const Totals t = cart.totals(kNow);
  EXPECT_EQ(t.total, 400);
  ASSERT_EQ(t.promotions.size(), 1u);
  EXPECT_EQ(t.promotions[0].lines, (std::vector<LineSaving>{{a, 37}, {b, 49}, {c, 44}}));
}

TEST(Promotions, BasketThresholdAmountIsSpreadOverLines) {
  Cart cart = cart_with({basket_amount_off("P-B5", "-5 EUR por 50 EUR", 5000, 500)});
  const LineId shoes = cart.add_line(units("A-SHOES", 3000), kNow).value();
  const LineId bag = cart.add_line(units("B-BAG", 2500, 1, "reduced"), kNow).value();
  // 55.00 >= 50.00: 5.00 off, spread 272.73 / 227.27 -> 273 / 227.
  const Totals t = cart.totals(kNow);
  EXPECT_EQ(t.total, 5000);
  EXPECT_EQ(t.promotions[0].lines, (std::vector<LineSaving>{{shoes, 273}, {bag, 227}}));
  // Taxes on the discounted lines: 27.27 at 21 % -> base 22.54 (2253.7), tax 4.73;
  // 22.73 at 10 % -> base 20.66 (2066.4), tax 2.07.
  ASSERT_EQ(t.taxes.size(), 2u);
  EXPECT_EQ(t.taxes[0], (TaxLine{1000, 2273, 2066, 207}));
  EXPECT_EQ(t.taxes[1], (TaxLine{2100, 2727, 2254, 473}));
}

TEST(Promotions, BasketThresholdNotReachedGivesNothing) {
  Cart cart = cart_with({basket_amount_off("P-B5", "-5 EUR por 50 EUR", 5000, 500)});
  ASSERT_TRUE(cart.add_line(units("A", 4999), kNow));
  EXPECT_EQ(cart.totals(kNow).promotion_savings, 0);
}

TEST(Promotions, BasketThresholdLooksAtSpendAfterItemPromotions) {
  Cart cart = cart_with({n_for_m("P-3X2", "3x2", {"WINE"}, 3, 2),
                         basket_percent_off("P-B10", "-10% desde 20 EUR", 2000, 1000)});
  ASSERT_TRUE(cart.add_line(units("WINE", 900, 3), kNow));
  // 27.00 - 9.00 (3x2) = 18.00 < 20.00: no basket offer.
  EXPECT_EQ(cart.totals(kNow).total, 1800);
  ASSERT_TRUE(cart.add_line(units("CHEESE", 500), kNow));
  // 23.00 after 3x2 >= 20.00: 10 % = 2.30 off -> 20.70.
  EXPECT_EQ(cart.totals(kNow).total, 2070);
}

TEST(Promotions, MembersOnlyOffersNeedALoyaltyMember) {
  Promotion p = percent_off("P-CLUB", "Club -20%", {"HAM"}, 2000);
  p.members_only = true;
  Cart cart = cart_with({p});
  ASSERT_TRUE(cart.add_line(units("HAM", 1000), kNow));
  EXPECT_EQ(cart.totals(kNow).total, 1000);
  ASSERT_TRUE(cart.attach_customer(CustomerRef{"C-1", false}));
  EXPECT_EQ(cart.totals(kNow).total, 1000);
  ASSERT_TRUE(cart.attach_customer(CustomerRef{"C-2", true}));
  EXPECT_EQ(cart.totals(kNow).total, 800);
}

TEST(Promotions, ValidityWindowIsHalfOpen) {
  Promotion p = percent_off("P-WEEK", "Semana", {"HAM"}, 1000);
  p.valid_from = kNow;
  p.valid_to = kNow + 1000;
  Cart cart = cart_with({p});
  ASSERT_TRUE(cart.add_line(units("HAM", 1000), kNow - 1));
  EXPECT_EQ(cart.totals(kNow - 1).total, 1000);
  EXPECT_EQ(cart.totals(kNow).total, 900);
  EXPECT_EQ(cart.totals(kNow + 999).total, 900);
  EXPECT_EQ(cart.totals(kNow + 1000).total, 1000);
}

TEST(Promotions, NonStackableOffersDoNotShareAUnitAndTheBestWins) {
  Cart cart =
      cart_with({percent_off("P-A10", "-10%", {"YOG"}, 1000), n_for_m("P-B3X2", "3x2", {"YOG"}, 3, 2)});
  ASSERT_TRUE(cart.add_line(units("YOG", 120, 3), kNow));
  // 3x2 saves 1.20, -10 % saves 0.36: only the 3x2 applies.
  const Totals t = cart.totals(kNow);
  EXPECT_EQ(t.promotion_savings, 120);
  ASSERT_EQ(t.promotions.size(), 1u);
  EXPECT_EQ(t.promotions[0].promotion_id, "P-B3X2");
}

TEST(Promotions, LeftoverUnitsRemainForOtherOffers) {
  Cart cart =
      cart_with({percent_off("P-A10", "-10%", {"YOG"}, 1000), n_for_m("P-B3X2", "3x2", {"YOG"}, 3, 2)});
  ASSERT_TRUE(cart.add_line(units("YOG", 120, 4), kNow));
  // 3x2 takes three units (-1.20); the fourth gets -10 % (-0.12). 4.80 - 1.32 = 3.48.
  EXPECT_EQ(cart.totals(kNow).total, 348);
}

TEST(Promotions, StackableOfferAppliesOnWhatIsLeft) {
  Promotion extra = percent_off("P-C10", "Extra -10%", {"YOG"}, 1000);
  extra.stackable = true;
  Cart cart = cart_with({n_for_m("P-B3X2", "3x2", {"YOG"}, 3, 2), extra});
  ASSERT_TRUE(cart.add_line(units("YOG", 120, 3), kNow));
  // 3x2: -1.20, then -10 % of the 2.40 left: -0.24. 3.60 - 1.44 = 2.16.
  const Totals t = cart.totals(kNow);
  EXPECT_EQ(t.total, 216);
  ASSERT_EQ(t.promotions.size(), 2u);
  EXPECT_EQ(t.promotions[1].saving, 24);
}

TEST(Promotions, EqualSavingsTieBreakOnPromotionId) {
  Cart cart = cart_with({percent_off("P-Z", "Z", {"HAM"}, 1000), percent_off("P-A", "A", {"HAM"}, 1000)});
  ASSERT_TRUE(cart.add_line(units("HAM", 1000), kNow));
  const Totals t = cart.totals(kNow);
  ASSERT_EQ(t.promotions.size(), 1u);
  EXPECT_EQ(t.promotions[0].promotion_id, "P-A");
}

TEST(Promotions, ManuallyPricedLinesTakeNoItemOfferButCountForTheBasket) {
  Cart cart =
      cart_with({percent_off("P-10", "-10%", {"HAM"}, 1000), basket_amount_off("P-B", "-1", 1500, 100)});
  const LineId ham = cart.add_line(units("HAM", 1000), kNow).value();
  ASSERT_TRUE(cart.add_line(units("BREAD", 800), kNow));
  ASSERT_TRUE(cart.set_discount(ham, ManualDiscount{ManualDiscount::Kind::amount, 50, "dent"}, std::nullopt));
  // HAM 10.00 - 0.50 manual = 9.50, no -10 %; BREAD 8.00. Spend 17.50 >= 15.00: -1.00 -> 16.50.
  const Totals t = cart.totals(kNow);
  EXPECT_EQ(t.line_discounts, 50);
  EXPECT_EQ(t.promotion_savings, 100);
  EXPECT_EQ(t.total, 1650);
}

TEST(Promotions, InvalidPromotionIsRejectedWhenTheCartIsCreated) {
  auto r = Cart::create("c", spain_config({n_for_m("P-BAD", "bad", {"YOG"}, 2, 3)}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
  EXPECT_NE(r.error().what().find("P-BAD"), std::string::npos);
}

}  // namespace
}  // namespace storeedge::domain
