// The omnichannel flows end to end with the real storehub and storeedged:
//  1. offline sales: 1,000 orders sold while the hub is down arrive once, with stock and loyalty;
//  2. click and collect: a web pickup order reaches its store, is collected there, the web sees it;
//     a ship-from-store order reaches its store's shipment list, not the pickup counter, is packed
//     and shipped there with a tracking reference, and the web shop reads shipped and the reference;
//  3. cross-channel return: an online order returned in store reaches the customer's history;
//  4. a central price change and promotion reach the till and apply to the next cart;
//  5. loyalty earned online is redeemed in two stores, one offline within its allowance;
//  6. an online email change and an offline phone change of one customer both survive.
// Flows 2-6 drive the other channels through the hub's channel API (/channels/v1).
#include <algorithm>
#include <cstdlib>
#include <set>

#include "platform/sqlite/database.hpp"
#include "tests/integration/flows_fixture.hpp"

namespace storeedge::test {
namespace {

// STOREEDGE_FLOW_ORDERS overrides the 1,000 orders of flow 1 (a longer soak, or a quick local run).
int offline_orders() {
  const char* env = std::getenv("STOREEDGE_FLOW_ORDERS");
  return env != nullptr ? std::max(1, std::atoi(env)) : 1000;
}

TEST_F(FlowsTest, Flow1_OrdersSoldWhileTheHubIsDownArriveOnceWithStockAndLoyalty) {
  const int orders = offline_orders();
  configure_hub(false);
  Edge& till = add_edge("till", "0042", /*demo=*/true);
  std::string ean, sku, card, customer;
  {
    auto db = sqlite::Database::open(till.data() / "replica.db");
    ASSERT_TRUE(db);
    auto product = db->prepare(
        "SELECT substr(g.gtin14, 2), p.sku FROM product p JOIN product_gtin g USING (sku) JOIN price r "
        "USING (sku) WHERE p.sold_by = 'unit' AND p.active = 1 AND p.age_restricted = 0 AND r.valid_to_ms IS "
        "NULL AND r.unit_price_cents >= 200 AND g.gtin14 LIKE '084%' ORDER BY p.sku LIMIT 1");
    ASSERT_TRUE(product && *product->step());
    ean = product->column_text(0);
    sku = product->column_text(1);
    auto member = db->prepare("SELECT card_id, customer_id FROM loyalty_card ORDER BY card_id LIMIT 1");
    ASSERT_TRUE(member && *member->step());
    card = member->column_text(0);
    customer = member->column_text(1);
  }
  start_edge(till);

  std::set<std::string> acknowledged;
  std::int64_t points = 0;
  for (int i = 0; i < orders; ++i) {
    const json::value id = edge_post(till, "/api/v1/carts", {})["cart_id"];
    edge_post(till, "/api/v1/cart/scan", {{"cart_id", id}, {"code", ean}});
    auto cart = edge_post(till, "/api/v1/cart/customer", {{"cart_id", id}, {"card", card}});
    const auto total = cart["totals"].as_object()["total_cents"].as_int64();
    edge_post(till, "/api/v1/cart/tender", {{"cart_id", id}, {"kind", "cash"}, {"amount_cents", total}});
    auto done = edge_post(till, "/api/v1/cart/complete", {{"cart_id", id}});
    ASSERT_TRUE(done.contains("order_id")) << "sale " << i << " was not acknowledged";
    acknowledged.insert(std::string(done["order_id"].as_string()));
    points += done["receipt"].as_object()["loyalty"].as_object()["points_earned"].as_int64();
  }
  ASSERT_EQ(acknowledged.size(), static_cast<std::size_t>(orders));
  ASSERT_GT(points, 0) << "every sale had a member attached and earned points";
  EXPECT_EQ(edge_health(till)["sync"].as_object()["enrolled"], false) << "the hub is down";

  start_hub();
  ASSERT_TRUE(eventually([&] { return edge_synced(till); }, std::chrono::seconds(120)))
      << json::serialize(edge_health(till)["sync"]) << "\n"
      << till.process->stderr_text();
  stop_hub();

  auto db = sqlite::Database::open(dir_ / "hubdata" / "hub.db");
  ASSERT_TRUE(db);
  const HubDelivery delivery = hub_delivery(*db, "0042", acknowledged);
  EXPECT_EQ(delivery.lost, 0u);
  EXPECT_EQ(delivery.duplicated, 0u);
  EXPECT_EQ(delivery.at_hub, acknowledged.size()) << "nothing arrives that was not sold";
  // One unit of the SKU left the store per order, and each order's points are in the hub's ledger.
  EXPECT_EQ(**db->query_one<std::int64_t>(
                "SELECT COALESCE(SUM(delta), 0) FROM stock_journal WHERE store_code = '0042' AND sku = ? "
                "AND order_id IS NOT NULL",
                sku),
            -orders);
  EXPECT_EQ(**db->query_one<std::int64_t>(
                "SELECT COUNT(DISTINCT order_id) FROM loyalty_entry WHERE customer_id = ? AND kind = 'earn'",
                customer),
            orders);
  EXPECT_EQ(**db->query_one<std::int64_t>(
                "SELECT COALESCE(SUM(points), 0) FROM loyalty_entry WHERE customer_id = ? AND kind = 'earn'",
                customer),
            points);
  EXPECT_EQ(**db->query_one<std::int64_t>("SELECT COUNT(*) FROM quarantine"), 0);
}

// Flows 2-6: the catalog, prices, stock, customers and online orders come from the other channels
// through the hub; the tills start empty and pull them.
class ChannelFlowsTest : public FlowsTest {
 protected:
  static constexpr const char* kSku = "FLOW-KETTLE";
  static constexpr std::int64_t kPrice = 1299;

