// Gift cards across channels with the real storehub and storeedged: the channel API issues, loads,
// blocks and reads cards and refuses bad input without writing anything; a card issued there reaches
// the store through the gift_cards stream, pays part of a sale at the till, and the hub's ledger
// shows that redeem exactly once; a redeem the till makes offline from a card blocked meanwhile is
// recorded too and flagged for review.
#include <map>

#include "platform/sqlite/database.hpp"
#include "tests/integration/flows_fixture.hpp"

namespace storeedge::test {
namespace {

constexpr const char* kCard = "6280000000009001";
constexpr const char* kSku = "GIFT-KETTLE";
constexpr std::int64_t kPrice = 1299;

class GiftCardFlowsTest : public FlowsTest {
 protected:
  void SetUp() override {
    configure_hub(true);
    start_hub();
  }

  // The error code of a refused channel call, after checking its status.
  std::string refused(const Reply& r, int status) {
    EXPECT_EQ(r.status, status) << json::serialize(r.body);
    auto o = r.object();
    if (!o.contains("error")) return "not an error: " + json::serialize(r.body);
    return std::string(o["error"].as_object()["code"].as_string());
  }

  json::object card() { return channel_ok("GET", std::string("/channels/v1/gift_cards?id=") + kCard); }

  // One value of the till's replica (read while the daemon runs), -1 when absent.
  std::int64_t replica_value(const Edge& e, const std::string& sql) {
    auto db = sqlite::Database::open(e.data() / "replica.db");
    if (!db) return -1;
    auto v = db->query_one<std::int64_t>(sql);
    return v && *v ? **v : -1;
  }

