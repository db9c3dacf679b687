// Pull: what each store receives (partial replication), cursors, paging and the hub epoch.
#include <filesystem>

#include <gmock/gmock.h>

#include "tests/unit/hub/hub_fixture.hpp"

namespace storeedge::sync::hub::testing {
namespace {

std::vector<std::string> entities(const std::vector<Change>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) out.push_back(c.entity);
  return out;
}

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

TEST_F(HubTest, EachStoreReceivesItsOwnPricesStockAndOrdersAndTheWholeCatalog) {
  ASSERT_TRUE(hub().load_prices({{std::string(kNorth), "SKU-A", 450}, {std::string(kSouth), "SKU-A", 470}}));
  ASSERT_TRUE(
      hub().set_stock_levels({{std::string(kNorth), "SKU-A", 10}, {std::string(kSouth), "SKU-A", 7}}));
  OnlineOrder web;
  web.order_id = "web-south";
  web.store_code = std::string(kSouth);
  web.lines = {{"SKU-A", 1, 470}};
  web.total_cents = 470;
  ASSERT_TRUE(hub().place_online_order(web));

  EXPECT_THAT(entities(pull_all(kNorth, "node-n1", "catalog")),
              ElementsAre("tax_rate:standard", "tax_rate:reduced", "product:SKU-A", "product:SKU-B"));
  EXPECT_EQ(entities(pull_all(kNorth, "node-n1", "catalog")),
            entities(pull_all(kSouth, "node-s1", "catalog")));

  auto prices = pull_all(kSouth, "node-s1", "prices");
  ASSERT_EQ(prices.size(), 1u);
  EXPECT_EQ(doc(prices[0])["unit_price_cents"], 470);
  auto stock = pull_all(kNorth, "node-n1", "stock");
  ASSERT_EQ(stock.size(), 1u);
  EXPECT_EQ(doc(stock[0])["delta"], 10);
  EXPECT_EQ(doc(stock[0])["reason"], "hub");
  EXPECT_THAT(pull_all(kNorth, "node-n1", "store_orders"), IsEmpty());
  auto orders = pull_all(kSouth, "node-s1", "store_orders");
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(doc(orders[0])["status"], "pending");
  EXPECT_EQ(doc(orders[0])["lines"].as_array()[0].as_object()["description"], "Olive oil 1l");
}

TEST_F(HubTest, ASaleReachesTheOtherTillsOfItsStoreButNotTheTillThatMadeIt) {
  ASSERT_TRUE(hub().apply_push("node-n1", {mutation("node-n1", 1, "order.completed",
                                                    sale("ord-1", kNorth, "node-n1", {{"SKU-A", -2}}))}));
  EXPECT_THAT(pull_all(kNorth, "node-n1", "stock"), IsEmpty()) << "node-n1 already has its own delta";
  auto other_till = pull_all(kNorth, "node-n2", "stock");
  ASSERT_EQ(other_till.size(), 1u);
  EXPECT_EQ(doc(other_till[0])["delta"], -2);
  EXPECT_EQ(doc(other_till[0])["reason"], "sale");
  EXPECT_THAT(entities(pull_all(kNorth, "node-n2", "store_orders")), ElementsAre("order:ord-1"));
  EXPECT_THAT(pull_all(kSouth, "node-s1", "stock"), IsEmpty());
}

TEST_F(HubTest, CustomersGoToStoresOfTheirRegionOrWhereTheyBought) {
  ASSERT_TRUE(hub().upsert_customer({.customer_id = "c-north", .name = "N", .home_region = "north"}));
  ASSERT_TRUE(hub().upsert_customer({.customer_id = "c-south", .name = "S", .home_region = "south"}));
  ASSERT_TRUE(hub().add_loyalty_entry({"le-1", "c-north", 50, "earn"}));
  EXPECT_THAT(entities(pull_all(kNorth, "node-n1", "customers")),
              ElementsAre("customer:c-north", "loyalty:le-1"));
  EXPECT_THAT(pull_all(kSouth, "node-s1", "customers"), IsEmpty())
      << "store 0002 replicates its buyers, not its region";

  // c-north buys in store 0002: that store now receives the profile and the ledger it had not seen.
  ASSERT_TRUE(hub().apply_push("node-s1", {mutation("node-s1", 1, "order.completed",
                                                    sale("ord-s", kSouth, "node-s1", {}, "c-north"))}));
  EXPECT_THAT(entities(pull_all(kSouth, "node-s1", "customers")),
              ElementsAre("customer:c-north", "loyalty:le-1"));

  // An offline allowance is for one store only, and brings the customer there.
  ASSERT_TRUE(hub().set_offline_allowance({std::string(kSouth), "c-south", 200}));
  auto south = pull_all(kSouth, "node-s1", "customers");
  EXPECT_THAT(entities(south), UnorderedElementsAre("customer:c-north", "loyalty:le-1", "customer:c-south",
                                                    "allowance:0002:c-south"));
  for (const auto& c : south) {
    if (c.entity == "allowance:0002:c-south") {
      EXPECT_EQ(doc(c)["offline_limit_points"], 200);
    }
  }
  EXPECT_THAT(entities(pull_all(kNorth, "node-n1", "customers")),
              ElementsAre("customer:c-north", "loyalty:le-1"));
  EXPECT_EQ(hub().set_offline_allowance({std::string(kSouth), "c-south", -1}).error().kind(),
            Errc::invalid_argument);
}

// An order's stock moves are one row at the hub (schema version 10) but reach the other tills as one
// change each, at consecutive positions, in the order's order; a page may end inside an order and the
// next resumes at the move after it. Every move's id is its position, so none is applied twice.
TEST_F(HubTest, AnOrdersStockMovesReachTheOtherTillsOneChangeEachAcrossPages) {
  ASSERT_TRUE(hub().set_stock_levels({{std::string(kNorth), "SKU-A", 10}}));
  ASSERT_TRUE(hub().apply_push(
      "node-n1",
      {mutation("node-n1", 1, "order.completed",
                sale("ord-1", kNorth, "node-n1", {{"SKU-A", -2}, {"SKU \"B\"", -1}, {"SKU-C", -3}}))}));
  ASSERT_TRUE(hub().set_stock_levels({{std::string(kNorth), "SKU-C", 0}}));

  std::vector<Change> all;
  PullRequest req{std::string(kNorth), "node-n2", {{"stock", ""}}, 2};
  for (int page = 0; page < 5; ++page) {
    auto got = hub().pull(req);
    ASSERT_TRUE(got) << got.error().what();
    EXPECT_LE(got->changes.size(), 2u);
    all.insert(all.end(), got->changes.begin(), got->changes.end());
    req.cursors = got->cursors;
    if (!got->more) break;
  }
  ASSERT_EQ(all.size(), 5u) << "the level setting, three sold lines and the level setting after them";
  std::vector<std::pair<std::string, std::int64_t>> moves;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto d = doc(all[i]);
    moves.emplace_back(std::string(d.at("sku").as_string()), d.at("delta").as_int64());
    EXPECT_EQ(d.at("hub_move_id").as_int64(), all[i].seq) << "a move's id is its position";
    EXPECT_EQ(all[i].entity, "move:" + std::to_string(all[i].seq));
    if (i > 0) {
      EXPECT_EQ(all[i].seq, all[i - 1].seq + 1);
    }
  }
  EXPECT_THAT(moves, ElementsAre(std::pair<std::string, std::int64_t>{"SKU-A", 10},
                                 std::pair<std::string, std::int64_t>{"SKU-A", -2},
                                 std::pair<std::string, std::int64_t>{"SKU \"B\"", -1},
                                 std::pair<std::string, std::int64_t>{"SKU-C", -3},
                                 std::pair<std::string, std::int64_t>{"SKU-C", 3}));
  EXPECT_EQ(doc(all[2]).at("order_id"), "ord-1");
  EXPECT_EQ(doc(all[2]).at("reason"), "sale");
  EXPECT_EQ(doc(all[2]).at("store_code").as_string(), kNorth);
  EXPECT_THAT(pull_all(kNorth, "node-n1", "stock"), SizeIs(2))
      << "the selling till gets only the level settings";

