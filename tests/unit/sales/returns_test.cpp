// Returns with a receipt: partial and full, never more than was sold minus already returned, refunds
// to the original tender (card through the terminal) or to store credit, stock back, earned points
// reversed, an R5 fiscal record chained after the sales, all in one commit.
#include "edge/store/returns.hpp"
#include "tests/unit/sales/sales_fixture.hpp"

namespace storeedge::store::testing {
namespace {

class Returns : public SalesTest {
 protected:
  Result<CompletedReturn> give_back(const std::string& receipt, std::vector<ReturnItem> items,
                                    RefundMethod refund = RefundMethod::original_tender) {
    auto done =
        return_with_receipt(*replica_, ReturnRequest{receipt, std::move(items), refund, "changed mind"},
                            context(), &terminal_, clock_);
    clock_.advance(std::chrono::seconds(10));
    return done;
  }
  domain::SimulatedPaymentTerminal terminal_;
};

TEST_F(Returns, PartialReturnToCashRefundsTheShareAndRestocks) {
  domain::Cart cart = cash_paid_cart({units("A", 250, 3), units("B", 1000)});
  const CompletedSale sale = sell(cart);
  auto ret = give_back(sale.receipt_number, {{1, 2}});
  ASSERT_TRUE(ret) << ret.error().what();
  EXPECT_EQ(ret->refunded, 500);
  EXPECT_EQ(ret->receipt_number, "0001-01-00000002");
  const std::string where = " WHERE order_id = '" + ret->order_id + "'";
  EXPECT_EQ(db().query_one<std::string>("SELECT kind || '/' || original_order_id FROM sales_order" + where)
                .value()
                .value(),
            "return/" + sale.order_id);
  EXPECT_EQ(count("SELECT total_cents FROM sales_order" + where), -500);
  EXPECT_EQ(count("SELECT quantity FROM order_line" + where), -2);
  EXPECT_EQ(count("SELECT original_line_no FROM order_line" + where), 1);
  EXPECT_EQ(count("SELECT amount_cents FROM order_tender" + where + " AND kind = 'cash'"), -500);
  EXPECT_EQ(stock_of("A"), -1);
  EXPECT_EQ(db().query_one<std::string>("SELECT invoice_type FROM fiscal_record" + where).value().value(),
            "R5");
  EXPECT_EQ(count("SELECT total_cents FROM fiscal_record" + where), -500);
  EXPECT_EQ(db().query_one<std::string>("SELECT kind FROM outbox WHERE entity_id = ?", ret->order_id)
                .value()
                .value(),
            "order.returned");
  EXPECT_EQ(ret->receipt.original_receipt_number, sale.receipt_number);
  expect_chains_verify();
}

TEST_F(Returns, ReturningEveryUnitInStepsRefundsExactlyTheLine) {
  // 3 units sharing a 1.00 promotion-free discount-free net of 10.00: 3.33 + 3.33 + 3.34.
  domain::Cart cart = cash_paid_cart({units("A", 1000, 1), units("B", 333, 3)});
  const CompletedSale sale = sell(cart);
  domain::Cents refunded = 0;
  for (int i = 0; i < 3; ++i) {
    auto ret = give_back(sale.receipt_number, {{2, 1}});
    ASSERT_TRUE(ret) << ret.error().what();
    refunded += ret->refunded;
  }
  EXPECT_EQ(refunded, 999);
  auto again = give_back(sale.receipt_number, {{2, 1}});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind(), Errc::conflict);
  EXPECT_NE(again.error().what().find("line 2 of 0001-01-00000001: 3 already returned of 3"),
            std::string::npos)
      << again.error().what();
}

TEST_F(Returns, AlreadyReturnedLineIsRefusedAndNothingWritten) {
  domain::Cart cart = cash_paid_cart({units("A", 100), units("B", 200)});
  const CompletedSale sale = sell(cart);
  ASSERT_TRUE(give_back(sale.receipt_number, {{2, 1}}));
  const std::int64_t orders = rows("sales_order"), outbox = rows("outbox");
  auto refused = give_back(sale.receipt_number, {{1, 1}, {2, 1}});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().what().find("line 2 of 0001-01-00000001: 1 already returned of 1"),
            std::string::npos)
      << refused.error().what();
  EXPECT_EQ(rows("sales_order"), orders);
  EXPECT_EQ(rows("outbox"), outbox);
  EXPECT_EQ(count("SELECT next_number FROM receipt_series"), 3);
}

