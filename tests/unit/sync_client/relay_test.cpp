// The outbox relay against a real hub storage engine: every sale arrives exactly once through lost
// replies, refused connections, 503s and corrupt replies; gaps and a hub behind the node are healed.
#include "platform/sqlite/wal_batch_vfs.hpp"
#include "tests/support/fault_vfs.hpp"
#include "tests/unit/sync_client/sync_fixture.hpp"

namespace storeedge::sync::client::testing {
namespace {

class RelayTest : public SyncTest {};

// Pushes until the outbox is empty, tolerating injected failures; bounded so a bug cannot hang.
void drain(OutboxRelay& r, int max_calls, int& failures) {
  for (int i = 0; i < max_calls; ++i) {
    auto report = r.push_once();
    if (!report) {
      EXPECT_EQ(report.error().kind(), Errc::unavailable) << report.error().what();
      ++failures;
      continue;
    }
    if (report->sent == 0) return;
  }
  ADD_FAILURE() << "outbox not drained after " << max_calls << " pushes";
}

TEST_F(RelayTest, SalesQueuedOfflineArriveExactlyOnceThroughLostRepliesAndRetries) {
  const auto sold = make_sales(200);
  faulty_->down = true;
  auto offline = relay().push_once();
  ASSERT_FALSE(offline);
  EXPECT_EQ(offline.error().kind(), Errc::unavailable);
  EXPECT_EQ(pending(), 200);

  faulty_->down = false;
  faulty_->drop_reply_every = 3;  // the hub commits, the till never hears
  faulty_->fail_every = 5;        // the connection is refused before the hub sees it
  RelayOptions small = relay_options();
  small.max_batch = 17;
  auto r = relay(small);
  int failures = 0;
  drain(r, 200, failures);
  // 200 rows are 12 batches; lost replies made some go again (a failure of the batch sent early is
  // not an error of push_once(): it is resent silently).
  EXPECT_GT(hub_transport_->requests, 12);

  EXPECT_EQ(pending(), 0);
  const auto at_hub = hub_order_ids();
  std::set<std::string> lost, unexpected;
  for (const auto& id : sold)
    if (!at_hub.contains(id)) lost.insert(id);
  for (const auto& id : at_hub)
    if (!sold.contains(id)) unexpected.insert(id);
  EXPECT_TRUE(lost.empty()) << lost.size() << " sales lost";
  EXPECT_TRUE(unexpected.empty()) << unexpected.size() << " unexpected orders";
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 200) << "duplicated orders at the hub";
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM quarantine"), 0);
  EXPECT_EQ(hub_count("SELECT last_mutation_id FROM node WHERE node_id = '" + replica_->node_id() + "'"),
            200);
}

// A queue drained after an outage is in no cache: the relay reads its batches from the database file
// through the read-ahead window (one read call for many neighbouring pages), and the sales arrive
// exactly as without it.
TEST_F(RelayTest, AQueueReadFromTheFileComesThroughTheReadAheadWindowAndArrivesOnce) {
  const auto drain_cold = [&](bool read_ahead) {
    // Every page in the database file and none in the connection's cache, as after hours offline.
    ASSERT_TRUE(replica_->db().exec("PRAGMA wal_checkpoint(TRUNCATE)"));
    ASSERT_TRUE(replica_->db().exec("PRAGMA cache_size = 8"));
    RelayOptions o = relay_options();
    o.read_ahead = read_ahead;
    auto r = relay(o);
    int failures = 0;
    drain(r, 50, failures);
    EXPECT_EQ(failures, 0);
  };
  auto sold = make_sales(120);
  const auto before = sqlite::wal_batch_stats();
  drain_cold(false);
  const auto between = sqlite::wal_batch_stats();
  EXPECT_EQ(between.read_ahead_sqlite_reads, before.read_ahead_sqlite_reads) << "read ahead unasked";
  EXPECT_EQ(pending(), 0);

  sold.merge(make_sales(240));
  drain_cold(true);
  const auto after = sqlite::wal_batch_stats();
  const auto pages = after.read_ahead_sqlite_reads - between.read_ahead_sqlite_reads;
  const auto calls = after.read_ahead_os_reads - between.read_ahead_os_reads;
  EXPECT_GE(pages, 240) << "240 sales' rows and payloads read from the file";
  EXPECT_GT(calls, 0);
  EXPECT_LE(calls * 4, pages) << pages << " pages took " << calls << " reads";
  EXPECT_EQ(pending(), 0);
  EXPECT_EQ(hub_order_ids(), sold);
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 360);
}

