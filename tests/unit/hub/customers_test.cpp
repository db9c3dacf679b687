// Customers merged last-writer-wins per field by HLC, and the loyalty ledger.
#include "tests/unit/hub/hub_fixture.hpp"

namespace storeedge::sync::hub::testing {
namespace {

constexpr std::int64_t kT0 = 1'700'000'000'000;

std::string edge_customer(const std::string& email, const std::string& phone,
                          std::optional<std::vector<std::string>> changed = std::nullopt) {
  boost::json::object o{{"customer_id", "cust-ana"},
                        {"name", "Ana"},
                        {"email", email},
                        {"phone", phone},
                        {"marketing_consent", false},
                        {"cards", boost::json::array{"LC-1"}},
                        {"updated_at_ms", kT0}};
  if (changed) {
    boost::json::array list;
    for (const auto& f : *changed) list.emplace_back(f);
    o["changed"] = std::move(list);
  }
  return boost::json::serialize(o);
}

class CustomerMergeTest : public HubTest {
 protected:
  void SetUp() override {
    HubTest::SetUp();
    clock_.set_wall(std::chrono::system_clock::time_point{std::chrono::milliseconds{kT0}});
    auto c = hub().upsert_customer({.customer_id = "cust-ana",
                                    .name = "Ana",
                                    .email = "ana@old.example",
                                    .phone = "+34600000001",
                                    .home_region = "north"});
    ASSERT_TRUE(c) << c.error().what();
  }
};

TEST_F(CustomerMergeTest, EmailChangedOnlineAndPhoneChangedOfflineBothSurvive) {
  // Offline, the till changes the phone at T0+10 s; it still holds the old email.
  const auto offline = mutation("node-n1", 1, "customer.upserted",
                                edge_customer("ana@old.example", "+34600000002", {{"phone"}}), kT0 + 10'000);
  // Online, the CRM changes the email later, at T0+20 s, before the till reconnects.
  clock_.advance(std::chrono::seconds(20));
  clock_.set_wall(std::chrono::system_clock::time_point{std::chrono::milliseconds{kT0 + 20'000}});
  ASSERT_TRUE(hub().upsert_customer({.customer_id = "cust-ana", .email = "ana@new.example"}));
  auto r = hub().apply_push("node-n1", {offline});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->results[0].outcome, Outcome::applied) << r->results[0].reason;

  auto c = hub().find_customer("cust-ana");
  ASSERT_TRUE(c && *c);
  EXPECT_EQ((*c)->email, "ana@new.example");
  EXPECT_EQ((*c)->phone, "+34600000002");
  EXPECT_EQ((*c)->field_hlc["phone"].substr(0, 15), "001700000010000");
}

TEST_F(CustomerMergeTest, AnOfflineChangeNewerThanTheOnlineOneStillKeepsFieldsItDidNotChange) {
  ASSERT_TRUE(hub().upsert_customer({.customer_id = "cust-ana", .email = "ana@new.example"}));
  // The till's change is stamped after the CRM's, and its payload carries the stale email.
  auto r = hub().apply_push(
      "node-n1", {mutation("node-n1", 1, "customer.upserted",
                           edge_customer("ana@old.example", "+34600000002", {{"phone"}}), kT0 + 60'000)});
  ASSERT_TRUE(r);
  auto c = hub().find_customer("cust-ana");
  EXPECT_EQ((*c)->email, "ana@new.example");
  EXPECT_EQ((*c)->phone, "+34600000002");
}

TEST_F(CustomerMergeTest, WithoutAChangedListAnOlderStampLosesPerField) {
  ASSERT_TRUE(hub().upsert_customer({.customer_id = "cust-ana", .email = "ana@new.example"}));
  auto r = hub().apply_push("node-n1", {mutation("node-n1", 1, "customer.upserted",
                                                 edge_customer("ana@old.example", "+34600000002"), kT0 - 1)});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->results[0].outcome, Outcome::applied);
  auto c = hub().find_customer("cust-ana");
  EXPECT_EQ((*c)->email, "ana@new.example") << "the CRM's stamp is newer";
  EXPECT_EQ((*c)->phone, "+34600000001") << "stamped before the CRM created the customer";
}

TEST_F(CustomerMergeTest, TheHubClockStampsAfterEverythingItHasSeenEvenIfItsWallClockIsBehind) {
  // A node whose clock runs an hour ahead pushes a phone change; a CRM change made afterwards must
  // still win, so the hub stamps after the largest stamp it has seen.
  ASSERT_TRUE(hub().apply_push(
      "node-n1", {mutation("node-n1", 1, "customer.upserted",
                           edge_customer("ana@old.example", "+34600000009", {{"phone"}}), kT0 + 3'600'000)}));
  ASSERT_TRUE(hub().upsert_customer({.customer_id = "cust-ana", .phone = "+34600000003"}));
  EXPECT_EQ((*hub().find_customer("cust-ana"))->phone, "+34600000003");
}

TEST_F(CustomerMergeTest, BadCustomerInputIsRefusedAndChangesNothing) {
  EXPECT_EQ(hub().upsert_customer({.customer_id = "cust-new"}).error().kind(), Errc::invalid_argument)
      << "a new customer needs a name";
  auto bad_email = hub().upsert_customer({.customer_id = "cust-ana", .email = "not-an-email"});
  ASSERT_FALSE(bad_email);
  EXPECT_NE(bad_email.error().what().find("'not-an-email' has no '@'"), std::string::npos);
  auto r = hub().apply_push(
      "node-n1", {mutation("node-n1", 1, "customer.upserted", R"({"customer_id":"cust-ana","email":42})")});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->results[0].outcome, Outcome::rejected);
  EXPECT_EQ((*hub().find_customer("cust-ana"))->email, "ana@old.example");
  EXPECT_FALSE(*hub().find_customer("cust-new"));
}

TEST_F(CustomerMergeTest, LoyaltyEntriesCountOnceWhereverTheyComeFrom) {
  const boost::json::array earn{boost::json::object{
      {"entry_id", "le-1"}, {"customer_id", "cust-ana"}, {"points", 10}, {"kind", "earn"}}};
  ASSERT_TRUE(hub().apply_push(
      "node-n1",
      {mutation("node-n1", 1, "order.completed", sale("ord-1", kNorth, "node-n1", {}, "cust-ana", earn))}));
  // The same entry again, as a standalone loyalty mutation from another node: counted once.
  auto dup =
      hub().apply_push("node-n2", {mutation("node-n2", 1, "loyalty.entry", boost::json::serialize(earn[0]))});
  ASSERT_TRUE(dup);
  EXPECT_EQ(dup->results[0].outcome, Outcome::applied);
  EXPECT_EQ(*hub().loyalty_balance("cust-ana"), 10);
  // The same entry id with other points is not the same entry: refused, and the ledger keeps the first.
  auto other = hub().apply_push(
      "node-n2", {mutation("node-n2", 2, "loyalty.entry",
                           R"({"entry_id":"le-1","customer_id":"cust-ana","points":99,"kind":"earn"})")});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->results[0].outcome, Outcome::rejected);
  EXPECT_NE(other->results[0].reason.find("already recorded with other content"), std::string::npos)
      << other->results[0].reason;
  EXPECT_EQ(*hub().loyalty_balance("cust-ana"), 10);

  auto online = hub().add_loyalty_entry({"le-web-1", "cust-ana", 25, "earn"});
  ASSERT_TRUE(online);
  EXPECT_TRUE(*online);
  EXPECT_FALSE(*hub().add_loyalty_entry({"le-web-1", "cust-ana", 25, "earn"}))
      << "a retried entry counts once";
  EXPECT_EQ(*hub().loyalty_balance("cust-ana"), 35);

  auto too_much = hub().add_loyalty_entry({"le-web-2", "cust-ana", -36, "redeem"});
  ASSERT_FALSE(too_much);
  EXPECT_EQ(too_much.error().kind(), Errc::conflict);
  EXPECT_NE(too_much.error().what().find("exceeds the balance of 35"), std::string::npos);
  EXPECT_TRUE(hub().add_loyalty_entry({"le-web-3", "cust-ana", -35, "redeem"}));
  EXPECT_EQ(*hub().loyalty_balance("cust-ana"), 0);

  EXPECT_EQ(hub().add_loyalty_entry({"le-web-4", "cust-ana", 5, "redeem"}).error().kind(),
            Errc::invalid_argument)
      << "a redeem adds negative points";
  EXPECT_EQ(hub().add_loyalty_entry({"le-web-5", "cust-nobody", 5, "earn"}).error().kind(), Errc::not_found);
}

}  // namespace
}  // namespace storeedge::sync::hub::testing
