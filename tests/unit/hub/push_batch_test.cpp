// Push batches: one transaction per batch with a savepoint per mutation. A rejected mutation in the
// middle leaves no trace but its quarantine entry; a failed COMMIT applies nothing and asks for the
// whole batch again; a batch resent after a partial one applies only what is new.
#include <sqlite3.h>

#include "tests/support/fault_vfs.hpp"
#include "tests/unit/hub/hub_fixture.hpp"

namespace storeedge::sync::hub::testing {
namespace {

// Mutations first..last of node-n1, each a sale of one unit of SKU-A.
std::vector<IncomingMutation> sales(std::int64_t first, std::int64_t last) {
  std::vector<IncomingMutation> batch;
  for (std::int64_t i = first; i <= last; ++i) {
    batch.push_back(
        HubTest::mutation("node-n1", i, "order.completed",
                          HubTest::sale("ord-" + std::to_string(i), kNorth, "node-n1", {{"SKU-A", -1}})));
  }
  return batch;
}

std::vector<Outcome> outcomes(const PushResult& r) {
  std::vector<Outcome> out;
  for (const auto& m : r.results) out.push_back(m.outcome);
  return out;
}

class PushBatchTest : public HubTest {
 protected:
  // A hub whose disk fails on demand. The storage is closed before the VFS goes away.
  void open_on_faulty_disk(const std::string& name) {
    auto vfs = test::FaultVfs::create(name);
    ASSERT_TRUE(vfs) << vfs.error().what();
    vfs_ = std::move(*vfs);
    sqlite::OpenOptions options;
    options.vfs = vfs_->name();
    reopen(options);
  }
  void TearDown() override {
    hub_.reset();
    vfs_.reset();
  }

  std::int64_t watermark() {
    return hub()
        .db()
        .query_one<std::int64_t>("SELECT last_mutation_id FROM node WHERE node_id = 'node-n1'")
        .value()
        .value_or(-1);
  }

