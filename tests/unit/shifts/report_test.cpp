// X and Z reports: the figures a cashier and a store manager check at the end of a shift, worked
// out by hand below.
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "tests/unit/shifts/shift_fixture.hpp"

namespace storeedge::store::testing {
namespace {

class ReportTest : public ShiftTest {
 protected:
  // Float 100.00, then:
  //  sale A  10.00 @21% + 5.50 @10% = 15.50, paid 15.50 cash (customer gave 20.00, change 4.50 is not
  //          stored: the tender is the amount applied). VAT: 10.00 -> base 8.26 tax 1.74;
  //          5.50 -> base 5.00 tax 0.50; order tax 2.24.
  //  sale B  20.00 @21% + 4.00 @4% = 24.00, paid 20.00 card + 4.00 cash. VAT: 20.00 -> base 16.53
  //          (1652.89) tax 3.47; 4.00 -> base 3.85 (384.6) tax 0.15; order tax 3.62.
  //  sale C  cancelled, 9.99 cash: not counted.
  //  return R  -10.00 @21%, refunded 10.00 cash. VAT: base -8.26 tax -1.74.
  //  an order of another shift (50.00 cash): not counted.
  //  cash in 50.00, cash out 20.00.
  void SetUp() override {
    ShiftTest::SetUp();
    shift_ = open_shift(db(), clock_, "01", "cashier-7", 10000).value();
    const std::string s = shift_.shift_id;
    order("A", s, "sale", "completed", 1550, 224, {{2100, 1000}, {1000, 550}}, {{"cash", 1550}});
    order("B", s, "sale", "completed", 2400, 362, {{2100, 2000}, {400, 400}},
          {{"card", 2000}, {"cash", 400}});
    order("C", s, "sale", "cancelled", 999, 173, {{2100, 999}}, {{"cash", 999}});
    order("R", s, "return", "completed", -1000, -174, {{2100, -1000}}, {{"cash", -1000}});
    auto other = open_shift(db(), clock_, "02", "cashier-9", 0).value();
    order("D", other.shift_id, "sale", "completed", 5000, 868, {{2100, 5000}}, {{"cash", 5000}});
    ASSERT_TRUE(cash_in(db(), clock_, s, 5000, "change top-up"));
    ASSERT_TRUE(cash_out(db(), clock_, s, 2000, "safe drop"));
  }

