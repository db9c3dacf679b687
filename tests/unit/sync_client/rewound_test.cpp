// A till restored from an older backup of its replica mints mutation ids the hub already holds. The
// hub compares them by content and answers NODE_REWOUND; the relay renumbers what the till wrote
// after the restore above the hub's watermark, and every sale acknowledged before and after the
// restore reaches the hub exactly once.
#include <filesystem>

#include "tests/unit/sync_client/sync_fixture.hpp"

namespace storeedge::sync::client::testing {
namespace {

class RewoundTest : public SyncTest {
 protected:
  void take_backup() {
    auto s = db().backup_to(dir_ / "replica-backup.db");
    ASSERT_TRUE(s) << s.error().what();
  }
  // What a technician's restore does: the daemon is stopped, the backup replaces the replica.
  void restore_backup() {
    replica_.reset();
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(dir_ / ("replica.db" + std::string(suffix)));
    std::filesystem::copy_file(dir_ / "replica-backup.db", dir_ / "replica.db");
    open();
  }
  std::int64_t hub_watermark() {
    return hub_count("SELECT last_mutation_id FROM node WHERE node_id = '" + replica_->node_id() + "'");
  }
  void expect_exactly_once(const std::set<std::string>& acknowledged) {
    const auto at_hub = hub_order_ids();
    std::int64_t lost = 0, unexpected = 0;
    for (const auto& id : acknowledged) lost += at_hub.contains(id) ? 0 : 1;
    for (const auto& id : at_hub) unexpected += acknowledged.contains(id) ? 0 : 1;
    EXPECT_EQ(lost, 0) << "sales lost";
    EXPECT_EQ(unexpected, 0) << "unexpected orders";
    EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), static_cast<std::int64_t>(acknowledged.size()))
        << "duplicated orders at the hub";
  }
};

std::set<std::string> merged(std::initializer_list<std::set<std::string>> sets) {
  std::set<std::string> out;
  for (const auto& s : sets) out.insert(s.begin(), s.end());
  return out;
}

TEST_F(RewoundTest, SalesMadeAfterARestoreAreRenumberedAboveTheHubAndArriveOnce) {
  const auto synced = make_sales(3);
  ASSERT_TRUE(relay().push_once());
  const auto pending_in_backup = make_sales(1);  // mutation 4, not yet pushed when the backup is taken
  take_backup();
  const auto lost_with_the_replica = make_sales(2);  // 5 and 6: at the hub, gone from the restored till
  ASSERT_TRUE(relay().push_once());
  ASSERT_EQ(hub_watermark(), 6);

  restore_backup();
  ASSERT_EQ(count("SELECT MAX(mutation_id) FROM outbox"), 4);
  const auto after_restore = make_sales(3);  // the till mints 5, 6, 7 again, with other sales

  auto rewound = relay().push_once();
  ASSERT_TRUE(rewound) << rewound.error().what();
  EXPECT_TRUE(rewound->rewound);
  EXPECT_EQ(rewound->hub_last_applied, 6);
  EXPECT_EQ(rewound->renumbered, 3);
  EXPECT_EQ(rewound->acknowledged, 1) << "mutation 4 was confirmed by content";
  EXPECT_EQ(rewound->applied, 0);
  EXPECT_EQ(pending(), 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE acked_at_ms IS NULL AND mutation_id BETWEEN 7 AND 9"), 3)
      << "the new sales now follow the hub's watermark";
  EXPECT_EQ(hub_watermark(), 6) << "nothing of the refused batch was applied";

  auto pushed = relay().push_once();
  ASSERT_TRUE(pushed) << pushed.error().what();
  EXPECT_EQ(pushed->applied, 3);
  EXPECT_EQ(pending(), 0);
  EXPECT_EQ(hub_watermark(), 9);
  expect_exactly_once(merged({synced, pending_in_backup, lost_with_the_replica, after_restore}));

  // The hub shows the node to a technician until it enrolls again.
  auto nodes = hub_->list_nodes();
  ASSERT_TRUE(nodes) << nodes.error().what();
  ASSERT_EQ(nodes->size(), 1u);
  ASSERT_TRUE(nodes->front().rewound_mutation_id);
  EXPECT_EQ(*nodes->front().rewound_mutation_id, 5);

  // Later sales continue above the renumbered ones.
  const auto later = make_sales(1);
  auto next = relay().push_once();
  ASSERT_TRUE(next) << next.error().what();
  EXPECT_EQ(next->applied, 1);
  EXPECT_EQ(hub_watermark(), 10);
  expect_exactly_once(merged({synced, pending_in_backup, lost_with_the_replica, after_restore, later}));
}

TEST_F(RewoundTest, TheStartUpWatermarkCheckDoesNotAcknowledgeSalesMintedUnderReusedIds) {
  make_sales(2);
  take_backup();
  const auto at_hub_only = make_sales(3);
  ASSERT_TRUE(relay().push_once());
  ASSERT_EQ(hub_watermark(), 5);

  restore_backup();
  const auto after_restore = make_sales(2);  // ids 3 and 4 again, before the sync thread's first round
  auto reconciled = relay().reconcile();
  ASSERT_TRUE(reconciled) << reconciled.error().what();
  EXPECT_EQ(reconciled->hub_last_applied, 5);
  EXPECT_EQ(pending(), 4) << "rows at or below the hub's watermark stay pending until compared by content";

  auto rewound = relay().push_once();
  ASSERT_TRUE(rewound) << rewound.error().what();
  EXPECT_TRUE(rewound->rewound);
  EXPECT_EQ(rewound->acknowledged, 2);
  EXPECT_EQ(rewound->renumbered, 2);
  auto pushed = relay().push_once();
  ASSERT_TRUE(pushed) << pushed.error().what();
  EXPECT_EQ(pushed->applied, 2);
  EXPECT_EQ(pending(), 0);
  EXPECT_EQ(hub_watermark(), 7);
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 7);
  for (const auto& id : after_restore) EXPECT_TRUE(hub_order_ids().contains(id)) << id;
  for (const auto& id : at_hub_only) EXPECT_TRUE(hub_order_ids().contains(id)) << id;
}

