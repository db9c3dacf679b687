// A customer's history across channels: in-store sales and returns, web and app orders, newest first.
#include <gtest/gtest.h>

#include "tests/unit/customers/customer_fixture.hpp"

namespace storeedge::store::testing {
namespace {

class HistoryTest : public CustomerTest {
 protected:
  void SetUp() override {
    CustomerTest::SetUp();
    ASSERT_TRUE(repo().upsert(ana(), "cashier-7"));
    ASSERT_TRUE(repo().upsert({"cust-bo", "Bo", std::nullopt, std::nullopt, false, {}, 0}, "cashier-7"));
  }

  // Orders written the way the sales and sync code would, with `lines` lines of one unit each.
  void order(const std::string& id, const std::string& kind, const std::string& channel,
             const std::string& status, std::optional<std::string> receipt, const std::string& customer,
             std::int64_t total, std::int64_t created_at_ms, int lines) {
    auto ins = db().prepare(
        "INSERT INTO sales_order (order_id, kind, channel, status, store_code, receipt_number, customer_id, "
        "currency, total_cents, tax_cents, created_at_ms) VALUES (?, ?, ?, ?, 'ES-MAD-001', ?, ?, 'EUR', ?, "
        "0, ?)");
    ASSERT_TRUE(ins);
    ASSERT_TRUE(ins->bind_all(id, kind, channel, status, receipt, customer, total, created_at_ms));
    ASSERT_TRUE(ins->run());
    for (int n = 1; n <= lines; ++n) {
      auto line = db().prepare(
          "INSERT INTO order_line (order_id, line_no, sku, description, quantity, unit_price_cents, "
          "gross_cents, "
          "net_cents, tax_class, rate_bp) VALUES (?, ?, 'SKU', 'Item', 1, 100, 100, 100, 'general', 2100)");
      ASSERT_TRUE(line);
      ASSERT_TRUE(line->bind_all(id, n));
      ASSERT_TRUE(line->run());
    }
  }
};

TEST_F(HistoryTest, OrdersFromEveryChannelNewestFirst) {
  order("o-pos", "sale", "pos", "completed", "ES-MAD-001-01-00000001", "cust-ana", 1250, 1'000, 3);
  order("o-web", "sale", "web", "ready_for_pickup", std::nullopt, "cust-ana", 4999, 3'000, 2);
  order("o-kiosk", "sale", "kiosk", "completed", "ES-MAD-001-K1-00000007", "cust-ana", 800, 2'000, 1);
  order("o-ret", "return", "pos", "completed", "ES-MAD-001-01-00000009", "cust-ana", -400, 4'000, 1);
  order("o-app", "sale", "app", "collected", std::nullopt, "cust-ana", 2100, 5'000, 4);
  order("o-bo", "sale", "pos", "completed", "ES-MAD-001-01-00000010", "cust-bo", 100, 6'000, 1);

  auto h = repo().purchase_history("cust-ana");
  ASSERT_TRUE(h) << h.error().what();
  ASSERT_EQ(h->size(), 5u);
  std::vector<std::string> ids;
  for (const auto& o : *h) ids.push_back(o.order_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"o-app", "o-ret", "o-web", "o-kiosk", "o-pos"}));

  const OrderSummary& app = (*h)[0];
  EXPECT_EQ(app.channel, Channel::app);
  EXPECT_EQ(app.status, "collected");
  EXPECT_EQ(app.reference(), "o-app");  // online: no receipt number
  EXPECT_EQ(app.line_count, 4);
  EXPECT_EQ(app.total_cents, 2100);

  const OrderSummary& ret = (*h)[1];
  EXPECT_EQ(ret.kind, OrderKind::return_);
  EXPECT_EQ(ret.reference(), "ES-MAD-001-01-00000009");
  EXPECT_EQ(ret.total_cents, -400);
  EXPECT_EQ(ret.created_at_ms, 4'000);

  EXPECT_EQ((*h)[2].channel, Channel::web);
  EXPECT_EQ((*h)[2].status, "ready_for_pickup");
  EXPECT_EQ((*h)[3].channel, Channel::kiosk);
  EXPECT_EQ((*h)[4].line_count, 3);
}

TEST_F(HistoryTest, LimitKeepsTheNewest) {
  order("o-1", "sale", "pos", "completed", "R-1", "cust-ana", 100, 1'000, 1);
  order("o-2", "sale", "web", "pending", std::nullopt, "cust-ana", 200, 2'000, 1);
  order("o-3", "sale", "kiosk", "completed", "R-3", "cust-ana", 300, 3'000, 1);
  auto h = repo().purchase_history("cust-ana", 2);
  ASSERT_TRUE(h);
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ((*h)[0].order_id, "o-3");
  EXPECT_EQ((*h)[1].order_id, "o-2");
}

TEST_F(HistoryTest, CustomerWithoutOrdersHasAnEmptyHistory) {
  auto h = repo().purchase_history("cust-bo");
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->empty());
}

TEST_F(HistoryTest, UnknownCustomerAndBadLimitAreErrors) {
  auto unknown = repo().purchase_history("cust-zoe");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind(), Errc::not_found);
  EXPECT_EQ(unknown.error().what(), "no customer cust-zoe");
  auto zero = repo().purchase_history("cust-ana", 0);
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().kind(), Errc::invalid_argument);
}

}  // namespace
}  // namespace storeedge::store::testing
