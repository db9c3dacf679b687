// Exchanges in one transaction: the returned items come back (R5, stock in, points reversed), the new
// items are sold (F2, stock out, points earned), and the customer pays or gets back only the
// difference. A refused or failed exchange writes nothing at all.
#include <sqlite3.h>

#include <algorithm>

#include "edge/store/exchange.hpp"
#include "tests/support/fault_vfs.hpp"
#include "tests/unit/sales/sales_fixture.hpp"

namespace storeedge::store::testing {
namespace {

class Exchanges : public SalesTest {
 protected:
  // Sells A at 10.00 and B at 5.00 for cash; the exchange takes A back.
  CompletedSale sell_a_and_b(std::optional<domain::CustomerRef> customer = std::nullopt) {
    domain::Cart cart = cash_paid_cart({units("A", 1000), units("B", 500)}, 0, customer);
    return sell(cart);
  }
  ExchangeRequest take_back_a(const CompletedSale& sale, std::int64_t quantity = 1) {
    return ExchangeRequest{sale.receipt_number, {{1, quantity}}, RefundMethod::cash, "wrong size"};
  }
  // Quotes the exchange and tenders its credit on `cart` first, as the till does.
  ExchangeQuote quote_onto(const ExchangeRequest& request, domain::Cart& cart) {
    auto quote = quote_exchange(*replica_, request, clock_);
    EXPECT_TRUE(quote) << quote.error().what();
    if (!quote) return {};
    const domain::Cents credit = std::min(quote->value, cart.ledger()->remaining());
    EXPECT_TRUE(cart.pay_store_credit(domain::StoreCreditTender{quote->credit_id, quote->value, credit}));
    return *quote;
  }
  Result<CompletedExchange> run(const ExchangeRequest& request, const ExchangeQuote& quote,
                                domain::Cart& cart) {
    return exchange(*replica_, request, quote, cart, context(), &terminal_, clock_);
  }
  std::string text(const std::string& sql, const std::string& arg) {
    return db().query_one<std::string>(sql, arg).value().value_or("<none>");
  }
  std::int64_t tender(const std::string& order_id, const std::string& kind) {
    return count("SELECT COALESCE(SUM(amount_cents), 0) FROM order_tender WHERE order_id = '" + order_id +
                 "' AND kind = '" + kind + "'");
  }
  struct Snapshot {
    std::int64_t orders, lines, tenders, stock, loyalty, credit, fiscal, audit, outbox, next_number;
    bool operator==(const Snapshot&) const = default;
  };
  Snapshot snapshot() {
    return {rows("sales_order"),   rows("order_line"),
            rows("order_tender"),  rows("stock_move"),
            rows("loyalty_entry"), rows("store_credit"),
            rows("fiscal_record"), rows("audit_log"),
            rows("outbox"),        count("SELECT COALESCE(MAX(next_number), 0) FROM receipt_series")};
  }
  domain::SimulatedPaymentTerminal terminal_;
};

TEST_F(Exchanges, EvenExchangeMovesNoMoneyAndLinksTwoFiscalRecords) {
  const CompletedSale sale = sell_a_and_b();
  const ExchangeRequest request = take_back_a(sale);
  domain::Cart cart = tendering_cart({units("C", 1000)});
  const ExchangeQuote quote = quote_onto(request, cart);
  EXPECT_EQ(quote.value, 1000);
  EXPECT_TRUE(cart.ledger()->fully_paid());

  auto done = run(request, quote, cart);
  ASSERT_TRUE(done) << done.error().what();
  EXPECT_EQ(done->difference, 0);
  EXPECT_EQ(cart.state(), domain::CartState::paid);
  EXPECT_EQ(done->returned.receipt_number, "0001-01-00000002");
  EXPECT_EQ(done->sale.receipt_number, "0001-01-00000003");
  EXPECT_EQ(done->sale.receipt.kind, "exchange");

  const std::string ret = done->returned.order_id, ex = done->sale.order_id;
  EXPECT_EQ(text("SELECT kind || '/' || original_order_id FROM sales_order WHERE order_id = ?", ret),
            "return/" + sale.order_id);
  EXPECT_EQ(text("SELECT kind || '/' || original_order_id FROM sales_order WHERE order_id = ?", ex),
            "exchange/" + ret);
  EXPECT_EQ(count("SELECT original_line_no FROM order_line WHERE order_id = '" + ret + "'"), 1);
  EXPECT_EQ(text("SELECT invoice_type FROM fiscal_record WHERE order_id = ?", ret), "R5");
  EXPECT_EQ(text("SELECT invoice_type FROM fiscal_record WHERE order_id = ?", ex), "F2");
  // The value crosses as a store credit issued and spent in the same commit; no cash moved.
  EXPECT_EQ(tender(ret, "store_credit"), -1000);
  EXPECT_EQ(tender(ex, "store_credit"), 1000);
  EXPECT_EQ(count("SELECT COUNT(*) FROM order_tender WHERE kind <> 'store_credit' AND order_id IN ('" + ret +
                  "', '" + ex + "')"),
            0);
  EXPECT_EQ(count("SELECT COALESCE(SUM(amount_cents), 0) FROM store_credit"), 0);
  EXPECT_EQ(stock_of("A"), 0);
  EXPECT_EQ(stock_of("C"), -1);
  EXPECT_EQ(text("SELECT group_concat(kind, ',') FROM (SELECT kind FROM outbox WHERE mutation_id > ? "
                 "ORDER BY mutation_id)",
                 "1"),
            "order.returned,order.completed");
  expect_chains_verify();
}

TEST_F(Exchanges, CustomerPaysOnlyTheDifferenceAndLoyaltyFollowsWhatTheyKeep) {
  add_customer("cust-1");
  const CompletedSale sale = sell_a_and_b(domain::CustomerRef{"cust-1", true});
  ASSERT_EQ(count("SELECT SUM(points) FROM loyalty_entry WHERE customer_id = 'cust-1'"), 15);
  domain::Cart cart = tendering_cart({units("D", 1500)}, domain::CustomerRef{"cust-1", true});
  const ExchangeQuote quote = quote_onto(take_back_a(sale), cart);
  ASSERT_TRUE(cart.pay_cash(1000));  // 5.00 due after the 10.00 credit; 5.00 change

  auto done = run(take_back_a(sale), quote, cart);
  ASSERT_TRUE(done) << done.error().what();
  EXPECT_EQ(done->difference, 500);
  const std::string ex = done->sale.order_id;
  EXPECT_EQ(tender(ex, "cash"), 500);
  EXPECT_EQ(tender(ex, "store_credit"), 1000);
  EXPECT_EQ(done->sale.receipt.change, 500);
  EXPECT_EQ(count("SELECT total_cents FROM sales_order WHERE order_id = '" + ex + "'"), 1500);
  // 15 earned on A + B, 10 of them taken back with A, 15 earned on D.
  EXPECT_EQ(count("SELECT SUM(points) FROM loyalty_entry WHERE customer_id = 'cust-1'"), 20);
  EXPECT_EQ(done->sale.receipt.loyalty_balance, 20);
  expect_chains_verify();
}

TEST_F(Exchanges, CustomerGetsTheDifferenceBackAndTheNewItemsCanBeReturnedLater) {
  const CompletedSale sale = sell_a_and_b();
  domain::Cart cart = tendering_cart({units("E", 300)});
  const ExchangeQuote quote = quote_onto(take_back_a(sale), cart);  // the credit covers it all

  auto done = run(take_back_a(sale), quote, cart);
  ASSERT_TRUE(done) << done.error().what();
  EXPECT_EQ(done->difference, -700);
  const std::string ret = done->returned.order_id;
  EXPECT_EQ(tender(ret, "store_credit"), -300);
  EXPECT_EQ(tender(ret, "cash"), -700);
  EXPECT_EQ(tender(done->sale.order_id, "store_credit"), 300);
  EXPECT_EQ(count("SELECT COALESCE(SUM(amount_cents), 0) FROM store_credit"), 0);

  auto back = return_with_receipt(
      *replica_, ReturnRequest{done->sale.receipt_number, {{1, 1}}, RefundMethod::cash, "changed mind"},
      context(), &terminal_, clock_);
  ASSERT_TRUE(back) << back.error().what();
  EXPECT_EQ(back->refunded, 300);
  EXPECT_EQ(stock_of("E"), 0);
  expect_chains_verify();
}

TEST_F(Exchanges, ReturningMoreThanSoldIsRefusedWithNothingWritten) {
  const CompletedSale sale = sell_a_and_b();
  domain::Cart cart = tendering_cart({units("C", 1000)});
  const ExchangeQuote quote = quote_onto(take_back_a(sale), cart);
  const Snapshot before = snapshot();
  auto refused = quote_exchange(*replica_, take_back_a(sale, 2), clock_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind(), Errc::conflict);

  auto done = run(take_back_a(sale, 2), quote, cart);
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().kind(), Errc::conflict) << done.error().what();
  EXPECT_NE(done.error().what().find("cannot return 2"), std::string::npos) << done.error().what();
  EXPECT_EQ(snapshot(), before);
  EXPECT_EQ(cart.state(), domain::CartState::tendering);