TEST_F(RelayTest, AHubCommitThatFailsAcknowledgesNothingAndTheResentBatchLandsOnce) {
  auto vfs = test::FaultVfs::create("storeedge-fault-relay-hub");
  ASSERT_TRUE(vfs) << vfs.error().what();
  sqlite::OpenOptions options;
  options.vfs = (*vfs)->name();
  auto failing = hub::SqliteStorage::open(dir_ / "failing-hub.db", clock_, options);
  ASSERT_TRUE(failing) << failing.error().what();
  ASSERT_TRUE((*failing)->upsert_store({"0001", "north", hub::CustomerScope::region}));
  ASSERT_TRUE((*failing)->register_node(replica_->node_id(), "0001"));
  hub_transport_->replace_storage(**failing);
  const auto orders = [&] {
    return (*failing)->db().query_one<std::int64_t>("SELECT COUNT(*) FROM hub_order").value().value_or(-1);
  };
  make_sales(5);

  (*vfs)->fail_next_syncs(1);  // the hub's COMMIT of the batch fails
  auto refused = relay().push_once();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind(), Errc::unavailable) << refused.error().what();
  EXPECT_EQ(pending(), 5) << "nothing acknowledged";
  EXPECT_EQ(orders(), 0) << "nothing applied";

  auto resent = relay().push_once();
  ASSERT_TRUE(resent) << resent.error().what();
  EXPECT_EQ(resent->applied, 5);
  EXPECT_EQ(pending(), 0);
  EXPECT_EQ(orders(), 5);
  hub_transport_->replace_storage(*hub_);  // the failing hub closes before its VFS goes
}

TEST_F(RelayTest, ServerErrorsAndCorruptRepliesLeaveEverythingPending) {
  make_sales(3);
  faulty_->unavailable_next = 1;
  auto busy = relay().push_once();
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().kind(), Errc::unavailable) << busy.error().what();
  EXPECT_EQ(pending(), 3);

  faulty_->truncate_next = 1;  // the hub applied them, but the reply is cut
  auto corrupt = relay().push_once();
  ASSERT_FALSE(corrupt);
  EXPECT_EQ(corrupt.error().kind(), Errc::unavailable) << corrupt.error().what();
  EXPECT_EQ(pending(), 3);

  auto ok = relay().push_once();
  ASSERT_TRUE(ok) << ok.error().what();
  EXPECT_EQ(ok->duplicate, 3);  // applied by the attempt whose reply was cut
  EXPECT_EQ(ok->acknowledged, 3);
  EXPECT_EQ(pending(), 0);
}

TEST_F(RelayTest, AGapAcknowledgesWhatTheHubHasAndResumes) {
  make_sales(5);
  ASSERT_TRUE(relay().push_once());
  make_sales(2);
  // The node believes 1..6 are acknowledged while the hub has 1..5 (6 was never sent), so it sends 7
  // alone: the hub refuses the gap and names 5; the node sends 6 and 7 again.
  ASSERT_TRUE(db().exec("UPDATE outbox SET acked_at_ms = 1 WHERE mutation_id <= 6"));
  auto gap = relay().push_once();
  ASSERT_TRUE(gap) << gap.error().what();
  EXPECT_TRUE(gap->gap);
  EXPECT_EQ(gap->reopened, 1);  // mutation 6 is sent again
  EXPECT_EQ(pending(), 2);
  auto resumed = relay().push_once();
  ASSERT_TRUE(resumed) << resumed.error().what();
  EXPECT_EQ(resumed->applied, 2);
  EXPECT_EQ(pending(), 0);
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 7);
}

TEST_F(RelayTest, AHubRestoredFromAnOlderBackupGetsTheMissingMutationsAgain) {
  make_sales(4);
  ASSERT_TRUE(relay().push_once());
  // A rebuilt hub that has none of them: the node's acknowledged rows go back to pending.
  open_hub("hub-rebuilt.db");
  ASSERT_TRUE(hub_->upsert_store({"0001", "north", hub::CustomerScope::region}));
  hub_transport_->replace_storage(*hub_);
  hub_transport_->enroll(replica_->node_id(), "0001", key_->public_key().value());
  make_sales(1);
  auto gap = relay().push_once();
  ASSERT_TRUE(gap) << gap.error().what();
  EXPECT_EQ(gap->reopened, 4);
  auto again = relay().push_once();
  ASSERT_TRUE(again) << again.error().what();
  EXPECT_EQ(again->applied, 5);
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 5);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), 5) << "the outbox is never deleted from";
}

