// The audit chain and the outbox: what a reviewer and the hub rely on.
#include "edge/store/journal.hpp"

#include <gtest/gtest.h>

#include "edge/store/replica.hpp"
#include "platform/sqlite/migrations.hpp"
#include "platform/sqlite/transaction.hpp"
#include "tests/support/temp_dir.hpp"

namespace storeedge::store {
namespace {

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Replica::open(dir_ / "replica.db", clock_);
    ASSERT_TRUE(r) << r.error().what();
    replica_.emplace(std::move(*r));
  }
  sqlite::Database& db() { return replica_->db(); }

  void append(int n) {
    auto tx = sqlite::Transaction::begin(db());
    ASSERT_TRUE(tx);
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(
          append_audit(db(), 1000 + i, {"cashier-7", "sale.completed", "order-" + std::to_string(i), "{}"}));
    }
    ASSERT_TRUE(tx->commit());
  }

  test::TempDir dir_;
  ManualClock clock_;
  std::optional<Replica> replica_;
};

TEST_F(JournalTest, ReplicaIsAtTheLatestSchemaWithANodeId) {
  EXPECT_EQ(replica_->schema_version(), latest_schema_version());
  EXPECT_EQ(replica_->node_id().size(), 36u);
  EXPECT_TRUE(db().integrity_check());
}

TEST_F(JournalTest, AuditEntriesChainAndVerify) {
  append(5);
  EXPECT_TRUE(verify_audit_chain(db()));
  EXPECT_EQ(**db().query_one<std::int64_t>("SELECT COUNT(*) FROM audit_log"), 5);
  auto first_prev = db().query_one<std::string>("SELECT prev_hash FROM audit_log WHERE seq = 1");
  EXPECT_EQ(**first_prev, "");
}

TEST_F(JournalTest, EditedEntryIsDetected) {
  append(5);
  ASSERT_TRUE(db().exec("UPDATE audit_log SET details = '{\"total\":1}' WHERE seq = 3"));
  auto s = verify_audit_chain(db());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), Errc::corrupt);
  EXPECT_EQ(s.error().what(), "audit log entry 3: content does not match its hash (edited)");
}

TEST_F(JournalTest, RemovedEntryIsDetected) {
  append(5);
  ASSERT_TRUE(db().exec("DELETE FROM audit_log WHERE seq = 2"));
  auto s = verify_audit_chain(db());
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().what().find("audit log entry 3"), std::string::npos) << s.error().what();
}

TEST_F(JournalTest, RewrittenEntryWithRecomputedHashBreaksTheNextLink) {
  append(3);
  ASSERT_TRUE(db().exec("UPDATE audit_log SET hash = 'X' WHERE seq = 2"));
  auto s = verify_audit_chain(db());
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().what().find("audit log entry 2"), std::string::npos) << s.error().what();
}

TEST_F(JournalTest, OutboxIdsIncreaseByOneAndCountPending) {
  auto tx = sqlite::Transaction::begin(db());
  ASSERT_TRUE(tx);
  for (int i = 1; i <= 3; ++i) {
    auto id = enqueue_mutation(db(), 5, {"order.completed", "o" + std::to_string(i), "{}"});
    ASSERT_TRUE(id) << id.error().what();
    EXPECT_EQ(*id, i);
  }
  ASSERT_TRUE(tx->commit());
  EXPECT_EQ(*pending_mutation_count(db()), 3);
  ASSERT_TRUE(db().exec("UPDATE outbox SET acked_at_ms = 9 WHERE mutation_id <= 2"));
  EXPECT_EQ(*pending_mutation_count(db()), 1);
}

TEST_F(JournalTest, RolledBackWriteLeavesNoTrace) {
  {
    auto tx = sqlite::Transaction::begin(db());
    ASSERT_TRUE(tx);
    ASSERT_TRUE(append_audit(db(), 1, {"a", "b", "c", "{}"}));
    ASSERT_TRUE(enqueue_mutation(db(), 1, {"k", "e", "{}"}));
  }  // no commit
  EXPECT_EQ(**db().query_one<std::int64_t>("SELECT COUNT(*) FROM audit_log"), 0);
  EXPECT_EQ(*pending_mutation_count(db()), 0);
}

// Replica schema version 8 moved payloads out of the outbox rows: what a till had queued before the
// upgrade is still sent with its payload, acknowledged rows stay acknowledged, and new mutations
// follow the old ones.
TEST(OutboxPayloadMigration, QueuedMutationsKeepTheirPayloadsAndNewOnesFollowThem) {
  test::TempDir dir;
  {
    auto db = sqlite::Database::open(dir / "replica.db");
    ASSERT_TRUE(db) << db.error().what();
    ASSERT_TRUE(sqlite::migrate(*db, migrations().first(7)));  // a replica of the version before
    ASSERT_TRUE(db->exec(
        "INSERT INTO outbox (mutation_id, kind, entity_id, payload, created_at_ms, acked_at_ms, hlc) VALUES "
        "(1, 'order.completed', 'o-1', '{\"order_id\":\"o-1\"}', 10, 20, 655360), "
        "(2, 'order.completed', 'o-2', '{\"order_id\":\"o-2\"}', 11, NULL, NULL)"));
  }
  ManualClock clock;
  auto replica = Replica::open(dir / "replica.db", clock);
  ASSERT_TRUE(replica) << replica.error().what();
  EXPECT_EQ(replica->schema_version(), latest_schema_version());
  auto& db = replica->db();
  const auto payload_of = [&](std::int64_t id) {
    return db.query_one<std::string>(
        "SELECT payload FROM outbox JOIN outbox_payload USING (mutation_id) WHERE mutation_id = ?", id);
  };
  EXPECT_EQ(payload_of(1).value(), R"({"order_id":"o-1"})");
  EXPECT_EQ(payload_of(2).value(), R"({"order_id":"o-2"})");
  EXPECT_EQ(pending_mutation_count(db).value(), 1);
  EXPECT_EQ(db.query_one<std::int64_t>("SELECT hlc FROM outbox WHERE mutation_id = 1").value(), 655360);
  auto id = enqueue_mutation(db, 30, {"loyalty.entry", "e-3", R"({"entry_id":"e-3"})"});
  ASSERT_TRUE(id) << id.error().what();
  EXPECT_EQ(*id, 3);
  EXPECT_EQ(payload_of(3).value(), R"({"entry_id":"e-3"})");
  EXPECT_EQ(pending_mutation_count(db).value(), 2);
}

}  // namespace
}  // namespace storeedge::store
