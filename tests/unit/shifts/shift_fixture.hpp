#pragma once
// A fresh replica for the shift and parked-cart tests, and a way to write completed orders the
// way the sales code does (lines with their VAT rate, tenders as amounts applied to the order).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "edge/store/replica.hpp"
#include "edge/store/shifts.hpp"
#include "tests/support/temp_dir.hpp"

namespace storeedge::store::testing {

struct TestLine {
  std::int32_t rate_bp;
  std::int64_t net_cents;
};
struct TestTender {
  std::string kind;
  std::int64_t amount_cents;
};

class ShiftTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Replica::open(dir_ / "replica.db", clock_);
    ASSERT_TRUE(r) << r.error().what();
    replica_.emplace(std::move(*r));
  }
  sqlite::Database& db() { return replica_->db(); }

  std::int64_t count(const std::string& sql) { return db().query_one<std::int64_t>(sql).value().value(); }

  void order(const std::string& id, const std::string& shift_id, const std::string& kind,
             const std::string& status, std::int64_t total, std::int64_t tax,
             const std::vector<TestLine>& lines, const std::vector<TestTender>& tenders) {
    auto ins = db().prepare(
        "INSERT INTO sales_order (order_id, kind, channel, status, store_code, device_code, shift_id, "
        "currency, "
        "total_cents, tax_cents, created_at_ms) VALUES (?, ?, 'pos', ?, 'ES-MAD-001', '01', ?, 'EUR', ?, ?, "
        "0)");
    ASSERT_TRUE(ins);
    ASSERT_TRUE(ins->bind_all(id, kind, status, shift_id, total, tax));
    ASSERT_TRUE(ins->run());
    int n = 0;
    for (const auto& l : lines) {
      auto line = db().prepare(
          "INSERT INTO order_line (order_id, line_no, sku, description, quantity, unit_price_cents, "
          "gross_cents, "
          "net_cents, tax_class, rate_bp) VALUES (?, ?, 'SKU', 'Item', 1, ?, ?, ?, 'any', ?)");
      ASSERT_TRUE(line);
      ASSERT_TRUE(line->bind_all(id, ++n, l.net_cents, l.net_cents, l.net_cents, l.rate_bp));
      ASSERT_TRUE(line->run());
    }
    n = 0;
    for (const auto& t : tenders) {
      auto tender =
          db().prepare("INSERT INTO order_tender (order_id, seq, kind, amount_cents) VALUES (?, ?, ?, ?)");
      ASSERT_TRUE(tender);
      ASSERT_TRUE(tender->bind_all(id, ++n, t.kind, t.amount_cents));
      ASSERT_TRUE(tender->run());
    }
  }

  test::TempDir dir_;
  ManualClock clock_;
  std::optional<Replica> replica_;
};

}  // namespace storeedge::store::testing