  // A cart that is not fully paid, or pays without the quoted credit, is refused the same way.
  domain::Cart unpaid = tendering_cart({units("D", 1500)});
  const ExchangeQuote unpaid_quote = quote_onto(take_back_a(sale), unpaid);
  auto short_paid = run(take_back_a(sale), unpaid_quote, unpaid);
  ASSERT_FALSE(short_paid);
  EXPECT_EQ(short_paid.error().kind(), Errc::conflict) << short_paid.error().what();
  domain::Cart cash_only = cash_paid_cart({units("C", 1000)});
  auto no_credit = run(take_back_a(sale), quote, cash_only);
  ASSERT_FALSE(no_credit);
  EXPECT_NE(no_credit.error().what().find("must carry the exchange credit"), std::string::npos)
      << no_credit.error().what();
  EXPECT_EQ(snapshot(), before);
}

TEST_F(Exchanges, FailedCommitLeavesNothingAndTheSameExchangeSucceedsAfter) {
  auto vfs = test::FaultVfs::create("storeedge-fault-exchange");
  ASSERT_TRUE(vfs) << vfs.error().what();
  ReplicaOptions options;
  options.vfs = (*vfs)->name();
  open(options);
  const CompletedSale sale = sell_a_and_b();
  domain::Cart cart = tendering_cart({units("D", 1500)});
  const ExchangeQuote quote = quote_onto(take_back_a(sale), cart);
  ASSERT_TRUE(cart.pay_cash(500));
  const Snapshot before = snapshot();

  (*vfs)->fail_writes_after(0, SQLITE_IOERR);
  auto done = run(take_back_a(sale), quote, cart);
  ASSERT_FALSE(done);
  EXPECT_GT((*vfs)->injected_faults(), 0);
  EXPECT_NE(done.error().what().find("exchanging items of receipt"), std::string::npos)
      << done.error().what();
  (*vfs)->clear();
  EXPECT_EQ(snapshot(), before);
  EXPECT_EQ(cart.state(), domain::CartState::tendering);
  expect_chains_verify();

  auto retried = run(take_back_a(sale), quote, cart);
  ASSERT_TRUE(retried) << retried.error().what();
  EXPECT_EQ(retried->returned.receipt_number, "0001-01-00000002");
  EXPECT_EQ(rows("sales_order"), 3);
  expect_chains_verify();
  replica_.reset();  // closes (and checkpoints) through the fault VFS while it still exists
}

}  // namespace
}  // namespace storeedge::store::testing
