// A bad profile is refused with a message naming the bad value, and nothing at all is written.
#include <gtest/gtest.h>

#include "tests/unit/customers/customer_fixture.hpp"

namespace storeedge::store::testing {
namespace {

class ValidationTest : public CustomerTest {
 protected:
  void expect_refused(const Customer& c, Errc kind, const std::string& message_part) {
    const std::int64_t customers = count("customer");
    const std::int64_t cards = count("loyalty_card");
    const std::int64_t audit = count("audit_log");
    const std::int64_t outbox = count("outbox");
    auto r = repo().upsert(c, "cashier-7");
    ASSERT_FALSE(r) << "accepted " << c.id;
    EXPECT_EQ(r.error().kind(), kind) << r.error().what();
    EXPECT_NE(r.error().what().find(message_part), std::string::npos) << r.error().what();
    EXPECT_EQ(count("customer"), customers);
    EXPECT_EQ(count("loyalty_card"), cards);
    EXPECT_EQ(count("audit_log"), audit);
    EXPECT_EQ(count("outbox"), outbox);
  }
};

TEST_F(ValidationTest, MalformedEmailsAreRefused) {
  for (const std::string bad : {"ana", "ana@", "@example.com", "ana@example", "ana@.com", "ana@example.",
                                "ana@@example.com", "ana garcia@example.com", "ana@exa..mple.com"}) {
    Customer c = ana();
    c.email = bad;
    SCOPED_TRACE(bad);
    expect_refused(c, Errc::invalid_argument, "email '" + bad + "'");
  }
}

TEST_F(ValidationTest, MalformedPhonesAreRefused) {
  for (const std::string bad :
       {"12345", "+34 600 12a 456", "34+600123456", "1234567890123456", "600/123/456"}) {
    Customer c = ana();
    c.phone = bad;
    SCOPED_TRACE(bad);
    expect_refused(c, Errc::invalid_argument, "phone '" + bad + "'");
  }
}

TEST_F(ValidationTest, MissingIdOrNameIsRefused) {
  Customer no_id = ana();
  no_id.id = " ";
  expect_refused(no_id, Errc::invalid_argument, "customer id is empty");
  Customer no_name = ana();
  no_name.name = "";
  expect_refused(no_name, Errc::invalid_argument, "customer cust-ana has an empty name");
}

TEST_F(ValidationTest, CardOfAnotherCustomerIsRefused) {
  ASSERT_TRUE(repo().upsert(ana(), "cashier-7"));
  Customer bo{"cust-bo", "Bo", std::nullopt, std::nullopt, false, {"LC-0100", "LC-0001"}, 0};
  expect_refused(bo, Errc::conflict, "loyalty card LC-0001 belongs to customer cust-ana");
  EXPECT_FALSE(repo().find("cust-bo").value());
  EXPECT_EQ(repo().find_by_card("LC-0001").value()->id, "cust-ana");
}

TEST_F(ValidationTest, FailedUpdateLeavesTheOldProfile) {
  ASSERT_TRUE(repo().upsert(ana(), "cashier-7"));
  Customer changed = ana();
  changed.name = "Ana G.";
  changed.email = "not an email";
  expect_refused(changed, Errc::invalid_argument, "email 'not an email'");
  EXPECT_EQ(repo().find("cust-ana").value()->name, "Ana García");
}

TEST_F(ValidationTest, LocalEditCannotTakeAnotherCustomersEmailButTheHubCan) {
  ASSERT_TRUE(repo().upsert(ana(), "cashier-7"));
  Customer bo{"cust-bo", "Bo", "ANA.GARCIA@example.com", std::nullopt, false, {}, 0};
  expect_refused(bo, Errc::already_exists,
                 "email ana.garcia@example.com is already used by customer cust-ana");

  // The hub is the authority; the lookup then answers with the most recently updated customer.
  clock_.advance(std::chrono::seconds(1));
  ASSERT_TRUE(repo().upsert(bo, "system", Origin::hub));
  EXPECT_EQ(repo().find_by_email("ana.garcia@example.com").value()->id, "cust-bo");
}

}  // namespace
}  // namespace storeedge::store::testing
