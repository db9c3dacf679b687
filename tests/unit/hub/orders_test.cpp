// Orders: immutable in-store events, stock deltas that commute, and online orders with their
// validated status transitions (including the one collected in store while cancelled online).
#include "sync/hub/order_status.hpp"
#include "tests/unit/hub/hub_fixture.hpp"

namespace storeedge::sync::hub::testing {
namespace {

OnlineOrder pickup(std::string id, std::int64_t total = 2 * 450) {
  OnlineOrder o;
  o.order_id = std::move(id);
  o.store_code = std::string(kNorth);
  o.lines = {{"SKU-A", 2, 450}};
  o.total_cents = total;
  return o;
}

TEST_F(HubTest, ASecondDifferentPayloadForTheSameOrderIsRejected) {
  const std::string first = sale("ord-1", kNorth, "node-n1", {{"SKU-A", -1}}, std::nullopt, {}, 1000);
  const std::string same_again = sale("ord-1", kNorth, "node-n1", {{"SKU-A", -1}}, std::nullopt, {}, 1000);
  // The same document formatted otherwise (another serializer) is the same order too.
  const std::string reformatted = boost::json::serialize(boost::json::parse(first)).insert(1, " \n ");
  const std::string other = sale("ord-1", kNorth, "node-n1", {{"SKU-A", -1}}, std::nullopt, {}, 1);
  auto r = hub().apply_push("node-n1", {mutation("node-n1", 1, "order.completed", first),
                                        mutation("node-n1", 2, "order.completed", same_again),
                                        mutation("node-n1", 3, "order.completed", reformatted),
                                        mutation("node-n1", 4, "order.completed", other)});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->results[0].outcome, Outcome::applied);
  EXPECT_EQ(r->results[1].outcome, Outcome::applied) << "the same event again is harmless";
  EXPECT_EQ(r->results[2].outcome, Outcome::applied) << "formatting is not content";
  EXPECT_EQ(r->results[3].outcome, Outcome::rejected);
  EXPECT_NE(r->results[3].reason.find("orders are immutable"), std::string::npos) << r->results[3].reason;
  EXPECT_EQ(*hub().stock_level(kNorth, "SKU-A"), -1) << "the repeated order moved stock once";
  EXPECT_EQ(hub().order_status("ord-1")->total_cents, 1000);
}

TEST_F(HubTest, StockDeltasFromTwoNodesCommute) {
  ASSERT_TRUE(hub().set_stock_levels({{std::string(kNorth), "SKU-A", 10}}));
  const auto n1 = mutation("node-n1", 1, "order.completed", sale("o-n1", kNorth, "node-n1", {{"SKU-A", -3}}));
  const auto n2 = mutation("node-n2", 1, "order.completed", sale("o-n2", kNorth, "node-n2", {{"SKU-A", -4}}));
  ASSERT_TRUE(hub().apply_push("node-n2", {n2}));
  ASSERT_TRUE(hub().apply_push("node-n1", {n1}));
  EXPECT_EQ(*hub().stock_level(kNorth, "SKU-A"), 3);

  // The other order of arrival, on a fresh hub, ends at the same level.
  test::TempDir other_dir("hub2");
  auto other = SqliteStorage::open(other_dir / "hub.db", clock_);
  ASSERT_TRUE(other);
  ASSERT_TRUE((*other)->upsert_store({std::string(kNorth), "north", CustomerScope::region}));
  ASSERT_TRUE((*other)->set_stock_levels({{std::string(kNorth), "SKU-A", 10}}));
  for (const auto& m : {n1, n2}) {
    auto r = (*other)->apply_push(m.node_id, {m});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->results[0].outcome, Outcome::applied) << r->results[0].reason;
  }
  EXPECT_EQ(*(*other)->stock_level(kNorth, "SKU-A"), 3);
}

