// The relay's pipeline (RelayOptions::prepare_ahead): the batch after the one in flight is read and
// encoded while the hub works, and its stamps are saved with the acknowledgement of the one before.
// What a user would notice if it went wrong: a mutation sent with a stamp the replica does not hold
// (a resend after a crash would then carry another stamp, which the hub takes for a rewound node),
// mutations out of order or skipped, or a prepared batch sent after the outbox moved under it.
#include <map>
#include <vector>

#include "sync/proto/gzip.hpp"
#include "tests/unit/sync_client/sync_fixture.hpp"

namespace storeedge::sync::client::testing {
namespace {

// Records every pushed mutation and checks, as the request leaves, that the replica already holds
// each mutation's stamp (through its own connection: post() runs on the relay's worker thread).
class RecordingTransport final : public Transport {
 public:
  RecordingTransport(Transport& inner, const std::filesystem::path& replica_file) : inner_(inner) {
    sqlite::OpenOptions o;
    o.read_only = true;
    db_.emplace(sqlite::Database::open(replica_file, o).value());
  }

  Result<TransportResponse> post(std::string_view path, std::string body, const Headers& headers) override {
    if (path == kPushPath) record(body, headers);
    return inner_.post(path, std::move(body), headers);
  }

  std::vector<std::vector<std::uint64_t>> batches;           // mutation ids of each push, in order
  std::map<std::uint64_t, std::vector<std::uint64_t>> sent;  // mutation id -> stamp of every send
  int unsaved_stamps = 0;                                    // stamps sent before the replica held them

 private:
  void record(const std::string& body, const Headers& headers) {
    bool gzipped = false;
    for (const auto& [name, value] : headers)
      gzipped = gzipped || (name == "Content-Encoding" && value == "gzip");
    proto::PushRequest request;
    ASSERT_TRUE(request.ParseFromString(gzipped ? proto::gzip_decompress(body).value() : body));
    std::vector<std::uint64_t> ids;
    for (const auto& m : request.mutations()) {
      ids.push_back(m.mutation_id());
      sent[m.mutation_id()].push_back(m.hlc());
      auto saved = db_->query_one<std::int64_t>("SELECT hlc FROM outbox WHERE mutation_id = ?",
                                                static_cast<std::int64_t>(m.mutation_id()));
      ASSERT_TRUE(saved) << saved.error().what();
      const auto stamp = saved->has_value() ? proto::hlc_from_storage(**saved) : Result<std::uint64_t>(0);
      if (!stamp || *stamp != m.hlc()) ++unsaved_stamps;
    }
    if (!ids.empty()) batches.push_back(std::move(ids));
  }

  Transport& inner_;
  std::optional<sqlite::Database> db_;
};

class PipelineTest : public SyncTest {
 protected:
  void SetUp() override {
    SyncTest::SetUp();
    recorder_ = std::make_unique<RecordingTransport>(*faulty_, dir_ / "replica.db");
    recording_channel_ = std::make_unique<HubChannel>(*recorder_, *key_, replica_->node_id(), clock_);
  }

  OutboxRelay recording_relay(std::size_t max_batch) {
    RelayOptions o = relay_options();
    o.max_batch = max_batch;
    return OutboxRelay(*replica_, *recording_channel_, clock_, o);
  }

