// Receipt numbers: one gap-free series per device, incremented in the sale's transaction, so two tills
// selling offline never hand out the same number.
#include "tests/unit/sales/sales_fixture.hpp"

namespace storeedge::store::testing {
namespace {

TEST_F(SalesTest, NumbersIncreaseByOnePerDevice) {
  for (int i = 1; i <= 3; ++i) {
    domain::Cart cart = cash_paid_cart({units("A", 100)});
    EXPECT_EQ(sell(cart).receipt_number, "0001-01-0000000" + std::to_string(i));
  }
  EXPECT_EQ(count("SELECT next_number FROM receipt_series WHERE series = '0001-01'"), 4);
}

TEST_F(SalesTest, TwoDevicesKeepSeparateSeriesAndNeverCollide) {
  std::vector<std::string> numbers;
  for (int i = 0; i < 4; ++i) {
    domain::Cart a = cash_paid_cart({units("A", 100)});
    numbers.push_back(sell(a, "01").receipt_number);
    domain::Cart b = cash_paid_cart({units("A", 100)});
    numbers.push_back(sell(b, "02").receipt_number);
  }
  EXPECT_EQ(numbers[0], "0001-01-00000001");
  EXPECT_EQ(numbers[1], "0001-02-00000001");
  EXPECT_EQ(numbers[7], "0001-02-00000004");
  EXPECT_EQ(count("SELECT COUNT(DISTINCT receipt_number) FROM sales_order"), 8);
}

TEST_F(SalesTest, TwoTillsWithTheirOwnReplicasDoNotCollide) {
  // The second till: its own replica file, its own node id, its own device code.
  test::TempDir other_dir{"sales-till2"};
  auto other = Replica::open(other_dir / "replica.db", clock_);
  ASSERT_TRUE(other);
  domain::Cart a = cash_paid_cart({units("A", 100)});
  domain::Cart b = cash_paid_cart({units("A", 100)});
  auto first = complete_sale(*replica_, a, context("01"), clock_);
  auto second = complete_sale(*other, b, context("02"), clock_);
  ASSERT_TRUE(first && second);
  EXPECT_NE(first->receipt_number, second->receipt_number);
  EXPECT_NE(first->order_id, second->order_id);
  EXPECT_NE(replica_->node_id(), other->node_id());
}

TEST_F(SalesTest, DeviceCodeWithASeparatorIsRefusedAndNothingWritten) {
  domain::Cart cart = cash_paid_cart({units("A", 100)});
  auto sale = complete_sale(*replica_, cart, context("0-1"), clock_);
  ASSERT_FALSE(sale);
  EXPECT_EQ(sale.error().kind(), Errc::invalid_argument);
  EXPECT_NE(sale.error().what().find("'0-1'"), std::string::npos) << sale.error().what();
  EXPECT_EQ(rows("receipt_series"), 0);
  EXPECT_EQ(rows("sales_order"), 0);
  EXPECT_EQ(cart.state(), domain::CartState::tendering);
}

}  // namespace
}  // namespace storeedge::store::testing
