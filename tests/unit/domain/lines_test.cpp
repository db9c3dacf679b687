// Adding, changing and voiding lines; price overrides and manual discounts with their approvals.
#include <limits>

#include <gtest/gtest.h>

#include "tests/unit/domain/fixtures.hpp"

namespace storeedge::domain {
namespace {

using testing::kNow;
using testing::new_cart;
using testing::supervisor;
using testing::units;
using testing::weighed;

TEST(Lines, UnitLineIsPriceTimesQuantity) {
  Cart cart = new_cart();
  const LineId id = cart.add_line(units("YOG", 120, 3), kNow).value();
  const Totals t = cart.totals(kNow);
  ASSERT_EQ(t.lines.size(), 1u);
  EXPECT_EQ(t.lines[0].line_id, id);
  EXPECT_EQ(t.lines[0].gross, 360);  // 3 x 1.20
  EXPECT_EQ(t.total, 360);
}

TEST(Lines, WeighedLineRoundsHalfUpToTheCent) {
  Cart cart = new_cart();
  // Apples 1.99 /kg x 1234 g = 2.45566 -> 2.46.
  ASSERT_TRUE(cart.add_line(weighed("APPLE", 199, 1234), kNow));
  // 2.50 /kg x 1002 g = 2.505 -> 2.51 (half up).
  ASSERT_TRUE(cart.add_line(weighed("PEAR", 250, 1002), kNow));
  const Totals t = cart.totals(kNow);
  EXPECT_EQ(t.lines[0].gross, 246);
  EXPECT_EQ(t.lines[1].gross, 251);
  EXPECT_EQ(t.total, 497);
}

TEST(Lines, EmbeddedBarcodePriceOverridesShelfPrice) {
  Cart cart = new_cart();
  // A weighed cheese with a price-embedded label of 4.37: the label is the line total.
  LineRequest cheese = weighed("CHEESE", 1890, 0);
  cheese.embedded_price = 437;
  ASSERT_TRUE(cart.add_line(cheese, kNow));
  // A unit product with an embedded price: that price replaces the shelf price per unit.
  LineRequest bread = units("BREAD", 150, 2);
  bread.embedded_price = 99;
  ASSERT_TRUE(cart.add_line(bread, kNow));
  const Totals t = cart.totals(kNow);
  EXPECT_EQ(t.lines[0].gross, 437);
  EXPECT_EQ(t.lines[1].gross, 198);  // 2 x 0.99
}

TEST(Lines, ChangeQuantityAndVoidKeepTheLineForTheReceipt) {
  Cart cart = new_cart();
  const LineId milk = cart.add_line(units("MILK", 95, 1, "super_reduced"), kNow).value();
  const LineId wine = cart.add_line(units("WINE", 650, 1), kNow).value();
  ASSERT_TRUE(cart.change_quantity(milk, 6));
  ASSERT_TRUE(cart.void_line(wine));
  EXPECT_EQ(cart.lines().size(), 2u);  // the voided line stays
  EXPECT_TRUE(cart.lines()[1].voided);
  const Totals t = cart.totals(kNow);
  ASSERT_EQ(t.lines.size(), 1u);
  EXPECT_EQ(t.total, 570);  // 6 x 0.95; the wine no longer counts
  auto again = cart.void_line(wine);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind(), Errc::conflict);
  EXPECT_EQ(cart.change_quantity(99, 1).error().kind(), Errc::not_found);
}

TEST(Lines, BadQuantityWeightAndTaxClassAreClearErrorsAndChangeNothing) {
  Cart cart = new_cart();
  const LineId id = cart.add_line(units("YOG", 120, 2), kNow).value();
  const std::string before = cart.serialize();

  auto zero = cart.add_line(units("YOG", 120, 0), kNow);
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().kind(), Errc::invalid_argument);
  EXPECT_NE(zero.error().what().find("quantity must be in [1, 9999], got 0"), std::string::npos);
  EXPECT_EQ(cart.change_quantity(id, -1).error().kind(), Errc::invalid_argument);
  EXPECT_EQ(cart.add_line(weighed("APPLE", 199, 0), kNow).error().kind(), Errc::invalid_argument);

  auto tax = cart.add_line(units("LUX", 100, 1, "luxury"), kNow);
  ASSERT_FALSE(tax);
  EXPECT_EQ(tax.error().kind(), Errc::invalid_argument);
  EXPECT_EQ(tax.error().what(), "adding SKU 'LUX': unknown tax class 'luxury'");

  EXPECT_EQ(cart.serialize(), before);
  EXPECT_EQ(cart.totals(kNow).total, 240);
}

TEST(Lines, OverflowIsRejectedAndChangesNothing) {
  Cart cart = new_cart();
  const Cents huge = std::numeric_limits<std::int64_t>::max() / 2;
  auto r = cart.add_line(units("GOLD", huge, 3), kNow);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
  EXPECT_NE(r.error().what().find("overflows"), std::string::npos);
  // Two lines that fit alone but not together.
  ASSERT_TRUE(cart.add_line(units("GOLD", huge, 1), kNow));
  ASSERT_TRUE(cart.add_line(units("GOLD", huge, 1), kNow));
  auto third = cart.add_line(units("GOLD", huge, 1), kNow);
  ASSERT_FALSE(third);
  EXPECT_NE(third.error().what().find("cart total"), std::string::npos);
  EXPECT_EQ(cart.lines().size(), 2u);
}

