// Offline loyalty redemption: a node redeems at most min(balance, allowance granted by the hub minus
// what this node redeemed that the hub has not acknowledged yet), so one balance is not spent twice in two
// stores while one of them is offline. Refusals are Errc::conflict and write nothing.
#include "tests/unit/sales/sales_fixture.hpp"

namespace storeedge::store::testing {
namespace {

class LoyaltyAllowance : public SalesTest {
 protected:
  // A 10.00 cart paid with `points` points (a point is a cent) and cash for the rest.
  Result<CompletedSale> redeem(std::int64_t points) {
    domain::Cart cart = tendering_cart({units("A", 1000)}, domain::CustomerRef{"cust-1", true});
    auto balance = loyalty_balance(db(), "cust-1");
    EXPECT_TRUE(balance);
    auto paid = cart.pay_loyalty_points(domain::LoyaltyPointsTender{"cust-1", points, *balance, {}});
    EXPECT_TRUE(paid) << paid.error().what();
    EXPECT_TRUE(cart.pay_cash(cart.ledger()->remaining()));
    auto sale = complete_sale(*replica_, cart, context(), clock_);
    clock_.advance(std::chrono::seconds(10));
    return sale;
  }
};

TEST_F(LoyaltyAllowance, RedemptionWithinTheAllowanceIsRecordedAsANegativeEntry) {
  add_customer("cust-1", 500);
  grant_allowance("cust-1", 300);
  auto sale = redeem(200);
  ASSERT_TRUE(sale) << sale.error().what();
  EXPECT_EQ(count("SELECT points FROM loyalty_entry WHERE kind = 'redeem'"), -200);
  // Earned on the 8.00 paid in cash only: 8 points.
  EXPECT_EQ(count("SELECT points FROM loyalty_entry WHERE kind = 'earn'"), 8);
  EXPECT_EQ(loyalty_balance(db(), "cust-1").value(), 308);
  EXPECT_EQ(sale->receipt.points_redeemed, 200);
  EXPECT_EQ(sale->receipt.loyalty_balance, 308);
  EXPECT_EQ(count("SELECT points FROM order_tender WHERE kind = 'loyalty_points'"), 200);

  auto left = offline_redeemable(db(), "cust-1", unix_millis(clock_.now()));
  ASSERT_TRUE(left);
  EXPECT_EQ(left->redeemed_not_at_hub, 200);
  EXPECT_EQ(left->redeemable, 100);
}

TEST_F(LoyaltyAllowance, RedeemingBeyondTheRemainingAllowanceIsRefusedAndNothingWritten) {
  add_customer("cust-1", 500);
  grant_allowance("cust-1", 300);
  ASSERT_TRUE(redeem(200));
  const std::int64_t orders = rows("sales_order");
  const std::int64_t entries = rows("loyalty_entry");
  auto refused = redeem(150);  // balance allows it; the allowance has 100 left
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind(), Errc::conflict);
  EXPECT_NE(refused.error().what().find("may redeem 100 points"), std::string::npos)
      << refused.error().what();
  EXPECT_EQ(rows("sales_order"), orders);
  EXPECT_EQ(rows("loyalty_entry"), entries);
  EXPECT_EQ(count("SELECT next_number FROM receipt_series"), 2);
  EXPECT_TRUE(redeem(100));
}

TEST_F(LoyaltyAllowance, WithoutAnAllowanceNothingCanBeRedeemedOffline) {
  add_customer("cust-1", 500);
  auto refused = redeem(10);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind(), Errc::conflict);
  EXPECT_EQ(rows("sales_order"), 0);
}

TEST_F(LoyaltyAllowance, TheBalanceCapsTheAllowance) {
  add_customer("cust-1", 50);
  grant_allowance("cust-1", 1000);
  auto allowed = offline_redeemable(db(), "cust-1", unix_millis(clock_.now()));
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->redeemable, 50);
}

// The allowance bounds what this till has redeemed that the hub does not know yet: once the hub has
// acknowledged a redemption, its balance (and every store's next pull) has it, and the allowance is
// free again. A new grant alone frees nothing: the hub granted it without knowing those redemptions.
TEST_F(LoyaltyAllowance, RedemptionsTheHubHasAcknowledgedNoLongerCount) {
  add_customer("cust-1", 1000);
  grant_allowance("cust-1", 100);
  ASSERT_TRUE(redeem(100));
  EXPECT_EQ(offline_redeemable(db(), "cust-1", unix_millis(clock_.now()))->redeemable, 0);
  clock_.advance(std::chrono::seconds(60));
  grant_allowance("cust-1", 100);
  EXPECT_EQ(offline_redeemable(db(), "cust-1", unix_millis(clock_.now()))->redeemable, 0);
  ASSERT_TRUE(db().exec("UPDATE outbox SET acked_at_ms = 1 WHERE acked_at_ms IS NULL"));  // the hub has it
  auto left = offline_redeemable(db(), "cust-1", unix_millis(clock_.now()));
  ASSERT_TRUE(left);
  EXPECT_EQ(left->redeemed_not_at_hub, 0);
  EXPECT_EQ(left->redeemable, 100);
}

TEST_F(LoyaltyAllowance, AStaleAllowanceAllowsNothing) {
  add_customer("cust-1", 1000);
  grant_allowance("cust-1", 100);
  clock_.advance(std::chrono::hours(24 * 31));
  EXPECT_EQ(offline_redeemable(db(), "cust-1", unix_millis(clock_.now()))->redeemable, 0);
}

// What goes stale is the till's view of the balance, not the grant: a till that synced recently
// knows every redemption the hub has, however old its allowance.
TEST_F(LoyaltyAllowance, AnOldAllowanceStillHoldsWhileTheTillKeepsSyncing) {
  add_customer("cust-1", 1000);
  grant_allowance("cust-1", 100);
  clock_.advance(std::chrono::hours(24 * 90));
  const std::int64_t now = unix_millis(clock_.now());
  ASSERT_TRUE(db().exec("UPDATE sync_state SET last_success_ms = " + std::to_string(now - 60'000)));
  EXPECT_EQ(offline_redeemable(db(), "cust-1", now)->redeemable, 100);
  ASSERT_TRUE(redeem(60));
  EXPECT_EQ(offline_redeemable(db(), "cust-1", unix_millis(clock_.now()))->redeemable, 40);
  clock_.advance(std::chrono::hours(24 * 31));  // then no contact for a month
  EXPECT_EQ(offline_redeemable(db(), "cust-1", unix_millis(clock_.now()))->redeemable, 0);
}

TEST_F(LoyaltyAllowance, NonMembersEarnNothing) {
  add_customer("cust-2");
  domain::Cart cart = cash_paid_cart({units("A", 5000)}, 0, domain::CustomerRef{"cust-2", false});
  const CompletedSale sale = sell(cart);
  EXPECT_EQ(rows("loyalty_entry"), 0);
  EXPECT_FALSE(sale.receipt.loyalty_balance);
}

}  // namespace
}  // namespace storeedge::store::testing
