// The sync client's step(): one push and one pull round, connectivity as the table says, backoff
// between failed rounds, the figures kept in the replica; and the HLC stamps across restarts.
#include "edge/store/journal.hpp"
#include "platform/sqlite/transaction.hpp"
#include "tests/unit/sync_client/sync_fixture.hpp"

namespace storeedge::sync::client::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class ClientTest : public SyncTest {
 protected:
  std::unique_ptr<SyncClient> client() {
    SyncOptions o;
    o.relay = relay_options();
    o.pull.store_code = "0001";
    return std::make_unique<SyncClient>(
        *replica_, *faulty_, *key_, clock_, [](std::uint64_t bound) { return bound; }, o);
  }

  // Queues a mutation the way every business write does, at the replica's current wall clock.
  void enqueue(const std::string& entity) {
    auto tx = sqlite::Transaction::begin(db()).value();
    ASSERT_TRUE(store::enqueue_mutation(db(), unix_millis(clock_.now()), {"loyalty.entry", entity, "{}"}));
    ASSERT_TRUE(tx.commit());
  }
  std::vector<std::int64_t> stamps() {
    std::vector<std::int64_t> out;
    auto stmt = db().prepare("SELECT hlc FROM outbox ORDER BY mutation_id").value();
    while (stmt.step().value()) out.push_back(stmt.get<std::int64_t>(0));
    return out;
  }
};

TEST_F(ClientTest, AStepPushesTheOutboxAndPullsTheHubsChanges) {
  make_sales(3);
  hub::CatalogLoad catalog;
  catalog.tax_rates = {{"general", 2100, "IVA general"}};
  ASSERT_TRUE(hub_->load_catalog(catalog));
  auto c = client();
  auto step = c->step();
  ASSERT_FALSE(step.error) << step.error->what();
  EXPECT_TRUE(step.attempted);
  EXPECT_EQ(step.push.applied, 3);
  EXPECT_EQ(step.pull.applied, 1);
  EXPECT_EQ(step.state, Connectivity::online);
  auto status = c->status();
  ASSERT_TRUE(status);
  EXPECT_EQ(status->pending_mutations, 0);
  EXPECT_EQ(status->last_success_ms, unix_millis(clock_.now()));
}

TEST_F(ClientTest, ConnectivityGoesDegradedThenOfflineAndRecoversWithBackoffInBetween) {
  make_sales(1);
  auto c = client();
  faulty_->down = true;
  const std::vector<Connectivity> expected = {Connectivity::degraded, Connectivity::degraded,
                                              Connectivity::offline, Connectivity::offline};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    auto step = c->step();
    ASSERT_TRUE(step.attempted) << "step " << i;
    ASSERT_TRUE(step.error);
    EXPECT_EQ(step.error->kind(), Errc::unavailable);
    EXPECT_EQ(step.state, expected[i]) << "step " << i;
    EXPECT_EQ(step.retry_in, c->backoff().ceiling_after(static_cast<std::int64_t>(i + 1)));
    EXPECT_FALSE(c->step().attempted) << "a retry before its time sends nothing";
    clock_.advance(step.retry_in);
  }
  auto status = c->status();
  ASSERT_TRUE(status);
  EXPECT_EQ(status->pending_mutations, 1);
  EXPECT_EQ(status->consecutive_failures, 4);
  EXPECT_NE(status->last_error.find("connection refused"), std::string::npos) << status->last_error;

  faulty_->down = false;
  auto back = c->step();
  ASSERT_FALSE(back.error) << back.error->what();
  EXPECT_EQ(back.state, Connectivity::degraded);  // a failure within the last minute
  EXPECT_EQ(c->status()->pending_mutations, 0);
  clock_.advance(seconds{61});
  EXPECT_EQ(c->step().state, Connectivity::online);
  EXPECT_EQ(c->status()->consecutive_failures, 0);
}

TEST_F(ClientTest, StampsIncreaseWhenTheWallClockStepsBackAndAcrossAReopen) {
  faulty_->down = true;  // stamping happens before sending; nothing needs to arrive
  enqueue("e1");
  clock_.set_wall(std::chrono::system_clock::time_point{seconds{1'600'000'000}});  // NTP step back
  enqueue("e2");
  EXPECT_FALSE(relay().push_once());
  auto first = stamps();
  ASSERT_EQ(first.size(), 2u);
  EXPECT_GT(first[1], first[0]);
  const auto persisted = load_hlc(db()).value();
  EXPECT_EQ(persisted, static_cast<std::uint64_t>(first[1]));

  // The kiosk reboots in 1970: the persisted clock still orders the next stamp after the others.
  channel_.reset();
  open();
  channel_ = std::make_unique<HubChannel>(*faulty_, *key_, replica_->node_id(), clock_);
  clock_.set_wall(std::chrono::system_clock::time_point{seconds{0}});
  enqueue("e3");
  EXPECT_FALSE(relay().push_once());
  auto after = stamps();
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[0], first[0]) << "a resend keeps its stamp";
  EXPECT_GT(after[2], after[1]);
  EXPECT_EQ(load_hlc(db()).value(), static_cast<std::uint64_t>(after[2]));
}

TEST_F(ClientTest, AHubRestoredWhileNothingIsPendingGetsTheSalesItLostAgain) {
  // Every sale is acknowledged, then the hub is restored from a backup that has none of them. No
  // push will ever meet a gap (nothing is pending), so only the epoch change can reveal the loss.
  const auto sold = make_sales(4);
  auto c = client();
  auto first = c->step();
  ASSERT_FALSE(first.error) << first.error->what();
  ASSERT_EQ(pending(), 0);
  open_hub("hub-restored.db");
  ASSERT_TRUE(hub_->upsert_store({"0001", "north", hub::CustomerScope::region}));
  hub_transport_->replace_storage(*hub_);
  for (int i = 0; i < 3 && hub_order_ids().size() < sold.size(); ++i) {
    auto step = c->step();
    ASSERT_FALSE(step.error) << step.error->what();
  }
  EXPECT_EQ(hub_order_ids(), sold);
  EXPECT_EQ(pending(), 0);
}

TEST_F(ClientTest, TheFirstRoundAfterAStartFindsWhatARestoredHubLacks) {
  // The epoch change was seen and saved by a run that then crashed before asking the hub: the next
  // run still asks on its first round.
  const auto sold = make_sales(3);
  ASSERT_TRUE(client()->step().push.applied == 3);
  open_hub("hub-restored.db");
  ASSERT_TRUE(hub_->upsert_store({"0001", "north", hub::CustomerScope::region}));
  hub_transport_->replace_storage(*hub_);
  ASSERT_TRUE(puller().resync(wire_epoch(hub_->epoch())));  // what the crashed run saved
  auto step = client()->step();
  ASSERT_FALSE(step.error) << step.error->what();
  EXPECT_EQ(step.push.reopened, 3);
  EXPECT_EQ(step.push.applied, 3);
  EXPECT_EQ(hub_order_ids(), sold);
}

}  // namespace
}  // namespace storeedge::sync::client::testing
