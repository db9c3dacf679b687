// A node that reuses mutation ids (its replica restored from an older backup): the hub compares what
// it applied under an id with what arrives under it, by content, and never acknowledges a different
// mutation as a duplicate.
#include "tests/unit/hub/hub_fixture.hpp"

namespace storeedge::sync::hub::testing {
namespace {

IncomingMutation sale_mutation(std::int64_t id, const std::string& order_id) {
  return HubTest::mutation("node-n1", id, "order.completed",
                           HubTest::sale(order_id, kNorth, "node-n1", {{"SKU-A", -1}}));
}

std::optional<NodeStatus> node_n1(HubStorage& hub) {
  auto nodes = hub.list_nodes();
  if (!nodes) return std::nullopt;
  for (const auto& n : *nodes)
    if (n.node_id == "node-n1") return n;
  return std::nullopt;
}

TEST_F(HubTest, TheSameIdWithOtherContentIsNotADuplicateAndStopsTheBatch) {
  auto first = hub().apply_push(
      "node-n1", {sale_mutation(1, "ord-1"), sale_mutation(2, "ord-2"), sale_mutation(3, "ord-3")});
  ASSERT_TRUE(first) << first.error().what();
  ASSERT_EQ(first->last_applied_id, 3);

  // Restored after mutation 1: 2 is the same sale again, 3 and 4 are sales made after the restore.
  auto reused = hub().apply_push(
      "node-n1", {sale_mutation(2, "ord-2"), sale_mutation(3, "ord-new-3"), sale_mutation(4, "ord-new-4")});
  ASSERT_TRUE(reused) << reused.error().what();
  ASSERT_EQ(reused->results.size(), 2u) << "nothing after the reused id is processed";
  EXPECT_EQ(reused->results[0].outcome, Outcome::duplicate);
  EXPECT_EQ(reused->results[1].outcome, Outcome::rewound);
  EXPECT_NE(reused->results[1].reason.find("node_rewound"), std::string::npos) << reused->results[1].reason;
  ASSERT_TRUE(reused->rewound_id);
  EXPECT_EQ(*reused->rewound_id, 3);
  EXPECT_EQ(reused->last_applied_id, 3);
  EXPECT_EQ(count("hub_order"), 3) << "neither new sale was applied under a reused id";
  EXPECT_EQ(*hub().stock_level(kNorth, "SKU-A"), -3);

  auto flagged = node_n1(hub());
  ASSERT_TRUE(flagged);
  ASSERT_TRUE(flagged->rewound_mutation_id);
  EXPECT_EQ(*flagged->rewound_mutation_id, 3);
  EXPECT_TRUE(flagged->rewound_at_ms);

  // Renumbered above the watermark, the two new sales apply.
  auto renumbered =
      hub().apply_push("node-n1", {sale_mutation(4, "ord-new-3"), sale_mutation(5, "ord-new-4")});
  ASSERT_TRUE(renumbered) << renumbered.error().what();
  for (const auto& r : renumbered->results) EXPECT_EQ(r.outcome, Outcome::applied) << r.reason;
  EXPECT_EQ(renumbered->last_applied_id, 5);
  EXPECT_EQ(count("hub_order"), 5);

  // Enrolling again (a technician's re-enrollment) clears the flag.
  ASSERT_TRUE(hub().register_node("node-n1", kNorth));
  auto cleared = node_n1(hub());
  ASSERT_TRUE(cleared);
  EXPECT_FALSE(cleared->rewound_mutation_id);
}

TEST_F(HubTest, AQuarantinedMutationReplayedIsADuplicateAndOtherContentUnderItsIdIsNot) {
  auto bad = mutation("node-n1", 1, "order.completed", R"({"order_id": "broken")");
  auto first = hub().apply_push("node-n1", {bad});
  ASSERT_TRUE(first) << first.error().what();
  ASSERT_EQ(first->results.at(0).outcome, Outcome::rejected);

  auto replay = hub().apply_push("node-n1", {bad});
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->results.at(0).outcome, Outcome::duplicate);

  auto other = hub().apply_push("node-n1", {sale_mutation(1, "ord-other")});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->results.at(0).outcome, Outcome::rewound);
  EXPECT_EQ(count("hub_order"), 0);
}

TEST_F(HubTest, SalesAppliedBeforeTheHubKeptDigestsAreComparedByTheirOrder) {
  ASSERT_TRUE(hub().apply_push("node-n1", {sale_mutation(1, "ord-1"), sale_mutation(2, "ord-2")}));
  ASSERT_TRUE(hub().db().exec("DELETE FROM mutation_digest_run"));  // as pushed by a hub before version 4

  auto same = hub().apply_push("node-n1", {sale_mutation(1, "ord-1")});
  ASSERT_TRUE(same) << same.error().what();
  EXPECT_EQ(same->results.at(0).outcome, Outcome::duplicate);

  auto other = hub().apply_push("node-n1", {sale_mutation(2, "ord-after-restore")});
  ASSERT_TRUE(other) << other.error().what();
  EXPECT_EQ(other->results.at(0).outcome, Outcome::rewound) << "a sale the hub does not hold is new";
  EXPECT_EQ(count("hub_order"), 2);
}

