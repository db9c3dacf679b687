// The store's ship-from-store queue: staff mark an order packed, then shipped with the carrier's
// tracking reference. Each move writes its status, audit entry and "order.status" mutation together;
// the replica keeps the pickup words (ready_for_pickup = packed, collected = shipped) so its CHECK
// constraint stays as it is, and everything staff see speaks packed and shipped.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "edge/store/customers.hpp"
#include "edge/store/journal.hpp"
#include "edge/store/pickups.hpp"
#include "edge/store/replica.hpp"
#include "edge/store/returns_detail.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/store/replica_fixture.hpp"

namespace storeedge::store {
namespace {

namespace json = boost::json;

class ShipmentTest : public testing::ReplicaTest {
 protected:
  std::string stored_status(const std::string& id) {
    return db()
        .query_one<std::string>("SELECT status FROM sales_order WHERE order_id = ?", id)
        .value()
        .value();
  }
  json::object outbox_payload(std::int64_t id) {
    return json::parse(
               db().query_one<std::string>("SELECT payload FROM outbox_payload WHERE mutation_id = ?", id)
                   .value()
                   .value())
        .as_object();
  }

  // An online order as the puller writes it (sync/client/change_apply.cpp), in the replica's words.
  void online_order(const std::string& id, const std::string& fulfilment, const std::string& status,
                    std::int64_t created = 1'000, const std::string& store = "0042") {
    ASSERT_TRUE(db().exec(
        "INSERT INTO sales_order (order_id, kind, channel, status, store_code, customer_id, currency, "
        "total_cents, tax_cents, created_at_ms, fulfilment) VALUES ('" +
        id + "', 'sale', 'web', '" + status + "', '" + store + "', 'cust-ana', 'EUR', 2598, 451, " +
        std::to_string(created) + ", '" + fulfilment + "')"));
  }

  // A refusal: the error kind, a part of its message, and nothing written.
  template <typename T>
  void expect_refused(const Result<T>& r, Errc kind, const std::string& says) {
    ASSERT_FALSE(r) << "expected a refusal saying " << says;
    EXPECT_EQ(r.error().kind(), kind) << r.error().what();
    EXPECT_NE(r.error().what().find(says), std::string::npos) << r.error().what();
    EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), outbox_before_) << "a refusal queues nothing";
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log"), audit_before_) << "a refusal audits nothing";
  }
  void remember_journals() {
    outbox_before_ = count("SELECT COUNT(*) FROM outbox");
    audit_before_ = count("SELECT COUNT(*) FROM audit_log");
  }

  std::int64_t outbox_before_ = 0;
  std::int64_t audit_before_ = 0;
};

TEST_F(ShipmentTest, PackedThenShippedEachReportTheirStatusAndTheShipmentToTheHub) {
  online_order("web-s1", "ship_from_store", "pending");
  auto packed = mark_shipment_packed(db(), "0042", "web-s1", "till-01", clock_);
  ASSERT_TRUE(packed) << packed.error().what();
  EXPECT_EQ(packed->status, "packed");
  EXPECT_EQ(packed->fulfilment, "ship_from_store");
  EXPECT_EQ(stored_status("web-s1"), "ready_for_pickup") << "the replica's word for packed";
  ASSERT_TRUE(mark_shipment_packed(db(), "0042", "web-s1", "till-01", clock_));
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), 1) << "packing twice is reported once";
  EXPECT_EQ(outbox_payload(1),
            (json::object{{"order_id", "web-s1"}, {"status", "packed"}, {"at_ms", 1'700'000'000'000}}));

  auto listed = open_shipments(db(), "0042");
  ASSERT_TRUE(listed) << listed.error().what();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().status, "packed") << "the queue shows packed, not the replica's word";

  clock_.advance(std::chrono::seconds(5));
  auto shipped = ship_shipment(db(), "0042", "web-s1", {"JD014600003828", "DHL"}, "till-01", clock_);
  ASSERT_TRUE(shipped) << shipped.error().what();
  EXPECT_EQ(shipped->status, "shipped");
  EXPECT_EQ(stored_status("web-s1"), "collected") << "the replica's word for shipped";
  EXPECT_EQ(db().query_one<std::string>("SELECT kind FROM outbox WHERE mutation_id = 2").value(),
            "order.status");
  EXPECT_EQ(outbox_payload(2), (json::object{{"order_id", "web-s1"},
                                             {"status", "shipped"},
                                             {"at_ms", 1'700'000'005'000},
                                             {"tracking_reference", "JD014600003828"},
                                             {"carrier", "DHL"}}));
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'shipment.shipped' AND subject = 'web-s1' "
                  "AND json_extract(details, '$.tracking_reference') = 'JD014600003828'"),
            1);
  EXPECT_TRUE(verify_audit_chain(db()));
  EXPECT_TRUE(open_shipments(db(), "0042")->empty()) << "a shipped order leaves the queue";

  // The customer's history at the counter says shipped too.
  ASSERT_TRUE(
      db().exec("INSERT INTO customer (customer_id, name, updated_at_ms) VALUES ('cust-ana', 'Ana', 1)"));
  CustomerRepository customers(db(), clock_);
  auto history = customers.purchase_history("cust-ana", 10);
  ASSERT_TRUE(history) << history.error().what();
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ(history->front().status, "shipped");
}

