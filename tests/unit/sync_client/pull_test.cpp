// The puller against a real hub storage engine: every stream's payloads land in the replica, the
// cursors are saved with the data, a failure mid-pull leaves both consistent, and a hub epoch change
// re-syncs cleanly without touching the outbox.
#include "edge/store/catalog.hpp"
#include "edge/store/gift_cards.hpp"
#include "edge/store/loyalty.hpp"
#include "edge/store/pickups.hpp"
#include "platform/sqlite/transaction.hpp"
#include "tests/unit/sync_client/sync_fixture.hpp"

namespace storeedge::sync::client::testing {
namespace {

class PullTest : public SyncTest {
 protected:
  void SetUp() override {
    SyncTest::SetUp();
    load_hub(*hub_);
  }

  std::string web_order_id_;

  void load_hub(hub::HubStorage& h) {
    ASSERT_TRUE(h.upsert_store({"0002", "south", hub::CustomerScope::purchases}));
    hub::CatalogLoad catalog;
    catalog.tax_rates = {{"general", 2100, "IVA general"}, {"reduced", 1000, "IVA reducido"}};
    catalog.products = {
        {"100001", "Aceite de oliva 1 L", "despensa", "reduced", "unit", false, true, {"8410000000009"}},
        {"100002", "Vino tinto", "vinos", "general", "unit", true, true, {"8412345678905"}}};
    ASSERT_TRUE(h.load_catalog(catalog));
    ASSERT_TRUE(h.load_prices({{"0001", "100001", 695, 0, std::nullopt},
                               {"0001", "100002", 1250, 0, std::nullopt},
                               {"0002", "100002", 999, 0, std::nullopt}}));
    hub::Promotion promo;
    promo.promotion_id = "P-3X2";
    promo.description = "3x2 aceite";
    promo.kind = "group_discount";
    promo.percent_bp = 10000;
    promo.group_size = 3;
    promo.discounted_units = 1;
    promo.skus = {"100001"};
    ASSERT_TRUE(h.load_promotions({promo}));
    ASSERT_TRUE(h.set_stock_levels({{"0001", "100001", 40}, {"0001", "100002", 12}}));
    hub::CustomerUpdate ana;
    ana.customer_id = "cust-ana";
    ana.name = "Ana García López";
    ana.email = "ana@example.com";
    ana.cards = std::vector<std::string>{"2990000000001"};
    ana.home_region = "north";
    auto c = h.upsert_customer(ana);
    ASSERT_TRUE(c) << c.error().what();
    ASSERT_TRUE(h.add_loyalty_entry({"entry-1", "cust-ana", 300, "adjust"}));
    ASSERT_TRUE(h.set_offline_allowance({"0001", "cust-ana", 150}));
    hub::OnlineOrder order;
    order.store_code = "0001";
    order.customer_id = "cust-ana";
    order.lines = {{"100001", 2, 695}};
    order.total_cents = 1390;
    order.tax_cents = 126;
    auto placed = h.place_online_order(order);
    ASSERT_TRUE(placed) << placed.error().what();
    web_order_id_ = placed->order_id;
  }

  // A ship-from-store order for store 0001, placed on the web shop and marked packed at the hub.
  void place_packed_shipment(const std::string& order_id) {
    hub::OnlineOrder order;
    order.order_id = order_id;
    order.fulfilment = hub::Fulfilment::ship_from_store;
    order.store_code = "0001";
    order.lines = {{"100002", 1, 1250}};
    order.total_cents = 1250;
    order.tax_cents = 217;
    ASSERT_TRUE(hub_->place_online_order(order));
    ASSERT_TRUE(hub_->set_online_order_status(order_id, "packed"));
  }