TEST(Lines, PriceMustMatchSkuAndBeValidNow) {
  Cart cart = new_cart();
  LineRequest r = units("YOG", 120);
  r.price.sku = "OTHER";
  EXPECT_EQ(cart.add_line(r, kNow).error().kind(), Errc::invalid_argument);
  r = units("YOG", 120);
  r.price.valid_to = kNow;  // exclusive end
  EXPECT_EQ(cart.add_line(r, kNow).error().kind(), Errc::invalid_argument);
  EXPECT_TRUE(cart.lines().empty());
}

TEST(Lines, SmallDiscountNeedsNoSupervisor) {
  Cart cart = new_cart();
  const LineId id = cart.add_line(units("SHIRT", 2000), kNow).value();
  // 10 % is the cashier's limit: 2.00 off 20.00 is allowed without approval.
  ASSERT_TRUE(
      cart.set_discount(id, ManualDiscount{ManualDiscount::Kind::percent, 1000, "damaged"}, std::nullopt));
  const Totals t = cart.totals(kNow);
  EXPECT_EQ(t.line_discounts, 200);
  EXPECT_EQ(t.total, 1800);
  EXPECT_EQ(t.subtotal_gross - t.line_discounts, t.total);
}

TEST(Lines, DiscountAboveLimitNeedsSupervisorApproval) {
  Cart cart = new_cart();
  const LineId id = cart.add_line(units("SHIRT", 2000), kNow).value();
  const std::string before = cart.serialize();
  // 2.01 off 20.00 is 10.05 %: above the 10 % limit.
  const ManualDiscount over{ManualDiscount::Kind::amount, 201, "loyal customer"};
  auto denied = cart.set_discount(id, over, std::nullopt);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().kind(), Errc::permission_denied);
  EXPECT_NE(denied.error().what().find("needs a supervisor approval"), std::string::npos);
  EXPECT_EQ(cart.serialize(), before);
  // An empty token is no approval.
  EXPECT_EQ(cart.set_discount(id, over, SupervisorApproval{"sup-7", ""}).error().kind(),
            Errc::permission_denied);

  ASSERT_TRUE(cart.set_discount(id, over, supervisor()));
  EXPECT_EQ(cart.totals(kNow).total, 1799);
  EXPECT_EQ(cart.lines()[0].discount_approval, supervisor());  // kept for the audit
}

TEST(Lines, DiscountAboveTheLineIsInvalid) {
  Cart cart = new_cart();
  const LineId id = cart.add_line(units("GUM", 100, 2), kNow).value();
  ASSERT_TRUE(
      cart.set_discount(id, ManualDiscount{ManualDiscount::Kind::amount, 150, "promo"}, supervisor()));
  // Dropping to one unit would make the 1.50 discount exceed the 1.00 line: refused, nothing changes.
  auto r = cart.change_quantity(id, 1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
  EXPECT_EQ(cart.lines()[0].quantity, 2);
  EXPECT_EQ(cart.totals(kNow).total, 50);
}

TEST(Lines, PriceOverrideLoweringBeyondLimitNeedsApproval) {
  Cart cart = new_cart();
  const LineId tv = cart.add_line(units("TV", 39900), kNow).value();
  // Lowering 399.00 to 390.00 (9.00 off, more than the 5.00 limit) needs a supervisor.
  auto denied = cart.override_price(tv, 39000, std::nullopt);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().kind(), Errc::permission_denied);
  EXPECT_EQ(cart.totals(kNow).total, 39900);
  ASSERT_TRUE(cart.override_price(tv, 39000, supervisor()));
  EXPECT_EQ(cart.totals(kNow).total, 39000);
  // Lowering by 4.00 is within the cashier's limits; raising never needs approval.
  ASSERT_TRUE(cart.override_price(tv, 39500, std::nullopt));
  ASSERT_TRUE(cart.override_price(tv, 45000, std::nullopt));
  EXPECT_EQ(cart.totals(kNow).total, 45000);
  EXPECT_EQ(cart.override_price(tv, -1, supervisor()).error().kind(), Errc::invalid_argument);
}

TEST(Lines, LinesCannotChangeOutsideAnOpenCart) {
  Cart cart = new_cart();
  const LineId id = cart.add_line(units("YOG", 120), kNow).value();
  ASSERT_TRUE(cart.park());
  auto r = cart.add_line(units("YOG", 120), kNow);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::conflict);
  EXPECT_EQ(r.error().what(), "cannot add a line: cart cart-1 is parked, not open");
  EXPECT_EQ(cart.void_line(id).error().kind(), Errc::conflict);
}

}  // namespace
}  // namespace storeedge::domain
