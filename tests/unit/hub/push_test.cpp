// Push: the per-node watermark, duplicates, gaps, quarantine, and the admin view of nodes.
#include "tests/unit/hub/hub_fixture.hpp"

namespace storeedge::sync::hub::testing {
namespace {

std::vector<IncomingMutation> three_sales(const std::string& node) {
  std::vector<IncomingMutation> batch;
  for (int i = 1; i <= 3; ++i) {
    batch.push_back(HubTest::mutation(
        node, i, "order.completed",
        HubTest::sale("ord-" + node + "-" + std::to_string(i), kNorth, node, {{"SKU-A", -1}})));
  }
  return batch;
}

TEST_F(HubTest, ReplayingABatchIsAcknowledgedWithoutApplyingItTwice) {
  auto first = hub().apply_push("node-n1", three_sales("node-n1"));
  ASSERT_TRUE(first) << first.error().what();
  EXPECT_EQ(first->last_applied_id, 3);
  for (const auto& r : first->results) EXPECT_EQ(r.outcome, Outcome::applied) << r.reason;

  auto again = hub().apply_push("node-n1", three_sales("node-n1"));
  ASSERT_TRUE(again);
  ASSERT_EQ(again->results.size(), 3u);
  for (const auto& r : again->results) EXPECT_EQ(r.outcome, Outcome::duplicate);
  EXPECT_EQ(again->last_applied_id, 3);
  EXPECT_EQ(*hub().stock_level(kNorth, "SKU-A"), -3) << "each sale's stock moved once";
  EXPECT_EQ(count("hub_order"), 3);
}

TEST_F(HubTest, AGapIsRefusedAndTheBatchStopsThere) {
  auto batch = three_sales("node-n1");
  batch.erase(batch.begin());  // starts at 2: mutation 1 is missing
  auto r = hub().apply_push("node-n1", batch);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->results.size(), 1u) << "nothing after the gap is processed";
  EXPECT_EQ(r->results[0].outcome, Outcome::gap);
  EXPECT_NE(r->results[0].reason.find("expected mutation 1"), std::string::npos) << r->results[0].reason;
  ASSERT_TRUE(r->expected_id);
  EXPECT_EQ(*r->expected_id, 1);
  EXPECT_EQ(r->last_applied_id, 0);
  EXPECT_EQ(count("hub_order"), 0);
}

TEST_F(HubTest, ARejectedMutationIsQuarantinedAndDoesNotBlockTheOnesBehindIt) {
  auto batch = three_sales("node-n1");
  batch[1].payload = R"({"order_id": "broken")";  // not JSON
  batch.push_back(mutation("node-n1", 4, "gift.card.sold", "{}"));
  batch.push_back(mutation("node-n1", 5, "order.completed", sale("ord-future", kNorth, "node-n1", {})));
  batch.back().schema_version = kMaxPayloadSchemaVersion + 1;
  batch.push_back(
      mutation("node-n1", 6, "order.completed", sale("ord-6", kNorth, "node-n1", {{"SKU-B", -2}})));

  auto r = hub().apply_push("node-n1", batch);
  ASSERT_TRUE(r) << r.error().what();
  ASSERT_EQ(r->results.size(), 6u);
  const std::vector<Outcome> expected = {Outcome::applied,  Outcome::rejected, Outcome::applied,
                                         Outcome::rejected, Outcome::rejected, Outcome::applied};
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(r->results[i].outcome, expected[i]) << i;
  EXPECT_NE(r->results[1].reason.find("not JSON"), std::string::npos) << r->results[1].reason;
  EXPECT_NE(r->results[3].reason.find("unknown mutation kind 'gift.card.sold'"), std::string::npos);
  EXPECT_NE(r->results[4].reason.find("schema version " + std::to_string(kMaxPayloadSchemaVersion + 1)),
            std::string::npos)
      << r->results[4].reason;
  EXPECT_EQ(r->last_applied_id, 6);
  EXPECT_EQ(*hub().stock_level(kNorth, "SKU-B"), -2);

  auto q = hub().list_quarantine("node-n1");
  ASSERT_TRUE(q);
  ASSERT_EQ(q->size(), 3u);
  EXPECT_EQ((*q)[0].mutation_id, 2);
  EXPECT_EQ((*q)[0].payload, R"({"order_id": "broken")") << "the payload is kept for an operator to replay";
  EXPECT_EQ((*q)[1].kind, "gift.card.sold");
  EXPECT_TRUE(hub().list_quarantine("node-n2")->empty());

  auto replay = hub().apply_push("node-n1", {batch[1]});
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->results[0].outcome, Outcome::duplicate) << "a quarantined id is not applied again";
}