TEST_F(HubTest, PickupOrderGoesPendingReadyCollected) {
  auto placed = hub().place_online_order(pickup("web-1"));
  ASSERT_TRUE(placed) << placed.error().what();
  EXPECT_EQ(placed->status, "pending");
  EXPECT_EQ(placed->fulfilment, "pickup");
  auto ready = hub().apply_push("node-n1",
                                {mutation("node-n1", 1, "order.status",
                                          R"({"order_id":"web-1","status":"ready_for_pickup","at_ms":1})")});
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->results[0].outcome, Outcome::applied) << ready->results[0].reason;
  auto collected = hub().apply_push(
      "node-n1",
      {mutation("node-n1", 2, "order.status", R"({"order_id":"web-1","status":"collected","at_ms":2})")});
  ASSERT_TRUE(collected);
  EXPECT_EQ(collected->results[0].outcome, Outcome::applied);
  EXPECT_EQ(hub().order_status("web-1")->status, "collected");
  EXPECT_FALSE(hub().order_status("web-1")->needs_review);

  auto cancel = hub().set_online_order_status("web-1", "cancelled");
  ASSERT_FALSE(cancel) << "a collected order cannot be cancelled";
  EXPECT_EQ(cancel.error().kind(), Errc::conflict);
  EXPECT_NE(cancel.error().what().find("cannot go from collected to cancelled"), std::string::npos);
}

TEST_F(HubTest, CollectedInStoreWhileCancelledOnlineEndsCollectedAndFlagged) {
  ASSERT_TRUE(hub().place_online_order(pickup("web-2")));
  ASSERT_TRUE(hub().apply_push("node-n1",
                               {mutation("node-n1", 1, "order.status",
                                         R"({"order_id":"web-2","status":"ready_for_pickup","at_ms":1})")}));
  auto cancelled =
      hub().set_online_order_status("web-2", "cancelled");  // the web shop, while the store is offline
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->status, "cancelled");
  auto r = hub().apply_push("node-n1", {mutation("node-n1", 2, "order.status",
                                                 R"({"order_id":"web-2","status":"collected","at_ms":2})")});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->results[0].outcome, Outcome::applied);
  auto view = hub().order_status("web-2");
  EXPECT_EQ(view->status, "collected");
  EXPECT_TRUE(view->needs_review);
  auto review = hub().orders_for_review();
  ASSERT_EQ(review->size(), 1u);
  EXPECT_EQ((*review)[0].order_id, "web-2");
  EXPECT_NE((*review)[0].review_reason.find("cancelled online"), std::string::npos);
}

// HQ settles the flagged order with the customer and clears the flag with a note: the order leaves the
// review list, its store receives it unflagged, and the reason and note stay in the resolution log.
TEST_F(HubTest, AResolvedReviewClearsTheFlagKeepsTheReasonAndReachesTheStore) {
  ASSERT_TRUE(hub().place_online_order(pickup("web-3")));
  ASSERT_TRUE(hub().set_online_order_status("web-3", "cancelled"));
  ASSERT_TRUE(hub().apply_push(
      "node-n1",
      {mutation("node-n1", 1, "order.status", R"({"order_id":"web-3","status":"collected","at_ms":2})")}));
  ASSERT_TRUE(hub().order_status("web-3")->needs_review);
  const std::string reason = hub().order_status("web-3")->review_reason;
  auto before = hub().pull({std::string(kNorth), "node-n2", {{"store_orders", ""}}, 100});
  ASSERT_TRUE(before);

  // Bad requests change nothing.
  EXPECT_EQ(hub().resolve_review({ReviewSubject::order, "web-3", ""}).error().kind(), Errc::invalid_argument);
  EXPECT_EQ(hub().resolve_review({ReviewSubject::order, "no-such", "x"}).error().kind(), Errc::not_found);
  EXPECT_EQ(hub().resolve_review({ReviewSubject::gift_card, "web-3", "x"}).error().kind(), Errc::not_found);
  EXPECT_TRUE(hub().order_status("web-3")->needs_review);
  EXPECT_EQ(count("review_resolution"), 0);

  auto resolved =
      hub().resolve_review({ReviewSubject::order, "web-3", "refunded online, goods kept by customer"});
  ASSERT_TRUE(resolved) << resolved.error().what();
  EXPECT_EQ(resolved->reason, reason);
  EXPECT_FALSE(hub().order_status("web-3")->needs_review);
  EXPECT_EQ(hub().order_status("web-3")->status, "collected");
  EXPECT_TRUE(hub().orders_for_review()->empty());
  auto log = hub().resolved_reviews(10);
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].id, "web-3");
  EXPECT_EQ((*log)[0].note, "refunded online, goods kept by customer");

  auto after = hub().pull(
      {std::string(kNorth), "node-n2", {{"store_orders", before->cursors.at("store_orders")}}, 100});
  ASSERT_TRUE(after);
  ASSERT_EQ(after->changes.size(), 1u);
  EXPECT_EQ(boost::json::parse(after->changes[0].payload).as_object().at("needs_review"), false);

  EXPECT_EQ(hub().resolve_review({ReviewSubject::order, "web-3", "again"}).error().kind(), Errc::conflict)
      << "not flagged any more";
}

