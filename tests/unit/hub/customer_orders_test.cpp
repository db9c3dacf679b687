// A customer's orders across channels: what the CRM and the web shop see of a customer's history
// (web orders, store sales and store returns pushed by the tills).
#include <gmock/gmock.h>

#include "tests/unit/hub/hub_fixture.hpp"

namespace storeedge::sync::hub::testing {
namespace {

using ::testing::ElementsAre;

std::string with(std::string payload, std::initializer_list<std::pair<const char*, boost::json::value>> set) {
  auto o = boost::json::parse(payload).as_object();
  for (const auto& [k, v] : set) o[k] = v;
  return boost::json::serialize(o);
}

TEST_F(HubTest, CustomerOrdersSpanWebAndStoreSalesAndReturnsNewestFirst) {
  ASSERT_TRUE(hub().upsert_customer({.customer_id = "cust-ana", .name = "Ana"}));
  ASSERT_TRUE(hub().upsert_customer({.customer_id = "cust-bo", .name = "Bo"}));
  const std::string bought = sale("store-1", kNorth, "node-n1", {{"SKU-A", -1}}, "cust-ana");
  const std::string returned =
      with(sale("store-ret", kNorth, "node-n1", {{"SKU-A", 1}}, "cust-ana"),
           {{"kind", "return"}, {"original_order_id", "store-1"}, {"created_at_ms", 1'700'000'100'000}});
  const std::string other = sale("store-bo", kNorth, "node-n1", {{"SKU-A", -1}}, "cust-bo");
  auto pushed = hub().apply_push("node-n1", {mutation("node-n1", 1, "order.completed", bought),
                                             mutation("node-n1", 2, "order.returned", returned),
                                             mutation("node-n1", 3, "order.completed", other)});
  ASSERT_TRUE(pushed);
  for (const auto& r : pushed->results) ASSERT_EQ(r.outcome, Outcome::applied) << r.reason;
  clock_.advance(std::chrono::hours(1));  // the web order is the newest
  OnlineOrder web;
  web.order_id = "web-1";
  web.store_code = std::string(kNorth);
  web.customer_id = "cust-ana";
  web.lines = {{"SKU-A", 1, 450}};
  web.total_cents = 450;
  ASSERT_TRUE(hub().place_online_order(web));

  auto orders = hub().customer_orders("cust-ana", 100);
  ASSERT_TRUE(orders) << orders.error().what();
  ASSERT_EQ(orders->size(), 3u) << "Bo's sale is not Ana's";
  EXPECT_EQ((*orders)[0].order_id, "web-1");
  EXPECT_EQ((*orders)[0].channel, "web");
  EXPECT_EQ((*orders)[0].fulfilment, "pickup");
  EXPECT_EQ((*orders)[1].order_id, "store-ret");
  EXPECT_EQ((*orders)[1].kind, "return");
  EXPECT_EQ((*orders)[2].order_id, "store-1");
  EXPECT_EQ((*orders)[2].kind, "sale");
  EXPECT_EQ((*orders)[2].fulfilment, "in_store");

  auto newest = hub().customer_orders("cust-ana", 1);
  ASSERT_TRUE(newest);
  ASSERT_EQ(newest->size(), 1u);
  EXPECT_EQ(newest->front().order_id, "web-1");
}

// A sale by `customer` at `at_ms` that earns `points` (entry "le-<order_id>").
std::string sale_earning(const std::string& order_id, const std::string& customer, std::int64_t at_ms,
                         std::int64_t points) {
  const boost::json::array earn{boost::json::object{
      {"entry_id", "le-" + order_id}, {"customer_id", customer}, {"points", points}, {"kind", "earn"}}};
  return with(HubTest::sale(order_id, kNorth, "node-n1", {{"SKU-A", -1}}, customer, earn),
              {{"created_at_ms", at_ms}});
}

std::vector<std::string> ids(const Result<std::vector<OrderView>>& orders) {
  std::vector<std::string> out;
  if (orders) {
    for (const auto& o : *orders) out.push_back(o.order_id);
  }
  return out;
}

// A customer's references wait in a pending list and move into the table read by customer in bulk
// (customer_refs.cpp). History and balance read both: the same answers before, across and after a move.
TEST_F(HubTest, ACustomersHistoryAndBalanceAreWholeWhetherTheirReferencesWaitOrHaveMoved) {
  hub().keep_customer_refs_pending(5);
  const std::int64_t t0 = 1'700'000'000'000;
  std::int64_t id = 0;
  const auto push = [&](const std::string& order_id, const std::string& customer, std::int64_t at,
                        std::int64_t points) {
    ++id;
    auto r = hub().apply_push("node-n1", {mutation("node-n1", id, "order.completed",
                                                   sale_earning(order_id, customer, at, points))});
    ASSERT_TRUE(r) << r.error().what();
    ASSERT_EQ(r->results[0].outcome, Outcome::applied) << r->results[0].reason;
  };
  push("o-1", "cust-ana", t0 + 1, 10);
  push("o-2", "cust-bo", t0 + 2, 7);
  ASSERT_EQ(count("customer_ref_pending"), 4) << "precondition: every reference still waits";
  EXPECT_THAT(ids(hub().customer_orders("cust-ana", 10)), ElementsAre("o-1"));
  EXPECT_EQ(*hub().loyalty_balance("cust-ana"), 10);

  push("o-3", "cust-ana", t0 + 3, 5);  // its order reference is the fifth: all five move
  ASSERT_EQ(count("customer_ref_pending"), 1) << "precondition: the move ran inside this push";
  push("o-4", "cust-ana", t0 + 4, 1);  // waits, newer than the moved ones
  ASSERT_GT(count("customer_ref_pending"), 0);
  EXPECT_THAT(ids(hub().customer_orders("cust-ana", 10)), ElementsAre("o-4", "o-3", "o-1"));
  EXPECT_THAT(ids(hub().customer_orders("cust-ana", 2)), ElementsAre("o-4", "o-3"))
      << "the newest first across moved and waiting references";
  EXPECT_THAT(ids(hub().customer_orders("cust-bo", 10)), ElementsAre("o-2"));
  EXPECT_EQ(*hub().loyalty_balance("cust-ana"), 16);
  EXPECT_EQ(*hub().loyalty_balance("cust-bo"), 7);

  // An older order arriving late sorts by when it was made, not by when it arrived.
  push("o-0", "cust-ana", t0, 2);
  EXPECT_THAT(ids(hub().customer_orders("cust-ana", 10)), ElementsAre("o-4", "o-3", "o-1", "o-0"));
  EXPECT_EQ(*hub().loyalty_balance("cust-ana"), 18);

  // Reopened (the threshold back at its default): nothing is lost or counted twice.
  reopen();
  EXPECT_THAT(ids(hub().customer_orders("cust-ana", 10)), ElementsAre("o-4", "o-3", "o-1", "o-0"));
  EXPECT_EQ(*hub().loyalty_balance("cust-ana"), 18);
}

// A push whose first run moved the pending references and then met a rejected mutation is rolled
// back and run again with savepoints: the move is undone with it and made again, and every applied
// order and entry is counted once.
TEST_F(HubTest, AMoveOfCustomerReferencesInARetriedPushCountsEveryOrderOnce) {
  hub().keep_customer_refs_pending(3);
  const std::int64_t t0 = 1'700'000'000'000;
  auto r = hub().apply_push(
      "node-n1", {mutation("node-n1", 1, "order.completed", sale_earning("o-1", "cust-ana", t0 + 1, 10)),
                  mutation("node-n1", 2, "order.completed", sale_earning("o-2", "cust-ana", t0 + 2, 20)),
                  mutation("node-n1", 3, "order.completed", R"({"order_id": "broken")"),
                  mutation("node-n1", 4, "order.completed", sale_earning("o-4", "cust-ana", t0 + 4, 40))});
  ASSERT_TRUE(r) << r.error().what();
  ASSERT_EQ(r->results.size(), 4u);
  EXPECT_EQ(r->results[2].outcome, Outcome::rejected);
  EXPECT_THAT(ids(hub().customer_orders("cust-ana", 10)), ElementsAre("o-4", "o-2", "o-1"));
  EXPECT_EQ(*hub().loyalty_balance("cust-ana"), 70);
  EXPECT_EQ(count("customer_ref") + count("customer_ref_pending"), 6) << "three orders, three entries";
}

TEST_F(HubTest, AnUnknownCustomerHasNoOrders) {
  auto orders = hub().customer_orders("nobody", 100);
  ASSERT_TRUE(orders) << orders.error().what();
  EXPECT_TRUE(orders->empty());
}

}  // namespace
}  // namespace storeedge::sync::hub::testing