  // Reports read every move, one row each, from stock_journal.
  EXPECT_EQ(hub()
                .db()
                .query_one<std::int64_t>(
                    "SELECT COUNT(*) FROM stock_journal WHERE order_id = 'ord-1' AND move_id = stream_seq")
                ->value_or(-1),
            3);
  EXPECT_EQ(hub()
                .db()
                .query_one<std::int64_t>("SELECT SUM(delta) FROM stock_journal WHERE sku = 'SKU-C'")
                ->value_or(-1),
            0);
  EXPECT_EQ(*hub().stock_level(kNorth, "SKU-A"), 8);
}

TEST_F(HubTest, CursorsResumeAfterTheLastChangeAndPageThroughLargeStreams) {
  std::vector<Price> prices;
  for (int i = 0; i < 5; ++i)
    prices.push_back({std::string(kNorth), "SKU-A", 100 + i, i * 1000, std::nullopt});
  ASSERT_TRUE(hub().load_prices(prices));
  PullRequest req{std::string(kNorth), "node-n1", {{"prices", ""}, {"catalog", ""}}, 3};
  auto first = hub().pull(req);
  ASSERT_TRUE(first) << first.error().what();
  EXPECT_EQ(first->changes.size(), 3u);
  EXPECT_TRUE(first->more);
  EXPECT_EQ(first->changes[0].stream, "catalog") << "streams come in a fixed order";

  std::vector<Change> all = first->changes;
  req.cursors = first->cursors;
  for (int round = 0; round < 5 && first->more; ++round) {
    first = hub().pull(req);
    ASSERT_TRUE(first);
    all.insert(all.end(), first->changes.begin(), first->changes.end());
    req.cursors = first->cursors;
  }
  EXPECT_FALSE(first->more);
  EXPECT_EQ(all.size(), 4u + 5u);

  auto none = hub().pull(req);
  ASSERT_TRUE(none);
  EXPECT_THAT(none->changes, IsEmpty());
  ASSERT_TRUE(hub().load_prices({{std::string(kNorth), "SKU-A", 999, 0, std::nullopt}}));
  auto next = hub().pull(req);
  ASSERT_TRUE(next);
  ASSERT_EQ(next->changes.size(), 1u) << "only the rewritten price, once";
  EXPECT_EQ(doc(next->changes[0])["unit_price_cents"], 999);
}