TEST_F(Returns, CardSaleIsRefundedToTheCardThroughTheTerminal) {
  domain::Cart cart = tendering_cart({units("A", 2000), units("B", 500)});
  ASSERT_TRUE(cart.pay_card(terminal_, 2000));
  ASSERT_TRUE(cart.pay_cash(500));
  const CompletedSale sale = sell(cart);
  const int before = terminal_.requests();
  auto ret = give_back(sale.receipt_number, {{1, 1}, {2, 1}});
  ASSERT_TRUE(ret) << ret.error().what();
  EXPECT_EQ(terminal_.requests(), before + 1);
  EXPECT_EQ(count("SELECT amount_cents FROM order_tender WHERE kind = 'card' AND order_id = '" +
                  ret->order_id + "'"),
            -2000);
  EXPECT_EQ(count("SELECT amount_cents FROM order_tender WHERE kind = 'cash' AND order_id = '" +
                  ret->order_id + "'"),
            -500);
  EXPECT_EQ(ret->receipt.tenders[0].masked_reference, "**** 4242");
}

TEST_F(Returns, DeclinedCardRefundWritesNothing) {
  domain::Cart cart = tendering_cart({units("A", 2000)});
  ASSERT_TRUE(cart.pay_card(terminal_, 2000));
  const CompletedSale sale = sell(cart);
  terminal_.decline_next("refund not allowed");
  auto ret = give_back(sale.receipt_number, {{1, 1}});
  ASSERT_FALSE(ret);
  EXPECT_EQ(ret.error().kind(), Errc::conflict);
  EXPECT_NE(ret.error().what().find("refund not allowed"), std::string::npos);
  EXPECT_EQ(rows("sales_order"), 1);
  EXPECT_EQ(count("SELECT next_number FROM receipt_series"), 2);
}

TEST_F(Returns, RefundToStoreCreditCreatesACreditForTheCustomer) {
  add_customer("cust-1");
  domain::Cart cart = cash_paid_cart({units("A", 1500)}, 0, domain::CustomerRef{"cust-1", true});
  const CompletedSale sale = sell(cart);
  EXPECT_EQ(loyalty_balance(db(), "cust-1").value(), 15);
  auto ret = give_back(sale.receipt_number, {{1, 1}}, RefundMethod::store_credit);
  ASSERT_TRUE(ret) << ret.error().what();
  ASSERT_TRUE(ret->store_credit_id);
  EXPECT_EQ(count("SELECT amount_cents FROM store_credit WHERE credit_id = '" + *ret->store_credit_id +
                  "' AND customer_id = 'cust-1'"),
            1500);
  // The 15 points earned on the sale are taken back.
  EXPECT_EQ(loyalty_balance(db(), "cust-1").value(), 0);
  EXPECT_EQ(ret->receipt.loyalty_balance, 0);
  expect_chains_verify();
}