TEST_F(ShipmentTest, ACarrierIsOptional) {
  online_order("web-s2", "ship_from_store", "ready_for_pickup");
  auto shipped = ship_shipment(db(), "0042", "web-s2", {"T-2", std::string()}, "till-01", clock_);
  ASSERT_TRUE(shipped) << shipped.error().what();
  EXPECT_FALSE(outbox_payload(1).contains("carrier")) << json::serialize(outbox_payload(1));
  EXPECT_EQ(outbox_payload(1).at("tracking_reference"), "T-2");
}

TEST_F(ShipmentTest, StaffAreToldWhyAnOrderCannotBePackedOrShipped) {
  online_order("web-pending", "ship_from_store", "pending");
  online_order("web-cancelled", "ship_from_store", "cancelled");
  online_order("web-gone", "ship_from_store", "collected");
  online_order("web-other", "ship_from_store", "pending", 1'000, "0099");
  online_order("web-pickup", "pickup", "pending");
  remember_journals();

  expect_refused(ship_shipment(db(), "0042", "web-pending", {"T-1", {}}, "till-01", clock_), Errc::conflict,
                 "is pending, not packed yet");
  expect_refused(mark_shipment_packed(db(), "0042", "web-cancelled", "till-01", clock_), Errc::conflict,
                 "cancelled online: do not ship it");
  expect_refused(ship_shipment(db(), "0042", "web-cancelled", {"T-1", {}}, "till-01", clock_), Errc::conflict,
                 "cancelled online: do not ship it");
  expect_refused(ship_shipment(db(), "0042", "web-gone", {"T-1", {}}, "till-01", clock_), Errc::conflict,
                 "was already shipped");
  expect_refused(mark_shipment_packed(db(), "0042", "web-gone", "till-01", clock_), Errc::conflict,
                 "was already shipped");
  expect_refused(mark_shipment_packed(db(), "0042", "web-other", "till-01", clock_), Errc::conflict,
                 "is for store 0099");
  expect_refused(
      mark_shipment_packed(db(), "0042", "web-pickup", "till-01", clock_), Errc::conflict,
      "is a pickup order (pickup): it is handed over at the counter, not shipped (ship_from_store)");
  expect_refused(mark_shipment_packed(db(), "0042", "web-nope", "till-01", clock_), Errc::not_found,
                 "no online order web-nope");

  ASSERT_TRUE(mark_shipment_packed(db(), "0042", "web-pending", "till-01", clock_));
  remember_journals();
  expect_refused(ship_shipment(db(), "0042", "web-pending", {"", {}}, "till-01", clock_),
                 Errc::invalid_argument, "tracking reference must have 1 to 100 characters");
  expect_refused(ship_shipment(db(), "0042", "web-pending", {std::string(101, 'x'), {}}, "till-01", clock_),
                 Errc::invalid_argument, "tracking reference must have 1 to 100 characters");
  expect_refused(
      ship_shipment(db(), "0042", "web-pending", {"T-1", std::string(101, 'c')}, "till-01", clock_),
      Errc::invalid_argument, "carrier must have at most 100 characters");
  EXPECT_EQ(stored_status("web-pending"), "ready_for_pickup") << "still packed";
}

TEST_F(ShipmentTest, APackedShipmentIsNeitherReadyNorCollectedAtTheCounter) {
  online_order("web-s3", "ship_from_store", "ready_for_pickup");
  remember_journals();
  expect_refused(collect_pickup(db(), "0042", "web-s3", "till-01", clock_), Errc::conflict,
                 "ships from the store (ship_from_store): it is not a pickup");
  EXPECT_TRUE(open_pickups(db(), "0042")->empty());
}

TEST_F(ShipmentTest, AShippedOrderIsReturnableInStoreAndAPackedOneIsNotYet) {
  online_order("web-packed", "ship_from_store", "ready_for_pickup");
  online_order("web-shipped", "ship_from_store", "collected");
  auto packed = load_original(db(), "web-packed");
  ASSERT_FALSE(packed);
  EXPECT_EQ(packed.error().kind(), Errc::conflict);
  EXPECT_NE(packed.error().what().find("is packed: only completed, collected or shipped"), std::string::npos)
      << packed.error().what();
  auto shipped = load_original(db(), "web-shipped");
  ASSERT_TRUE(shipped) << shipped.error().what();
  EXPECT_EQ(shipped->order_id, "web-shipped");
}

TEST(OnlineStatus, TheReplicasPickupWordsReadAsPackedAndShippedForAShipFromStoreOrderOnly) {
  EXPECT_EQ(online_status("ship_from_store", "ready_for_pickup"), "packed");
  EXPECT_EQ(online_status("ship_from_store", "collected"), "shipped");
  EXPECT_EQ(online_status("ship_from_store", "pending"), "pending");
  EXPECT_EQ(online_status("ship_from_store", "cancelled"), "cancelled");
  EXPECT_EQ(online_status("pickup", "ready_for_pickup"), "ready_for_pickup");
  EXPECT_EQ(online_status("pickup", "collected"), "collected");
}

}  // namespace
}  // namespace storeedge::store
