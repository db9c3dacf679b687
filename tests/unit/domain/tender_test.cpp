// Paying: cash with change and rounding, card through a terminal, gift card, points, store credit, splits.
#include <gtest/gtest.h>

#include "tests/unit/domain/fixtures.hpp"

namespace storeedge::domain {
namespace {

using testing::kNow;
using testing::spain_config;
using testing::units;

Cart tendering_cart(Cents price, Cents rounding_step = 0) {
  CartConfig config = spain_config();
  config.cash_rounding_step = rounding_step;
  Cart cart = Cart::create("cart-t", config).value();
  EXPECT_TRUE(cart.add_line(units("ITEM", price), kNow));
  EXPECT_TRUE(cart.begin_tendering(kNow));
  return cart;
}

TEST(Tender, CashGivesChange) {
  Cart cart = tendering_cart(1235);
  const TenderOutcome out = cart.pay_cash(2000).value();
  EXPECT_EQ(out.change, 765);  // 20.00 - 12.35
  EXPECT_EQ(out.remaining, 0);
  const Totals t = cart.totals(kNow);
  EXPECT_EQ(t.tendered, 2000);
  EXPECT_EQ(t.change, 765);
  EXPECT_EQ(t.paid, 1235);
  EXPECT_EQ(t.rounding, 0);
  ASSERT_TRUE(cart.complete());
  EXPECT_EQ(cart.state(), CartState::paid);
}

TEST(Tender, CashRoundingToFiveCentsIsItsOwnFigure) {
  // Finland-style: 12.33 due in cash rounds to 12.35 (+0.02), 12.32 to 12.30 (-0.02).
  Cart up = tendering_cart(1233, 5);
  EXPECT_EQ(up.pay_cash(2000).value().change, 765);
  Totals t = up.totals(kNow);
  EXPECT_EQ(t.total, 1233);
  EXPECT_EQ(t.rounding, 2);
  EXPECT_EQ(t.total_due, 1235);
  Cart down = tendering_cart(1232, 5);
  EXPECT_EQ(down.pay_cash(1230).value().change, 0);
  t = down.totals(kNow);
  EXPECT_EQ(t.rounding, -2);
  EXPECT_EQ(t.total_due, 1230);
  EXPECT_EQ(t.remaining, 0);
  EXPECT_TRUE(down.complete());
}

TEST(Tender, CashRoundingToTenCentsRoundsHalfUp) {
  EXPECT_EQ(round_to_step(1235, 10), 1240);
  EXPECT_EQ(round_to_step(1234, 10), 1230);
  EXPECT_EQ(round_to_step(1233, 0), 1233);
}

TEST(Tender, CardIsAuthorizedByTheTerminal) {
  Cart cart = tendering_cart(4599);
  SimulatedPaymentTerminal terminal;
  terminal.set_last4("1234");
  const TenderOutcome out = cart.pay_card(terminal, 4599).value();
  EXPECT_TRUE(out.accepted);
  ASSERT_EQ(cart.ledger()->records().size(), 1u);
  const TenderRecord& r = cart.ledger()->records()[0];
  EXPECT_EQ(r.kind, TenderKind::card);
  EXPECT_EQ(r.reference, "sim-000001");
  EXPECT_EQ(r.last4, "1234");
  EXPECT_EQ(r.change, 0);
  EXPECT_TRUE(cart.complete());
}

TEST(Tender, CardAboveAmountDueIsRefusedAndNothingIsRecorded) {
  Cart cart = tendering_cart(1000);
  SimulatedPaymentTerminal terminal;
  auto r = cart.pay_card(terminal, 1001);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
  EXPECT_EQ(r.error().what(), "card amount 10.01 exceeds the 10.00 still due");
  EXPECT_EQ(terminal.requests(), 0);  // the terminal was never asked
  EXPECT_TRUE(cart.ledger()->records().empty());
}

TEST(Tender, DeclineAndTimeoutRecordNothing) {
  Cart cart = tendering_cart(1000);
  SimulatedPaymentTerminal terminal;
  terminal.decline_next("do not honour");
  const TenderOutcome declined = cart.pay_card(terminal, 1000).value();
  EXPECT_FALSE(declined.accepted);
  EXPECT_EQ(declined.decline_reason, "do not honour");
  EXPECT_EQ(declined.remaining, 1000);
  terminal.time_out_next();
  auto timeout = cart.pay_card(terminal, 1000);
  ASSERT_FALSE(timeout);
  EXPECT_EQ(timeout.error().kind(), Errc::unavailable);
  EXPECT_TRUE(cart.ledger()->records().empty());
  EXPECT_EQ(cart.complete().error().kind(), Errc::conflict);
  // The third try goes through.
  EXPECT_TRUE(cart.pay_card(terminal, 1000).value().accepted);
  EXPECT_TRUE(cart.complete());
}

TEST(Tender, SplitAcrossGiftCardPointsCreditCardAndCash) {
  CartConfig config = spain_config();
  Cart cart = Cart::create("cart-s", config).value();
  ASSERT_TRUE(cart.add_line(units("COAT", 10000), kNow));
  ASSERT_TRUE(cart.attach_customer(CustomerRef{"C-9", true}));
  ASSERT_TRUE(cart.begin_tendering(kNow));
  SimulatedPaymentTerminal terminal;
  // 100.00 = 20.00 gift card + 5.00 from 500 points (1 point = 1 cent) + 15.00 credit + 50.00 card + 10.00
  // cash
  EXPECT_EQ(cart.pay_gift_card(GiftCardTender{"GC-1", 2500, 2000}).value().remaining, 8000);
  EXPECT_EQ(
      cart.pay_loyalty_points(LoyaltyPointsTender{"C-9", 500, 800, PointsRate{100, 100}}).value().remaining,
      7500);
  EXPECT_EQ(cart.pay_store_credit(StoreCreditTender{"SC-4", 1500, 1500}).value().remaining, 6000);
  EXPECT_EQ(cart.pay_card(terminal, 5000).value().remaining, 1000);
  EXPECT_EQ(cart.complete().error().kind(), Errc::conflict);  // 10.00 still due
  EXPECT_EQ(cart.pay_cash(5000).value().change, 4000);
  const Totals t = cart.totals(kNow);
  EXPECT_EQ(t.paid, 10000);
  EXPECT_EQ(t.tendered, 14000);
  EXPECT_EQ(t.change, 4000);
  ASSERT_TRUE(cart.complete());
}

TEST(Tender, NonCashTendersCheckTheirBalances) {
  Cart cart = tendering_cart(3000);
  auto gift = cart.pay_gift_card(GiftCardTender{"GC-1", 500, 800});
  ASSERT_FALSE(gift);
  EXPECT_EQ(gift.error().what(), "gift card GC-1 has 5.00, below the 8.00 asked");
  EXPECT_EQ(cart.pay_store_credit(StoreCreditTender{"SC-1", 10000, 3001}).error().kind(),
            Errc::invalid_argument);
  // Points need the member attached (none is).
  EXPECT_EQ(cart.pay_loyalty_points(LoyaltyPointsTender{"C-1", 100, 100, {}}).error().kind(),
            Errc::invalid_argument);
  EXPECT_TRUE(cart.ledger()->records().empty());
}

TEST(Tender, PointsMustConvertToWholeCents) {
  CartConfig config = spain_config();
  Cart cart = Cart::create("cart-l", config).value();
  ASSERT_TRUE(cart.add_line(units("COAT", 1000), kNow));
  ASSERT_TRUE(cart.attach_customer(CustomerRef{"C-9", true}));
  ASSERT_TRUE(cart.begin_tendering(kNow));
  // 10 points per cent: 25 points are 2.5 cents.
  auto r = cart.pay_loyalty_points(LoyaltyPointsTender{"C-9", 25, 1000, PointsRate{10, 1}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
  EXPECT_EQ(
      cart.pay_loyalty_points(LoyaltyPointsTender{"C-9", 250, 1000, PointsRate{10, 1}}).value().remaining,
      975);
  EXPECT_EQ(cart.ledger()->records()[0].points, 250);
}

TEST(Tender, TendersOnlyWhileTendering) {
  Cart cart = testing::new_cart();
  ASSERT_TRUE(cart.add_line(units("ITEM", 100), kNow));
  auto r = cart.pay_cash(100);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::conflict);
  EXPECT_EQ(r.error().what(), "cannot take cash: cart cart-1 is open, not tendering");
}

}  // namespace
}  // namespace storeedge::domain