  std::unique_ptr<test::FaultVfs> vfs_;
};

TEST_F(PushBatchTest, ARejectedMutationInTheMiddleRollsBackAloneAndTheBatchCommitsInOneSync) {
  open_on_faulty_disk("storeedge-fault-hub-batch");
  const auto entry = [](std::int64_t points) {
    return boost::json::array{boost::json::object{
        {"entry_id", "le-1"}, {"customer_id", "cust-1"}, {"points", points}, {"kind", "earn"}}};
  };
  auto batch = sales(1, 40);
  batch[9].payload = sale("ord-10", kNorth, "node-n1", {{"SKU-A", -1}}, "cust-1", entry(10));
  // Mutation 20 reuses loyalty entry le-1 with other points: it fails after writing its order and
  // its stock move, which must not survive.
  batch[19].payload = sale("ord-20", kNorth, "node-n1", {{"SKU-A", -7}}, "cust-1", entry(99));
  const int syncs_before = vfs_->syncs();

  auto r = hub().apply_push("node-n1", batch);

  ASSERT_TRUE(r) << r.error().what();
  ASSERT_EQ(r->results.size(), 40u);
  for (std::size_t i = 0; i < 40; ++i)
    EXPECT_EQ(r->results[i].outcome, i == 19 ? Outcome::rejected : Outcome::applied) << i;
  EXPECT_NE(r->results[19].reason.find("loyalty entry le-1 is already recorded"), std::string::npos)
      << r->results[19].reason;
  EXPECT_EQ(r->last_applied_id, 40);
  EXPECT_EQ(watermark(), 40);
  EXPECT_EQ(count("hub_order"), 39) << "the rejected order is rolled back to its savepoint";
  EXPECT_EQ(*hub().stock_level(kNorth, "SKU-A"), -39) << "its stock move too";
  EXPECT_EQ(*hub().loyalty_balance("cust-1"), 10);
  auto q = hub().list_quarantine("node-n1");
  ASSERT_TRUE(q);
  ASSERT_EQ(q->size(), 1u);
  EXPECT_EQ((*q)[0].mutation_id, 20);
  EXPECT_LE(vfs_->syncs() - syncs_before, 2) << "40 mutations, one commit: not one fsync each";
}

TEST_F(PushBatchTest, AFailedCommitAppliesNothingAndTheWholeBatchIsRetried) {
  open_on_faulty_disk("storeedge-fault-hub-commit");
  ASSERT_TRUE(hub().apply_push("node-n1", sales(1, 2)));
  auto batch = sales(1, 6);          // 1 and 2 are duplicates
  batch[3].kind = "gift.card.sold";  // 4 would be quarantined
  vfs_->fail_next_syncs(1);

  auto r = hub().apply_push("node-n1", batch);

  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(outcomes(*r), std::vector<Outcome>(6, Outcome::retry));
  EXPECT_NE(r->results[0].reason.find("committing the push"), std::string::npos) << r->results[0].reason;
  EXPECT_EQ(r->last_applied_id, 2) << "the watermark committed before the batch";
  EXPECT_FALSE(r->expected_id);
  EXPECT_EQ(watermark(), 2);
  EXPECT_EQ(count("hub_order"), 2);
  EXPECT_EQ(count("quarantine"), 0);
  EXPECT_EQ(*hub().stock_level(kNorth, "SKU-A"), -2);

  auto again = hub().apply_push("node-n1", batch);  // the node resends the batch
  ASSERT_TRUE(again) << again.error().what();
  EXPECT_EQ(outcomes(*again), (std::vector<Outcome>{Outcome::duplicate, Outcome::duplicate, Outcome::applied,
                                                    Outcome::rejected, Outcome::applied, Outcome::applied}));
  EXPECT_EQ(again->last_applied_id, 6);
  EXPECT_EQ(count("hub_order"), 5);
  EXPECT_EQ(count("quarantine"), 1);
  EXPECT_EQ(*hub().stock_level(kNorth, "SKU-A"), -5) << "each sale moved stock once";
}

TEST_F(PushBatchTest, ABatchReplayedAfterAPartialOneAppliesOnlyWhatIsNew) {
  // The first push commits 1..3 and stops at a gap (5 without 4); its reply is lost.
  auto first = sales(1, 3);
  first.push_back(sales(5, 5)[0]);
  auto r = hub().apply_push("node-n1", first);
  ASSERT_TRUE(r);
  EXPECT_EQ(outcomes(*r),
            (std::vector<Outcome>{Outcome::applied, Outcome::applied, Outcome::applied, Outcome::gap}));
  EXPECT_EQ(r->expected_id, 4);
  EXPECT_EQ(r->last_applied_id, 3);

  // The node sends everything again, in order and complete.
  auto replay = hub().apply_push("node-n1", sales(1, 6));
  ASSERT_TRUE(replay) << replay.error().what();
  EXPECT_EQ(outcomes(*replay),
            (std::vector<Outcome>{Outcome::duplicate, Outcome::duplicate, Outcome::duplicate,
                                  Outcome::applied, Outcome::applied, Outcome::applied}));
  EXPECT_EQ(replay->last_applied_id, 6);
  EXPECT_EQ(count("hub_order"), 6);
  EXPECT_EQ(*hub().stock_level(kNorth, "SKU-A"), -6);
  EXPECT_EQ(pull_all(kNorth, "node-n2", "store_orders").size(), 6u) << "each order published once";
}

TEST_F(PushBatchTest, APushedSaleIsPublishedToItsStoreAsTheStoredOrderWithItsStatus) {
  clock_.set_wall(std::chrono::system_clock::time_point{std::chrono::milliseconds{1'700'000'123'000}});
  ASSERT_TRUE(hub().apply_push("node-n1", sales(1, 1)));
  auto orders = pull_all(kNorth, "node-n2", "store_orders");
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].entity, "order:ord-1");
  auto published = doc(orders[0]);
  auto stored =
      boost::json::parse(hub()
                             .db()
                             .query_one<std::string>("SELECT base FROM hub_order WHERE order_id = 'ord-1'")
                             .value()
                             .value())
          .as_object();
  for (const auto& [key, value] : stored) EXPECT_EQ(published.at(key), value) << key;
  EXPECT_EQ(published.at("type"), "order");
  EXPECT_EQ(published.at("status"), "completed");
  EXPECT_EQ(published.at("fulfilment"), "in_store");
  EXPECT_EQ(published.at("needs_review"), false);
  EXPECT_EQ(published.at("review_reason"), "");
  EXPECT_EQ(published.at("updated_at_ms"), 1'700'000'123'000);
  EXPECT_EQ(published.size(), stored.size() + 6);
  EXPECT_TRUE(pull_all(kNorth, "node-n1", "store_orders").empty())
      << "not sent back to the node it came from";
}

}  // namespace
}  // namespace storeedge::sync::hub::testing
