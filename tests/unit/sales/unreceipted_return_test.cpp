// Returns without a receipt: only with a supervisor's approval, only to store credit or cash, at the
// price the till is given; restocked, R5 fiscal record, the supervisor named on receipt and audit.
#include "edge/store/returns.hpp"
#include "tests/unit/sales/sales_fixture.hpp"

namespace storeedge::store::testing {
namespace {

TEST_F(SalesTest, WithoutReceiptNeedsASupervisorAndRefundsToCreditOrCash) {
  UnreceiptedReturn req{{{"A", "Item A", "general", 2100, 1210, 2}},
                        RefundMethod::store_credit,
                        std::nullopt,
                        std::nullopt,
                        "no receipt"};
  auto denied = return_without_receipt(*replica_, req, context(), clock_);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().kind(), Errc::permission_denied);
  EXPECT_EQ(rows("sales_order"), 0);

  req.approval = domain::SupervisorApproval{"sup-1", "tok"};
  req.refund = RefundMethod::original_tender;
  auto no_original = return_without_receipt(*replica_, req, context(), clock_);
  ASSERT_FALSE(no_original);
  EXPECT_EQ(no_original.error().kind(), Errc::invalid_argument);

  req.refund = RefundMethod::store_credit;
  auto ret = return_without_receipt(*replica_, req, context(), clock_);
  ASSERT_TRUE(ret) << ret.error().what();
  EXPECT_EQ(ret->refunded, 2420);
  ASSERT_TRUE(ret->store_credit_id);
  EXPECT_EQ(count("SELECT SUM(amount_cents) FROM store_credit"), 2420);
  EXPECT_EQ(stock_of("A"), 2);
  EXPECT_EQ(ret->receipt.supervisor_id, "sup-1");
  EXPECT_EQ(count("SELECT tax_cents FROM sales_order"), -420);
  EXPECT_NE(db().query_one<std::string>("SELECT details FROM audit_log").value().value().find("sup-1"),
            std::string::npos);

  req.refund = RefundMethod::cash;
  auto cash = return_without_receipt(*replica_, req, context(), clock_);
  ASSERT_TRUE(cash);
  EXPECT_EQ(count("SELECT amount_cents FROM order_tender WHERE kind = 'cash'"), -2420);
  expect_chains_verify();
}

TEST_F(SalesTest, UnreceiptedItemsOutOfRangeAreRefusedAndNothingWritten) {
  UnreceiptedReturn req{{{"A", "Item A", "general", 2100, -5, 1}},
                        RefundMethod::cash,
                        std::nullopt,
                        domain::SupervisorApproval{"sup-1", "tok"},
                        "bad price"};
  auto bad_price = return_without_receipt(*replica_, req, context(), clock_);
  ASSERT_FALSE(bad_price);
  EXPECT_EQ(bad_price.error().kind(), Errc::invalid_argument);
  EXPECT_NE(bad_price.error().what().find("item A"), std::string::npos) << bad_price.error().what();
  req.items.clear();
  auto empty = return_without_receipt(*replica_, req, context(), clock_);
  ASSERT_FALSE(empty);
  EXPECT_EQ(rows("sales_order"), 0);
  EXPECT_EQ(rows("receipt_series"), 0);
}

}  // namespace
}  // namespace storeedge::store::testing