  // The ERP's catalog, a price and stock for the till's store; waits until the till has them.
  void open_store(Edge& till) {
    channel_ok("POST", "/channels/v1/catalog",
               json::object{
                   {"tax_rates", json::array{json::object{
                                     {"tax_class", "general"}, {"rate_bp", 2100}, {"name", "IVA general"}}}},
                   {"products", json::array{json::object{{"sku", kSku},
                                                         {"name", "Kettle"},
                                                         {"category", "home"},
                                                         {"tax_class", "general"},
                                                         {"gtins", json::array{}}}}}});
    channel_ok("POST", "/channels/v1/prices",
               json::object{{"prices", json::array{json::object{{"store_code", till.store},
                                                                {"sku", kSku},
                                                                {"unit_price_cents", kPrice},
                                                                {"valid_from_ms", 0}}}}});
    start_edge(till);
    ASSERT_TRUE(eventually(
        [&] {
          return replica_value(till, std::string("SELECT COUNT(*) FROM price WHERE sku = '") + kSku + "'") ==
                 1;
        },
        kSyncDeadline))
        << "the catalog never reached the till\n"
        << till.process->stderr_text();
  }
};

TEST_F(GiftCardFlowsTest, TheChannelApiIssuesLoadsBlocksAndReadsCardsAndRefusesBadInput) {
  add_edge("till", "0042");  // registers store 0042
  const json::object issue{{"card_id", kCard}, {"currency", "EUR"}, {"amount_cents", 5000}};
  Reply issued = channel("POST", "/channels/v1/gift_cards", issue);
  ASSERT_EQ(issued.status, 201) << json::serialize(issued.body);
  EXPECT_EQ(issued.object()["balance_cents"], 5000);
  EXPECT_EQ(issued.object()["status"], "active");
  EXPECT_EQ(issued.object()["default_offline_limit_cents"], 5000) << "the documented default";
  EXPECT_EQ(channel("POST", "/channels/v1/gift_cards", issue).status, 200) << "the same issue again";
  EXPECT_EQ(refused(channel("POST", "/channels/v1/gift_cards",
                            json::object{{"card_id", kCard}, {"currency", "EUR"}, {"amount_cents", 6000}}),
                    409),
            "already_exists");
  for (const json::object& bad :
       {json::object{{"card_id", "6280000000009002"}, {"amount_cents", 100}},
        json::object{{"card_id", "6280000000009002"}, {"currency", "EUR"}, {"amount_cents", -1}},
        json::object{{"card_id", "6280000000009002"}, {"currency", "eur"}, {"amount_cents", 100}},
        json::object{
            {"card_id", "6280000000009002"}, {"currency", "EUR"}, {"amount_cents", 1}, {"pin", "1"}}}) {
    EXPECT_EQ(refused(channel("POST", "/channels/v1/gift_cards", bad), 400), "invalid_request")
        << json::serialize(bad);
  }
  EXPECT_EQ(refused(channel("GET", "/channels/v1/gift_cards?id=6280000000009002"), 404), "not_found");

  const json::object load{{"entry_id", "erp-load-1"}, {"card_id", kCard}, {"amount_cents", 2500}};
  Reply loaded = channel("POST", "/channels/v1/gift_cards/load", load);
  EXPECT_EQ(loaded.status, 201) << json::serialize(loaded.body);
  EXPECT_EQ(loaded.object()["balance_cents"], 7500);
  Reply repeat = channel("POST", "/channels/v1/gift_cards/load", load);
  EXPECT_EQ(repeat.status, 200);
  EXPECT_EQ(repeat.object()["balance_cents"], 7500) << "a load counts once by entry id";
  EXPECT_EQ(
      refused(channel("POST", "/channels/v1/gift_cards/load",
                      json::object{{"entry_id", "erp-load-1"}, {"card_id", kCard}, {"amount_cents", 1}}),
              409),
      "conflict");
  EXPECT_EQ(
      refused(channel("POST", "/channels/v1/gift_cards/load",
                      json::object{{"entry_id", "erp-load-2"}, {"card_id", "nope"}, {"amount_cents", 1}}),
              404),
      "not_found");
  EXPECT_EQ(
      refused(channel("POST", "/channels/v1/gift_cards/load",
                      json::object{{"entry_id", "erp-load-3"}, {"card_id", kCard}, {"amount_cents", 0}}),
              400),
      "invalid_request");

  channel_ok("POST", "/channels/v1/gift_cards/allowances",
             json::object{{"store_code", "0042"}, {"card_id", kCard}, {"limit_cents", 1000}});
  EXPECT_EQ(refused(channel("POST", "/channels/v1/gift_cards/allowances",
                            json::object{{"store_code", "9999"}, {"card_id", kCard}, {"limit_cents", 1000}}),
                    404),
            "not_found");
  EXPECT_EQ(refused(channel("POST", "/channels/v1/gift_cards/allowances",
                            json::object{{"store_code", "0042"}, {"card_id", kCard}, {"limit_cents", -1}}),
                    400),
            "invalid_request");

  EXPECT_EQ(refused(channel("POST", "/channels/v1/gift_cards/status",
                            json::object{{"card_id", kCard}, {"status", "lost"}}),
                    400),
            "invalid_request");
  EXPECT_EQ(channel_ok("POST", "/channels/v1/gift_cards/status",
                       json::object{{"card_id", kCard}, {"status", "blocked"}})["status"],
            "blocked");
  EXPECT_EQ(
      refused(channel("POST", "/channels/v1/gift_cards/load",
                      json::object{{"entry_id", "erp-load-4"}, {"card_id", kCard}, {"amount_cents", 100}}),
              409),
      "conflict")
      << "a blocked card takes no loads";

  auto view = card();
  EXPECT_EQ(view["balance_cents"], 7500);
  ASSERT_EQ(view["entries"].as_array().size(), 2u) << json::serialize(view);
  EXPECT_EQ(view["entries"].as_array()[0].as_object().at("kind"), "issue");
  EXPECT_EQ(view["entries"].as_array()[1].as_object().at("entry_id"), "erp-load-1");
  EXPECT_EQ(refused(channel("GET", "/channels/v1/gift_cards"), 400), "invalid_request");
}

TEST_F(GiftCardFlowsTest, ACardIssuedAtTheHubPaysAtTheTillAndTheHubCountsEachRedeemOnce) {
  Edge& till = add_edge("till", "0042");
  open_store(till);
  channel_ok("POST", "/channels/v1/gift_cards",
             json::object{{"card_id", kCard}, {"currency", "EUR"}, {"amount_cents", 5000}});
  const std::string till_sum =
      std::string("SELECT SUM(amount_cents) FROM gift_card_entry WHERE card_id = '") + kCard + "'";
  ASSERT_TRUE(eventually([&] { return replica_value(till, till_sum) == 5000; }, kSyncDeadline))
      << "the card never reached the till";

  const auto sell = [&](std::int64_t from_card) {
    const json::value cart = edge_post(till, "/api/v1/carts", {})["cart_id"];
    edge_post(till, "/api/v1/cart/items", {{"cart_id", cart}, {"sku", kSku}, {"amount", 1}});
    auto paid = edge_post(
        till, "/api/v1/cart/tender",
        {{"cart_id", cart}, {"kind", "gift_card"}, {"card_id", kCard}, {"amount_cents", from_card}});
    const auto due = paid["totals"].as_object()["remaining_cents"].as_int64();
    EXPECT_EQ(due, kPrice - from_card);
    edge_post(till, "/api/v1/cart/tender", {{"cart_id", cart}, {"kind", "cash"}, {"amount_cents", due}});
    auto done = edge_post(till, "/api/v1/cart/complete", {{"cart_id", cart}});
    EXPECT_TRUE(done.contains("order_id")) << json::serialize(done);
    return done.contains("order_id") ? std::string(done["order_id"].as_string()) : std::string();
  };
  const auto hub_balance = [&] {
    auto b = channel("GET", std::string("/channels/v1/gift_cards?id=") + kCard).object()["balance_cents"];
    return b.is_int64() ? b.as_int64() : -1;
  };

  const std::string online = sell(1000);
  EXPECT_TRUE(eventually([&] { return edge_synced(till) && hub_balance() == 4000; }, kSyncDeadline))
      << "hub balance " << hub_balance();

  // The till loses the hub; meanwhile the card is blocked centrally, and the till, not knowing,
  // takes 500 more from it. The sale stands: the hub records it and flags it for review.
  stop_edge(till);
  write_edge_config(till, 1);
  start_edge(till);
  channel_ok("POST", "/channels/v1/gift_cards/status",
             json::object{{"card_id", kCard}, {"status", "blocked"}});
  const std::string offline = sell(500);
  stop_edge(till);
  write_edge_config(till, hub_port_);
  start_edge(till);
  EXPECT_TRUE(eventually([&] { return edge_synced(till) && hub_balance() == 3500; }, kSyncDeadline))
      << "hub balance " << hub_balance();
  EXPECT_TRUE(eventually(
      [&] {
        return replica_value(till, std::string("SELECT COUNT(*) FROM gift_card WHERE status = 'blocked' AND "
                                               "card_id = '") +
                                       kCard + "'") == 1;
      },
      kSyncDeadline))
      << "the block never reached the till";
  EXPECT_EQ(replica_value(till, till_sum), 3500) << "the till counts each of its redeems once";

  auto view = card();
  std::map<std::string, std::int64_t> redeemed;
  for (const auto& e : view["entries"].as_array()) {
    const auto& entry = e.as_object();
    if (entry.at("kind") != "redeem") continue;
    EXPECT_EQ(entry.at("store_code"), "0042");
    redeemed[std::string(entry.at("order_id").as_string())] += entry.at("amount_cents").as_int64();
  }
  EXPECT_EQ(redeemed, (std::map<std::string, std::int64_t>{{online, -1000}, {offline, -500}}))
      << json::serialize(view);
  EXPECT_TRUE(view["needs_review"].as_bool());
  EXPECT_FALSE(channel_ok("GET", "/channels/v1/orders?id=" + online)["needs_review"].as_bool());
  auto flagged = channel_ok("GET", "/channels/v1/orders?id=" + offline);
  EXPECT_TRUE(flagged["needs_review"].as_bool());
  EXPECT_NE(std::string(flagged["review_reason"].as_string()).find("is blocked"), std::string::npos)
      << json::serialize(flagged);
  EXPECT_EQ(channel("GET", "/admin/v1/gift_cards").status, 401) << "the web shop's key does not open it";
  const Reply listed = channel("GET", "/admin/v1/gift_cards", nullptr, kAdminKey);
  ASSERT_EQ(listed.status, 200);
  auto review = listed.object()["gift_cards_for_review"].as_array();
  ASSERT_EQ(review.size(), 1u);
  EXPECT_EQ(review[0].as_object().at("card_id"), kCard);
  EXPECT_EQ(review[0].as_object().at("balance_cents"), 3500);

  // HQ settles both with the customer and clears the flags; the admin list empties, the log keeps why.
  EXPECT_EQ(channel("POST", "/channels/v1/reviews/resolve",
                    json::object{{"subject", "gift_card"}, {"id", kCard}, {"note", ""}})
                .status,
            400);
  auto card_done =
      channel_ok("POST", "/channels/v1/reviews/resolve",
                 json::object{{"subject", "gift_card"}, {"id", kCard}, {"note", "card kept blocked"}});
  EXPECT_NE(std::string(card_done["reason"].as_string()).find("blocked"), std::string::npos);
  channel_ok("POST", "/channels/v1/reviews/resolve",
             json::object{{"subject", "order"}, {"id", offline}, {"note", "customer paid the 5.00 in cash"}});
  EXPECT_FALSE(channel_ok("GET", "/channels/v1/orders?id=" + offline)["needs_review"].as_bool());
  EXPECT_TRUE(channel("GET", "/admin/v1/gift_cards", nullptr, kAdminKey)
                  .object()["gift_cards_for_review"]
                  .as_array()
                  .empty());
  EXPECT_EQ(channel("POST", "/channels/v1/reviews/resolve",
                    json::object{{"subject", "order"}, {"id", offline}, {"note", "twice"}})
                .status,
            409);
}

}  // namespace
}  // namespace storeedge::test