// The sales lost with the replica took receipt numbers the hub holds. The till cannot know before it
// reaches the hub (a sale made before that repeats a number, and stays flagged for a technician),
// but from the rewind on its receipt series continues after the last number the hub holds from it.
TEST_F(RewoundTest, AfterTheRewindTheReceiptSeriesContinuesAfterTheLastNumberTheHubHolds) {
  make_sales(2);
  ASSERT_TRUE(relay().push_once());
  take_backup();                    // receipts 1 and 2
  const auto lost = make_sales(4);  // receipts 3 to 6: at the hub only
  ASSERT_TRUE(relay().push_once());
  const auto receipt_of_latest = [&] {
    return db()
        .query_one<std::string>(
            "SELECT receipt_number FROM sales_order WHERE receipt_number IS NOT NULL "
            "ORDER BY created_at_ms DESC, rowid DESC LIMIT 1")
        .value()
        .value_or("");
  };
  const std::string hub_last = receipt_of_latest();
  ASSERT_EQ(hub_last.substr(hub_last.size() - 8), "00000006");

  restore_backup();
  make_sales(1);  // before the till reaches the hub: receipt 3 again
  EXPECT_EQ(receipt_of_latest().substr(hub_last.size() - 8), "00000003");
  auto rewound = relay().push_once();
  ASSERT_TRUE(rewound) << rewound.error().what();
  ASSERT_TRUE(rewound->rewound);
  EXPECT_EQ(rewound->receipts_continue_after, hub_last);

  make_sales(1);
  EXPECT_EQ(receipt_of_latest(), hub_last.substr(0, hub_last.size() - 8) + "00000007")
      << "the next sale does not repeat a number the hub holds";
  auto pushed = relay().push_once();
  ASSERT_TRUE(pushed) << pushed.error().what();
  EXPECT_EQ(pending(), 0);
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 8);
  EXPECT_EQ(hub_count("SELECT COUNT(DISTINCT base ->> '$.receipt_number') FROM hub_order"), 7)
      << "one repeated number: the sale made before the till reached the hub";
  for (const auto& id : lost) EXPECT_TRUE(hub_order_ids().contains(id)) << id;
}

TEST_F(RewoundTest, ALostAcknowledgementIsStillADuplicateAndNotARewind) {
  make_sales(4);
  faulty_->drop_reply_every = 1;  // the hub commits, the till never hears
  EXPECT_FALSE(relay().push_once());
  faulty_->drop_reply_every = 0;
  auto again = relay().push_once();
  ASSERT_TRUE(again) << again.error().what();
  EXPECT_FALSE(again->rewound);
  EXPECT_EQ(again->duplicate, 4);
  EXPECT_EQ(again->renumbered, 0);
  EXPECT_EQ(pending(), 0);
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 4);
  auto nodes = hub_->list_nodes();
  ASSERT_TRUE(nodes);
  EXPECT_FALSE(nodes->front().rewound_mutation_id);
}

}  // namespace
}  // namespace storeedge::sync::client::testing
