// A customer's orders across channels: what the CRM and the web shop see of a customer's history
// (web orders, store sales and store returns pushed by the tills).
#include "tests/unit/hub/hub_fixture.hpp"

namespace storeedge::sync::hub::testing {
namespace {

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

TEST_F(HubTest, AnUnknownCustomerHasNoOrders) {
  auto orders = hub().customer_orders("nobody", 100);
  ASSERT_TRUE(orders) << orders.error().what();
  EXPECT_TRUE(orders->empty());
}

}  // namespace
}  // namespace storeedge::sync::hub::testing
