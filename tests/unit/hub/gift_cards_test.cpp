// Gift cards at the hub: issuing and loading are idempotent, a till's redeem pushed inside its order is
// recorded once (a replay adds nothing), an offline redeem the hub cannot reconcile is recorded and
// flagged for review instead of refused, and the gift_cards stream gives every store the cards and
// their entries, each store its own allowances, and no till its own redeems back.
#include <gmock/gmock.h>

#include "tests/unit/hub/hub_fixture.hpp"

namespace storeedge::sync::hub::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace json = boost::json;

constexpr std::string_view kCard = "6280000000009001";

// A sale as order_rows.cpp writes it, paid partly from gift cards: {entry_id, card_id, amount}.
std::string sale_with_cards(const std::string& order_id, std::string_view store, const std::string& node,
                            const std::vector<std::tuple<std::string, std::string, std::int64_t>>& redeems) {
  json::object doc = json::parse(HubTest::sale(order_id, store, node, {{"SKU-A", -1}})).as_object();
  json::array cards;
  for (const auto& [entry, card, amount] : redeems)
    cards.push_back(
        json::object{{"entry_id", entry}, {"card_id", card}, {"amount", amount}, {"kind", "redeem"}});
  doc["gift_cards"] = std::move(cards);
  return json::serialize(doc);
}

class GiftCardTest : public HubTest {
 public:
  void SetUp() override {
    HubTest::SetUp();
    auto issued = hub().issue_gift_card({std::string(kCard), "EUR", 5000, 2000});
    ASSERT_TRUE(issued) << issued.error().what();
    ASSERT_TRUE(*issued);
  }

  std::int64_t balance(std::string_view card = kCard) {
    auto c = hub().find_gift_card(card);
    EXPECT_TRUE(c && *c);
    return c && *c ? (*c)->balance_cents : -1;
  }

  PushResult push(const std::string& node, std::int64_t id, const std::string& payload) {
    auto r = hub().apply_push(node, {mutation(node, id, "order.completed", payload)});
    EXPECT_TRUE(r) << r.error().what();
    return r ? *r : PushResult{};
  }

  static std::vector<std::string> entities(const std::vector<Change>& changes) {
    std::vector<std::string> out;
    for (const auto& c : changes) out.push_back(c.entity);
    return out;
  }
};

TEST_F(GiftCardTest, IssuingTheSameCardAgainIsAcknowledgedAndOtherContentIsRefused) {
  auto again = hub().issue_gift_card({std::string(kCard), "EUR", 5000, 2000});
  ASSERT_TRUE(again) << again.error().what();
  EXPECT_FALSE(*again);
  auto other = hub().issue_gift_card({std::string(kCard), "EUR", 7000, 2000});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().kind(), Errc::already_exists);
  auto bad = hub().issue_gift_card({"6280000000009002", "euro", 100, 0});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind(), Errc::invalid_argument);
  EXPECT_EQ(balance(), 5000);
  EXPECT_EQ(count("gift_card"), 1);
  EXPECT_EQ(count("gift_card_entry"), 1) << "one issue entry, nothing for the refused ones";
}

TEST_F(GiftCardTest, ALoadCountsOnceByEntryIdAndIsRefusedForUnknownOrBlockedCards) {
  const GiftCardEntry load{"load-1", std::string(kCard), 2500, "load"};
  EXPECT_TRUE(hub().add_gift_card_entry(load).value());
  EXPECT_FALSE(hub().add_gift_card_entry(load).value()) << "the same load again is a repeat";
  EXPECT_EQ(balance(), 7500);

  auto changed = hub().add_gift_card_entry({"load-1", std::string(kCard), 100, "load"});
  ASSERT_FALSE(changed);
  EXPECT_EQ(changed.error().kind(), Errc::conflict);
  auto unknown = hub().add_gift_card_entry({"load-2", "no-such-card", 100, "load"});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind(), Errc::not_found);

  ASSERT_TRUE(hub().set_gift_card_status(kCard, "blocked"));
  auto blocked = hub().add_gift_card_entry({"load-3", std::string(kCard), 100, "load"});
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().kind(), Errc::conflict);
  EXPECT_EQ(balance(), 7500);
  EXPECT_EQ(hub().find_gift_card(kCard).value()->status, "blocked");
}

TEST_F(GiftCardTest, ARedeemPushedInsideItsOrderIsRecordedOnceWhateverIsReplayed) {
  const std::string payload =
      sale_with_cards("ord-g1", kNorth, "node-n1", {{"redeem-1", std::string(kCard), -1200}});
  auto first = push("node-n1", 1, payload);
  ASSERT_EQ(first.results.size(), 1u);
  EXPECT_EQ(first.results[0].outcome, Outcome::applied) << first.results[0].reason;
  EXPECT_EQ(balance(), 3800);

  EXPECT_EQ(push("node-n1", 1, payload).results[0].outcome, Outcome::duplicate);
  // The same order under a new mutation id (an outbox row written twice) is the same immutable order.
  EXPECT_EQ(push("node-n1", 2, payload).results[0].outcome, Outcome::applied);
  EXPECT_EQ(balance(), 3800);

  auto card = hub().find_gift_card(kCard).value().value();
  ASSERT_EQ(card.entries.size(), 2u);
  const GiftCardEntry& redeem = card.entries[1];
  EXPECT_EQ(redeem.entry_id, "redeem-1");
  EXPECT_EQ(redeem.kind, "redeem");
  EXPECT_EQ(redeem.store_code, std::string(kNorth));
  EXPECT_EQ(redeem.origin_node, "node-n1");
  EXPECT_EQ(redeem.order_id, "ord-g1");
  EXPECT_FALSE(card.needs_review);
  EXPECT_FALSE(hub().order_status("ord-g1").value().needs_review);
}

