// The counter's endpoints of storeedged on the demo store, without a hub: handing over online
// orders, returning one, editing a customer, and paying with points within the offline allowance.
#include <chrono>

#include "platform/sqlite/database.hpp"
#include "tests/integration/daemon_fixture.hpp"

namespace storeedge::test {
namespace {

namespace json = boost::json;

class CounterApiTest : public EdgeDaemonTest {
 protected:
  void SetUp() override {
    write_config(edge_config_text(data_dir()));
    auto demo = run_program(bin_dir() / "storectl", {"load-demo-data", "--config", config_path().string()},
                            dir_ / "demo");
    ASSERT_EQ(demo.exit_code, 0) << demo.err;
    auto db = sqlite::Database::open(data_dir() / "replica.db");
    ASSERT_TRUE(db);
    // A member with points, an allowance granted just now and a loyalty card; a product to sell.
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    auto member = db->prepare(
        "SELECT a.customer_id, c.card_id FROM loyalty_allowance a JOIN loyalty_card c USING (customer_id) "
        "WHERE a.offline_limit_points > 0 AND (SELECT SUM(points) FROM loyalty_entry e WHERE e.customer_id = "
        "a.customer_id) > 100 ORDER BY a.customer_id LIMIT 1");
    ASSERT_TRUE(member && *member->step());
    customer_ = member->column_text(0);
    card_ = member->column_text(1);
    ASSERT_TRUE(db->exec("UPDATE loyalty_allowance SET offline_limit_points = 100, granted_at_ms = " +
                         std::to_string(now) + " WHERE customer_id = '" + customer_ + "'"));
    sku_ = **db->query_one<std::string>(
        "SELECT p.sku FROM product p JOIN price r USING (sku) WHERE p.sold_by = 'unit' AND p.active = 1 AND "
        "p.age_restricted = 0 AND r.valid_to_ms IS NULL AND r.unit_price_cents >= 300 ORDER BY p.sku LIMIT "
        "1");
    start();
  }

  json::object call(const std::string& method, const std::string& path, const json::object& body,
                    int expected_status) {
    auto r = http::request("127.0.0.1", port_, method, path, method == "GET" ? "" : json::serialize(body));
    EXPECT_TRUE(r) << (r ? "" : r.error().what());
    if (!r) return {};
    EXPECT_EQ(r->status, expected_status) << path << " -> " << r->body;
    return json::parse(r->body).as_object();
  }
  std::string error_text(const json::object& o) { return json::serialize(o); }

  std::int64_t replica_count(const std::string& sql) {
    auto db = sqlite::Database::open(data_dir() / "replica.db");
    return db ? db->query_one<std::int64_t>(sql).value().value_or(-1) : -1;
  }