  void SetUp() override {
    configure_hub(true);
    start_hub();
  }

  // Registers the stores (one till each), then loads what the ERP owns: tax rates, the product, a
  // price and a stock level in every store. The tills start and pull it.
  void open_stores(const std::vector<std::pair<std::string, std::string>>& tills) {
    for (const auto& [name, store] : tills) add_edge(name, store);
    channel_ok("POST", "/channels/v1/catalog",
               json::object{
                   {"tax_rates", json::array{json::object{
                                     {"tax_class", "general"}, {"rate_bp", 2100}, {"name", "IVA general"}}}},
                   {"products", json::array{json::object{{"sku", kSku},
                                                         {"name", "Kettle"},
                                                         {"category", "home"},
                                                         {"tax_class", "general"},
                                                         {"sold_by", "unit"},
                                                         {"age_restricted", false},
                                                         {"active", true},
                                                         {"gtins", json::array{}}}}}});
    json::array prices, levels;
    for (const auto& [name, store] : tills) {
      prices.push_back(json::object{
          {"store_code", store}, {"sku", kSku}, {"unit_price_cents", kPrice}, {"valid_from_ms", 0}});
      levels.push_back(json::object{{"store_code", store}, {"sku", kSku}, {"level", 10}});
    }
    channel_ok("POST", "/channels/v1/prices", json::object{{"prices", prices}});
    channel_ok("POST", "/channels/v1/stock", json::object{{"levels", levels}});
    for (auto& e : edges_) {
      start_edge(*e);
      ASSERT_TRUE(eventually([&] { return shelf_price(*e) == kPrice; }, kSyncDeadline))
          << e->name << " never received the catalog\n"
          << e->process->stderr_text();
    }
  }

  // The price a till shows for the product, or -1 before it has the product and a price.
  std::int64_t shelf_price(const Edge& e) {
    auto r = http::request("127.0.0.1", e.port, "GET", std::string("/api/v1/products?q=") + kSku);
    if (!r || r->status != 200) return -1;
    auto products = json::parse(r->body).as_object()["products"].as_array();
    if (products.empty() || !products[0].as_object()["unit_price_cents"].is_int64()) return -1;
    return products[0].as_object()["unit_price_cents"].as_int64();
  }

  void create_customer(const std::string& id, const std::string& card, const std::string& email,
                       const std::string& phone) {
    channel_ok("POST", "/channels/v1/customers",
               json::object{{"customer_id", id},
                            {"name", "Ana Flow"},
                            {"email", email},
                            {"phone", phone},
                            {"marketing_consent", true},
                            {"cards", json::array{json::value(card)}},
                            {"home_region", "default"}});
  }