  std::int64_t hub_stock(const std::string& sku) {
    return count("SELECT COALESCE(SUM(delta), 0) FROM stock_move WHERE reason = 'hub' AND sku = '" + sku +
                 "'");
  }
};

TEST_F(PullTest, EveryStreamLandsInTheReplicaAndTheCursorsAreSaved) {
  auto p = puller();
  auto report = p.pull();
  ASSERT_TRUE(report) << report.error().what();
  EXPECT_FALSE(report->more);
  EXPECT_GT(report->applied, 10);

  store::CatalogRepository catalog(db());
  auto oil = catalog.find_by_gtin("8410000000009");
  ASSERT_TRUE(oil && *oil);
  EXPECT_EQ((*oil)->name, "Aceite de oliva 1 L");
  auto price = catalog.price_at("0001", "100002", unix_millis(clock_.now()));
  ASSERT_TRUE(price && *price);
  EXPECT_EQ((*price)->unit_price, 1250);  // this store's price, not store 0002's
  auto promos = catalog.promotions_at(unix_millis(clock_.now()));
  ASSERT_TRUE(promos);
  ASSERT_EQ(promos->size(), 1u);
  EXPECT_EQ(promos->front().kind, domain::PromotionKind::group_discount);
  EXPECT_EQ(hub_stock("100001"), 40);
  EXPECT_EQ(hub_stock("100002"), 12);

  store::CustomerRepository customers(db(), clock_);
  auto ana = customers.find_by_card("2990000000001");
  ASSERT_TRUE(ana && *ana);
  EXPECT_EQ((*ana)->email, "ana@example.com");
  EXPECT_EQ(store::loyalty_balance(db(), "cust-ana").value(), 300);
  EXPECT_EQ(count("SELECT offline_limit_points FROM loyalty_allowance WHERE customer_id = 'cust-ana'"), 150);

  EXPECT_EQ(count("SELECT COUNT(*) FROM sales_order WHERE order_id = '" + web_order_id_ +
                  "' AND channel = 'web' AND status = 'pending' AND total_cents = 1390"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM order_line WHERE order_id = '" + web_order_id_ + "'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sync_cursor"), 7);
  EXPECT_NE(load_hub_epoch(db()).value(), std::nullopt);

  // Nothing new: the saved cursors ask only for what changed since.
  ASSERT_TRUE(hub_->set_online_order_status(web_order_id_, "ready_for_pickup"));
  auto again = p.pull();
  ASSERT_TRUE(again) << again.error().what();
  EXPECT_EQ(again->received, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sales_order WHERE status = 'ready_for_pickup'"), 1);
  EXPECT_EQ(hub_stock("100001"), 40);
}

TEST_F(PullTest, SmallPagesAndChunksGetEverythingWithMore) {
  auto p = puller(/*chunk=*/2, /*max_changes=*/3);
  auto report = p.pull();
  ASSERT_TRUE(report) << report.error().what();
  EXPECT_GT(report->rounds, 3);
  EXPECT_FALSE(report->more);
  EXPECT_EQ(hub_stock("100001"), 40);
  EXPECT_EQ(count("SELECT COUNT(*) FROM product"), 2);
}

TEST_F(PullTest, AFailureMidPullLeavesCursorsAndDataConsistent) {
  // The replica refuses stock moves, as a full disk or a bug would, half-way through the result.
  ASSERT_TRUE(
      db().exec("CREATE TEMP TRIGGER fail_stock BEFORE INSERT ON stock_move "
                "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"));
  auto p = puller(/*chunk=*/3);
  auto failed = p.pull();
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().what().find("injected failure"), std::string::npos) << failed.error().what();
  EXPECT_EQ(count("SELECT COUNT(*) FROM sync_cursor"), 0) << "cursors must not run ahead of the data";
  EXPECT_EQ(count("SELECT COUNT(*) FROM stock_move"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM hub_stock_move"), 0);

  ASSERT_TRUE(db().exec("DROP TRIGGER fail_stock"));
  auto ok = p.pull();
  ASSERT_TRUE(ok) << ok.error().what();
  EXPECT_EQ(hub_stock("100001"), 40);  // replayed chunks counted once
  EXPECT_EQ(count("SELECT COUNT(*) FROM sync_cursor"), 7);
}

TEST_F(PullTest, AHubEpochChangeResyncsFromScratchAndKeepsTheOutbox) {
  ASSERT_TRUE(puller().pull());
  make_sales(3);
  const auto outbox_before = count("SELECT COUNT(*) FROM outbox WHERE acked_at_ms IS NULL");
  const auto old_epoch = load_hub_epoch(db()).value();

  open_hub("hub-rebuilt.db");  // restored or rebuilt: a new epoch, the same data
  ASSERT_TRUE(hub_->upsert_store({"0001", "north", hub::CustomerScope::region}));
  load_hub(*hub_);
  hub_transport_->replace_storage(*hub_);
  hub_transport_->enroll(replica_->node_id(), "0001", key_->public_key().value());

  auto p = puller();
  auto report = p.pull();
  ASSERT_TRUE(report) << report.error().what();
  EXPECT_TRUE(report->resynced);
  EXPECT_EQ(hub_stock("100001"), 40) << "stock pulled before the re-sync must not count twice";
  EXPECT_EQ(count("SELECT COUNT(*) FROM sales_order WHERE channel = 'web'"), 2);  // old and new web order
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE acked_at_ms IS NULL"), outbox_before);
  EXPECT_NE(load_hub_epoch(db()).value(), old_epoch);
  EXPECT_EQ(load_hub_epoch(db()).value(), wire_epoch(hub_->epoch()));
}

TEST_F(PullTest, GiftCardsArriveWithThisStoresAllowanceAndTheirLedger) {
  ASSERT_TRUE(hub_->issue_gift_card({"6280000000009001", "EUR", 4000, 1000}));
  ASSERT_TRUE(hub_->issue_gift_card({"6280000000009002", "EUR", 3000, 1000}));
  ASSERT_TRUE(hub_->set_gift_card_allowance({"0001", "6280000000009001", 2500}));
  ASSERT_TRUE(hub_->set_gift_card_allowance({"0002", "6280000000009002", 9900}));  // another store's
  ASSERT_TRUE(hub_->add_gift_card_entry({"load-1", "6280000000009001", 1500, "load"}));
  ASSERT_TRUE(puller().pull());

  const std::int64_t now = unix_millis(clock_.now());
  auto first = store::gift_card_funds(db(), "6280000000009001", now);
  ASSERT_TRUE(first) << first.error().what();
  EXPECT_EQ(first->balance, 5500);
  EXPECT_EQ(first->offline_limit, 2500) << "this store's allowance";
  EXPECT_EQ(first->spendable, 2500);
  auto second = store::gift_card_funds(db(), "6280000000009002", now);
  ASSERT_TRUE(second) << second.error().what();
  EXPECT_EQ(second->offline_limit, 1000) << "the card's default, not store 0002's allowance";

  // Blocked at the hub: the till refuses it after the next pull.
  ASSERT_TRUE(hub_->set_gift_card_status("6280000000009001", "blocked"));
  ASSERT_TRUE(puller().pull());
  auto blocked = store::gift_card_funds(db(), "6280000000009001", now);
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().kind(), Errc::conflict);
}

TEST_F(PullTest, AGiftCardEntryIsOneRowWhereverItComesFrom) {
  ChangeApplier applier(db(), clock_, "0001");
  const auto change = [](std::string key, std::string payload) {
    proto::Change c;
    c.set_stream(proto::Stream::STREAM_GIFT_CARDS);
    c.set_key(std::move(key));
    c.set_op(proto::Change::UPSERT);
    c.set_payload(std::move(payload));
    return c;
  };
  auto tx = sqlite::Transaction::begin(db()).value();
  // An entry ahead of its card (a card re-sent after a status change) holds the card's place, blocked.
  auto entry = applier.apply(
      change("entry:e-1",
             R"({"type":"gift_card_entry","entry_id":"e-1","card_id":"C1","currency":"EUR",)"
             R"("amount_cents":2000,"kind":"issue","order_id":null,"node_id":"hub","created_at_ms":1})"));
  ASSERT_TRUE(entry) << entry.error().what();
  EXPECT_EQ(count("SELECT COUNT(*) FROM gift_card WHERE card_id = 'C1' AND status = 'blocked'"), 1);
  ASSERT_TRUE(
      applier.apply(change("card:C1", R"({"type":"gift_card","card_id":"C1","currency":"EUR",)"
                                      R"("status":"active","offline_limit_cents":500,"granted_at_ms":1})")));
  // This till's own redeem, written by its sale, then the same entry from the hub (e.g. after a re-sync).
  ASSERT_TRUE(
      db().exec("INSERT INTO gift_card_entry (entry_id, card_id, amount_cents, kind, order_id, node_id, "
                "created_at_ms) VALUES ('r-1', 'C1', -300, 'redeem', 'o-1', 'me', 2)"));
  auto again = applier.apply(
      change("entry:r-1",
             R"({"type":"gift_card_entry","entry_id":"r-1","card_id":"C1","currency":"EUR",)"
             R"("amount_cents":-300,"kind":"redeem","order_id":"o-1","node_id":"me","created_at_ms":2})"));
  ASSERT_TRUE(again) << again.error().what();
  EXPECT_EQ(*again, ApplyOutcome::ignored);
  EXPECT_EQ(count("SELECT SUM(amount_cents) FROM gift_card_entry WHERE card_id = 'C1'"), 1700);
  EXPECT_EQ(count("SELECT COUNT(*) FROM gift_card WHERE card_id = 'C1' AND status = 'active'"), 1);
}

TEST_F(PullTest, ABadPayloadIsAClearErrorAndChangesNothing) {
  ChangeApplier applier(db(), clock_, "0001");
  proto::Change bad;
  bad.set_stream(proto::Stream::STREAM_PRICES);
  bad.set_key("price:0001:100001:0");
  bad.set_op(proto::Change::UPSERT);
  bad.set_payload(R"({"type":"price","store_code":"0001","sku":"100001","unit_price_cents":"cheap"})");
  auto tx = sqlite::Transaction::begin(db()).value();
  auto r = applier.apply(bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
  EXPECT_NE(r.error().what().find("valid_from_ms"), std::string::npos) << r.error().what();
  bad.set_payload("not json");
  EXPECT_FALSE(applier.apply(bad));
  bad.set_payload(R"({"type":"something_new"})");
  EXPECT_EQ(applier.apply(bad).value(), ApplyOutcome::ignored);
  ASSERT_TRUE(tx.rollback());
  EXPECT_EQ(count("SELECT COUNT(*) FROM price"), 0);
}

TEST_F(PullTest, AShipFromStoreOrderArrivesWithItsFulfilmentAndStaysOffThePickupCounter) {
  hub::OnlineOrder order;
  order.fulfilment = hub::Fulfilment::ship_from_store;
  order.store_code = "0001";
  order.customer_id = "cust-ana";
  order.lines = {{"100002", 1, 1250}};
  order.total_cents = 1250;
  order.tax_cents = 217;
  auto placed = hub_->place_online_order(order);
  ASSERT_TRUE(placed) << placed.error().what();
  auto report = puller().pull();
  ASSERT_TRUE(report) << report.error().what();

  EXPECT_EQ(count("SELECT COUNT(*) FROM sales_order WHERE order_id = '" + placed->order_id +
                  "' AND fulfilment = 'ship_from_store'"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sales_order WHERE order_id = '" + web_order_id_ +
                  "' AND fulfilment = 'pickup'"),
            1);
  auto pickups = store::open_pickups(db(), "0001");
  ASSERT_TRUE(pickups) << pickups.error().what();
  ASSERT_EQ(pickups->size(), 1u);
  EXPECT_EQ(pickups->front().order_id, web_order_id_);
  auto shipments = store::open_shipments(db(), "0001");
  ASSERT_TRUE(shipments) << shipments.error().what();
  ASSERT_EQ(shipments->size(), 1u);
  EXPECT_EQ(shipments->front().order_id, placed->order_id);
}

// Another till of the store shipped the parcel: this till learns the tracking reference and carrier
// from the hub, so it can tell the customer where the parcel is.
TEST_F(PullTest, AnOrderShippedAtAnotherTillArrivesWithItsTrackingReference) {
  place_packed_shipment("web-ship-elsewhere");
  hub::IncomingMutation shipped;
  shipped.node_id = "node-other-till";
  shipped.mutation_id = 1;
  shipped.schema_version = 4;
  shipped.kind = "order.status";
  shipped.payload =
      R"({"order_id":"web-ship-elsewhere","status":"shipped","at_ms":5,"tracking_reference":"JD0146X","carrier":"GLS"})";
  auto pushed = hub_->apply_push("node-other-till", {shipped});
  ASSERT_TRUE(pushed) << pushed.error().what();
  ASSERT_EQ(pushed->results[0].outcome, hub::Outcome::applied) << pushed->results[0].reason;

  auto report = puller().pull();
  ASSERT_TRUE(report) << report.error().what();
  auto list = store::shipped_orders(db(), "0001", 50);
  ASSERT_TRUE(list) << list.error().what();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().order.order_id, "web-ship-elsewhere");
  EXPECT_EQ(list->front().order.status, "shipped");
  ASSERT_TRUE(list->front().shipment);
  EXPECT_EQ(list->front().shipment->tracking_reference, "JD0146X");
  EXPECT_EQ(list->front().shipment->carrier, "GLS");
  auto open = store::open_shipments(db(), "0001");
  ASSERT_TRUE(open);
  EXPECT_TRUE(open->empty());
}

// The hub only moves an order forward, so its document of an earlier state is stale: this till shipped
// the parcel and the report is still in its outbox when the order comes again (here: every stream
// pulled again from the start, as after a re-sync). The shipped order stays shipped, off the queue.
TEST_F(PullTest, AStaleDocumentDoesNotPutAShippedOrderBackInTheQueue) {
  place_packed_shipment("web-ship-here");
  ASSERT_TRUE(puller().pull());
  ASSERT_TRUE(store::ship_shipment(db(), "0001", "web-ship-here", store::Shipment{"JD0146H", "DHL"},
                                   "till-01", clock_));
  ASSERT_TRUE(db().exec("DELETE FROM sync_cursor"));
  auto report = puller().pull();
  ASSERT_TRUE(report) << report.error().what();

  auto open = store::open_shipments(db(), "0001");
  ASSERT_TRUE(open);
  EXPECT_TRUE(open->empty()) << "the packed document arrived again";
  auto shipped = store::shipped_orders(db(), "0001", 50);
  ASSERT_TRUE(shipped);
  ASSERT_EQ(shipped->size(), 1u);
  EXPECT_EQ(shipped->front().order.status, "shipped");
}

// The replica keeps a ship-from-store order's progress in the pickup words (edge/store/pickups.hpp):
// the hub sends packed as ready_for_pickup, and a document in the hub's own words reads the same.
TEST_F(PullTest, APackedShipFromStoreOrderArrivesInTheReplicasWordsAndListsAsPacked) {
  place_packed_shipment("web-ship-packed");
  auto report = puller().pull();
  ASSERT_TRUE(report) << report.error().what();
  EXPECT_EQ(count("SELECT COUNT(*) FROM sales_order WHERE order_id = 'web-ship-packed' AND status = "
                  "'ready_for_pickup'"),
            1);
  auto shipments = store::open_shipments(db(), "0001");
  ASSERT_TRUE(shipments) << shipments.error().what();
  ASSERT_EQ(shipments->size(), 1u);
  EXPECT_EQ(shipments->front().status, "packed");

  ChangeApplier applier(db(), clock_, "0001");
  proto::Change change;
  change.set_stream(proto::Stream::STREAM_STORE_ORDERS);
  change.set_key("order:web-ship-packed");
  change.set_op(proto::Change::UPSERT);
  change.set_payload(
      R"({"type":"order","order_id":"web-ship-packed","channel":"web","status":"shipped","store_code":"0001",)"
      R"("currency":"EUR","total":1250,"tax":217,"created_at_ms":1,"fulfilment":"ship_from_store","lines":[]})");
  auto tx = sqlite::Transaction::begin(db()).value();
  ASSERT_TRUE(applier.apply(change));
  ASSERT_TRUE(tx.commit());
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM sales_order WHERE order_id = 'web-ship-packed' AND status = 'collected'"),
      1);
  EXPECT_TRUE(store::open_shipments(db(), "0001")->empty());
}

TEST_F(PullTest, AnOnlineOrderWithAnUnknownFulfilmentIsAClearError) {
  ChangeApplier applier(db(), clock_, "0001");
  proto::Change change;
  change.set_stream(proto::Stream::STREAM_STORE_ORDERS);
  change.set_key("order:web-drone");
  change.set_op(proto::Change::UPSERT);
  change.set_payload(
      R"({"type":"order","order_id":"web-drone","channel":"web","status":"pending","store_code":"0001",)"
      R"("currency":"EUR","total":100,"tax":17,"created_at_ms":1,"fulfilment":"drone","lines":[]})");
  auto tx = sqlite::Transaction::begin(db()).value();
  auto r = applier.apply(change);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
  EXPECT_NE(r.error().what().find("unknown fulfilment 'drone'"), std::string::npos) << r.error().what();
  ASSERT_TRUE(tx.rollback());
  EXPECT_EQ(count("SELECT COUNT(*) FROM sales_order WHERE order_id = 'web-drone'"), 0);
}

}  // namespace
}  // namespace storeedge::sync::client::testing