TEST_F(HubTest, InvalidTransitionsAreRefused) {
  ASSERT_TRUE(hub().place_online_order(pickup("web-3")));
  auto skip = hub().apply_push(
      "node-n1",
      {mutation("node-n1", 1, "order.status", R"({"order_id":"web-3","status":"collected","at_ms":1})")});
  ASSERT_TRUE(skip);
  EXPECT_EQ(skip->results[0].outcome, Outcome::rejected) << "pending orders are made ready before collection";
  EXPECT_NE(skip->results[0].reason.find("cannot go from pending to collected"), std::string::npos);
  EXPECT_EQ(hub().order_status("web-3")->status, "pending");

  auto by_channel = hub().set_online_order_status("web-3", "collected");
  EXPECT_FALSE(by_channel) << "only a store hands goods over";
  auto bogus = hub().set_online_order_status("web-3", "shipped-to-mars");
  ASSERT_FALSE(bogus);
  EXPECT_EQ(bogus.error().kind(), Errc::invalid_argument);

  ASSERT_TRUE(hub().apply_push("node-n1", {mutation("node-n1", 2, "order.completed",
                                                    sale("pos-1", kNorth, "node-n1", {{"SKU-A", -1}}))}));
  auto pos = hub().set_online_order_status("pos-1", "cancelled");
  ASSERT_FALSE(pos);
  EXPECT_NE(pos.error().what().find("only online orders change status"), std::string::npos);
}

TEST(OrderStatusTable, RepeatingTheCurrentStatusIsHarmless) {
  auto v = check_transition("o", "pickup", "cancelled", "cancelled", StatusActor::channel);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->changed);
  EXPECT_EQ(v->status, "cancelled");
}

TEST_F(HubTest, PlacingAnOnlineOrderValidatesAndIsIdempotent) {
  auto bad_total = hub().place_online_order(pickup("web-4", 901));
  ASSERT_FALSE(bad_total);
  EXPECT_NE(bad_total.error().what().find("total 901 is not the sum of its lines 900"), std::string::npos);
  OnlineOrder unknown = pickup("web-5");
  unknown.lines[0].sku = "SKU-NOPE";
  auto u = hub().place_online_order(unknown);
  ASSERT_FALSE(u);
  EXPECT_NE(u.error().what().find("SKU-NOPE is not an active product"), std::string::npos);
  OnlineOrder nowhere = pickup("web-6");
  nowhere.store_code = "9999";
  EXPECT_EQ(hub().place_online_order(nowhere).error().kind(), Errc::not_found);
  EXPECT_EQ(count("hub_order"), 0);

  ASSERT_TRUE(hub().place_online_order(pickup("web-7")));
  EXPECT_TRUE(hub().place_online_order(pickup("web-7"))) << "the web shop may retry a placement";
  OnlineOrder changed = pickup("web-7");
  changed.lines[0].quantity = 3;
  changed.total_cents = 1350;
  EXPECT_EQ(hub().place_online_order(changed).error().kind(), Errc::already_exists);
  EXPECT_EQ(count("hub_order"), 1);

  OnlineOrder minted = pickup("");
  minted.fulfilment = Fulfilment::ship_from_store;
  auto m = hub().place_online_order(minted);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->order_id.size(), 36u);
  EXPECT_EQ(m->fulfilment, "ship_from_store");
  EXPECT_EQ(hub().order_status("no-such-order").error().kind(), Errc::not_found);
}

}  // namespace
}  // namespace storeedge::sync::hub::testing
