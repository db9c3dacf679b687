// Opening a till, moving cash in and out, closing it: what the cashier is allowed to do and when.
#include <gtest/gtest.h>

#include "edge/store/journal.hpp"
#include "tests/unit/shifts/shift_fixture.hpp"

namespace storeedge::store::testing {
namespace {

using LifecycleTest = ShiftTest;

TEST_F(LifecycleTest, OpenShiftIsTheDevicesCurrentShift) {
  auto shift = open_shift(db(), clock_, "01", "cashier-7", 10000);
  ASSERT_TRUE(shift) << shift.error().what();
  EXPECT_TRUE(shift->open());
  EXPECT_EQ(shift->opened_at_ms, unix_millis(clock_.now()));
  auto current = current_shift(db(), "01");
  ASSERT_TRUE(current && *current);
  EXPECT_EQ((*current)->shift_id, shift->shift_id);
  EXPECT_EQ((*current)->opening_float_cents, 10000);
  EXPECT_FALSE(current_shift(db(), "02").value());
}

TEST_F(LifecycleTest, SecondOpenShiftOnTheSameTillIsRefusedNamingTheHolder) {
  ASSERT_TRUE(open_shift(db(), clock_, "01", "cashier-7", 10000));
  clock_.advance(std::chrono::minutes(30));
  auto second = open_shift(db(), clock_, "01", "cashier-9", 5000);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().kind(), Errc::conflict);
  // ManualClock starts at 1'700'000'000 s.
  EXPECT_EQ(second.error().what(),
            "till 01 already has an open shift opened by cashier cashier-7 at 2023-11-14 22:13:20 UTC");
  EXPECT_EQ(count("SELECT COUNT(*) FROM shift"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), 1);
  // Another till is independent.
  EXPECT_TRUE(open_shift(db(), clock_, "02", "cashier-9", 5000));
}

TEST_F(LifecycleTest, BadOpeningInputIsRefused) {
  EXPECT_EQ(open_shift(db(), clock_, "", "cashier-7", 0).error().kind(), Errc::invalid_argument);
  EXPECT_EQ(open_shift(db(), clock_, "01", "", 0).error().kind(), Errc::invalid_argument);
  auto negative = open_shift(db(), clock_, "01", "cashier-7", -1);
  ASSERT_FALSE(negative);
  EXPECT_EQ(negative.error().what(), "opening float -0.01 is negative");
  EXPECT_EQ(count("SELECT COUNT(*) FROM shift"), 0);
}

TEST_F(LifecycleTest, CashMovementsNeedAPositiveAmountAndAReason) {
  auto shift = open_shift(db(), clock_, "01", "cashier-7", 10000).value();
  EXPECT_EQ(cash_in(db(), clock_, shift.shift_id, 0, "top up").error().kind(), Errc::invalid_argument);
  EXPECT_EQ(cash_out(db(), clock_, shift.shift_id, -500, "bank").error().kind(), Errc::invalid_argument);
  EXPECT_EQ(cash_in(db(), clock_, shift.shift_id, 500, "").error().kind(), Errc::invalid_argument);
  EXPECT_EQ(cash_in(db(), clock_, "no-such-shift", 500, "top up").error().kind(), Errc::not_found);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cash_movement"), 0);

  ASSERT_TRUE(cash_in(db(), clock_, shift.shift_id, 2500, "coins from the safe"));
  ASSERT_TRUE(cash_out(db(), clock_, shift.shift_id, 1000, "window cleaner"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM cash_movement"), 2);
}

TEST_F(LifecycleTest, CashOutBeyondTheDrawerIsRefused) {
  auto shift = open_shift(db(), clock_, "01", "cashier-7", 10000).value();
  ASSERT_TRUE(cash_in(db(), clock_, shift.shift_id, 500, "coins"));
  // Drawer: 100.00 float + 5.00 in = 105.00.
  auto too_much = cash_out(db(), clock_, shift.shift_id, 10501, "bank");
  ASSERT_FALSE(too_much);
  EXPECT_EQ(too_much.error().kind(), Errc::conflict);
  EXPECT_EQ(too_much.error().what(),
            "cash out of 105.01 exceeds the 105.00 expected in the drawer of till 01");
  EXPECT_TRUE(cash_out(db(), clock_, shift.shift_id, 10500, "bank"));
  EXPECT_EQ(x_report(db(), clock_, shift.shift_id).value().expected_cash_cents, 0);
}

TEST_F(LifecycleTest, ClosedShiftRefusesMovementsAndASecondClose) {
  auto shift = open_shift(db(), clock_, "01", "cashier-7", 10000).value();
  clock_.advance(std::chrono::hours(8));
  ASSERT_TRUE(close_shift(db(), clock_, shift.shift_id, 10000));
  auto in = cash_in(db(), clock_, shift.shift_id, 100, "late coins");
  ASSERT_FALSE(in);
  EXPECT_EQ(in.error().kind(), Errc::conflict);
  EXPECT_NE(in.error().what().find("was closed at 2023-11-15 06:13:20 UTC"), std::string::npos)
      << in.error().what();
  EXPECT_EQ(cash_out(db(), clock_, shift.shift_id, 100, "bank").error().kind(), Errc::conflict);
  EXPECT_EQ(close_shift(db(), clock_, shift.shift_id, 10000).error().kind(), Errc::conflict);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cash_movement"), 0);
  // The till is free again.
  EXPECT_FALSE(current_shift(db(), "01").value());
  EXPECT_TRUE(open_shift(db(), clock_, "01", "cashier-9", 10000));
}

TEST_F(LifecycleTest, EveryWriteIsAuditedAndQueuedInOrder) {
  auto shift = open_shift(db(), clock_, "01", "cashier-7", 10000).value();
  ASSERT_TRUE(cash_in(db(), clock_, shift.shift_id, 2000, "coins"));
  ASSERT_TRUE(cash_out(db(), clock_, shift.shift_id, 500, "milk for the staff room"));
  ASSERT_TRUE(close_shift(db(), clock_, shift.shift_id, 11500));
  // Refused writes leave no trace.
  ASSERT_FALSE(cash_in(db(), clock_, shift.shift_id, 100, "after close"));

  EXPECT_TRUE(verify_audit_chain(db()));
  auto actions = db().prepare("SELECT actor || ' ' || action || ' ' || subject FROM audit_log ORDER BY seq");
  ASSERT_TRUE(actions);
  std::vector<std::string> audit;
  while (actions->step().value()) audit.push_back(actions->column_text(0));
  const std::string s = shift.shift_id;
  EXPECT_EQ(audit, (std::vector<std::string>{"cashier-7 shift.opened " + s, "cashier-7 cash.in " + s,
                                             "cashier-7 cash.out " + s, "cashier-7 shift.closed " + s}));

  auto outbox = db().prepare("SELECT mutation_id, kind FROM outbox ORDER BY mutation_id");
  ASSERT_TRUE(outbox);
  std::vector<std::string> kinds;
  std::int64_t expected_id = 1;
  while (outbox->step().value()) {
    EXPECT_EQ(outbox->column_int64(0), expected_id++);
    kinds.push_back(outbox->column_text(1));
  }
  EXPECT_EQ(kinds,
            (std::vector<std::string>{"shift.opened", "cash.movement", "cash.movement", "shift.closed"}));
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox_payload WHERE payload LIKE '%\"reason\":\"milk for the staff "
                  "room\"%'"),
            1);
}

}  // namespace
}  // namespace storeedge::store::testing