  std::unique_ptr<RecordingTransport> recorder_;
  std::unique_ptr<HubChannel> recording_channel_;
};

TEST_F(PipelineTest, TheNextBatchIsStampedWithTheAcknowledgementAndKeepsItsStampAfterACrash) {
  make_sales(10);
  {
    auto relay = recording_relay(4);
    auto first = relay.push_once();
    ASSERT_TRUE(first) << first.error().what();
    EXPECT_EQ(first->acknowledged, 4);
    // Mutations 5..8 were prepared while the hub applied 1..4; their stamps are saved already.
    EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE mutation_id BETWEEN 5 AND 8 AND hlc IS NOT NULL"), 4);
    EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE mutation_id > 8 AND hlc IS NOT NULL"), 0);

    faulty_->drop_reply_every = 1;  // the hub applies 5..8, the till never hears
    auto lost = relay.push_once();
    ASSERT_FALSE(lost);
    EXPECT_EQ(lost.error().kind(), Errc::unavailable);
    // 9 and 10 were read ahead during that push, but a lost reply saves nothing of them.
    EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE mutation_id > 8 AND hlc IS NOT NULL"), 0);
  }  // the daemon crashes: the relay and its prepared state are gone

  faulty_->drop_reply_every = 0;
  auto relay = recording_relay(4);
  auto resent = relay.push_once();
  ASSERT_TRUE(resent) << resent.error().what();
  EXPECT_FALSE(resent->rewound) << "a resend carried another stamp";
  EXPECT_EQ(resent->duplicate, 4);
  EXPECT_EQ(resent->acknowledged, 4);
  auto rest = relay.push_once();
  ASSERT_TRUE(rest) << rest.error().what();
  EXPECT_EQ(rest->applied, 2);
  EXPECT_EQ(pending(), 0);

  EXPECT_EQ(recorder_->unsaved_stamps, 0) << "a mutation left before its stamp was saved";
  ASSERT_EQ(recorder_->sent[5].size(), 2u);
  for (std::uint64_t id = 5; id <= 8; ++id) EXPECT_EQ(recorder_->sent[id][0], recorder_->sent[id][1]) << id;
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 10);
}

TEST_F(PipelineTest, PipelinedBatchesGoInOrderAndArriveOnceThroughFailures) {
  const auto sold = make_sales(60);
  faulty_->fail_every = 4;        // refused before the hub sees it
  faulty_->drop_reply_every = 5;  // applied, reply lost
  auto relay = recording_relay(7);
  int failures = 0;
  bool drained = false;
  for (int i = 0; i < 100 && !drained; ++i) {
    auto r = relay.push_once();
    if (!r) {
      EXPECT_EQ(r.error().kind(), Errc::unavailable) << r.error().what();
      ++failures;
      continue;
    }
    EXPECT_FALSE(r->rewound);
    EXPECT_FALSE(r->gap);
    drained = r->sent == 0;
  }
  ASSERT_TRUE(drained);
  EXPECT_GT(failures, 0);
  EXPECT_EQ(pending(), 0);
  EXPECT_EQ(hub_order_ids(), sold);
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 60);
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM quarantine"), 0);

  EXPECT_EQ(recorder_->unsaved_stamps, 0);
  // Every push starts at the first id the hub has not acknowledged to us and carries consecutive ids.
  std::uint64_t acknowledged_up_to = 0;
  for (const auto& batch : recorder_->batches) {
    EXPECT_LE(batch.front(), acknowledged_up_to + 1);
    for (std::size_t i = 1; i < batch.size(); ++i) EXPECT_EQ(batch[i], batch[i - 1] + 1);
    acknowledged_up_to = std::max(acknowledged_up_to, batch.back());
  }
  // A mutation sent twice carries the same stamp; stamps increase with ids.
  std::uint64_t previous = 0;
  for (const auto& [id, stamps] : recorder_->sent) {
    for (auto s : stamps) EXPECT_EQ(s, stamps.front()) << "mutation " << id << " re-stamped";
    EXPECT_GT(stamps.front(), previous) << id;
    previous = stamps.front();
  }
}

TEST_F(PipelineTest, APreparedBatchIsNotSentWhenTheOutboxMovedUnderIt) {
  make_sales(12);
  auto relay = recording_relay(4);
  ASSERT_TRUE(relay.push_once());  // sends 1..4, prepares 5..8
  // Between two calls a hub restored from a backup had mutation 3 made pending again (align_to_hub).
  ASSERT_TRUE(db().exec("UPDATE outbox SET acked_at_ms = NULL WHERE mutation_id = 3"));
  auto again = relay.push_once();
  ASSERT_TRUE(again) << again.error().what();
  ASSERT_EQ(recorder_->batches.size(), 2u);
  // 3 alone: 4 is still acknowledged, and a batch carries consecutive ids only.
  EXPECT_EQ(recorder_->batches[1], std::vector<std::uint64_t>{3}) << "the prepared batch 5..8 went first";
  EXPECT_EQ(again->duplicate, 1);
  // Drain the rest: nothing is skipped or sent out of order.
  for (int i = 0; i < 10 && pending() > 0; ++i) ASSERT_TRUE(relay.push_once());
  EXPECT_EQ(pending(), 0);
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 12);
  EXPECT_EQ(recorder_->unsaved_stamps, 0);
}

TEST_F(PipelineTest, WithoutPreparingAheadEachPushStampsItsOwnBatch) {
  make_sales(6);
  RelayOptions o = relay_options();
  o.max_batch = 4;
  o.prepare_ahead = false;
  OutboxRelay relay(*replica_, *recording_channel_, clock_, o);
  auto first = relay.push_once();
  ASSERT_TRUE(first) << first.error().what();
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE hlc IS NOT NULL"), 4);
  ASSERT_TRUE(relay.push_once());
  EXPECT_EQ(pending(), 0);
  EXPECT_EQ(recorder_->unsaved_stamps, 0);
}

}  // namespace
}  // namespace storeedge::sync::client::testing