  Shift shift_;
};

TEST_F(ReportTest, XReportFiguresMatchTheHandCalculation) {
  clock_.advance(std::chrono::hours(2));
  auto x = x_report(db(), clock_, shift_.shift_id);
  ASSERT_TRUE(x) << x.error().what();
  EXPECT_EQ(x->generated_at_ms, unix_millis(clock_.now()));
  EXPECT_EQ(x->sales_count, 2);
  EXPECT_EQ(x->sales_total_cents, 1550 + 2400);
  EXPECT_EQ(x->returns_count, 1);
  EXPECT_EQ(x->returns_total_cents, -1000);
  EXPECT_EQ(x->exchanges_count, 0);
  EXPECT_EQ(x->net_total_cents, 2950);
  EXPECT_EQ(x->tax_total_cents, 224 + 362 - 174);

  ASSERT_EQ(x->tenders.size(), 2u);
  EXPECT_EQ(x->tenders[0].kind, "card");
  EXPECT_EQ(x->tenders[0].count, 1);
  EXPECT_EQ(x->tenders[0].net_cents, 2000);
  EXPECT_EQ(x->tenders[1].kind, "cash");
  EXPECT_EQ(x->tenders[1].count, 3);
  EXPECT_EQ(x->tenders[1].taken_cents, 1550 + 400);
  EXPECT_EQ(x->tenders[1].refunded_cents, 1000);
  EXPECT_EQ(x->tenders[1].net_cents, 950);

  ASSERT_EQ(x->taxes.size(), 3u);
  EXPECT_EQ(x->taxes[0].rate_bp, 400);
  EXPECT_EQ(x->taxes[0].gross_cents, 400);
  EXPECT_EQ(x->taxes[0].base_cents, 385);
  EXPECT_EQ(x->taxes[0].tax_cents, 15);
  EXPECT_EQ(x->taxes[1].rate_bp, 1000);
  EXPECT_EQ(x->taxes[1].base_cents, 500);
  EXPECT_EQ(x->taxes[1].tax_cents, 50);
  EXPECT_EQ(x->taxes[2].rate_bp, 2100);
  EXPECT_EQ(x->taxes[2].gross_cents, 1000 + 2000 - 1000);
  EXPECT_EQ(x->taxes[2].base_cents, 826 + 1653 - 826);
  EXPECT_EQ(x->taxes[2].tax_cents, 174 + 347 - 174);

  EXPECT_EQ(x->cash_in_cents, 5000);
  EXPECT_EQ(x->cash_out_cents, 2000);
  EXPECT_EQ(x->cash_movement_count, 2);
  // 100.00 float + 9.50 net cash tenders + 50.00 in - 20.00 out = 139.50
  EXPECT_EQ(x->expected_cash_cents, 13950);
}

TEST_F(ReportTest, XReportWritesNothing) {
  const auto before = count("SELECT COUNT(*) FROM audit_log") + count("SELECT COUNT(*) FROM outbox");
  ASSERT_TRUE(x_report(db(), clock_, shift_.shift_id));
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log") + count("SELECT COUNT(*) FROM outbox"), before);
  EXPECT_EQ(x_report(db(), clock_, "nope").error().kind(), Errc::not_found);
}

TEST_F(ReportTest, ZReportOverIsStoredAndQueued) {
  clock_.advance(std::chrono::hours(8));
  auto z = close_shift(db(), clock_, shift_.shift_id, 14000);
  ASSERT_TRUE(z) << z.error().what();
  EXPECT_EQ(z->x.expected_cash_cents, 13950);
  EXPECT_EQ(z->counted_cash_cents, 14000);
  EXPECT_EQ(z->difference_cents, 50);  // 0.50 over
  EXPECT_EQ(z->closed_at_ms, unix_millis(clock_.now()));

  const Shift closed = find_shift(db(), shift_.shift_id).value();
  EXPECT_EQ(closed.closed_at_ms, z->closed_at_ms);
  EXPECT_EQ(closed.counted_cash_cents, 14000);

  const std::string stored =
      db().query_one<std::string>("SELECT z_report FROM shift WHERE shift_id = ?", shift_.shift_id)
          .value()
          .value();
  EXPECT_EQ(stored, z->to_json());
  const boost::json::object doc = boost::json::parse(stored).as_object();
  EXPECT_EQ(doc.at("difference_cents").as_int64(), 50);
  EXPECT_EQ(doc.at("expected_cash_cents").as_int64(), 13950);
  EXPECT_EQ(doc.at("sales_count").as_int64(), 2);
  EXPECT_EQ(doc.at("tenders").as_array().size(), 2u);
  EXPECT_EQ(doc.at("taxes").as_array().at(2).as_object().at("tax_cents").as_int64(), 347);

  auto payload = db().query_one<std::string>(
      "SELECT payload FROM outbox JOIN outbox_payload USING (mutation_id) WHERE kind = 'shift.closed' AND "
      "entity_id = ?",
      shift_.shift_id);
  ASSERT_TRUE(payload && *payload);
  EXPECT_EQ(**payload, stored);
}

TEST_F(ReportTest, ZReportShort) {
  auto z = close_shift(db(), clock_, shift_.shift_id, 13900);
  ASSERT_TRUE(z) << z.error().what();
  EXPECT_EQ(z->difference_cents, -50);  // 0.50 short
  EXPECT_EQ(boost::json::parse(z->to_json()).as_object().at("counted_cash_cents").as_int64(), 13900);
}

TEST_F(ReportTest, NegativeCountIsRefusedAndTheShiftStaysOpen) {
  auto z = close_shift(db(), clock_, shift_.shift_id, -1);
  ASSERT_FALSE(z);
  EXPECT_EQ(z.error().kind(), Errc::invalid_argument);
  EXPECT_TRUE(find_shift(db(), shift_.shift_id).value().open());
}

}  // namespace
}  // namespace storeedge::store::testing
