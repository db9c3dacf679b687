// The cart life cycle (open, parked, tendering, paid, voided) and park/resume through JSON.
#include <gtest/gtest.h>

#include "tests/unit/domain/fixtures.hpp"

namespace storeedge::domain {
namespace {

using testing::kNow;
using testing::new_cart;
using testing::spain_config;
using testing::units;
using testing::weighed;

TEST(CartState, TableListsEveryAllowedTransition) {
  EXPECT_EQ(next_state(CartState::open, CartEvent::park).value(), CartState::parked);
  EXPECT_EQ(next_state(CartState::parked, CartEvent::resume).value(), CartState::open);
  EXPECT_EQ(next_state(CartState::tendering, CartEvent::complete).value(), CartState::paid);
  auto r = next_state(CartState::paid, CartEvent::void_cart);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::conflict);
  EXPECT_EQ(r.error().message(), "cannot void a cart that is paid");
  EXPECT_FALSE(next_state(CartState::parked, CartEvent::start_tendering));
  EXPECT_FALSE(next_state(CartState::voided, CartEvent::resume));
}

TEST(CartState, ParkAndResumeOnlyFromTheRightStates) {
  Cart cart = new_cart();
  ASSERT_TRUE(cart.add_line(units("YOG", 120), kNow));
  ASSERT_TRUE(cart.park());
  EXPECT_EQ(cart.park().error().message(), "cannot park a cart that is parked");
  ASSERT_TRUE(cart.resume());
  EXPECT_EQ(cart.resume().error().kind(), Errc::conflict);
  ASSERT_TRUE(cart.begin_tendering(kNow));
  EXPECT_EQ(cart.park().error().kind(), Errc::conflict);
}

TEST(CartState, EmptyCartCannotBeTendered) {
  Cart cart = new_cart();
  const LineId id = cart.add_line(units("YOG", 120), kNow).value();
  ASSERT_TRUE(cart.void_line(id));
  auto r = cart.begin_tendering(kNow);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::conflict);
  EXPECT_EQ(cart.state(), CartState::open);
}

TEST(CartState, ReopenAndVoidOnlyBeforeAnyTender) {
  Cart cart = new_cart();
  ASSERT_TRUE(cart.add_line(units("YOG", 1000), kNow));
  ASSERT_TRUE(cart.begin_tendering(kNow));
  ASSERT_TRUE(cart.reopen());
  EXPECT_EQ(cart.state(), CartState::open);
  EXPECT_FALSE(cart.ledger().has_value());
  ASSERT_TRUE(cart.begin_tendering(kNow));
  ASSERT_TRUE(cart.pay_cash(500));
  EXPECT_EQ(cart.reopen().error().kind(), Errc::conflict);
  EXPECT_EQ(cart.void_cart().error().kind(), Errc::conflict);
  EXPECT_EQ(cart.state(), CartState::tendering);
  ASSERT_TRUE(cart.pay_cash(500));
  ASSERT_TRUE(cart.complete());
  EXPECT_EQ(cart.complete().error().kind(), Errc::conflict);
}

TEST(CartState, VoidedCartAcceptsNothing) {
  Cart cart = new_cart();
  ASSERT_TRUE(cart.add_line(units("YOG", 120), kNow));
  ASSERT_TRUE(cart.void_cart());
  EXPECT_EQ(cart.state(), CartState::voided);
  EXPECT_EQ(cart.add_line(units("YOG", 120), kNow).error().kind(), Errc::conflict);
  EXPECT_EQ(cart.resume().error().kind(), Errc::conflict);
}

TEST(CartState, TotalsAreFrozenWhileTendering) {
  Promotion p = percent_off("P-WEEK", "Semana", {"HAM"}, 1000);
  p.valid_to = kNow + 1;
  Cart cart = Cart::create("c", spain_config({p})).value();
  ASSERT_TRUE(cart.add_line(units("HAM", 1000), kNow));
  ASSERT_TRUE(cart.begin_tendering(kNow));
  // The promotion has ended an hour later, but the customer was quoted 9.00.
  EXPECT_EQ(cart.totals(kNow + 3'600'000).total, 900);
}

Cart rich_cart() {
  Cart cart = Cart::create("cart-r", spain_config({n_for_m("P-3X2", "3x2", {"YOG"}, 3, 2)})).value();
  const LineId yog = cart.add_line(units("YOG", 120, 3, "reduced"), kNow).value();
  EXPECT_TRUE(cart.add_line(weighed("APPLE", 199, 1234), kNow));
  const LineId tv = cart.add_line(units("TV", 39900), kNow).value();
  const LineId gum = cart.add_line(units("GUM", 100, 2), kNow).value();
  EXPECT_TRUE(cart.override_price(tv, 30000, testing::supervisor()));
  EXPECT_TRUE(
      cart.set_discount(gum, ManualDiscount{ManualDiscount::Kind::percent, 500, "dented \"box\""}, {}));
  EXPECT_TRUE(cart.void_line(yog));
  EXPECT_TRUE(cart.attach_customer(CustomerRef{"C-1", true}));
  return cart;
}

TEST(CartPark, RoundTripIsIdentical) {
  Cart cart = rich_cart();
  ASSERT_TRUE(cart.park());
  const std::string parked = cart.serialize();
  Cart back = Cart::restore(parked, spain_config({n_for_m("P-3X2", "3x2", {"YOG"}, 3, 2)})).value();
  EXPECT_EQ(back.serialize(), parked);
  EXPECT_EQ(back.lines(), cart.lines());
  EXPECT_EQ(back.customer(), cart.customer());
  EXPECT_EQ(back.state(), CartState::parked);
  ASSERT_TRUE(back.resume());
  ASSERT_TRUE(cart.resume());
  EXPECT_EQ(back.totals(kNow), cart.totals(kNow));
  // New lines continue the id series instead of reusing one.
  EXPECT_EQ(back.add_line(units("YOG", 120), kNow).value(), 5);
}

TEST(CartPark, TenderingCartRoundTripsWithItsTenders) {
  Cart cart = rich_cart();
  ASSERT_TRUE(cart.begin_tendering(kNow));
  ASSERT_TRUE(cart.pay_cash(1000));
  const std::string text = cart.serialize();
  Cart back = Cart::restore(text, cart.config()).value();
  EXPECT_EQ(back.serialize(), text);
  EXPECT_EQ(back.totals(kNow), cart.totals(kNow));
  // Other pricing data would change what the customer was quoted: refused.
  CartConfig other = cart.config();
  other.promotions.push_back(percent_off("P-NEW", "new", {"APPLE"}, 5000));
  auto changed = Cart::restore(text, other);
  ASSERT_FALSE(changed);
  EXPECT_EQ(changed.error().kind(), Errc::conflict);
}

TEST(CartPark, MalformedTextIsRejected) {
  const std::string good = rich_cart().serialize();
  for (const std::string& bad :
       {std::string("not json"), std::string("[]"), std::string("{}"), good.substr(0, good.size() / 2)}) {
    auto r = Cart::restore(bad, spain_config());
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind(), Errc::corrupt) << bad;
  }
  std::string negative = good;
  const auto at = negative.find("\"quantity\":2");
  ASSERT_NE(at, std::string::npos);
  negative.replace(at, 12, "\"quantity\":-2");
  auto r = Cart::restore(negative, spain_config());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
}

}  // namespace
}  // namespace storeedge::domain
