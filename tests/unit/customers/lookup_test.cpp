// Finding a customer at the till by id, loyalty card, email or phone, however the cashier types it.
#include <gtest/gtest.h>

#include "edge/store/journal.hpp"
#include "tests/unit/customers/customer_fixture.hpp"

namespace storeedge::store::testing {
namespace {

using LookupTest = CustomerTest;

TEST_F(LookupTest, UpsertStoresNormalisedContactsAndSortedCards) {
  auto saved = repo().upsert(ana(), "cashier-7");
  ASSERT_TRUE(saved) << saved.error().what();
  EXPECT_EQ(saved->email, "ana.garcia@example.com");
  EXPECT_EQ(saved->phone, "+34600123456");
  EXPECT_EQ(saved->cards, (std::vector<std::string>{"LC-0001", "LC-0002"}));
  EXPECT_EQ(saved->updated_at_ms, unix_millis(clock_.now()));

  auto found = repo().find("cust-ana");
  ASSERT_TRUE(found) << found.error().what();
  ASSERT_TRUE(*found);
  EXPECT_EQ(**found, *saved);
  EXPECT_TRUE((*found)->marketing_consent);
}

TEST_F(LookupTest, FindsByEachKey) {
  ASSERT_TRUE(repo().upsert(ana(), "cashier-7"));
  Customer other{"cust-bo", "Bo", "bo@example.org", "612345678", false, {"LC-0100"}, 0};
  ASSERT_TRUE(repo().upsert(other, "cashier-7"));

  auto by_card = repo().find_by_card("LC-0002");
  ASSERT_TRUE(by_card && *by_card);
  EXPECT_EQ((*by_card)->id, "cust-ana");

  auto by_email = repo().find_by_email("  ANA.garcia@EXAMPLE.com ");
  ASSERT_TRUE(by_email && *by_email);
  EXPECT_EQ((*by_email)->id, "cust-ana");

  auto by_phone = repo().find_by_phone("+34 600 123 456");
  ASSERT_TRUE(by_phone && *by_phone);
  EXPECT_EQ((*by_phone)->id, "cust-ana");

  auto bo_by_phone = repo().find_by_phone("612-345-678");
  ASSERT_TRUE(bo_by_phone && *bo_by_phone);
  EXPECT_EQ((*bo_by_phone)->id, "cust-bo");
}

TEST_F(LookupTest, UnknownKeysFindNobody) {
  ASSERT_TRUE(repo().upsert(ana(), "cashier-7"));
  EXPECT_FALSE(repo().find("cust-zoe").value());
  EXPECT_FALSE(repo().find_by_card("LC-9999").value());
  EXPECT_FALSE(repo().find_by_email("zoe@example.com").value());
  // Same digits without the country code are a different number.
  EXPECT_FALSE(repo().find_by_phone("600123456").value());
}

TEST_F(LookupTest, MalformedLookupKeyIsAnError) {
  auto by_phone = repo().find_by_phone("call me");
  ASSERT_FALSE(by_phone);
  EXPECT_EQ(by_phone.error().kind(), Errc::invalid_argument);
  auto by_email = repo().find_by_email("ana-at-example.com");
  ASSERT_FALSE(by_email);
  EXPECT_EQ(by_email.error().kind(), Errc::invalid_argument);
}

TEST_F(LookupTest, UpdateReplacesTheCardSetAndConsent) {
  ASSERT_TRUE(repo().upsert(ana(), "cashier-7"));
  clock_.advance(std::chrono::minutes(5));
  Customer changed = ana();
  changed.cards = {"LC-0003"};
  changed.marketing_consent = false;
  changed.phone.reset();
  ASSERT_TRUE(repo().upsert(changed, "cashier-7"));

  EXPECT_FALSE(repo().find_by_card("LC-0001").value());
  auto found = repo().find_by_card("LC-0003").value();
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->marketing_consent);
  EXPECT_FALSE(found->phone);
  EXPECT_EQ(found->updated_at_ms, unix_millis(clock_.now()));
  EXPECT_EQ(count("customer"), 1);
}

TEST_F(LookupTest, LocalEditsAreAuditedAndQueuedHubChangesOnlyAudited) {
  ASSERT_TRUE(repo().upsert(ana(), "cashier-7"));
  Customer from_hub{"cust-hub", "Hub Person", std::nullopt, std::nullopt, false, {}, 0};
  ASSERT_TRUE(repo().upsert(from_hub, "system", Origin::hub));

  EXPECT_TRUE(verify_audit_chain(db()));
  EXPECT_EQ(count("audit_log"), 2);
  EXPECT_EQ(db().query_one<std::string>("SELECT action FROM audit_log WHERE seq = 1").value(),
            "customer.created");
  EXPECT_EQ(count("outbox"), 1);
  EXPECT_EQ(db().query_one<std::string>("SELECT kind || ' ' || entity_id FROM outbox").value(),
            "customer.upserted cust-ana");
  // Contact details stay out of the audit log.
  EXPECT_EQ(
      db().query_one<std::int64_t>("SELECT COUNT(*) FROM audit_log WHERE details LIKE '%example%'").value(),
      0);
}

}  // namespace
}  // namespace storeedge::store::testing
