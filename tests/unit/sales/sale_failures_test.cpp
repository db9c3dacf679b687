// A sale that cannot be committed leaves nothing behind: no order, no rows of any kind, the receipt
// counter unchanged, the cart still tendering so the cashier can retry; and the error says why.
#include <sqlite3.h>

#include "tests/support/fault_vfs.hpp"
#include "tests/unit/sales/sales_fixture.hpp"

namespace storeedge::store::testing {
namespace {

class SaleFailures : public SalesTest {
 protected:
  struct Snapshot {
    std::int64_t orders, lines, tenders, stock, loyalty, fiscal, audit, outbox, next_number;
    bool operator==(const Snapshot&) const = default;
  };
  Snapshot snapshot() {
    return {rows("sales_order"),
            rows("order_line"),
            rows("order_tender"),
            rows("stock_move"),
            rows("loyalty_entry"),
            rows("fiscal_record"),
            rows("audit_log"),
            rows("outbox"),
            count("SELECT COALESCE(MAX(next_number), 0) FROM receipt_series")};
  }
};

TEST_F(SaleFailures, DiskFullAtCommitLeavesNothingAndTheCounterUnchanged) {
  auto vfs = test::FaultVfs::create("storeedge-fault-sales");
  ASSERT_TRUE(vfs) << vfs.error().what();
  ReplicaOptions options;
  options.vfs = (*vfs)->name();
  open(options);
  add_customer("cust-1");
  domain::Cart first = cash_paid_cart({units("A", 100)});
  sell(first);
  const Snapshot before = snapshot();

  domain::Cart cart =
      cash_paid_cart({units("A", 250, 2), units("B", 990)}, 0, domain::CustomerRef{"cust-1", true});
  (*vfs)->fail_writes_after(0, SQLITE_FULL);
  auto sale = complete_sale(*replica_, cart, context(), clock_);
  ASSERT_FALSE(sale);
  EXPECT_EQ(sale.error().kind(), Errc::disk_full) << sale.error().what();
  EXPECT_NE(sale.error().what().find("completing sale of cart"), std::string::npos) << sale.error().what();
  EXPECT_GT((*vfs)->injected_faults(), 0);
  (*vfs)->clear();

  EXPECT_EQ(snapshot(), before);
  EXPECT_EQ(cart.state(), domain::CartState::tendering);
  expect_chains_verify();

  // Space is back: the same cart commits, with the next number.
  auto retried = complete_sale(*replica_, cart, context(), clock_);
  ASSERT_TRUE(retried) << retried.error().what();
  EXPECT_EQ(retried->receipt_number, "0001-01-00000002");
  EXPECT_EQ(rows("sales_order"), 2);
  expect_chains_verify();
  replica_.reset();
}

TEST_F(SaleFailures, FsyncFailureAtCommitLeavesNothing) {
  auto vfs = test::FaultVfs::create("storeedge-fault-sales-sync");
  ASSERT_TRUE(vfs);
  ReplicaOptions options;
  options.vfs = (*vfs)->name();
  open(options);
  const Snapshot before = snapshot();
  domain::Cart cart = cash_paid_cart({units("A", 100)});
  (*vfs)->fail_next_syncs(1);
  auto sale = complete_sale(*replica_, cart, context(), clock_);
  ASSERT_FALSE(sale);
  EXPECT_EQ(sale.error().kind(), Errc::io) << sale.error().what();
  (*vfs)->clear();
  EXPECT_EQ(snapshot(), before);
  replica_.reset();
}

TEST_F(SaleFailures, UnpaidCartIsRefused) {
  domain::Cart cart = tendering_cart({units("A", 500)});
  ASSERT_TRUE(cart.pay_cash(200));
  const Snapshot before = snapshot();
  auto sale = complete_sale(*replica_, cart, context(), clock_);
  ASSERT_FALSE(sale);
  EXPECT_EQ(sale.error().kind(), Errc::conflict);
  EXPECT_NE(sale.error().what().find("3.00 still due"), std::string::npos) << sale.error().what();
  EXPECT_EQ(snapshot(), before);
  EXPECT_EQ(cart.state(), domain::CartState::tendering);
}

TEST_F(SaleFailures, OpenCartIsRefused) {
  auto cart = domain::Cart::create("open", spain()).value();
  ASSERT_TRUE(cart.add_line(units("A", 100), 0));
  auto sale = complete_sale(*replica_, cart, context(), clock_);
  ASSERT_FALSE(sale);
  EXPECT_EQ(sale.error().kind(), Errc::conflict);
  EXPECT_NE(sale.error().what().find("is open, not tendering"), std::string::npos) << sale.error().what();
  EXPECT_EQ(rows("sales_order"), 0);
}

TEST_F(SaleFailures, MissingContextFieldsAreNamed) {
  domain::Cart cart = cash_paid_cart({units("A", 100)});
  SaleContext no_cashier = context();
  no_cashier.cashier_id.clear();
  auto a = complete_sale(*replica_, cart, no_cashier, clock_);
  ASSERT_FALSE(a);
  EXPECT_NE(a.error().what().find("cashier"), std::string::npos);
  SaleContext no_nif = context();
  no_nif.issuer_tax_id.clear();
  auto b = complete_sale(*replica_, cart, no_nif, clock_);
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().what().find("NIF"), std::string::npos);
  EXPECT_EQ(rows("sales_order"), 0);
}

TEST_F(SaleFailures, BadIssuerTaxIdFailsInsideTheTransactionAndRollsBack) {
  domain::Cart cart = cash_paid_cart({units("A", 100)});
  SaleContext bad = context();
  bad.issuer_tax_id = "NOT-A-NIF\x01";
  const Snapshot before = snapshot();
  auto sale = complete_sale(*replica_, cart, bad, clock_);
  ASSERT_FALSE(sale);
  EXPECT_EQ(sale.error().kind(), Errc::invalid_argument) << sale.error().what();
  EXPECT_EQ(snapshot(), before);  // the receipt number taken inside the transaction was rolled back
}

TEST_F(SaleFailures, UnknownShiftIsRefusedByTheSchemaAndRollsBack) {
  domain::Cart cart = cash_paid_cart({units("A", 100)});
  SaleContext ctx = context();
  ctx.shift_id = "no-such-shift";
  const Snapshot before = snapshot();
  auto sale = complete_sale(*replica_, cart, ctx, clock_);
  ASSERT_FALSE(sale);
  EXPECT_NE(sale.error().what().find("writing order"), std::string::npos) << sale.error().what();
  EXPECT_EQ(snapshot(), before);
}

TEST_F(SaleFailures, MemberUnknownToTheReplicaFailsAndRollsBack) {
  domain::Cart cart = cash_paid_cart({units("A", 500)}, 0, domain::CustomerRef{"ghost", true});
  const Snapshot before = snapshot();
  auto sale = complete_sale(*replica_, cart, context(), clock_);
  ASSERT_FALSE(sale);
  EXPECT_NE(sale.error().what().find("customer ghost"), std::string::npos) << sale.error().what();
  EXPECT_EQ(snapshot(), before);
}

}  // namespace
}  // namespace storeedge::store::testing