TEST_F(HubTest, ACursorFromAnotherEpochAsksForAFullResync) {
  auto first = hub().pull({std::string(kNorth), "node-n1", {{"catalog", ""}}, 100});
  ASSERT_TRUE(first);
  const std::string cursor = first->cursors.at("catalog");
  const std::string first_epoch = hub().epoch();
  EXPECT_EQ(cursor.find(hub().epoch()), std::string("c1.catalog.").size()) << cursor;

  // The hub is rebuilt from scratch: a new database, a new epoch.
  hub_.reset();
  std::filesystem::remove(dir_ / "hub.db");
  reopen();
  EXPECT_NE(hub().epoch(), first_epoch);
  ASSERT_TRUE(hub().upsert_store({std::string(kNorth), "north", CustomerScope::region}));
  auto stale = hub().pull({std::string(kNorth), "node-n1", {{"catalog", cursor}}, 100});
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code(), kResyncRequired);
  EXPECT_NE(stale.error().what().find("re-sync from scratch"), std::string::npos);
}

TEST_F(HubTest, MalformedCursorsAndRequestsAreRefused) {
  const auto refused = [&](PullRequest req, Errc kind, std::string_view needle) {
    auto r = hub().pull(req);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), kind);
    EXPECT_NE(r.error().what().find(needle), std::string::npos) << r.error().what();
  };
  const Errc bad = Errc::invalid_argument;
  refused({std::string(kNorth), "n", {{"catalog", "garbage"}}, 10}, bad, "not a cursor this hub issued");
  refused({std::string(kNorth), "n", {{"catalog", "c1.prices." + hub().epoch() + ".0"}}, 10}, bad,
          "belongs to stream prices");
  refused({std::string(kNorth), "n", {{"catalog", "c1.catalog." + hub().epoch() + ".99"}}, 10}, bad,
          "ahead of this hub");
  refused({std::string(kNorth), "n", {{"gossip", ""}}, 10}, bad, "no stream 'gossip'");
  refused({std::string(kNorth), "n", {{"catalog", ""}}, 0}, bad, "at least one change");
  refused({"9999", "n", {{"catalog", ""}}, 10}, Errc::not_found, "no store '9999'");
}

