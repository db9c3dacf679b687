// Gift cards offline: a till spends from a card at most min(balance, offline limit granted by the hub
// minus what this node already redeemed since the grant). A redemption is a negative ledger entry
// written in the sale's transaction and pushed inside the order; refusals write nothing.
#include <boost/json.hpp>

#include "edge/store/gift_cards.hpp"
#include "tests/unit/sales/sales_fixture.hpp"

namespace storeedge::store::testing {
namespace {

class GiftCards : public SalesTest {
 protected:
  void add_card(const std::string& id, domain::Cents issued, domain::Cents offline_limit,
                const std::string& status = "active", const std::string& currency = "EUR") {
    const std::string now = std::to_string(unix_millis(clock_.now()));
    ASSERT_TRUE(db().exec("INSERT INTO gift_card VALUES ('" + id + "', '" + currency + "', '" + status +
                          "', " + std::to_string(offline_limit) + ", " + now + ")"));
    ASSERT_TRUE(db().exec("INSERT INTO gift_card_entry VALUES ('issue-" + id + "', '" + id + "', " +
                          std::to_string(issued) + ", 'issue', NULL, 'hub', " + now + ")"));
  }

  // A 10.00 cart paid with `amount` from the card and cash for the rest.
  Result<CompletedSale> pay_with(const std::string& card, domain::Cents amount) {
    domain::Cart cart = tendering_cart({units("A", 1000)});
    auto funds = gift_card_funds(db(), card, unix_millis(clock_.now()));
    // The tender sees the figure the till read; the commit checks again inside its transaction.
    const domain::Cents seen = funds ? funds->spendable : amount;
    auto paid = cart.pay_gift_card(domain::GiftCardTender{card, seen, amount});
    if (!paid) return fail(paid.error());
    if (cart.ledger()->remaining() > 0) {
      EXPECT_TRUE(cart.pay_cash(cart.ledger()->remaining()));
    }
    auto sale = complete_sale(*replica_, cart, context(), clock_);
    clock_.advance(std::chrono::seconds(10));
    return sale;
  }