  json::object place_pickup_order(const std::string& order_id, const std::string& store,
                                  const std::string& customer, const std::string& fulfilment = "pickup") {
    Reply placed =
        channel("POST", "/channels/v1/orders",
                json::object{{"order_id", order_id},
                             {"fulfilment", fulfilment},
                             {"store_code", store},
                             {"customer_id", customer},
                             {"currency", "EUR"},
                             {"lines", json::array{json::object{
                                           {"sku", kSku}, {"quantity", 1}, {"unit_price_cents", kPrice}}}},
                             {"total_cents", kPrice},
                             {"tax_cents", 225}});
    EXPECT_EQ(placed.status, 201) << json::serialize(placed.body);
    return placed.object();
  }

  // The order as the till's pickup counter lists it, once it has arrived.
  json::object wait_for_pickup(const Edge& e, const std::string& order_id) {
    json::object found;
    const bool arrived = eventually(
        [&] {
          auto r = http::request("127.0.0.1", e.port, "GET", "/api/v1/pickups");
          if (!r || r->status != 200) return false;
          const json::value listed = json::parse(r->body);
          for (const auto& p : listed.at("pickups").as_array()) {
            if (p.as_object().at("order_id").as_string() == order_id) found = p.as_object();
          }
          return !found.empty();
        },
        kSyncDeadline);
    EXPECT_TRUE(arrived) << order_id << " never reached " << e.name;
    return found;
  }

  // Picked and packed, then handed over at the counter.
  void hand_over(const Edge& e, const std::string& order_id) {
    auto pickup = wait_for_pickup(e, order_id);
    if (pickup["status"] == "pending") {
      EXPECT_EQ(edge_post(e, "/api/v1/pickups/ready", {{"order_id", order_id}})["status"],
                "ready_for_pickup");
    }
    EXPECT_EQ(edge_post(e, "/api/v1/pickups/collect", {{"order_id", order_id}})["status"], "collected");
  }

  std::string hub_order_status(const std::string& order_id) {
    Reply r = channel("GET", "/channels/v1/orders?id=" + order_id);
    if (r.status != 200) return "";
    auto status = r.object()["status"];
    return status.is_string() ? std::string(status.as_string()) : "";
  }

  // A sale of one kettle to the member holding `card`, `points` of it paid with points, the rest
  // in cash. Returns the complete answer (order id, receipt).
  json::object sell_to_member(const Edge& e, const std::string& card, std::int64_t points) {
    const json::value id = edge_post(e, "/api/v1/carts", {})["cart_id"];
    edge_post(e, "/api/v1/cart/items", {{"cart_id", id}, {"sku", kSku}, {"amount", 1}});
    auto cart = edge_post(e, "/api/v1/cart/customer", {{"cart_id", id}, {"card", card}});
    if (points > 0)
      cart = edge_post(e, "/api/v1/cart/tender", {{"cart_id", id}, {"kind", "points"}, {"points", points}});
    const auto due = cart["totals"].as_object()["remaining_cents"].as_int64();
    edge_post(e, "/api/v1/cart/tender", {{"cart_id", id}, {"kind", "cash"}, {"amount_cents", due}});
    return edge_post(e, "/api/v1/cart/complete", {{"cart_id", id}});
  }