// Schema version 6 serves the stock and store_orders streams from their rows. A hub upgraded from
// version 5, whose change_log held copies, keeps every position a store's cursor may point at: the
// store resumes after the last change it applied and receives the same documents.
TEST(HubUpgrade, StoresResumeTheStockAndOrderStreamsWhereTheyLeftOffAcrossTheVersion6Upgrade) {
  test::TempDir dir{"hub-upgrade"};
  ManualClock clock;
  // What a version 5 hub wrote for two stock moves and two orders of store 0001 (one from node-a,
  // which must not receive it back) and a stock move of store 0002.
  auto hub = upgraded_hub(dir / "hub.db", clock, 5, R"sql(
INSERT INTO store VALUES ('0001', 'north', 'region'), ('0002', 'south', 'region');
INSERT INTO stock_move VALUES (1, '0001', 'SKU-A', 10, 'hub', NULL, NULL, 100),
                              (2, '0002', 'SKU-A', 5, 'hub', NULL, NULL, 100),
                              (3, '0001', 'SKU-A', -1, 'sale', 'node-a', 'o-1', 200),
                              (4, '0001', 'SKU-B', -2, 'sale', 'node-b', 'o-2', 300);
INSERT INTO hub_order (order_id, channel, fulfilment, store_code, origin_node, status, total_cents, base,
                       created_at_ms, updated_at_ms)
VALUES ('o-1', 'pos', 'in_store', '0001', 'node-a', 'completed', 100, '{"order_id":"o-1","total":100}', 200, 200),
       ('o-2', 'pos', 'in_store', '0001', 'node-b', 'completed', 200, '{"order_id":"o-2","total":200}', 300, 300);
INSERT INTO change_log (stream, seq, entity, store_code, subject, origin_node, payload) VALUES
  ('stock', 1, 'move:1', '0001', NULL, NULL, 'old copy'),
  ('stock', 2, 'move:2', '0002', NULL, NULL, 'old copy'),
  ('stock', 4, 'move:3', '0001', NULL, 'node-a', 'old copy'),
  ('stock', 7, 'move:4', '0001', NULL, 'node-b', 'old copy'),
  ('store_orders', 3, 'order:o-1', '0001', NULL, 'node-a', 'old copy'),
  ('store_orders', 5, 'order:o-2', '0001', NULL, 'node-b', 'old copy');
INSERT INTO stream_seq VALUES ('stock', 7), ('store_orders', 5);
)sql");
  ASSERT_TRUE(hub) << hub.error().what();
  EXPECT_EQ((*hub)->db().query_one<std::int64_t>("SELECT COUNT(*) FROM change_log")->value_or(-1), 0)
      << "the copies are gone";
  const std::string epoch = (*hub)->epoch();
  // node-c of store 0001 had applied stock up to position 1 and store_orders up to position 3.
  auto pulled = (*hub)->pull(
      {"0001",
       "node-c",
       {{"stock", "c1.stock." + epoch + ".1"}, {"store_orders", "c1.store_orders." + epoch + ".3"}},
       100});
  ASSERT_TRUE(pulled) << pulled.error().what();
  ASSERT_EQ(pulled->changes.size(), 3u);
  EXPECT_EQ(pulled->changes[0].entity, "move:3");
  EXPECT_EQ(pulled->changes[0].seq, 4);
  EXPECT_EQ(boost::json::parse(pulled->changes[0].payload),
            boost::json::parse(R"({"type":"stock_move","hub_move_id":3,"store_code":"0001","sku":"SKU-A",
                                  "delta":-1,"reason":"sale","order_id":"o-1","created_at_ms":200})"));
  EXPECT_EQ(pulled->changes[1].entity, "move:4");
  EXPECT_EQ(pulled->changes[1].seq, 7);
  EXPECT_EQ(pulled->changes[2].entity, "order:o-2");
  EXPECT_EQ(pulled->changes[2].seq, 5);
  EXPECT_EQ(boost::json::parse(pulled->changes[2].payload),
            boost::json::parse(R"({"order_id":"o-2","total":200,"type":"order","status":"completed",
                                  "fulfilment":"in_store","needs_review":false,"review_reason":"",
                                  "updated_at_ms":300})"));
  EXPECT_EQ(pulled->cursors.at("stock"), "c1.stock." + epoch + ".7");

  // node-a does not get its own sale back; new moves continue after the old positions.
  auto own = (*hub)->pull({"0001", "node-a", {{"stock", "c1.stock." + epoch + ".1"}}, 100});
  ASSERT_TRUE(own);
  ASSERT_EQ(own->changes.size(), 1u);
  EXPECT_EQ(own->changes[0].entity, "move:4");
  ASSERT_TRUE((*hub)->set_stock_levels({{"0001", "SKU-A", 20}}));
  auto next = (*hub)->pull({"0001", "node-c", {{"stock", pulled->cursors.at("stock")}}, 100});
  ASSERT_TRUE(next);
  ASSERT_EQ(next->changes.size(), 1u);
  EXPECT_EQ(next->changes[0].seq, 8);
  EXPECT_EQ(boost::json::parse(next->changes[0].payload).as_object().at("delta"), 11);
}

