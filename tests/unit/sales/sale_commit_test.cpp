// A completed sale writes every part of itself, consistently, in one commit: order, lines that sum to
// the total, tenders that settle it, stock, loyalty, a chained fiscal record, an audit entry, one
// outbox mutation, and the stored receipt.
#include <boost/json.hpp>

#include "tests/unit/sales/sales_fixture.hpp"

namespace storeedge::store::testing {
namespace {

namespace json = boost::json;

TEST_F(SalesTest, CashAndCardSaleWritesEveryPartConsistently) {
  add_customer("cust-1");
  domain::Cart cart =
      tendering_cart({units("A", 250, 3), weighed("BANANA", 199, 1250), units("C", 1000, 1, "reduced")},
                     domain::CustomerRef{"cust-1", true});
  domain::SimulatedPaymentTerminal terminal;
  ASSERT_TRUE(cart.pay_card(terminal, 1000));
  ASSERT_TRUE(cart.pay_cash(cart.ledger()->remaining() + 55));  // 0.55 change
  const domain::Cents total = cart.ledger()->total();

  const CompletedSale sale = sell(cart);
  EXPECT_EQ(cart.state(), domain::CartState::paid);
  EXPECT_EQ(sale.receipt_number, "0001-01-00000001");
  EXPECT_EQ(sale.order_id.size(), 36u);

  const std::string where = " WHERE order_id = '" + sale.order_id + "'";
  EXPECT_EQ(count("SELECT total_cents FROM sales_order" + where), total);
  EXPECT_EQ(count("SELECT SUM(net_cents) FROM order_line" + where), total);
  EXPECT_EQ(count("SELECT COUNT(*) FROM order_line" + where), 3);
  EXPECT_EQ(count("SELECT SUM(amount_cents) FROM order_tender" + where), total);
  EXPECT_EQ(count("SELECT SUM(given_cents) - SUM(change_cents) FROM order_tender" + where), total);
  EXPECT_EQ(count("SELECT SUM(change_cents) FROM order_tender" + where), 55);
  EXPECT_EQ(count("SELECT SUM(tax_cents) FROM sales_order" + where),
            count("SELECT SUM(total_tax_cents) FROM fiscal_record" + where));
  // The card keeps a token and the last four digits, nothing else.
  EXPECT_EQ(
      db().query_one<std::string>("SELECT reference || '/' || last4 FROM order_tender WHERE kind = 'card'")
          .value()
          .value(),
      "sim-000001/4242");

  EXPECT_EQ(stock_of("A"), -3);
  EXPECT_EQ(stock_of("BANANA"), -1250);  // grams for weighed items
  EXPECT_EQ(stock_of("C"), -1);

  // 1 point per whole euro paid; total 7.50 + 2.49 + 10.00 = 19.99 -> 19 points.
  EXPECT_EQ(total, 1999);
  EXPECT_EQ(loyalty_balance(db(), "cust-1").value(), 19);
  EXPECT_EQ(sale.receipt.points_earned, 19);
  EXPECT_EQ(sale.receipt.loyalty_balance, 19);

  EXPECT_EQ(rows("fiscal_record"), 1);
  EXPECT_EQ(rows("audit_log"), 1);
  EXPECT_EQ(rows("outbox"), 1);
  EXPECT_EQ(db().query_one<std::string>("SELECT kind FROM outbox").value().value(), "order.completed");
  expect_chains_verify();
}

TEST_F(SalesTest, OutboxPayloadCarriesLinesTendersStockAndLoyalty) {
  add_customer("cust-1");
  domain::Cart cart =
      cash_paid_cart({units("A", 250, 2), units("B", 100)}, 0, domain::CustomerRef{"cust-1", true});
  const CompletedSale sale = sell(cart);
  const json::object doc =
      json::parse(
          db().query_one<std::string>("SELECT payload FROM outbox JOIN outbox_payload USING (mutation_id)")
              .value()
              .value())
          .as_object();
  EXPECT_EQ(doc.at("order_id").as_string(), sale.order_id);
  EXPECT_EQ(doc.at("receipt_number").as_string(), "0001-01-00000001");
  EXPECT_EQ(doc.at("lines").as_array().size(), 2u);
  EXPECT_EQ(doc.at("tenders").as_array().size(), 1u);
  EXPECT_EQ(doc.at("stock").as_array().at(0).at("delta").as_int64(), -2);
  EXPECT_EQ(doc.at("loyalty").as_array().at(0).at("points").as_int64(), 6);
  EXPECT_EQ(doc.at("node_id").as_string(), replica_->node_id());
}

TEST_F(SalesTest, StoredReceiptIsTheReturnedReceipt) {
  domain::Cart cart = cash_paid_cart({units("A", 1210, 1), units("B", 110, 1, "reduced")}, 180);
  const CompletedSale sale = sell(cart);
  const std::string stored =
      db().query_one<std::string>("SELECT receipt FROM sales_order WHERE order_id = ?", sale.order_id)
          .value()
          .value();
  EXPECT_EQ(stored, sale.receipt.to_json());

  const json::object doc = json::parse(stored).as_object();
  EXPECT_EQ(doc.at("header").at("receipt_number").as_string(), sale.receipt_number);
  EXPECT_EQ(doc.at("header").at("cashier_id").as_string(), "cashier-7");
  EXPECT_EQ(doc.at("totals").at("total").as_int64(), 1320);
  EXPECT_EQ(doc.at("totals").at("change").as_int64(), 180);
  EXPECT_EQ(doc.at("totals").at("tendered").as_int64(), 1500);
  // Tax per rate: 12.10 at 21 % = 10.00 + 2.10; 1.10 at 10 % = 1.00 + 0.10.
  const json::array& taxes = doc.at("taxes").as_array();
  ASSERT_EQ(taxes.size(), 2u);
  EXPECT_EQ(taxes[0].at("rate_bp").as_int64(), 1000);
  EXPECT_EQ(taxes[0].at("base").as_int64(), 100);
  EXPECT_EQ(taxes[1].at("tax").as_int64(), 210);
  const std::string qr(doc.at("fiscal").at("qr_url").as_string());
  EXPECT_NE(qr.find("numserie=0001-01-00000001"), std::string::npos) << qr;
  EXPECT_EQ(doc.at("fiscal").at("hash").as_string().size(), 64u);
}

TEST_F(SalesTest, PromotionSavingsAndCardMaskAppearOnTheReceipt) {
  domain::Cart cart =
      domain::Cart::create("promo",
                           [] {
                             auto c = spain();
                             c.promotions = {domain::n_for_m("P3X2", "3x2 yogur", {"Y"}, 3, 2)};
                             return c;
                           }())
          .value();
  ASSERT_TRUE(cart.add_line(units("Y", 100, 3), unix_millis(clock_.now())));
  ASSERT_TRUE(cart.begin_tendering(unix_millis(clock_.now())));
  domain::SimulatedPaymentTerminal terminal;
  terminal.set_last4("1234");
  ASSERT_TRUE(cart.pay_card(terminal, 200));
  const CompletedSale sale = sell(cart);
  ASSERT_EQ(sale.receipt.promotions.size(), 1u);
  EXPECT_EQ(sale.receipt.promotions[0].saving, 100);
  EXPECT_EQ(sale.receipt.lines[0].promotion_saving, 100);
  EXPECT_EQ(sale.receipt.tenders[0].masked_reference, "**** 1234");
  EXPECT_EQ(sale.receipt.to_json().find("sim-"), std::string::npos);  // no token on the receipt
}

TEST_F(SalesTest, FiscalRecordsChainAcrossSales) {
  for (int i = 0; i < 5; ++i) {
    domain::Cart cart = cash_paid_cart({units("A", 100 + i)});
    sell(cart);
  }
  auto chain = read_fiscal_chain(db());
  ASSERT_TRUE(chain);
  ASSERT_EQ(chain->size(), 5u);
  EXPECT_FALSE((*chain)[0].previous);
  EXPECT_EQ((*chain)[4].previous->invoice.number, "0001-01-00000004");
  EXPECT_EQ((*chain)[4].invoice.number, "0001-01-00000005");
  expect_chains_verify();

  // A tampered amount breaks the chain where it was changed.
  ASSERT_TRUE(db().exec("UPDATE fiscal_record SET total_cents = 1 WHERE seq = 3"));
  auto tampered = read_fiscal_chain(db());
  ASSERT_TRUE(tampered);
  EXPECT_FALSE(recorder_.verify_chain(*tampered));
}

}  // namespace
}  // namespace storeedge::store::testing