  domain::Cents balance(const std::string& card) {
    return count("SELECT COALESCE(SUM(amount_cents), 0) FROM gift_card_entry WHERE card_id = '" + card + "'");
  }
};

TEST_F(GiftCards, ARedemptionLowersTheBalanceAndTravelsInTheOrder) {
  add_card("6280000000000001", 5000, 3000);
  auto sale = pay_with("6280000000000001", 700);
  ASSERT_TRUE(sale) << sale.error().what();
  EXPECT_EQ(balance("6280000000000001"), 4300);
  EXPECT_EQ(count("SELECT amount_cents FROM gift_card_entry WHERE kind = 'redeem' AND order_id = '" +
                  sale->order_id + "'"),
            -700);
  EXPECT_EQ(count("SELECT amount_cents FROM order_tender WHERE kind = 'gift_card'"), 700);

  auto payload = db().query_one<std::string>(
      "SELECT payload FROM outbox JOIN outbox_payload USING (mutation_id) WHERE kind = 'order.completed'");
  ASSERT_TRUE(payload && *payload);
  const auto doc = boost::json::parse(**payload).as_object();
  ASSERT_TRUE(doc.contains("gift_cards")) << **payload;
  const auto& entry = doc.at("gift_cards").as_array().at(0).as_object();
  EXPECT_EQ(entry.at("card_id").as_string(), "6280000000000001");
  EXPECT_EQ(entry.at("amount").as_int64(), -700);
  EXPECT_EQ(entry.at("kind").as_string(), "redeem");

  auto funds = gift_card_funds(db(), "6280000000000001", unix_millis(clock_.now()));
  ASSERT_TRUE(funds);
  EXPECT_EQ(funds->spent_since_grant, 700);
  EXPECT_EQ(funds->spendable, 2300);
}

TEST_F(GiftCards, SpendingBeyondTheOfflineLimitIsRefusedAndNothingWritten) {
  add_card("6280000000000002", 5000, 1000);
  ASSERT_TRUE(pay_with("6280000000000002", 600));
  const std::int64_t orders = rows("sales_order");
  const std::int64_t entries = rows("gift_card_entry");
  const std::int64_t outbox = rows("outbox");
  // The balance (44.00) would allow it; this till may spend only 4.00 more of the card offline.
  domain::Cart cart = tendering_cart({units("A", 1000)});
  ASSERT_TRUE(cart.pay_gift_card(domain::GiftCardTender{"6280000000000002", 4400, 500}));
  ASSERT_TRUE(cart.pay_cash(cart.ledger()->remaining()));
  auto refused = complete_sale(*replica_, cart, context(), clock_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind(), Errc::conflict);
  EXPECT_NE(refused.error().what().find("may pay 4.00"), std::string::npos) << refused.error().what();
  EXPECT_EQ(rows("sales_order"), orders);
  EXPECT_EQ(rows("gift_card_entry"), entries);
  EXPECT_EQ(rows("outbox"), outbox);
  EXPECT_EQ(cart.state(), domain::CartState::tendering);  // the cashier can take another tender
  EXPECT_TRUE(pay_with("6280000000000002", 400));
}

TEST_F(GiftCards, TheBalanceCapsWhatTheLimitAllows) {
  add_card("6280000000000003", 300, 5000);
  auto funds = gift_card_funds(db(), "6280000000000003", unix_millis(clock_.now()));
  ASSERT_TRUE(funds);
  EXPECT_EQ(funds->spendable, 300);
  auto refused = pay_with("6280000000000003", 400);  // the tender itself refuses: above the balance read
  ASSERT_FALSE(refused);
  EXPECT_EQ(rows("sales_order"), 0);
}

TEST_F(GiftCards, UnknownBlockedAndForeignCurrencyCardsAreRefusedByName) {
  add_card("6280000000000004", 5000, 5000, "blocked");
  add_card("6280000000000005", 5000, 5000, "active", "USD");
  auto unknown = gift_card_funds(db(), "6280999999999999", unix_millis(clock_.now()));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind(), Errc::not_found);
  EXPECT_NE(unknown.error().what().find("6280999999999999"), std::string::npos);
  auto blocked = gift_card_funds(db(), "6280000000000004", unix_millis(clock_.now()));
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().kind(), Errc::conflict);
  EXPECT_NE(blocked.error().what().find("blocked"), std::string::npos);

  auto foreign = pay_with("6280000000000005", 500);
  ASSERT_FALSE(foreign);
  EXPECT_NE(foreign.error().what().find("USD"), std::string::npos) << foreign.error().what();
  EXPECT_EQ(rows("sales_order"), 0);
  EXPECT_EQ(rows("gift_card_entry"), 2);
}

TEST_F(GiftCards, AnExpiredGrantAllowsNothingOffline) {
  add_card("6280000000000006", 5000, 5000);
  clock_.advance(std::chrono::hours(24 * 31));
  auto funds = gift_card_funds(db(), "6280000000000006", unix_millis(clock_.now()));
  ASSERT_TRUE(funds);
  EXPECT_EQ(funds->balance, 5000);
  EXPECT_EQ(funds->spendable, 0);
}

TEST_F(GiftCards, TwoTendersOnOneCardCountTogether) {
  add_card("6280000000000007", 5000, 800);
  domain::Cart cart = tendering_cart({units("A", 1000)});
  ASSERT_TRUE(cart.pay_gift_card(domain::GiftCardTender{"6280000000000007", 800, 500}));
  ASSERT_TRUE(cart.pay_gift_card(domain::GiftCardTender{"6280000000000007", 800, 500}));
  auto refused = complete_sale(*replica_, cart, context(), clock_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind(), Errc::conflict);
  EXPECT_EQ(rows("gift_card_entry"), 1);
}

}  // namespace
}  // namespace storeedge::store::testing