// Ids the batch itself applied are compared with the digests it holds in memory until it commits.
TEST_F(HubTest, AnIdRepeatedInOneBatchIsComparedWithWhatTheBatchAppliedUnderIt) {
  auto same = hub().apply_push("node-n1", {sale_mutation(1, "ord-1"), sale_mutation(2, "ord-2"),
                                           sale_mutation(1, "ord-1"), sale_mutation(3, "ord-3")});
  ASSERT_TRUE(same) << same.error().what();
  ASSERT_EQ(same->results.size(), 4u);
  EXPECT_EQ(same->results[2].outcome, Outcome::duplicate);
  EXPECT_EQ(same->results[3].outcome, Outcome::applied);

  // A loyalty entry: without its digest, a mutation of a kind other than a sale would pass as the same.
  const auto entry = [](std::int64_t id, const std::string& entry_id, int points) {
    return HubTest::mutation("node-n1", id, "loyalty.entry",
                             R"({"entry_id":")" + entry_id + R"(","customer_id":"cust-ana","points":)" +
                                 std::to_string(points) + R"(,"kind":"earn"})");
  };
  auto other =
      hub().apply_push("node-n1", {sale_mutation(4, "ord-4"), entry(5, "le-5", 10), entry(5, "le-6", 70)});
  ASSERT_TRUE(other) << other.error().what();
  ASSERT_EQ(other->results.size(), 3u);
  EXPECT_EQ(other->results[1].outcome, Outcome::applied);
  EXPECT_EQ(other->results[2].outcome, Outcome::rewound);
  EXPECT_EQ(other->last_applied_id, 5);
  EXPECT_EQ(*hub().loyalty_balance("cust-ana"), 10) << "the second entry under id 5 is not applied";
  // And once committed, the same ids are compared with the push's stored row.
  auto later = hub().apply_push("node-n1", {sale_mutation(2, "ord-2"), sale_mutation(3, "ord-other-3")});
  ASSERT_TRUE(later) << later.error().what();
  EXPECT_EQ(later->results[0].outcome, Outcome::duplicate);
  EXPECT_EQ(later->results[1].outcome, Outcome::rewound);
}

// The hub keeps at least each node's latest digests (hub.mutation_digests_per_node), by whole pushes;
// an id replayed below them is compared as before digests: a sale by its order, so a new sale is never
// taken for a replay.
TEST_F(HubTest, OnlyTheLatestDigestsOfANodeAreKeptAndOlderIdsAreComparedByTheirOrder) {
  hub().keep_digests_per_node(3);
  std::vector<IncomingMutation> batch;
  for (int i = 1; i <= 3; ++i) batch.push_back(sale_mutation(i, "ord-" + std::to_string(i)));
  ASSERT_TRUE(hub().apply_push("node-n1", batch));
  batch.clear();
  for (int i = 4; i <= 6; ++i) batch.push_back(sale_mutation(i, "ord-" + std::to_string(i)));
  ASSERT_TRUE(hub().apply_push("node-n1", batch));
  ASSERT_TRUE(hub().apply_push("node-n1", {sale_mutation(7, "ord-7")}));
  EXPECT_EQ(hub().db().query_one<std::int64_t>("SELECT COUNT(*) FROM mutation_digest_run")->value_or(-1), 2)
      << "the push of 4-6 holds digests the latest three need; the push of 1-3 does not";
  EXPECT_EQ(hub().db().query_one<std::int64_t>("SELECT MIN(first_id) FROM mutation_digest_run")->value_or(-1),
            4);

  auto same = hub().apply_push("node-n1", {sale_mutation(2, "ord-2"), sale_mutation(6, "ord-6")});
  ASSERT_TRUE(same) << same.error().what();
  EXPECT_EQ(same->results.at(0).outcome, Outcome::duplicate) << "pruned digest: the order is held";
  EXPECT_EQ(same->results.at(1).outcome, Outcome::duplicate) << "kept digest";
  auto other = hub().apply_push("node-n1", {sale_mutation(2, "ord-after-restore")});
  ASSERT_TRUE(other) << other.error().what();
  EXPECT_EQ(other->results.at(0).outcome, Outcome::rewound) << "a sale the hub does not hold is new";
  EXPECT_EQ(count("hub_order"), 7);
}

TEST_F(HubTest, AnotherNodesIdsAreNotComparedWithThisNodes) {
  ASSERT_TRUE(hub().apply_push("node-n1", {sale_mutation(1, "ord-1")}));
  auto other = hub().apply_push(
      "node-n2", {mutation("node-n2", 1, "order.completed", sale("ord-n2-1", kNorth, "node-n2", {}))});
  ASSERT_TRUE(other) << other.error().what();
  EXPECT_EQ(other->results.at(0).outcome, Outcome::applied);
  auto again = hub().apply_push("node-n1", {sale_mutation(1, "ord-1")});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->results.at(0).outcome, Outcome::duplicate);
}

}  // namespace
}  // namespace storeedge::sync::hub::testing