// Version 10 keeps an order's moves in one row and makes every new move's id its stream position. The
// upgrade first moves the stock counter past every existing move id (here the ids ran ahead of the
// positions), so a new move never takes an id a store has already applied, and the old moves keep
// theirs.
TEST(HubUpgrade, MovesAfterTheVersion10UpgradeNeverReuseAnIdAStoreHasSeen) {
  test::TempDir dir{"hub-upgrade-10"};
  ManualClock clock;
  auto hub = upgraded_hub(dir / "hub.db", clock, 9, R"sql(
INSERT INTO store VALUES ('0001', 'north', 'region');
INSERT INTO stock_move (move_id, store_code, sku, delta, reason, origin_node, order_id, created_at_ms, stream_seq)
VALUES (11, '0001', 'SKU-A', 10, 'hub', NULL, NULL, 100, 2),
       (12, '0001', 'SKU-A', -1, 'sale', 'node-b', 'o-1', 200, 3);
INSERT INTO stock_level VALUES ('0001', 'SKU-A', 9);
INSERT INTO stream_seq VALUES ('stock', 3);
)sql");
  ASSERT_TRUE(hub) << hub.error().what();
  ASSERT_TRUE((*hub)->apply_push(
      "node-a", {HubTest::mutation("node-a", 1, "order.completed",
                                   HubTest::sale("o-2", "0001", "node-a", {{"SKU-A", -2}, {"SKU-B", -1}}))}));
  auto pulled = (*hub)->pull({"0001", "node-c", {{"stock", ""}}, 100});
  ASSERT_TRUE(pulled) << pulled.error().what();
  std::vector<std::int64_t> ids;
  for (const Change& c : pulled->changes) ids.push_back(HubTest::doc(c).at("hub_move_id").as_int64());
  EXPECT_THAT(ids, ElementsAre(11, 12, 13, 14)) << "old moves keep their ids; new ones come after them";
  EXPECT_EQ(pulled->changes[2].seq, 13);
  EXPECT_EQ(*(*hub)->stock_level("0001", "SKU-A"), 7);
  EXPECT_EQ((*hub)->db().query_one<std::int64_t>("SELECT COUNT(*) FROM stock_journal")->value_or(-1), 4);
}