TEST_F(HubTest, AFailingOrderLeavesNoPartialEffects) {
  // The second order reuses a loyalty entry id with other points: it fails after its stock move was
  // written, and that stock move must not survive the rejection.
  const auto entry = [](std::int64_t points) {
    return boost::json::array{boost::json::object{
        {"entry_id", "le-1"}, {"customer_id", "cust-1"}, {"points", points}, {"kind", "earn"}}};
  };
  auto r = hub().apply_push(
      "node-n1", {mutation("node-n1", 1, "order.completed",
                           sale("ord-1", kNorth, "node-n1", {{"SKU-A", -1}}, "cust-1", entry(10))),
                  mutation("node-n1", 2, "order.completed",
                           sale("ord-2", kNorth, "node-n1", {{"SKU-A", -5}}, "cust-1", entry(99)))});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->results[0].outcome, Outcome::applied);
  EXPECT_EQ(r->results[1].outcome, Outcome::rejected);
  EXPECT_NE(r->results[1].reason.find("loyalty entry le-1 is already recorded"), std::string::npos)
      << r->results[1].reason;
  EXPECT_EQ(*hub().stock_level(kNorth, "SKU-A"), -1);
  EXPECT_EQ(count("hub_order"), 1);
  EXPECT_EQ(*hub().loyalty_balance("cust-1"), 10);
}

TEST_F(HubTest, APushNamingAnotherNodeIsRefusedWhole) {
  auto batch = three_sales("node-n1");
  batch[2].node_id = "node-n2";
  auto r = hub().apply_push("node-n1", batch);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
  EXPECT_NE(r.error().what().find("names node 'node-n2'"), std::string::npos);
  EXPECT_EQ(count("hub_order"), 0);
}

TEST_F(HubTest, AnOrderFromAnotherStoreThanTheNodesIsRejected) {
  auto r = hub().apply_push("node-n1", {mutation("node-n1", 1, "order.completed",
                                                 sale("ord-x", kSouth, "node-n1", {{"SKU-A", -1}}))});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->results[0].outcome, Outcome::rejected);
  EXPECT_NE(r->results[0].reason.find("belongs to store 0001"), std::string::npos) << r->results[0].reason;
}

TEST_F(HubTest, ShiftEventsNeedTheirShiftOpened) {
  const std::string opened =
      R"({"shift_id":"sh-1","device_code":"01","cashier_id":"c1","opened_at_ms":1,"opening_float_cents":5000})";
  const std::string cash =
      R"({"movement_id":1,"shift_id":"sh-1","device_code":"01","kind":"out","amount_cents":200,"reason":"x","created_at_ms":2})";
  const std::string orphan = R"({"shift_id":"sh-9","closed_at_ms":3})";
  auto r = hub().apply_push("node-n1", {mutation("node-n1", 1, "shift.opened", opened),
                                        mutation("node-n1", 2, "cash.movement", cash),
                                        mutation("node-n1", 3, "shift.closed", orphan)});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->results[0].outcome, Outcome::applied);
  EXPECT_EQ(r->results[1].outcome, Outcome::applied);
  EXPECT_EQ(r->results[2].outcome, Outcome::rejected);
  EXPECT_NE(r->results[2].reason.find("never opened"), std::string::npos);
  EXPECT_EQ(count("shift_event"), 2);
}

TEST_F(HubTest, AdminListsNodesWithWatermarkPushTimeAndLag) {
  clock_.set_wall(std::chrono::system_clock::time_point{std::chrono::milliseconds{1'700'000'060'000}});
  ASSERT_TRUE(hub().apply_push("node-n1", three_sales("node-n1")));  // made at ...000'000, pushed 60 s later
  ASSERT_TRUE(hub().apply_push("node-n2", {mutation("node-n2", 1, "nonsense", "{}")}));
  clock_.advance(std::chrono::seconds(5));
  auto nodes = hub().list_nodes();
  ASSERT_TRUE(nodes);
  ASSERT_EQ(nodes->size(), 3u);
  const NodeStatus& n1 = (*nodes)[0];
  EXPECT_EQ(n1.node_id, "node-n1");
  EXPECT_EQ(n1.store_code, "0001");
  EXPECT_EQ(n1.last_mutation_id, 3);
  EXPECT_EQ(n1.last_push_at_ms, 1'700'000'060'000);
  EXPECT_EQ(n1.since_last_push_ms, 5'000);
  EXPECT_EQ(n1.apply_lag_ms, 60'000);
  EXPECT_EQ((*nodes)[1].quarantined, 1);
  EXPECT_FALSE((*nodes)[2].last_push_at_ms) << "node-s1 never pushed";
}

TEST_F(HubTest, TheWatermarkAndEpochSurviveAReopen) {
  const std::string epoch = hub().epoch();
  ASSERT_TRUE(hub().apply_push("node-n1", three_sales("node-n1")));
  reopen();
  EXPECT_EQ(hub().epoch(), epoch);
  auto r = hub().apply_push("node-n1", three_sales("node-n1"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->results[0].outcome, Outcome::duplicate);
  EXPECT_EQ(r->last_applied_id, 3);
}

}  // namespace
}  // namespace storeedge::sync::hub::testing
