// Online orders handed over at the store: what the counter lists, marking ready, collecting, and
// the refusals a cashier must see (unknown, another store's, not ready, already collected,
// cancelled online). Each move writes its status, audit entry and "order.status" mutation together.
#include "edge/store/pickups.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "edge/store/journal.hpp"
#include "edge/store/replica.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/store/replica_fixture.hpp"

namespace storeedge::store {
namespace {

namespace json = boost::json;

class PickupTest : public testing::ReplicaTest {
 protected:
  // An online order as the puller writes it (sync/client/change_apply.cpp).
  void online_order(const std::string& id, const std::string& status, const std::string& store = "0042",
                    std::int64_t created = 1'000, const std::string& channel = "web") {
    ASSERT_TRUE(db().exec(
        "INSERT INTO sales_order (order_id, kind, channel, status, store_code, customer_id, currency, "
        "total_cents, tax_cents, created_at_ms) VALUES ('" +
        id + "', 'sale', '" + channel + "', '" + status + "', '" + store +
        "', 'cust-ana', 'EUR', 2598, 451, " + std::to_string(created) + ")"));
    ASSERT_TRUE(
        db().exec("INSERT INTO order_line (order_id, line_no, sku, description, quantity, unit_price_cents, "
                  "gross_cents, "
                  "net_cents, tax_class, rate_bp) VALUES ('" +
                  id + "', 1, 'SKU-1', 'Kettle', 2, 1299, 2598, 2598, 'general', 2100)"));
  }

  std::string status_of(const std::string& id) {
    return db()
        .query_one<std::string>("SELECT status FROM sales_order WHERE order_id = ?", id)
        .value()
        .value();
  }

  void expect_refused(const Result<Pickup>& r, Errc kind, const std::string& words) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), kind) << r.error().what();
    EXPECT_NE(r.error().message().find(words), std::string::npos) << r.error().message();
    EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), outbox_before_) << "a refusal queues nothing";
  }

  std::int64_t outbox_before_ = 0;
};

TEST_F(PickupTest, TheCounterListsTheStoresOpenOnlineOrdersOldestFirst) {
  online_order("web-2", "ready_for_pickup", "0042", 2'000);
  online_order("web-1", "pending", "0042", 1'000, "app");
  online_order("web-3", "collected", "0042", 3'000);
  online_order("web-4", "cancelled", "0042", 4'000);
  online_order("web-5", "pending", "0043", 5'000);
  auto list = open_pickups(db(), "0042");
  ASSERT_TRUE(list) << list.error().what();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].order_id, "web-1");
  EXPECT_EQ((*list)[0].channel, "app");
  EXPECT_EQ((*list)[1].order_id, "web-2");
  EXPECT_EQ((*list)[1].status, "ready_for_pickup");
  ASSERT_EQ((*list)[1].lines.size(), 1u);
  EXPECT_EQ((*list)[1].lines[0].description, "Kettle");
  EXPECT_EQ((*list)[1].lines[0].quantity, 2);
}

TEST_F(PickupTest, ReadyThenCollectedEachReportTheirStatusToTheHub) {
  online_order("web-1", "pending");
  auto ready = mark_pickup_ready(db(), "0042", "web-1", "till-07", clock_);
  ASSERT_TRUE(ready) << ready.error().what();
  EXPECT_EQ(ready->status, "ready_for_pickup");
  auto again = mark_pickup_ready(db(), "0042", "web-1", "till-07", clock_);
  ASSERT_TRUE(again) << again.error().what();
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), 1) << "marking ready twice is reported once";

  auto collected = collect_pickup(db(), "0042", "web-1", "till-07", clock_);
  ASSERT_TRUE(collected) << collected.error().what();
  EXPECT_EQ(collected->status, "collected");
  EXPECT_EQ(status_of("web-1"), "collected");

  auto payload =
      json::parse(
          db().query_one<std::string>(
                  "SELECT payload FROM outbox JOIN outbox_payload USING (mutation_id) WHERE mutation_id = 2")
              .value()
              .value())
          .as_object();
  EXPECT_EQ(db().query_one<std::string>("SELECT kind FROM outbox WHERE mutation_id = 2").value(),
            "order.status");
  EXPECT_EQ(payload["order_id"], "web-1");
  EXPECT_EQ(payload["status"], "collected");
  EXPECT_EQ(payload["at_ms"], 1'700'000'000'000);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'pickup.collected' AND subject = 'web-1'"),
            1);
  EXPECT_TRUE(verify_audit_chain(db()));
  auto list = open_pickups(db(), "0042");
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->empty()) << "a collected order leaves the counter's list";
}

TEST_F(PickupTest, TheCounterIsToldWhyAnOrderCannotBeHandedOver) {
  online_order("web-pending", "pending");
  online_order("web-done", "collected");
  online_order("web-cancelled", "cancelled");
  online_order("web-other", "ready_for_pickup", "0043");
  ASSERT_TRUE(
      db().exec("INSERT INTO sales_order (order_id, kind, channel, status, store_code, currency, "
                "total_cents, tax_cents, created_at_ms) VALUES ('pos-1', 'sale', 'pos', 'completed', "
                "'0042', 'EUR', 100, 17, 1)"));
  outbox_before_ = count("SELECT COUNT(*) FROM outbox");

  expect_refused(collect_pickup(db(), "0042", "web-unknown", "till-07", clock_), Errc::not_found,
                 "no online order web-unknown");
  expect_refused(collect_pickup(db(), "0042", "pos-1", "till-07", clock_), Errc::not_found,
                 "no online order");
  expect_refused(collect_pickup(db(), "0042", "web-other", "till-07", clock_), Errc::conflict,
                 "is for store 0043");
  expect_refused(collect_pickup(db(), "0042", "web-pending", "till-07", clock_), Errc::conflict,
                 "not ready for pickup yet");
  expect_refused(collect_pickup(db(), "0042", "web-done", "till-07", clock_), Errc::conflict,
                 "already collected");
  expect_refused(collect_pickup(db(), "0042", "web-cancelled", "till-07", clock_), Errc::conflict,
                 "cancelled online");
  expect_refused(mark_pickup_ready(db(), "0042", "web-cancelled", "till-07", clock_), Errc::conflict,
                 "cancelled online");
  EXPECT_EQ(status_of("web-pending"), "pending");
  EXPECT_EQ(status_of("web-cancelled"), "cancelled");
}

}  // namespace
}  // namespace storeedge::store