TEST_F(GiftCardTest, AnOfflineRedeemBelowZeroIsRecordedAndFlagsTheOrderAndTheCard) {
  // Two stores spent the card while offline: the sale happened, so the hub keeps both.
  push("node-n1", 1, sale_with_cards("ord-n", kNorth, "node-n1", {{"redeem-n", std::string(kCard), -3000}}));
  auto r = push("node-s1", 1,
                sale_with_cards("ord-s", kSouth, "node-s1", {{"redeem-s", std::string(kCard), -3000}}));
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(r.results[0].outcome, Outcome::applied) << r.results[0].reason;
  EXPECT_EQ(balance(), -1000);

  auto order = hub().order_status("ord-s").value();
  EXPECT_TRUE(order.needs_review);
  EXPECT_THAT(order.review_reason, HasSubstr("gift card 6280000000009001 overdrawn"));
  EXPECT_FALSE(hub().order_status("ord-n").value().needs_review);
  auto review = hub().orders_for_review().value();
  ASSERT_EQ(review.size(), 1u);
  EXPECT_EQ(review[0].order_id, "ord-s");

  auto cards = hub().gift_cards_for_review().value();
  ASSERT_EQ(cards.size(), 1u);
  EXPECT_EQ(cards[0].card_id, kCard);
  EXPECT_EQ(cards[0].balance_cents, -1000);
  EXPECT_THAT(cards[0].review_reason, HasSubstr("after order ord-s from node node-s1"));
  // The store's other tills see the order with its review flag.
  auto published = pull_all(kSouth, "node-s2", "store_orders");
  ASSERT_EQ(published.size(), 1u);
  EXPECT_TRUE(doc(published[0]).at("needs_review").as_bool());
}

TEST_F(GiftCardTest, ARedeemOfACardTheHubDoesNotKnowIsKeptAndTheOrderFlagged) {
  auto r = push("node-n1", 1,
                sale_with_cards("ord-x", kNorth, "node-n1", {{"redeem-x", "6280000000000007", -500}}));
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(r.results[0].outcome, Outcome::applied) << "the sale is not quarantined";
  auto order = hub().order_status("ord-x").value();
  EXPECT_TRUE(order.needs_review);
  EXPECT_THAT(order.review_reason, HasSubstr("gift card 6280000000000007 is not known to the hub"));
  EXPECT_EQ(count("gift_card_entry WHERE entry_id = 'redeem-x'"), 1);
  EXPECT_TRUE(pull_all(kNorth, "node-n2", "gift_cards").size() == 2u) << "only the known card and its issue";
}

TEST_F(GiftCardTest, AMalformedGiftCardEntryQuarantinesTheMutationAndWritesNothing) {
  auto r = push("node-n1", 1,
                sale_with_cards("ord-bad", kNorth, "node-n1", {{"redeem-bad", std::string(kCard), 700}}));
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(r.results[0].outcome, Outcome::rejected);
  EXPECT_THAT(r.results[0].reason, HasSubstr("wrong sign"));
  EXPECT_EQ(balance(), 5000);
  EXPECT_EQ(count("hub_order"), 0);
}

TEST_F(GiftCardTest, EveryStoreGetsTheCardsEachItsAllowanceAndNoTillItsOwnRedeems) {
  ASSERT_TRUE(hub().set_gift_card_allowance({std::string(kSouth), std::string(kCard), 9000}));
  auto missing = hub().set_gift_card_allowance({"9999", std::string(kCard), 100});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind(), Errc::not_found);
  push("node-n1", 1, sale_with_cards("ord-g", kNorth, "node-n1", {{"redeem-g", std::string(kCard), -1000}}));

  const auto kinds = [&](std::string_view store, std::string_view node) {
    std::vector<std::string> out;
    for (const Change& c : pull_all(store, node, "gift_cards"))
      out.push_back(doc(c).at("type").as_string().c_str());
    return out;
  };
  EXPECT_THAT(kinds(kNorth, "node-n1"), ElementsAre("gift_card", "gift_card_entry")) << "not its own redeem";
  EXPECT_THAT(kinds(kNorth, "node-n2"), ElementsAre("gift_card", "gift_card_entry", "gift_card_entry"));
  EXPECT_THAT(kinds(kSouth, "node-s1"),
              ElementsAre("gift_card", "gift_card_entry", "gift_card_allowance", "gift_card_entry"));

  auto south = pull_all(kSouth, "node-s1", "gift_cards");
  EXPECT_EQ(doc(south[0]).at("offline_limit_cents").as_int64(), 2000) << "the card's default";
  EXPECT_EQ(doc(south[2]).at("offline_limit_cents").as_int64(), 9000);
  const json::object redeem = doc(south[3]);
  EXPECT_EQ(redeem.at("entry_id").as_string(), "redeem-g");
  EXPECT_EQ(redeem.at("amount_cents").as_int64(), -1000);
  EXPECT_EQ(redeem.at("node_id").as_string(), "node-n1");
  EXPECT_EQ(redeem.at("currency").as_string(), "EUR");

  // Blocking re-sends the card; the store's allowance follows it again so that it still wins.
  ASSERT_TRUE(hub().set_gift_card_status(kCard, "blocked"));
  auto after = pull_all(kSouth, "node-s1", "gift_cards");
  EXPECT_THAT(entities(after),
              ElementsAre("entry:" + hub().find_gift_card(kCard).value()->entries[0].entry_id,
                          "entry:redeem-g", "card:6280000000009001", "allowance:0002:6280000000009001"));
  EXPECT_EQ(doc(after[2]).at("status").as_string(), "blocked");
}

}  // namespace
}  // namespace storeedge::sync::hub::testing