  std::string customer_, card_, sku_;
};

TEST_F(CounterApiTest, AnOnlineOrderIsHandedOverOnceAndCanThenBeReturned) {
  auto list = call("GET", "/api/v1/pickups", {}, 200);
  json::object ready;
  for (const auto& p : list["pickups"].as_array()) {
    if (p.as_object().at("status") == "ready_for_pickup") ready = p.as_object();
  }
  ASSERT_FALSE(ready.empty()) << "the demo store has online orders ready for pickup";
  const std::string id(ready["order_id"].as_string());

  auto collected = call("POST", "/api/v1/pickups/collect", {{"order_id", id}}, 200);
  EXPECT_EQ(collected["status"], "collected");
  EXPECT_EQ(
      replica_count("SELECT COUNT(*) FROM outbox WHERE kind = 'order.status' AND entity_id = '" + id + "'"),
      1);
  auto again = call("POST", "/api/v1/pickups/collect", {{"order_id", id}}, 409);
  EXPECT_NE(error_text(again).find("already collected"), std::string::npos) << error_text(again);
  auto unknown = call("POST", "/api/v1/pickups/collect", {{"order_id", "web-nope"}}, 404);
  EXPECT_NE(error_text(unknown).find("no online order web-nope"), std::string::npos);
  call("POST", "/api/v1/pickups/collect", {{"order_id", ""}}, 422);
  const json::object after = call("GET", "/api/v1/pickups", {}, 200);
  for (const auto& p : after.at("pickups").as_array()) {
    EXPECT_NE(p.as_object().at("order_id").as_string(), id) << "a collected order leaves the list";
  }

  const auto line = ready["lines"].as_array()[0].as_object();
  auto ret = call("POST", "/api/v1/returns",
                  {{"original", id},
                   {"items", json::array{json::object{{"line_no", line.at("line_no")}, {"quantity", 1}}}},
                   {"refund", "cash"}},
                  201);
  EXPECT_GT(ret["refunded_cents"].as_int64(), 0);
  EXPECT_EQ(ret["receipt_number"], "0042-07-00000001");
  EXPECT_EQ(replica_count("SELECT COUNT(*) FROM outbox WHERE kind = 'order.returned'"), 1);
  call("POST", "/api/v1/returns", {{"original", id}, {"items", json::array{}}}, 422);
  call("POST", "/api/v1/returns",
       {{"original", id}, {"items", json::array{json::object{{"line_no", 1}}}}, {"refund", "cheque"}}, 422);
  call("POST", "/api/v1/returns",
       {{"original", "no-such-order"}, {"items", json::array{json::object{{"line_no", 1}}}}}, 404);
}

TEST_F(CounterApiTest, ACustomerEditIsSavedAndQueuedWithTheFieldsItChanged) {
  auto edited = call("POST", "/api/v1/customers/update",
                     {{"customer_id", customer_}, {"phone", "+34 611 222 333"}}, 200);
  EXPECT_EQ(edited["phone"], "+34611222333");
  auto shown = call("GET", "/api/v1/customer?id=" + customer_, {}, 200);
  EXPECT_EQ(shown["phone"], "+34611222333");
  EXPECT_GT(shown["loyalty_balance"].as_int64(), 100);
  EXPECT_EQ(replica_count("SELECT COUNT(*) FROM outbox JOIN outbox_payload USING (mutation_id) WHERE kind = "
                          "'customer.upserted' AND hlc IS NOT NULL AND "
                          "payload LIKE '%\"changed\":[\"phone\"]%'"),
            1);

  call("POST", "/api/v1/customers/update", {{"customer_id", customer_}, {"email", "not an email"}}, 422);
  call("POST", "/api/v1/customers/update", {{"customer_id", "cust-nobody"}, {"phone", "+34611222334"}}, 404);
  call("POST", "/api/v1/customers/update", {{"customer_id", customer_}, {"marketing_consent", "yes"}}, 422);
  call("GET", "/api/v1/customer?id=cust-nobody", {}, 404);
  EXPECT_EQ(replica_count("SELECT COUNT(*) FROM outbox WHERE kind = 'customer.upserted'"), 1)
      << "refused edits queue nothing";
}

TEST_F(CounterApiTest, PointsPayWithinTheOfflineAllowanceOnly) {
  auto cart = call("POST", "/api/v1/carts", {}, 201);
  const json::value id = cart["cart_id"];
  call("POST", "/api/v1/cart/items", {{"cart_id", id}, {"sku", sku_}, {"amount", 1}}, 200);
  auto anonymous =
      call("POST", "/api/v1/cart/tender", {{"cart_id", id}, {"kind", "points"}, {"points", 50}}, 409);
  EXPECT_NE(error_text(anonymous).find("attach the loyalty member"), std::string::npos);
  call("POST", "/api/v1/cart/customer", {{"cart_id", id}, {"card", card_}}, 200);
  auto refused =
      call("POST", "/api/v1/cart/tender", {{"cart_id", id}, {"kind", "points"}, {"points", 101}}, 409);
  EXPECT_NE(error_text(refused).find("may redeem 100"), std::string::npos) << error_text(refused);
  EXPECT_EQ(call("GET", "/api/v1/cart?id=" + std::string(id.as_string()), {}, 200)["state"], "open")
      << "a refused tender leaves the cart as it was";

  cart = call("POST", "/api/v1/cart/tender", {{"cart_id", id}, {"kind", "points"}, {"points", 100}}, 200);
  const auto due = cart["totals"].as_object()["remaining_cents"].as_int64();
  call("POST", "/api/v1/cart/tender", {{"cart_id", id}, {"kind", "cash"}, {"amount_cents", due}}, 200);
  auto done = call("POST", "/api/v1/cart/complete", {{"cart_id", id}}, 201);
  EXPECT_EQ(done["receipt"].as_object()["loyalty"].as_object()["points_redeemed"], 100);
}

}  // namespace
}  // namespace storeedge::test
