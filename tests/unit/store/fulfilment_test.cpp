// An online order's fulfilment (replica schema version 7): pickups are what the counter hands over,
// ship-from-store orders have their own list and are never handed over at the counter.
#include <gtest/gtest.h>

#include "edge/store/pickups.hpp"
#include "edge/store/replica.hpp"
#include "platform/sqlite/migrations.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/store/replica_fixture.hpp"

namespace storeedge::store {
namespace {

class FulfilmentTest : public testing::ReplicaTest {
 protected:
  // An online order as the puller writes it (sync/client/change_apply.cpp).
  void online_order(const std::string& id, const std::string& fulfilment, const std::string& status,
                    std::int64_t created) {
    ASSERT_TRUE(db().exec(
        "INSERT INTO sales_order (order_id, kind, channel, status, store_code, customer_id, currency, "
        "total_cents, tax_cents, created_at_ms, fulfilment) VALUES ('" +
        id + "', 'sale', 'web', '" + status + "', '0042', 'cust-ana', 'EUR', 2598, 451, " +
        std::to_string(created) + ", '" + fulfilment + "')"));
  }
};

std::vector<std::string> ids(const Result<std::vector<Pickup>>& list) {
  std::vector<std::string> out;
  if (list)
    for (const auto& p : *list) out.push_back(p.order_id);
  return out;
}

TEST_F(FulfilmentTest, PickupsAndShipmentsAreListedApart) {
  online_order("web-pick", "pickup", "pending", 1'000);
  online_order("web-ship-1", "ship_from_store", "pending", 2'000);
  online_order("web-ship-2", "ship_from_store", "ready_for_pickup", 3'000);
  online_order("web-ship-done", "ship_from_store", "collected", 4'000);

  auto pickups = open_pickups(db(), "0042");
  ASSERT_TRUE(pickups) << pickups.error().what();
  EXPECT_EQ(ids(pickups), std::vector<std::string>{"web-pick"});
  EXPECT_EQ(pickups->front().fulfilment, "pickup");

  auto shipments = open_shipments(db(), "0042");
  ASSERT_TRUE(shipments) << shipments.error().what();
  EXPECT_EQ(ids(shipments), (std::vector<std::string>{"web-ship-1", "web-ship-2"}));
  EXPECT_EQ(shipments->front().fulfilment, "ship_from_store");
}

TEST_F(FulfilmentTest, AShipFromStoreOrderIsNotHandedOverAtTheCounter) {
  online_order("web-ship", "ship_from_store", "pending", 1'000);
  const auto outbox = count("SELECT COUNT(*) FROM outbox");
  auto ready = mark_pickup_ready(db(), "0042", "web-ship", "till-01", clock_);
  ASSERT_FALSE(ready);
  EXPECT_EQ(ready.error().kind(), Errc::conflict);
  EXPECT_NE(ready.error().message().find("ship_from_store"), std::string::npos) << ready.error().message();
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), outbox) << "a refusal queues nothing";
  EXPECT_EQ(count("SELECT COUNT(*) FROM sales_order WHERE order_id = 'web-ship' AND status = 'pending'"), 1);
}

// A customer asks where their parcel is: the shipped orders list what each left the store with,
// most recently shipped first, whether this till shipped it or another till did (the puller records
// what the hub reports). A refused shipment records nothing.
TEST_F(FulfilmentTest, ShippedOrdersAreListedWithTheirTrackingReferenceNewestFirst) {
  online_order("web-ship-a", "ship_from_store", "ready_for_pickup", 1'000);
  online_order("web-ship-b", "ship_from_store", "collected", 2'000);  // shipped at another till
  online_order("web-ship-old", "ship_from_store", "collected", 500);  // shipped before schema 10
  online_order("web-pick", "pickup", "collected", 3'000);

  auto refused = ship_shipment(db(), "0042", "web-ship-a", Shipment{"", "DHL"}, "till-01", clock_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind(), Errc::invalid_argument);
  EXPECT_EQ(count("SELECT COUNT(*) FROM shipment"), 0);

  ASSERT_TRUE(record_shipment(db(), "web-ship-b", Shipment{"1Z999AA10123456784", std::nullopt}, 5'000));
  auto shipped =
      ship_shipment(db(), "0042", "web-ship-a", Shipment{"JD014600003828", "DHL"}, "till-01", clock_);
  ASSERT_TRUE(shipped) << shipped.error().what();

  auto list = shipped_orders(db(), "0042", 50);
  ASSERT_TRUE(list) << list.error().what();
  ASSERT_EQ(list->size(), 3u) << "the pickup is not a shipment";
  const auto& newest = (*list)[0];
  EXPECT_EQ(newest.order.order_id, "web-ship-a");
  EXPECT_EQ(newest.order.status, "shipped");
  ASSERT_TRUE(newest.shipment);
  EXPECT_EQ(newest.shipment->tracking_reference, "JD014600003828");
  EXPECT_EQ(newest.shipment->carrier, "DHL");
  EXPECT_EQ((*list)[1].order.order_id, "web-ship-b");
  ASSERT_TRUE((*list)[1].shipment);
  EXPECT_EQ((*list)[1].shipment->tracking_reference, "1Z999AA10123456784");
  EXPECT_FALSE((*list)[1].shipment->carrier);
  EXPECT_EQ((*list)[1].shipped_at_ms, 5'000);
  EXPECT_EQ((*list)[2].order.order_id, "web-ship-old");
  EXPECT_FALSE((*list)[2].shipment) << "shipped before the till kept shipments";

  auto limited = shipped_orders(db(), "0042", 1);
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->size(), 1u);
  auto other_store = shipped_orders(db(), "0099", 50);
  ASSERT_TRUE(other_store);
  EXPECT_TRUE(other_store->empty());
  EXPECT_FALSE(record_shipment(db(), "web-ship-b", Shipment{std::string(101, 'x'), std::nullopt}, 6'000))
      << "a reference over 100 characters";
}

TEST_F(FulfilmentTest, TheReplicaRefusesAnUnknownFulfilment) {
  EXPECT_FALSE(db().exec(
      "INSERT INTO sales_order (order_id, kind, channel, status, store_code, currency, total_cents, "
      "tax_cents, created_at_ms, fulfilment) VALUES ('web-x', 'sale', 'web', 'pending', '0042', 'EUR', 1, 0, "
      "1, 'drone')"));
}

// A replica of schema `version` in `dir` holding what `sql` writes.
void write_replica_of_version(const test::TempDir& dir, int version, const std::string& sql) {
  auto db = sqlite::Database::open(dir / "replica.db");
  ASSERT_TRUE(db) << db.error().what();
  ASSERT_TRUE(sqlite::migrate(*db, migrations().first(static_cast<std::size_t>(version))));
  ASSERT_TRUE(db->exec(sql));
}

// The replica in `dir`, opened (and so migrated to the latest version) as the daemon opens it.
Result<Replica> reopen(const test::TempDir& dir, ManualClock& clock) {
  clock.set_wall(std::chrono::system_clock::time_point{std::chrono::milliseconds{1'700'000'000'000}});
  return Replica::open(dir / "replica.db", clock);
}

TEST(FulfilmentMigration, OnlineOrdersAlreadyInAReplicaStayPickupsAndTheTillsOwnSalesHaveNone) {
  test::TempDir dir;
  write_replica_of_version(
      dir, 6,  // the version before
      "INSERT INTO sales_order (order_id, kind, channel, status, store_code, currency, "
      "total_cents, tax_cents, created_at_ms) VALUES ('web-old', 'sale', 'web', 'pending', "
      "'0042', 'EUR', 1, 0, 1), ('pos-old', 'sale', 'pos', 'completed', '0042', 'EUR', 1, 0, 1)");
  ManualClock clock;
  auto replica = reopen(dir, clock);
  ASSERT_TRUE(replica) << replica.error().what();
  EXPECT_EQ(replica->schema_version(), latest_schema_version());
  auto& db = replica->db();
  EXPECT_EQ(
      db.query_one<std::string>("SELECT fulfilment FROM sales_order WHERE order_id = 'web-old'").value(),
      "pickup");
  EXPECT_EQ(db.query_one<std::int64_t>("SELECT COUNT(*) FROM sales_order WHERE order_id = 'pos-old' AND "
                                       "fulfilment IS NULL")
                .value(),
            1);
  auto pickups = open_pickups(db, "0042");
  ASSERT_TRUE(pickups) << pickups.error().what();
  EXPECT_EQ(ids(pickups), std::vector<std::string>{"web-old"});
}

// Replica schema 10 keeps shipments in a table; a till upgraded from version 9 keeps the tracking
// reference of each order it had shipped, from that shipment's audit entry.
TEST(ShipmentMigration, OrdersShippedBeforeTheUpgradeKeepTheirTrackingReference) {
  test::TempDir dir;
  write_replica_of_version(
      dir, 9,
      "INSERT INTO sales_order (order_id, kind, channel, status, store_code, currency, total_cents, "
      "tax_cents, created_at_ms, fulfilment) VALUES "
      "('web-s', 'sale', 'web', 'collected', '0042', 'EUR', 1, 0, 1, 'ship_from_store');"
      "INSERT INTO audit_log (seq, at_ms, actor, action, subject, details, prev_hash, hash) VALUES "
      "(1, 7000, 'till-01', 'shipment.packed', 'web-s', '{\"from\":\"pending\",\"to\":\"packed\"}', '', "
      "'h1'), (2, 9000, 'till-01', 'shipment.shipped', 'web-s', "
      "'{\"from\":\"packed\",\"to\":\"shipped\",\"tracking_reference\":\"JD0146\",\"carrier\":\"DHL\"}', "
      "'h1', 'h2')");
  ManualClock clock;
  auto replica = reopen(dir, clock);
  ASSERT_TRUE(replica) << replica.error().what();
  auto list = shipped_orders(replica->db(), "0042", 50);
  ASSERT_TRUE(list) << list.error().what();
  ASSERT_EQ(list->size(), 1u);
  ASSERT_TRUE((*list)[0].shipment);
  EXPECT_EQ((*list)[0].shipment->tracking_reference, "JD0146");
  EXPECT_EQ((*list)[0].shipment->carrier, "DHL");
  EXPECT_EQ((*list)[0].shipped_at_ms, 9000);
}

}  // namespace
}  // namespace storeedge::store