// Version 11 serves the customers stream's loyalty entries from their ledger rows instead of copies
// in change_log. A store resumes where its cursor left off: each entry keeps its position and its
// document, merged in position order with the profiles and allowances, and a till still never
// receives the entries it sent. New entries take the positions after them.
TEST(HubUpgrade, StoresResumeTheCustomersStreamWhereTheyLeftOffAcrossTheVersion11Upgrade) {
  test::TempDir dir{"hub-upgrade-11"};
  ManualClock clock;
  const std::string le1 =
      R"({"type":"loyalty_entry","entry_id":"le-1","customer_id":"c-1","points":50,"kind":"earn",)"
      R"("order_id":"o-1","node_id":"node-a","created_at_ms":200})";
  const std::string le2 =
      R"({"type":"loyalty_entry","entry_id":"le-2","customer_id":"c-1","points":-20,"kind":"adjust",)"
      R"("order_id":null,"node_id":"hub","created_at_ms":300})";
  auto hub =
      upgraded_hub(dir / "hub.db", clock, 10,
                   R"sql(
INSERT INTO store VALUES ('0001', 'north', 'region');
INSERT INTO customer (customer_id, name, marketing_consent, cards, home_region, updated_at_ms)
VALUES ('c-1', 'Ana', 0, '[]', 'north', 100);
INSERT INTO loyalty_entry (entry_id, customer_id, points, kind, origin_node, order_id, created_at_ms)
VALUES ('le-1', 'c-1', 50, 'earn', 'node-a', 'o-1', 200), ('le-2', 'c-1', -20, 'adjust', NULL, NULL, 300);
INSERT INTO stream_seq VALUES ('customers', 5);
)sql"
                   "INSERT INTO change_log (stream, seq, entity, store_code, subject, origin_node, payload) "
                   "VALUES ('customers', 2, 'loyalty:le-1', NULL, 'c-1', 'node-a', '" +
                       le1 +
                       "'), "
                       "('customers', 4, 'loyalty:le-2', NULL, 'c-1', NULL, '" +
                       le2 +
                       "'), "
                       "('customers', 5, 'customer:c-1', NULL, 'c-1', NULL, "
                       "'{\"type\":\"customer\",\"customer_id\":\"c-1\"}')");
  ASSERT_TRUE(hub) << hub.error().what();
  EXPECT_EQ((*hub)->db().query_one<std::int64_t>("SELECT COUNT(*) FROM change_log")->value_or(-1), 1)
      << "only the profile is left in change_log";
  const std::string epoch = (*hub)->epoch();
  const auto pull_from = [&](const std::string& node, const std::string& cursor) {
    auto pulled = (*hub)->pull({"0001", node, {{"customers", cursor}}, 100});
    EXPECT_TRUE(pulled) << pulled.error().what();
    return pulled ? pulled->changes : std::vector<Change>{};
  };
  // node-c had applied the stream up to position 1.
  auto resumed = pull_from("node-c", "c1.customers." + epoch + ".1");
  ASSERT_THAT(entities(resumed), ElementsAre("loyalty:le-1", "loyalty:le-2", "customer:c-1"));
  EXPECT_EQ(resumed[0].seq, 2);
  EXPECT_EQ(resumed[1].seq, 4);
  EXPECT_EQ(resumed[2].seq, 5);
  EXPECT_EQ(boost::json::parse(resumed[0].payload), boost::json::parse(le1));
  EXPECT_EQ(boost::json::parse(resumed[1].payload), boost::json::parse(le2));
  EXPECT_THAT(entities(pull_from("node-a", "")), ElementsAre("loyalty:le-2", "customer:c-1"))
      << "node-a made le-1";
  auto page = (*hub)->pull({"0001", "node-c", {{"customers", "c1.customers." + epoch + ".1"}}, 2});
  ASSERT_TRUE(page) << page.error().what();
  EXPECT_THAT(entities(page->changes), ElementsAre("loyalty:le-1", "loyalty:le-2"));
  EXPECT_TRUE(page->more);
  EXPECT_EQ(page->cursors.at("customers"), "c1.customers." + epoch + ".4");

  ASSERT_TRUE((*hub)->add_loyalty_entry({"le-3", "c-1", 5, "earn"}));
  auto next = pull_from("node-c", "c1.customers." + epoch + ".5");
  ASSERT_THAT(entities(next), ElementsAre("loyalty:le-3"));
  EXPECT_EQ(next[0].seq, 6);
  EXPECT_EQ(*(*hub)->loyalty_balance("c-1"), 35);
}