TEST_F(RelayTest, PrunedRowsTheHubStillNeedsAreAConflictForATechnician) {
  make_sales(3);
  ASSERT_TRUE(relay().push_once());
  ASSERT_TRUE(db().exec("DELETE FROM outbox WHERE mutation_id <= 2"));  // pruned by someone
  open_hub("hub-empty.db");
  ASSERT_TRUE(hub_->upsert_store({"0001", "north", hub::CustomerScope::region}));
  hub_transport_->replace_storage(*hub_);
  hub_transport_->enroll(replica_->node_id(), "0001", key_->public_key().value());
  make_sales(1);
  auto r = relay().push_once();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::conflict);
  EXPECT_NE(r.error().what().find("technician"), std::string::npos) << r.error().what();
  EXPECT_EQ(pending(), 1);
}

// docs/protocol.md, "Transport": zstd only to a hub that said, in its latest reply, that it reads it.
TEST_F(RelayTest, BatchesGoInZstdOnceTheHubSaysItReadsItAndInGzipToAHubThatDoesNot) {
  const auto sold = make_sales(30);
  RelayOptions o = relay_options();
  o.max_batch = 10;
  // One push in flight: with two, whether the batch sent early goes in zstd depends on whether the
  // refusal below came back before it was prepared.
  o.pushes_in_flight = 1;
  auto r = relay(o);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(r.push_once());
  ASSERT_TRUE(r.settle());
  EXPECT_EQ(hub_order_ids(), sold);
  // The first batch (and the one prepared while it is in flight) goes out before any reply; what is
  // prepared after one is zstd.
  EXPECT_EQ(hub_transport_->bodies_by_coding["gzip"] + hub_transport_->bodies_by_coding["zstd"], 3);
  EXPECT_GE(hub_transport_->bodies_by_coding["gzip"], 1);
  EXPECT_EQ(hub_transport_->last_coding, "zstd");
  EXPECT_TRUE(channel_->hub_reads_zstd());

  // A hub that predates zstd (or was rolled back to such a version) says nothing: the batch prepared
  // in zstd is refused without effect, and from the next push on everything goes in gzip.
  hub_transport_->advertise_zstd = false;
  hub_transport_->bodies_by_coding.clear();
  const auto more = make_sales(20);
  auto refused = r.push_once();
  ASSERT_FALSE(refused);
  EXPECT_FALSE(channel_->hub_reads_zstd());
  for (int i = 0; i < 5 && pending() > 0; ++i) ASSERT_TRUE(r.push_once());
  ASSERT_TRUE(r.settle());
  auto all = sold;
  all.insert(more.begin(), more.end());
  EXPECT_EQ(hub_order_ids(), all);
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 50) << "each sale once";
  EXPECT_EQ(pending(), 0);
  EXPECT_EQ(hub_transport_->bodies_by_coding["zstd"], 1) << "only the batch prepared before the refusal";
  EXPECT_EQ(hub_transport_->last_coding, "gzip");
}

TEST_F(RelayTest, AMutationWithoutItsPayloadStopsTheRelayForATechnicianAndSendsNothing) {
  make_sales(3);
  ASSERT_TRUE(db().exec("DELETE FROM outbox_payload WHERE mutation_id = 2"));  // damaged by someone
  auto r = relay().push_once();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::corrupt);
  EXPECT_NE(r.error().what().find("mutation 2 has no payload"), std::string::npos) << r.error().what();
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 0);
  EXPECT_EQ(pending(), 3);
}

TEST_F(RelayTest, APayloadVersionTheHubCannotReadIsRejectedAndDoesNotBlockTheRest) {
  make_sales(2);
  RelayOptions o = relay_options();
  o.schema_version = static_cast<std::uint32_t>(hub::kMaxPayloadSchemaVersion + 1);
  auto r = relay(o).push_once();
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->rejected, 2);
  EXPECT_NE(r->last_rejection.find("schema version"), std::string::npos) << r->last_rejection;
  EXPECT_EQ(pending(), 0);
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM quarantine"), 2);
}

TEST_F(RelayTest, BatchesAreBoundedByRowsAndBytes) {
  make_sales(10);
  RelayOptions o = relay_options();
  o.max_batch = 4;
  auto first = relay(o).push_once();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->sent, 4);
  o.max_batch_bytes = 1;  // one row always goes
  auto second = relay(o).push_once();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->sent, 1);
  EXPECT_EQ(pending(), 5);
}

}  // namespace
}  // namespace storeedge::sync::client::testing

namespace storeedge::sync::client::testing {
namespace {

TEST(PayloadVersion, TheHubReadsWhatTheEdgeWrites) {
  // A replica migration must not make the hub quarantine every sale: the edge sends the payload
  // format version, and this hub reads it.
  EXPECT_LE(store::kOutboxPayloadVersion, hub::kMaxPayloadSchemaVersion);
  EXPECT_GE(store::kOutboxPayloadVersion, 1);
}

}  // namespace
}  // namespace storeedge::sync::client::testing
