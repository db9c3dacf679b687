// Ship-from-store orders at the hub: pending, packed, shipped with the carrier's tracking reference,
// as the web shop reads them; the pickup words of older tills and older hub rows read as packed and
// shipped; the stores keep receiving the words their replica stores.
#include "sync/hub/order_status.hpp"
#include "tests/unit/hub/hub_fixture.hpp"

namespace storeedge::sync::hub::testing {
namespace {

OnlineOrder shipment(std::string id) {
  OnlineOrder o;
  o.order_id = std::move(id);
  o.fulfilment = Fulfilment::ship_from_store;
  o.store_code = std::string(kNorth);
  o.lines = {{"SKU-A", 2, 450}};
  o.total_cents = 2 * 450;
  return o;
}

// An order.status mutation as a till of this build (payload version 4) or an older one sends it.
IncomingMutation status_report(std::int64_t id, const std::string& payload, int version = 4) {
  IncomingMutation m = HubTest::mutation("node-n1", id, "order.status", payload);
  m.schema_version = version;
  return m;
}

class ShipFromStoreTest : public HubTest {
 protected:
  Outcome report(std::int64_t id, const std::string& payload, int version = 4,
                 std::string* reason = nullptr) {
    auto r = hub().apply_push("node-n1", {status_report(id, payload, version)});
    EXPECT_TRUE(r) << r.error().what();
    if (!r || r->results.empty()) return Outcome::retry;
    if (reason != nullptr) *reason = r->results[0].reason;
    return r->results[0].outcome;
  }
  // The document a till of the store (another node than the one that reported) receives.
  boost::json::object store_document(const std::string& order_id) {
    boost::json::object found;
    for (const auto& c : pull_all(kNorth, "node-n2", "store_orders"))
      if (c.entity == "order:" + order_id) found = doc(c);
    return found;
  }
};

TEST_F(ShipFromStoreTest, PackedThenShippedWithTheTrackingReferenceTheWebShopReads) {
  ASSERT_TRUE(hub().place_online_order(shipment("web-s1")));
  EXPECT_EQ(report(1, R"({"order_id":"web-s1","status":"packed","at_ms":1})"), Outcome::applied);
  EXPECT_EQ(hub().order_status("web-s1")->status, "packed");
  EXPECT_FALSE(hub().order_status("web-s1")->tracking_reference);

  EXPECT_EQ(report(2, R"({"order_id":"web-s1","status":"shipped","at_ms":2,)"
                      R"("tracking_reference":"JD014600003828","carrier":"DHL"})"),
            Outcome::applied);
  auto view = hub().order_status("web-s1");
  ASSERT_TRUE(view);
  EXPECT_EQ(view->status, "shipped");
  EXPECT_EQ(view->tracking_reference, "JD014600003828");
  EXPECT_EQ(view->carrier, "DHL");
  EXPECT_FALSE(view->needs_review);

  auto cancel = hub().set_online_order_status("web-s1", "cancelled");
  ASSERT_FALSE(cancel) << "a parcel with the carrier cannot be cancelled";
  EXPECT_EQ(cancel.error().kind(), Errc::conflict);
  EXPECT_NE(cancel.error().message().find("cannot go from shipped to cancelled"), std::string::npos);

  // The store's tills keep the pickup words in their replica; the hub's word travels beside them.
  auto d = store_document("web-s1");
  EXPECT_EQ(d["status"], "collected");
  EXPECT_EQ(d["channel_status"], "shipped");
  EXPECT_EQ(d["fulfilment"], "ship_from_store");
  // Every till of the store learns what the parcel left with, whichever till shipped it.
  EXPECT_EQ(d["tracking_reference"], "JD014600003828");
  EXPECT_EQ(d["carrier"], "DHL");
}

TEST_F(ShipFromStoreTest, OnlyAStoreShipsAndNotBeforePacking) {
  ASSERT_TRUE(hub().place_online_order(shipment("web-s2")));
  std::string reason;
  EXPECT_EQ(report(1, R"({"order_id":"web-s2","status":"shipped","at_ms":1,"tracking_reference":"T1"})", 4,
                   &reason),
            Outcome::rejected);
  EXPECT_NE(reason.find("cannot go from pending to shipped"), std::string::npos) << reason;
  EXPECT_EQ(hub().order_status("web-s2")->status, "pending");
  EXPECT_FALSE(hub().order_status("web-s2")->tracking_reference) << "a refused report records nothing";

  auto packed = hub().set_online_order_status("web-s2", "packed");  // the web shop's own warehouse flow
  ASSERT_TRUE(packed) << packed.error().what();
  auto by_channel = hub().set_online_order_status("web-s2", "shipped");
  ASSERT_FALSE(by_channel) << "only a store hands a parcel to the carrier";
  EXPECT_EQ(by_channel.error().kind(), Errc::conflict);
}

TEST_F(ShipFromStoreTest, AShippedReportWithoutATrackingReferenceIsQuarantinedAndChangesNothing) {
  ASSERT_TRUE(hub().place_online_order(shipment("web-s3")));
  ASSERT_EQ(report(1, R"({"order_id":"web-s3","status":"packed","at_ms":1})"), Outcome::applied);
  std::string reason;
  EXPECT_EQ(report(2, R"({"order_id":"web-s3","status":"shipped","at_ms":2})", 4, &reason),
            Outcome::rejected);
  EXPECT_NE(reason.find("shipped needs a tracking_reference"), std::string::npos) << reason;
  EXPECT_EQ(
      report(3, R"({"order_id":"web-s3","status":"shipped","at_ms":2,"tracking_reference":""})", 4, &reason),
      Outcome::rejected);
  EXPECT_NE(reason.find("tracking_reference must have 1 to 100 characters"), std::string::npos) << reason;
  EXPECT_EQ(hub().order_status("web-s3")->status, "packed");
  EXPECT_EQ(count("quarantine"), 2);
}

TEST_F(ShipFromStoreTest, ThisBuildsTillsPickupWordsForAShipFromStoreOrderAreRefusedNamingBoth) {
  ASSERT_TRUE(hub().place_online_order(shipment("web-s4")));
  std::string reason;
  EXPECT_EQ(report(1, R"({"order_id":"web-s4","status":"ready_for_pickup","at_ms":1})", 4, &reason),
            Outcome::rejected);
  EXPECT_NE(reason.find("ship_from_store order: ready_for_pickup is a pickup status"), std::string::npos)
      << reason;
  auto by_channel = hub().set_online_order_status("web-s4", "ready_for_pickup");
  ASSERT_FALSE(by_channel);
  EXPECT_EQ(by_channel.error().kind(), Errc::conflict);
  EXPECT_EQ(hub().order_status("web-s4")->status, "pending");
}

TEST_F(ShipFromStoreTest, APickupOrderIsNeverPackedOrShipped) {
  OnlineOrder o = shipment("web-p1");
  o.fulfilment = Fulfilment::pickup;
  ASSERT_TRUE(hub().place_online_order(o));
  auto packed = hub().set_online_order_status("web-p1", "packed");
  ASSERT_FALSE(packed);
  EXPECT_EQ(packed.error().kind(), Errc::conflict);
  EXPECT_NE(packed.error().message().find("pickup order: packed is a ship_from_store status"),
            std::string::npos)
      << packed.error().message();
  std::string reason;
  EXPECT_EQ(
      report(1, R"({"order_id":"web-p1","status":"shipped","at_ms":1,"tracking_reference":"T"})", 4, &reason),
      Outcome::rejected);
  EXPECT_EQ(hub().order_status("web-p1")->status, "pending");
}

TEST_F(ShipFromStoreTest, AnOlderTillsReadyAndCollectedMeanPackedAndShipped) {
  ASSERT_TRUE(hub().place_online_order(shipment("web-s5")));
  EXPECT_EQ(report(1, R"({"order_id":"web-s5","status":"ready_for_pickup","at_ms":1})", 3), Outcome::applied);
  EXPECT_EQ(hub().order_status("web-s5")->status, "packed");
  EXPECT_EQ(report(2, R"({"order_id":"web-s5","status":"collected","at_ms":2})", 3), Outcome::applied);
  auto view = hub().order_status("web-s5");
  EXPECT_EQ(view->status, "shipped");
  EXPECT_FALSE(view->tracking_reference) << "an older till had no tracking reference to send";
}

TEST_F(ShipFromStoreTest, ShippedWhileCancelledOnlineEndsShippedAndFlagged) {
  ASSERT_TRUE(hub().place_online_order(shipment("web-s6")));
  ASSERT_EQ(report(1, R"({"order_id":"web-s6","status":"packed","at_ms":1})"), Outcome::applied);
  ASSERT_TRUE(hub().set_online_order_status("web-s6", "cancelled"));  // the web shop, the store offline
  EXPECT_EQ(report(2, R"({"order_id":"web-s6","status":"shipped","at_ms":2,"tracking_reference":"T-6"})"),
            Outcome::applied);
  auto view = hub().order_status("web-s6");
  EXPECT_EQ(view->status, "shipped");
  EXPECT_EQ(view->tracking_reference, "T-6");
  EXPECT_TRUE(view->needs_review);
  EXPECT_NE(view->review_reason.find("shipped from the store while cancelled online"), std::string::npos);
  auto review = hub().orders_for_review();
  ASSERT_EQ(review->size(), 1u);
  EXPECT_EQ((*review)[0].order_id, "web-s6");
}

// A hub of version 7 kept ship-from-store orders in the pickup words; after the upgrade the web shop
// reads packed and shipped, and pickups keep theirs.
TEST(HubUpgradeVersion8, ShipFromStoreRowsInPickupWordsReadAsPackedAndShipped) {
  test::TempDir dir{"hub-upgrade-8"};
  ManualClock clock;
  auto hub = upgraded_hub(dir / "hub.db", clock, 7, R"sql(
INSERT INTO store VALUES ('0001', 'north', 'region');
INSERT INTO hub_order (order_id, channel, fulfilment, store_code, status, total_cents, base, created_at_ms,
                       updated_at_ms, stream_seq)
VALUES ('s-ready', 'web', 'ship_from_store', '0001', 'ready_for_pickup', 100, '{"order_id":"s-ready"}', 1, 1, 1),
       ('s-gone', 'web', 'ship_from_store', '0001', 'collected', 100, '{"order_id":"s-gone"}', 1, 1, 2),
       ('s-new', 'web', 'ship_from_store', '0001', 'pending', 100, '{"order_id":"s-new"}', 1, 1, 3),
       ('p-ready', 'web', 'pickup', '0001', 'ready_for_pickup', 100, '{"order_id":"p-ready"}', 1, 1, 4),
       ('p-done', 'web', 'pickup', '0001', 'collected', 100, '{"order_id":"p-done"}', 1, 1, 5);
INSERT INTO stream_seq VALUES ('store_orders', 5);
)sql");
  ASSERT_TRUE(hub) << hub.error().what();
  EXPECT_EQ((*hub)->order_status("s-ready")->status, "packed");
  EXPECT_EQ((*hub)->order_status("s-gone")->status, "shipped");
  EXPECT_FALSE((*hub)->order_status("s-gone")->tracking_reference);
  EXPECT_EQ((*hub)->order_status("s-new")->status, "pending");
  EXPECT_EQ((*hub)->order_status("p-ready")->status, "ready_for_pickup");
  EXPECT_EQ((*hub)->order_status("p-done")->status, "collected");
  // The tills already hold these orders in the pickup words: nothing is sent again, and a till that
  // pulls from scratch gets the same words.
  auto pulled = (*hub)->pull({"0001", "node-x", {{"store_orders", ""}}, 100});
  ASSERT_TRUE(pulled) << pulled.error().what();
  ASSERT_EQ(pulled->changes.size(), 5u);
  EXPECT_EQ(boost::json::parse(pulled->changes[0].payload).as_object().at("status"), "ready_for_pickup");
  EXPECT_EQ(boost::json::parse(pulled->changes[1].payload).as_object().at("status"), "collected");
  EXPECT_EQ(boost::json::parse(pulled->changes[1].payload).as_object().at("channel_status"), "shipped");
}

}  // namespace
}  // namespace storeedge::sync::hub::testing