TEST_F(Returns, OnlineOrderOfTheStoreCanBeReturnedAtTheTill) {
  ASSERT_TRUE(db().exec(
      "INSERT INTO sales_order (order_id, kind, channel, status, store_code, receipt_number, currency, "
      "total_cents, "
      "tax_cents, created_at_ms) VALUES ('web-1', 'sale', 'web', 'collected', '0001', 'W-000777', 'EUR', "
      "3000, 520, 0);"
      "INSERT INTO order_line (order_id, line_no, sku, description, quantity, unit_price_cents, gross_cents, "
      "net_cents, tax_class, rate_bp) VALUES ('web-1', 1, 'SHOE', 'Shoe', 1, 3000, 3000, 3000, 'general', "
      "2100);"
      "INSERT INTO order_tender (order_id, seq, kind, amount_cents, reference, last4) "
      "VALUES ('web-1', 1, 'card', 3000, 'psp-9', '1111');"));
  auto ret = give_back("W-000777", {{1, 1}});
  ASSERT_TRUE(ret) << ret.error().what();
  EXPECT_EQ(ret->refunded, 3000);
  EXPECT_EQ(stock_of("SHOE"), 1);
}

// An online order pulled from the hub has no receipt number and no tenders here (paid online): it
// is returned by its order id, refunded in cash, and the return names it as its original.
TEST_F(Returns, OnlineOrderWithoutReceiptNumberIsReturnedByItsOrderId) {
  ASSERT_TRUE(db().exec(
      "INSERT INTO sales_order (order_id, kind, channel, status, store_code, customer_id, currency, "
      "total_cents, tax_cents, created_at_ms) VALUES ('web-2', 'sale', 'web', 'collected', '0001', "
      "'cust-ana', 'EUR', 2000, 347, 0);"
      "INSERT INTO order_line (order_id, line_no, sku, description, quantity, unit_price_cents, gross_cents, "
      "net_cents, tax_class, rate_bp) VALUES ('web-2', 1, 'MUG', 'Mug', 2, 1000, 2000, 2000, 'general', "
      "2100);"));
  auto ret = give_back("web-2", {{1, 1}});
  ASSERT_TRUE(ret) << ret.error().what();
  EXPECT_EQ(ret->refunded, 1000);
  EXPECT_EQ(stock_of("MUG"), 1);
  const std::string where = " WHERE order_id = '" + ret->order_id + "'";
  EXPECT_EQ(
      db().query_one<std::string>("SELECT original_order_id || '/' || customer_id FROM sales_order" + where)
          .value()
          .value(),
      "web-2/cust-ana");
  EXPECT_EQ(count("SELECT amount_cents FROM order_tender" + where + " AND kind = 'cash'"), -1000);
  auto pending = db().exec(
      "INSERT INTO sales_order (order_id, kind, channel, status, store_code, currency, total_cents, "
      "tax_cents, "
      "created_at_ms) VALUES ('web-3', 'sale', 'web', 'pending', '0001', 'EUR', 500, 87, 0)");
  ASSERT_TRUE(pending);
  auto not_yet = give_back("web-3", {{1, 1}});
  ASSERT_FALSE(not_yet);
  EXPECT_EQ(not_yet.error().kind(), Errc::conflict) << "an order not collected yet cannot come back";
}

TEST_F(Returns, BadRequestsAreClearErrors) {
  domain::Cart cart = cash_paid_cart({units("A", 100)});
  const CompletedSale sale = sell(cart);
  auto unknown = give_back("0001-01-99999999", {{1, 1}});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind(), Errc::not_found);
  auto no_line = give_back(sale.receipt_number, {{7, 1}});
  ASSERT_FALSE(no_line);
  EXPECT_NE(no_line.error().what().find("has no line 7"), std::string::npos);
  auto zero = give_back(sale.receipt_number, {{1, 0}});
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().kind(), Errc::invalid_argument);
  auto twice = give_back(sale.receipt_number, {{1, 1}, {1, 1}});
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().what().find("listed twice"), std::string::npos);
  auto empty = give_back(sale.receipt_number, {});
  ASSERT_FALSE(empty);
  EXPECT_EQ(rows("sales_order"), 1);
  EXPECT_EQ(count("SELECT next_number FROM receipt_series"), 2);
}

}  // namespace
}  // namespace storeedge::store::testing
