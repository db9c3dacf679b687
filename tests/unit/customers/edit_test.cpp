// Customer edits at the till: partial edits, the fields the hub is told changed, and the HLC stamp
// each edit carries from the moment it was made (the hub merges profile fields last-writer-wins).
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "edge/store/journal.hpp"
#include "sync/proto/hlc.hpp"
#include "tests/unit/customers/customer_fixture.hpp"

namespace storeedge::store::testing {
namespace {

namespace json = boost::json;
constexpr std::int64_t kNov2023 = 1'700'000'000'000;

class CustomerEditTest : public CustomerTest {
 protected:
  void SetUp() override {
    CustomerTest::SetUp();
    clock_.set_wall(std::chrono::system_clock::time_point{std::chrono::milliseconds{kNov2023}});
    ASSERT_TRUE(repo().upsert(ana(), "cashier-7"));
  }

  json::object last_payload() {
    return json::parse(db().query_one<std::string>("SELECT payload FROM outbox JOIN outbox_payload USING "
                                                   "(mutation_id) ORDER BY mutation_id DESC")
                           .value()
                           .value())
        .as_object();
  }
  std::vector<std::string> last_changed() {
    std::vector<std::string> out;
    const json::object payload = last_payload();
    for (const auto& v : payload.at("changed").as_array()) out.emplace_back(v.as_string());
    return out;
  }
  std::uint64_t last_stamp() {
    return static_cast<std::uint64_t>(
        db().query_one<std::int64_t>("SELECT hlc FROM outbox ORDER BY mutation_id DESC").value().value());
  }
};

TEST_F(CustomerEditTest, ANewCustomerTellsTheHubEveryField) {
  EXPECT_EQ(last_changed(),
            (std::vector<std::string>{"name", "email", "phone", "marketing_consent", "cards"}));
}

TEST_F(CustomerEditTest, APhoneEditChangesOnlyThePhoneAndSaysSo) {
  auto saved = repo().update({.customer_id = "cust-ana", .phone = "+34 611 000 111"}, "cashier-7");
  ASSERT_TRUE(saved) << saved.error().what();
  EXPECT_EQ(saved->phone, "+34611000111");
  EXPECT_EQ(saved->email, "ana.garcia@example.com") << "fields not in the edit keep their value";
  EXPECT_EQ(count("outbox"), 2);
  EXPECT_EQ(last_changed(), (std::vector<std::string>{"phone"}));
  auto payload = last_payload();
  EXPECT_EQ(payload["phone"], "+34611000111");
  EXPECT_EQ(payload["email"], "ana.garcia@example.com");
}

TEST_F(CustomerEditTest, EachEditIsStampedWhenItIsMadeAndTheClockIsSaved) {
  const std::uint64_t first = last_stamp();
  EXPECT_EQ(sync::proto::hlc_parts(first).physical_ms, static_cast<std::uint64_t>(kNov2023));
  // The kiosk reboots into 1970: the next edit is still stamped after the first.
  clock_.set_wall(std::chrono::system_clock::time_point{});
  ASSERT_TRUE(repo().update({.customer_id = "cust-ana", .email = "ana@new.example"}, "kiosk"));
  const std::uint64_t second = last_stamp();
  EXPECT_GT(second, first);
  EXPECT_EQ(static_cast<std::uint64_t>(
                db().query_one<std::int64_t>("SELECT hlc_last FROM sync_state").value().value()),
            second);
}

TEST_F(CustomerEditTest, AnEditThatChangesNothingWritesNothing) {
  const auto audit = count("audit_log");
  auto same = repo().update({.customer_id = "cust-ana", .phone = "+34600123456", .marketing_consent = true},
                            "cashier-7");
  ASSERT_TRUE(same) << same.error().what();
  EXPECT_EQ(count("outbox"), 1);
  EXPECT_EQ(count("audit_log"), audit);
}

TEST_F(CustomerEditTest, AnEmptyEmailRemovesIt) {
  ASSERT_TRUE(repo().update({.customer_id = "cust-ana", .email = ""}, "cashier-7"));
  auto c = repo().find("cust-ana");
  ASSERT_TRUE(c && *c);
  EXPECT_FALSE((*c)->email);
  EXPECT_EQ(last_changed(), (std::vector<std::string>{"email"}));
  EXPECT_TRUE(last_payload()["email"].is_null());
}

TEST_F(CustomerEditTest, BadEditsAreRefusedAndChangeNothing) {
  auto unknown = repo().update({.customer_id = "cust-nobody", .phone = "+34600000000"}, "cashier-7");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind(), Errc::not_found);
  auto bad = repo().update({.customer_id = "cust-ana", .email = "not-an-email"}, "cashier-7");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind(), Errc::invalid_argument);
  EXPECT_EQ(count("outbox"), 1);
  EXPECT_EQ(db().query_one<std::int64_t>("SELECT hlc_last FROM sync_state").value().value(),
            static_cast<std::int64_t>(last_stamp()))
      << "a refused edit does not move the clock";
}

TEST_F(CustomerEditTest, ChangesAppliedFromTheHubAreNotSentBack) {
  Customer from_hub = ana();
  from_hub.phone = "+34699999999";
  ASSERT_TRUE(repo().upsert(from_hub, "hub", Origin::hub));
  EXPECT_EQ(count("outbox"), 1);
}

}  // namespace
}  // namespace storeedge::store::testing