// Version 12 replaces the indexes by customer with customer_ref (customer_refs.cpp): every order and
// ledger entry a customer had is found after the upgrade, in the same order, and new ones join them.
TEST(HubUpgrade, CustomersKeepTheirOrdersAndBalanceAcrossTheVersion12Upgrade) {
  test::TempDir dir{"hub-upgrade-12"};
  ManualClock clock;
  auto hub = upgraded_hub(dir / "hub.db", clock, 11, R"sql(
INSERT INTO store VALUES ('0001', 'north', 'region');
INSERT INTO customer (customer_id, name, marketing_consent, cards, home_region, updated_at_ms)
VALUES ('c-1', 'Ana', 0, '[]', 'north', 100), ('c-2', 'Bo', 0, '[]', 'north', 100);
INSERT INTO hub_order (order_id, channel, fulfilment, store_code, customer_id, status, total_cents, base,
                       created_at_ms, updated_at_ms)
VALUES ('o-1', 'pos', 'in_store', '0001', 'c-1', 'completed', 100, '{"kind":"sale"}', 1000, 1000),
       ('o-2', 'web', 'pickup', '0001', 'c-1', 'pending', 200, '{"kind":"sale"}', 3000, 3000),
       ('o-3', 'pos', 'in_store', '0001', 'c-2', 'completed', 300, '{"kind":"sale"}', 2000, 2000),
       ('o-4', 'pos', 'in_store', '0001', NULL, 'completed', 400, '{"kind":"sale"}', 2500, 2500),
       ('o-5', 'pos', 'in_store', '0001', 'c-1', 'completed', 500, '{"kind":"return"}', 2000, 2000);
INSERT INTO loyalty_entry (entry_id, customer_id, points, kind, origin_node, order_id, created_at_ms)
VALUES ('le-1', 'c-1', 50, 'earn', 'node-a', 'o-1', 1000), ('le-2', 'c-1', -20, 'redeem', NULL, NULL, 3000),
       ('le-3', 'c-2', 30, 'earn', 'node-a', 'o-3', 2000);
)sql");
  ASSERT_TRUE(hub) << hub.error().what();
  const auto order_ids = [&](const std::string& customer, std::size_t limit) {
    std::vector<std::string> out;
    auto orders = (*hub)->customer_orders(customer, limit);
    EXPECT_TRUE(orders) << orders.error().what();
    if (orders) {
      for (const auto& o : *orders) out.push_back(o.order_id);
    }
    return out;
  };
  EXPECT_THAT(order_ids("c-1", 10), ElementsAre("o-2", "o-5", "o-1"));
  EXPECT_THAT(order_ids("c-1", 2), ElementsAre("o-2", "o-5"));
  EXPECT_THAT(order_ids("c-2", 10), ElementsAre("o-3"));
  EXPECT_EQ(*(*hub)->loyalty_balance("c-1"), 30);
  EXPECT_EQ(*(*hub)->loyalty_balance("c-2"), 30);
  EXPECT_FALSE(
      (*hub)
          ->db()
          .query_one<std::int64_t>("SELECT 1 FROM sqlite_schema WHERE name IN ('hub_order_by_customer', "
                                   "'loyalty_entry_by_customer')")
          ->has_value())
      << "the indexes written at random places on every push are gone";

  ASSERT_TRUE((*hub)->add_loyalty_entry({"le-4", "c-1", 5, "earn"}));
  EXPECT_EQ(*(*hub)->loyalty_balance("c-1"), 35);
}

// Version 13 keeps a push's digests in one row; the digests kept one per row before still decide
// whether a replayed id is the same mutation.
TEST(HubUpgrade, DigestsKeptBeforeTheVersion13UpgradeStillTellAReplayFromANewMutation) {
  test::TempDir dir{"hub-upgrade-13"};
  ManualClock clock;
  const auto sale_mutation = [](std::int64_t id, const std::string& order_id) {
    return HubTest::mutation("node-a", id, "order.completed",
                             HubTest::sale(order_id, "0001", "node-a", {{"SKU-A", -1}}));
  };
  std::string rows = R"sql(
INSERT INTO store VALUES ('0001', 'north', 'region');
INSERT INTO node (node_id, store_code, first_seen_at_ms, last_mutation_id) VALUES ('node-a', '0001', 1, 2);
)sql";
  // Mutation 1 applied a sale the hub no longer holds (its digest alone knows it); 2 a customer change.
  for (const auto& m : {sale_mutation(1, "ord-1"),
                        HubTest::mutation("node-a", 2, "customer.upserted", R"({"customer_id":"c-1"})")}) {
    rows += "INSERT INTO mutation_digest VALUES ('node-a', " + std::to_string(m.mutation_id) + ", '" +
            mutation_digest(m) + "');";
  }
  auto hub = upgraded_hub(dir / "hub.db", clock, 12, rows);
  ASSERT_TRUE(hub) << hub.error().what();
  auto same = (*hub)->apply_push(
      "node-a", {sale_mutation(1, "ord-1"),
                 HubTest::mutation("node-a", 2, "customer.upserted", R"({"customer_id":"c-1"})"),
                 sale_mutation(3, "ord-3")});
  ASSERT_TRUE(same) << same.error().what();
  ASSERT_EQ(same->results.size(), 3u);
  EXPECT_EQ(same->results[0].outcome, Outcome::duplicate) << "same digest, though the order is not held";
  EXPECT_EQ(same->results[1].outcome, Outcome::duplicate);
  EXPECT_EQ(same->results[2].outcome, Outcome::applied);
  auto other = (*hub)->apply_push(
      "node-a", {HubTest::mutation("node-a", 2, "customer.upserted", R"({"customer_id":"c-2"})")});
  ASSERT_TRUE(other) << other.error().what();
  EXPECT_EQ(other->results.at(0).outcome, Outcome::rewound)
      << "other content under a kept digest (without it, a customer change would pass as the same)";
}

}  // namespace
}  // namespace storeedge::sync::hub::testing
