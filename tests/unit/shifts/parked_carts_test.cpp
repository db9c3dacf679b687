// Parking a cart to serve the next customer, and resuming it exactly as it was.
#include "edge/store/parked_carts.hpp"

#include <gtest/gtest.h>

#include "edge/store/journal.hpp"
#include "tests/unit/domain/fixtures.hpp"
#include "tests/unit/shifts/shift_fixture.hpp"

namespace storeedge::store::testing {
namespace {

using domain::testing::kNow;
using domain::testing::spain_config;
using domain::testing::units;
using domain::testing::weighed;

class ParkedCartTest : public ShiftTest {
 protected:
  domain::Cart filled_cart(const std::string& id) {
    domain::Cart cart = domain::Cart::create(id, spain_config()).value();
    const auto milk = cart.add_line(units("MILK", 119, 3, "super_reduced"), kNow).value();
    EXPECT_TRUE(cart.add_line(units("WINE", 899), kNow));
    EXPECT_TRUE(cart.add_line(weighed("APPLES", 249, 1350), kNow));
    EXPECT_TRUE(cart.set_discount(milk, {domain::ManualDiscount::Kind::amount, 30, "dented"}, std::nullopt));
    EXPECT_TRUE(cart.attach_customer({"cust-ana", true}));
    return cart;
  }
};

TEST_F(ParkedCartTest, ParkListResumeRoundTripKeepsTheTotals) {
  const domain::Cart cart = filled_cart("cart-1");
  ASSERT_TRUE(park(db(), clock_, "01", cart));
  clock_.advance(std::chrono::seconds(30));
  ASSERT_TRUE(park(db(), clock_, "01", filled_cart("cart-2")));
  ASSERT_TRUE(park(db(), clock_, "02", filled_cart("cart-3")));

  auto listed = list_parked(db(), "01");
  ASSERT_TRUE(listed) << listed.error().what();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].cart_id, "cart-1");
  EXPECT_EQ((*listed)[1].cart_id, "cart-2");
  EXPECT_EQ((*listed)[1].parked_at_ms - (*listed)[0].parked_at_ms, 30'000);

  auto resumed = resume(db(), clock_, "cart-1", spain_config());
  ASSERT_TRUE(resumed) << resumed.error().what();
  EXPECT_EQ(resumed->state(), domain::CartState::open);
  EXPECT_EQ(resumed->totals(kNow), cart.totals(kNow));
  EXPECT_EQ(resumed->lines(), cart.lines());
  EXPECT_EQ(resumed->customer(), cart.customer());
  // The caller's cart was not transitioned; the stored one was.
  EXPECT_EQ(cart.state(), domain::CartState::open);

  EXPECT_EQ(list_parked(db(), "01").value().size(), 1u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM parked_cart"), 2);
  EXPECT_TRUE(verify_audit_chain(db()));
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'cart.resumed' AND subject = 'cart-1'"), 1);
}

TEST_F(ParkedCartTest, ResumedCartCanBeSoldOn) {
  ASSERT_TRUE(park(db(), clock_, "01", filled_cart("cart-1")));
  auto cart = resume(db(), clock_, "cart-1", spain_config()).value();
  ASSERT_TRUE(cart.add_line(units("BREAD", 150, 1, "super_reduced"), kNow));
  ASSERT_TRUE(cart.begin_tendering(kNow));
}

TEST_F(ParkedCartTest, UnknownCartIsNotFound) {
  auto r = resume(db(), clock_, "cart-404", spain_config());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::not_found);
  EXPECT_EQ(r.error().what(), "no parked cart cart-404");
}

TEST_F(ParkedCartTest, ResumingTwiceFindsNothingTheSecondTime) {
  ASSERT_TRUE(park(db(), clock_, "01", filled_cart("cart-1")));
  ASSERT_TRUE(resume(db(), clock_, "cart-1", spain_config()));
  EXPECT_EQ(resume(db(), clock_, "cart-1", spain_config()).error().kind(), Errc::not_found);
}

TEST_F(ParkedCartTest, CartBeingTenderedCannotBeParked) {
  domain::Cart cart = filled_cart("cart-1");
  ASSERT_TRUE(cart.begin_tendering(kNow));
  auto s = park(db(), clock_, "01", cart);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), Errc::conflict);
  EXPECT_EQ(count("SELECT COUNT(*) FROM parked_cart"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log"), 0);
}

TEST_F(ParkedCartTest, SameCartCannotBeParkedTwice) {
  ASSERT_TRUE(park(db(), clock_, "01", filled_cart("cart-1")));
  auto s = park(db(), clock_, "01", filled_cart("cart-1"));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), Errc::already_exists);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log"), 1);
}

TEST_F(ParkedCartTest, CorruptRowIsReportedAndKept) {
  ASSERT_TRUE(db().exec("INSERT INTO parked_cart VALUES ('cart-bad', '01', 0, '{not json')"));
  auto r = resume(db(), clock_, "cart-bad", spain_config());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::corrupt);
  EXPECT_EQ(count("SELECT COUNT(*) FROM parked_cart"), 1);
}

}  // namespace
}  // namespace storeedge::store::testing