  std::int64_t till_balance(const Edge& e, const std::string& customer) {
    auto r = http::request("127.0.0.1", e.port, "GET", "/api/v1/customer?id=" + customer);
    if (!r || r->status != 200) return -1;
    return json::parse(r->body).as_object()["loyalty_balance"].as_int64();
  }
  std::int64_t hub_balance(const std::string& customer) {
    Reply r = channel("GET", "/channels/v1/loyalty/balance?customer=" + customer);
    auto b = r.object()["balance"];
    return b.is_int64() ? b.as_int64() : -1;
  }
};

TEST_F(ChannelFlowsTest, Flow2_AWebPickupOrderIsCollectedInStoreAndTheWebShopSeesIt) {
  open_stores({{"till", "0042"}});
  Edge& till = *edges_[0];
  create_customer("cust-c2", "LC-C2", "c2@example.com", "+34600000002");
  place_pickup_order("web-c2", "0042", "cust-c2");
  auto pickup = wait_for_pickup(till, "web-c2");
  ASSERT_EQ(pickup["lines"].as_array().size(), 1u);
  EXPECT_EQ(pickup["lines"].as_array()[0].as_object()["sku"], kSku);
  EXPECT_EQ(pickup["total_cents"], kPrice);

  hand_over(till, "web-c2");
  EXPECT_TRUE(eventually([&] { return hub_order_status("web-c2") == "collected"; }, kSyncDeadline))
      << "the web shop reads " << hub_order_status("web-c2");
  auto again = edge_call(till, "POST", "/api/v1/pickups/collect", {{"order_id", "web-c2"}}, 409);
  EXPECT_NE(json::serialize(again.body).find("already collected"), std::string::npos);
  edge_call(till, "POST", "/api/v1/pickups/collect", {{"order_id", "web-nope"}}, 404);
  EXPECT_TRUE(eventually([&] { return edge_synced(till); }, kSyncDeadline));
  EXPECT_EQ(hub_order_status("web-c2"), "collected");
}

// The order ids a till lists under `path` ("/api/v1/pickups" -> "pickups", "/api/v1/shipments" -> ...).
std::set<std::string> listed_ids(const json::object& listed, const std::string& key) {
  std::set<std::string> ids;
  for (const auto& o : listed.at(key).as_array())
    ids.insert(std::string(o.as_object().at("order_id").as_string()));
  return ids;
}

TEST_F(ChannelFlowsTest,
       Flow2b_AShipFromStoreOrderIsPackedAndShippedInItsStoreAndTheWebShopReadsTheTracking) {
  open_stores({{"till", "0042"}});
  Edge& till = *edges_[0];
  create_customer("cust-c2b", "LC-C2B", "c2b@example.com", "+34600000022");
  place_pickup_order("web-ship-c2b", "0042", "cust-c2b", "ship_from_store");
  place_pickup_order("web-pick-c2b", "0042", "cust-c2b");
  // Placed after the shipment, the pickup arrives in the same stream no earlier than it.
  wait_for_pickup(till, "web-pick-c2b");

  const auto pickups = edge_call(till, "GET", "/api/v1/pickups", {}, 200).object();
  ASSERT_TRUE(pickups.contains("pickups"));
  EXPECT_EQ(listed_ids(pickups, "pickups"), std::set<std::string>{"web-pick-c2b"});
  const auto shipments = edge_call(till, "GET", "/api/v1/shipments", {}, 200).object();
  ASSERT_TRUE(shipments.contains("shipments"));
  EXPECT_EQ(listed_ids(shipments, "shipments"), std::set<std::string>{"web-ship-c2b"});
  ASSERT_EQ(shipments.at("shipments").as_array().size(), 1u);
  const auto& shipment = shipments.at("shipments").as_array().at(0).as_object();
  EXPECT_EQ(shipment.at("fulfilment"), "ship_from_store");
  EXPECT_EQ(shipment.at("lines").as_array().size(), 1u);

  auto refused = edge_call(till, "POST", "/api/v1/pickups/ready", {{"order_id", "web-ship-c2b"}}, 409);
  EXPECT_NE(json::serialize(refused.body).find("ship_from_store"), std::string::npos);
  EXPECT_EQ(hub_order_status("web-ship-c2b"), "pending");
  auto not_a_shipment =
      edge_call(till, "POST", "/api/v1/shipments/pack", {{"order_id", "web-pick-c2b"}}, 409);
  EXPECT_NE(json::serialize(not_a_shipment.body).find("is a pickup order"), std::string::npos);

  // Staff pack the parcel, then hand it to the carrier with its tracking reference.
  EXPECT_EQ(edge_post(till, "/api/v1/shipments/pack", {{"order_id", "web-ship-c2b"}})["status"], "packed");
  EXPECT_EQ(listed_ids(edge_call(till, "GET", "/api/v1/shipments", {}, 200).object(), "shipments"),
            std::set<std::string>{"web-ship-c2b"});
  EXPECT_TRUE(eventually([&] { return hub_order_status("web-ship-c2b") == "packed"; }, kSyncDeadline))
      << "the web shop reads " << hub_order_status("web-ship-c2b");
  edge_call(till, "POST", "/api/v1/shipments/ship", {{"order_id", "web-ship-c2b"}}, 422);
  auto shipped =
      edge_post(till, "/api/v1/shipments/ship",
                {{"order_id", "web-ship-c2b"}, {"tracking_reference", "JD0146C2B"}, {"carrier", "DHL"}});
  EXPECT_EQ(shipped["status"], "shipped");
  EXPECT_EQ(shipped["tracking_reference"], "JD0146C2B");
  EXPECT_TRUE(
      edge_call(till, "GET", "/api/v1/shipments", {}, 200).object().at("shipments").as_array().empty());
  // The customer calls the store: staff find the parcel's tracking reference among the shipped orders.
  const auto sent = edge_call(till, "GET", "/api/v1/shipments?status=shipped", {}, 200).object();
  ASSERT_EQ(sent.at("shipments").as_array().size(), 1u);
  const auto& parcel = sent.at("shipments").as_array().at(0).as_object();
  EXPECT_EQ(parcel.at("order_id"), "web-ship-c2b");
  EXPECT_EQ(parcel.at("status"), "shipped");
  EXPECT_EQ(parcel.at("tracking_reference"), "JD0146C2B");
  EXPECT_EQ(parcel.at("carrier"), "DHL");
  auto bad_filter = edge_call(till, "GET", "/api/v1/shipments?status=lost", {}, 422);
  EXPECT_NE(json::serialize(bad_filter.body).find("not open or shipped"), std::string::npos);

  EXPECT_TRUE(eventually([&] { return hub_order_status("web-ship-c2b") == "shipped"; }, kSyncDeadline))
      << "the web shop reads " << hub_order_status("web-ship-c2b");
  auto view = channel("GET", "/channels/v1/orders?id=web-ship-c2b").object();
  EXPECT_EQ(view["fulfilment"], "ship_from_store");
  EXPECT_EQ(view["tracking_reference"], "JD0146C2B");
  EXPECT_EQ(view["carrier"], "DHL");
  EXPECT_EQ(view["needs_review"], false);

  Reply cancel = channel("POST", "/channels/v1/orders/status",
                         json::object{{"order_id", "web-ship-c2b"}, {"status", "cancelled"}});
  EXPECT_EQ(cancel.status, 409) << json::serialize(cancel.body);
  EXPECT_NE(json::serialize(cancel.body).find("cannot go from shipped to cancelled"), std::string::npos);
  EXPECT_EQ(hub_order_status("web-ship-c2b"), "shipped");
}

TEST_F(ChannelFlowsTest, Flow3_AnOnlineOrderReturnedInStoreReachesTheHubAndTheCustomersHistory) {
  open_stores({{"till", "0042"}});
  Edge& till = *edges_[0];
  create_customer("cust-c3", "LC-C3", "c3@example.com", "+34600000003");
  place_pickup_order("web-c3", "0042", "cust-c3");
  const auto line_no = wait_for_pickup(till, "web-c3")["lines"].as_array()[0].as_object()["line_no"];
  hand_over(till, "web-c3");
  ASSERT_TRUE(eventually([&] { return edge_synced(till) && hub_order_status("web-c3") == "collected"; },
                         kSyncDeadline));
  auto level = [&] {
    auto l = channel("GET", std::string("/channels/v1/stock?store=0042&sku=") + kSku).object()["level"];
    return l.is_int64() ? l.as_int64() : -999;
  };
  const std::int64_t before = level();

  auto ret = edge_call(till, "POST", "/api/v1/returns",
                       {{"original", "web-c3"},
                        {"items", json::array{json::object{{"line_no", line_no}, {"quantity", 1}}}},
                        {"refund", "cash"},
                        {"reason", "wrong colour"}},
                       201)
                 .object();
  ASSERT_TRUE(ret.contains("order_id")) << json::serialize(ret);
  EXPECT_EQ(ret["refunded_cents"], kPrice);
  const std::string return_id(ret["order_id"].as_string());

  EXPECT_TRUE(eventually([&] { return edge_synced(till) && level() == before + 1; }, kSyncDeadline))
      << "stock at the hub: " << level() << ", before the return " << before;
  auto profile = channel_ok("GET", "/channels/v1/customers?id=cust-c3");
  std::map<std::string, json::object> history;
  for (const auto& o : profile["orders"].as_array()) {
    history[std::string(o.as_object().at("order_id").as_string())] = o.as_object();
  }
  ASSERT_TRUE(history.contains("web-c3")) << json::serialize(profile);
  ASSERT_TRUE(history.contains(return_id)) << json::serialize(profile);
  EXPECT_EQ(history["web-c3"]["status"], "collected");
  EXPECT_EQ(history[return_id]["total_cents"], -kPrice) << "the refund is in the customer's history";
  // The same lines cannot come back twice.
  edge_call(till, "POST", "/api/v1/returns",
            {{"original", "web-c3"},
             {"items", json::array{json::object{{"line_no", line_no}, {"quantity", 1}}}},
             {"refund", "cash"}},
            409);
}

TEST_F(ChannelFlowsTest, Flow4_ACentralPriceChangeAndPromotionApplyToTheNextCart) {
  open_stores({{"till", "0042"}});
  Edge& till = *edges_[0];
  auto first = edge_post(till, "/api/v1/carts", {});
  first =
      edge_post(till, "/api/v1/cart/items", {{"cart_id", first["cart_id"]}, {"sku", kSku}, {"amount", 1}});
  EXPECT_EQ(first["totals"].as_object()["total_cents"], kPrice);

  const std::int64_t from = now_ms() - 60'000;
  channel_ok("POST", "/channels/v1/prices",
             json::object{{"prices", json::array{json::object{{"store_code", "0042"},
                                                              {"sku", kSku},
                                                              {"unit_price_cents", 999},
                                                              {"valid_from_ms", from}}}}});
  channel_ok(
      "POST", "/channels/v1/promotions",
      json::object{{"promotions", json::array{json::object{{"promotion_id", "flow-kettle-10"},
                                                           {"description", "10% off kettles"},
                                                           {"kind", "percent_off"},
                                                           {"percent_bp", 1000},
                                                           {"members_only", false},
                                                           {"stackable", false},
                                                           {"valid_from_ms", from},
                                                           {"skus", json::array{json::value(kSku)}}}}}});
  ASSERT_TRUE(eventually([&] { return shelf_price(till) == 999; }, kSyncDeadline)) << "price never arrived";
  ASSERT_TRUE(eventually(
      [&] {
        auto db = sqlite::Database::open(till.data() / "replica.db");
        return db && db->query_one<std::int64_t>(
                           "SELECT COUNT(*) FROM promotion WHERE promotion_id = "
                           "'flow-kettle-10'")
                             .value_or(std::optional<std::int64_t>(0))
                             .value_or(0) == 1;
      },
      kSyncDeadline))
      << "the promotion never reached the till";

  auto next = edge_post(till, "/api/v1/carts", {});
  next = edge_post(till, "/api/v1/cart/items", {{"cart_id", next["cart_id"]}, {"sku", kSku}, {"amount", 1}});
  auto line = next["lines"].as_array()[0].as_object();
  EXPECT_EQ(line["price_cents"], 999);
  ASSERT_EQ(next["promotions"].as_array().size(), 1u) << json::serialize(next);
  auto promotion = next["promotions"].as_array()[0].as_object();
  EXPECT_EQ(promotion["promotion_id"], "flow-kettle-10");
  const std::int64_t saving = promotion["saving_cents"].as_int64();
  EXPECT_TRUE(saving == 99 || saving == 100) << "10% of 9.99, rounded: " << saving;
  EXPECT_EQ(next["totals"].as_object()["total_cents"], 999 - saving);
}

TEST_F(ChannelFlowsTest, Flow5_PointsEarnedOnlineAreRedeemedInTwoStoresWithinTheOfflineAllowance) {
  open_stores({{"north", "0042"}, {"south", "0043"}});
  Edge& north = *edges_[0];
  Edge& south = *edges_[1];
  create_customer("cust-c5", "LC-C5", "c5@example.com", "+34600000005");
  EXPECT_EQ(
      channel(
          "POST", "/channels/v1/loyalty/entries",
          json::object{
              {"entry_id", "web-earn-c5"}, {"customer_id", "cust-c5"}, {"points", 1000}, {"kind", "earn"}})
          .status,
      201);
  for (const char* store : {"0042", "0043"}) {
    channel_ok("POST", "/channels/v1/loyalty/allowances",
               json::object{{"store_code", store}, {"customer_id", "cust-c5"}, {"limit_points", 500}});
  }
  for (Edge* e : {&north, &south}) {
    ASSERT_TRUE(eventually([&] { return till_balance(*e, "cust-c5") == 1000; }, kSyncDeadline))
        << e->name << " balance " << till_balance(*e, "cust-c5");
  }

  // The south store loses its hub; the north store stays online and redeems 400 points.
  stop_edge(south);
  write_edge_config(south, 1);
  start_edge(south);
  auto north_sale = sell_to_member(north, "LC-C5", 400);
  ASSERT_TRUE(north_sale.contains("order_id"));

  // Offline, the south store still sees 1,000 points but may redeem only its allowance of 500.
  const json::value cart = edge_post(south, "/api/v1/carts", {})["cart_id"];
  edge_post(south, "/api/v1/cart/items", {{"cart_id", cart}, {"sku", kSku}, {"amount", 1}});
  edge_post(south, "/api/v1/cart/customer", {{"cart_id", cart}, {"card", "LC-C5"}});
  auto refused = edge_call(south, "POST", "/api/v1/cart/tender",
                           {{"cart_id", cart}, {"kind", "points"}, {"points", 501}}, 409);
  EXPECT_NE(json::serialize(refused.body).find("may redeem 500"), std::string::npos)
      << json::serialize(refused.body);
  auto south_sale = sell_to_member(south, "LC-C5", 500);
  ASSERT_TRUE(south_sale.contains("order_id"));
  const json::value more = edge_post(south, "/api/v1/carts", {})["cart_id"];
  edge_post(south, "/api/v1/cart/items", {{"cart_id", more}, {"sku", kSku}, {"amount", 1}});
  edge_post(south, "/api/v1/cart/customer", {{"cart_id", more}, {"card", "LC-C5"}});
  edge_call(south, "POST", "/api/v1/cart/tender", {{"cart_id", more}, {"kind", "points"}, {"points", 1}},
            409);

  // Back online: the ledger reconciles everywhere.
  stop_edge(south);
  write_edge_config(south, hub_port_);
  start_edge(south);
  const auto earned = [](const json::object& sale) {
    return sale.at("receipt").as_object().at("loyalty").as_object().at("points_earned").as_int64();
  };
  const std::int64_t expected = 1000 - 400 - 500 + earned(north_sale) + earned(south_sale);
  EXPECT_TRUE(eventually([&] { return edge_synced(north) && edge_synced(south); }, kSyncDeadline));
  EXPECT_TRUE(eventually([&] { return hub_balance("cust-c5") == expected; }, kSyncDeadline))
      << "hub balance " << hub_balance("cust-c5") << ", expected " << expected;
  for (Edge* e : {&north, &south}) {
    EXPECT_TRUE(eventually([&] { return till_balance(*e, "cust-c5") == expected; }, kSyncDeadline))
        << e->name << " balance " << till_balance(*e, "cust-c5") << ", expected " << expected;
  }
}

TEST_F(ChannelFlowsTest, Flow6_AnOnlineEmailChangeAndAnOfflinePhoneChangeBothSurvive) {
  open_stores({{"till", "0042"}});
  Edge& till = *edges_[0];
  create_customer("cust-c6", "LC-C6", "old@example.com", "+34600000006");
  ASSERT_TRUE(eventually([&] { return till_balance(till, "cust-c6") >= 0; }, kSyncDeadline))
      << "the customer never reached the till";

  // The store is offline when the cashier updates the phone; the till stops before it can push.
  stop_hub();
  auto edited =
      edge_post(till, "/api/v1/customers/update", {{"customer_id", "cust-c6"}, {"phone", "+34 611 222 333"}});
  EXPECT_EQ(edited["phone"], "+34611222333");
  stop_edge(till);
  // Meanwhile, later, the customer changes the email online.
  start_hub();
  channel_ok("POST", "/channels/v1/customers",
             json::object{{"customer_id", "cust-c6"}, {"email", "new@example.com"}});
  start_edge(till);

  auto hub_profile = [&] { return channel_ok("GET", "/channels/v1/customers?id=cust-c6"); };
  EXPECT_TRUE(eventually(
      [&] {
        auto p = hub_profile();
        return edge_synced(till) && p["phone"] == "+34611222333" && p["email"] == "new@example.com";
      },
      kSyncDeadline))
      << json::serialize(hub_profile());
  EXPECT_TRUE(eventually(
      [&] {
        auto r = edge_call(till, "GET", "/api/v1/customer?id=cust-c6").object();
        return r["phone"] == "+34611222333" && r["email"] == "new@example.com";
      },
      kSyncDeadline))
      << json::serialize(edge_call(till, "GET", "/api/v1/customer?id=cust-c6").body);
}

}  // namespace
}  // namespace storeedge::test
