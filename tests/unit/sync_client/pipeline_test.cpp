// The relay's pipeline (RelayOptions::prepare_ahead): while the hub applies a batch, the batch after
// it is read, stamped durably and encoded, together with writing the acknowledgement of the batch
// before; the next batch leaves as soon as the reply comes, before its acknowledgement is written.
// What a user would notice if it went wrong: a mutation sent with a stamp the replica does not hold
// (a resend after a crash would then carry another stamp, which the hub takes for a rewound node),
// mutations out of order, skipped or applied twice, a prepared batch sent after the outbox moved
// under it, or an outbox that shows acknowledged sales as pending after a sync step.
#include <map>
#include <mutex>
#include <vector>

#include "sync/proto/content_coding.hpp"
#include "tests/unit/sync_client/sync_fixture.hpp"

namespace storeedge::sync::client::testing {
namespace {

// Records every pushed mutation and checks, as the request leaves, that the replica already holds
// each mutation's stamp (through its own connection: post() runs on the relay's worker threads, two
// at a time with two pushes in flight). Read its fields between pushes.
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
    std::lock_guard lock(mutex_);
    std::string coding;
    for (const auto& [name, value] : headers)
      if (name == "Content-Encoding") coding = value;
    proto::PushRequest request;
    ASSERT_TRUE(request.ParseFromString(proto::decode_body(coding, body).value()));
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
  std::mutex mutex_;
  std::optional<sqlite::Database> db_;
};

class PipelineTest : public SyncTest {
 protected:
  void SetUp() override {
    SyncTest::SetUp();
    recorder_ = std::make_unique<RecordingTransport>(*faulty_, dir_ / "replica.db");
    recording_channel_ = std::make_unique<HubChannel>(*recorder_, *key_, replica_->node_id(), clock_);
  }

  // in_flight 1 pins the one-ahead pipeline these tests describe step by step: with 2 the batch
  // after each is already on the wire when push_once() returns (two_in_flight_test.cpp).
  OutboxRelay recording_relay(std::size_t max_batch, int in_flight = 1) {
    RelayOptions o = relay_options();
    o.max_batch = max_batch;
    o.pushes_in_flight = in_flight;
    return OutboxRelay(*replica_, *recording_channel_, clock_, o);
  }

  // What the recorded requests must show after a drain through failures: every stamp saved before
  // it left, every push starting at most one past what was sent before it and carrying consecutive
  // ids, and a mutation sent twice carrying the same stamp, stamps increasing with ids. With two
  // pushes in flight the early one may reach the transport first: it may start one batch further.
  void expect_ordered_batches_with_stable_stamps(std::uint64_t one_batch_ahead = 0) {
    EXPECT_EQ(recorder_->unsaved_stamps, 0);
    std::uint64_t acknowledged_up_to = 0;
    for (const auto& batch : recorder_->batches) {
      EXPECT_LE(batch.front(), acknowledged_up_to + 1 + one_batch_ahead);
      for (std::size_t i = 1; i < batch.size(); ++i) EXPECT_EQ(batch[i], batch[i - 1] + 1);
      acknowledged_up_to = std::max(acknowledged_up_to, batch.back());
    }
    std::uint64_t previous = 0;
    for (const auto& [id, stamps] : recorder_->sent) {
      for (auto st : stamps) EXPECT_EQ(st, stamps.front()) << "mutation " << id << " re-stamped";
      EXPECT_GT(stamps.front(), previous) << id;
      previous = stamps.front();
    }
  }

  std::unique_ptr<RecordingTransport> recorder_;
  std::unique_ptr<HubChannel> recording_channel_;
};

TEST_F(PipelineTest, TheNextBatchIsStampedBeforeItLeavesAndKeepsItsStampAfterACrash) {
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
    // While the hub applied 5..8, the acknowledgement of 1..4 and the stamps of 9 and 10 were saved.
    EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE mutation_id <= 4 AND acked_at_ms IS NULL"), 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE mutation_id > 8 AND hlc IS NOT NULL"), 2);
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
  auto relay = recording_relay(7, 2);
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
  // The faults made batches go again: as errors from push_once(), or, when they hit the batch sent
  // early, as a silent resend.
  EXPECT_GT(failures + static_cast<int>(std::count_if(recorder_->sent.begin(), recorder_->sent.end(),
                                                      [](const auto& s) { return s.second.size() > 1; })),
            0);
  EXPECT_EQ(pending(), 0);
  EXPECT_EQ(hub_order_ids(), sold);
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 60);
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM quarantine"), 0);
  expect_ordered_batches_with_stable_stamps(7);
}

TEST_F(PipelineTest, APreparedBatchIsNotSentWhenTheOutboxMovedUnderIt) {
  make_sales(16);
  auto relay = recording_relay(4);
  ASSERT_TRUE(relay.push_once());  // sends 1..4, stamps 5..8
  ASSERT_TRUE(relay.push_once());  // sends 5..8, acknowledges 1..4, stamps 9..12
  // Between two calls a hub restored from a backup had mutation 3 made pending again (align_to_hub).
  ASSERT_TRUE(db().exec("UPDATE outbox SET acked_at_ms = NULL WHERE mutation_id = 3"));
  auto again = relay.push_once();
  ASSERT_TRUE(again) << again.error().what();
  ASSERT_EQ(recorder_->batches.size(), 3u);
  // 3 alone: 4 is still acknowledged, and a batch carries consecutive ids only.
  EXPECT_EQ(recorder_->batches[2], std::vector<std::uint64_t>{3}) << "the prepared batch 9..12 went first";
  EXPECT_EQ(again->duplicate, 1);
  // The acknowledgement of 5..8 the relay held was written before 3 was read.
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE mutation_id BETWEEN 5 AND 8 AND acked_at_ms IS NULL"),
            0);
  // Drain the rest: nothing is skipped or sent out of order.
  for (int i = 0; i < 10 && pending() > 0; ++i) ASSERT_TRUE(relay.push_once());
  EXPECT_EQ(pending(), 0);
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 16);
  EXPECT_EQ(recorder_->unsaved_stamps, 0);
}

TEST_F(PipelineTest, TheNextBatchLeavesBeforeTheAcknowledgementOfTheOneBeforeIsWritten) {
  make_sales(12);
  auto relay = recording_relay(4);
  auto first = relay.push_once();
  ASSERT_TRUE(first) << first.error().what();
  // The hub has 1..4 and the report says so, but the replica writes that while 5..8 are in flight.
  EXPECT_EQ(first->applied, 4);
  EXPECT_EQ(first->acknowledged, 4);
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 4);
  EXPECT_EQ(pending(), 12);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE mutation_id BETWEEN 5 AND 8 AND hlc IS NOT NULL"), 4);
  auto second = relay.push_once();
  ASSERT_TRUE(second) << second.error().what();
  EXPECT_EQ(second->applied, 4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE mutation_id <= 4 AND acked_at_ms IS NULL"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE mutation_id BETWEEN 5 AND 8 AND acked_at_ms IS NULL"),
            4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE mutation_id > 8 AND hlc IS NOT NULL"), 4);
  // The last batch has nothing after it: its acknowledgement is written before push_once returns.
  auto last = relay.push_once();
  ASSERT_TRUE(last) << last.error().what();
  EXPECT_EQ(last->acknowledged, 4);
  EXPECT_EQ(pending(), 0);
  EXPECT_EQ(recorder_->batches.size(), 3u);
  EXPECT_EQ(recorder_->unsaved_stamps, 0);
}

// A crash after batch N+1 left but before the acknowledgement of N was written: the replica on disk
// then holds N pending and N+1 stamped, exactly as between the two push_once() calls.
TEST_F(PipelineTest, ACrashBeforeTheHeldAcknowledgementIsWrittenResendsBothBatchesAndTheHubCountsEachOnce) {
  const auto sold = make_sales(10);
  const auto crashed = dir_ / "crashed.db";
  {
    auto relay = recording_relay(4);
    auto first = relay.push_once();  // 1..4 applied; the acknowledgement is held, 5..8 stamped
    ASSERT_TRUE(first) << first.error().what();
    ASSERT_TRUE(db().backup_to(crashed));  // what the disk holds when the crash comes
    auto second = relay.push_once();       // 5..8 leave and the hub applies them
    ASSERT_TRUE(second) << second.error().what();
    EXPECT_EQ(second->applied, 4);
  }
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 8);

  // The till restarts on the crashed replica.
  auto replica = store::Replica::open(crashed, clock_);
  ASSERT_TRUE(replica) << replica.error().what();
  RecordingTransport recorder(*faulty_, crashed);
  HubChannel channel(recorder, *key_, replica->node_id(), clock_);
  RelayOptions o = relay_options();
  o.max_batch = 4;
  o.pushes_in_flight = 1;
  OutboxRelay relay(*replica, channel, clock_, o);
  const Resent resent_to_hub = drain_after_restart(relay);
  EXPECT_EQ(resent_to_hub.duplicate, 8) << "1..8 are resent and the hub answers DUPLICATE";
  EXPECT_EQ(resent_to_hub.applied, 2);
  ASSERT_GE(recorder.batches.size(), 2u);
  EXPECT_EQ(recorder.batches[0], (std::vector<std::uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(recorder.batches[1], (std::vector<std::uint64_t>{5, 6, 7, 8}));
  for (std::uint64_t id = 5; id <= 8; ++id) {
    ASSERT_EQ(recorder.sent[id].size(), 1u);
    EXPECT_EQ(recorder.sent[id][0], recorder_->sent[id][0]) << "mutation " << id << " re-stamped";
  }
  EXPECT_EQ(recorder.unsaved_stamps, 0);
  expect_arrived_once(*replica, sold);
}

// A pull (or a customer edit) moves the saved clock while a batch is in flight and its
// acknowledgement is held: the batch stamped next continues from the moved clock, so a later write
// never carries an older stamp than an earlier merged one.
TEST_F(PipelineTest, StampsSavedAheadContinueAClockAnotherWriterMoved) {
  make_sales(8);
  auto relay = recording_relay(4);
  ASSERT_TRUE(relay.push_once());  // 1..4 applied and held, 5..8 stamped
  const std::uint64_t stamped_ahead = load_hlc(db()).value();
  // A pull merges a hub stamp far ahead of this till's clock and saves it.
  proto::Hlc merged(stamped_ahead);
  const std::uint64_t moved = merged.update(stamped_ahead + (std::uint64_t{1} << 30), 0).value();
  ASSERT_TRUE(save_hlc(db(), moved));
  make_sales(4);                   // 9..12
  ASSERT_TRUE(relay.push_once());  // 5..8 leave; 9..12 are stamped meanwhile
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE mutation_id > 8 AND hlc IS NOT NULL"), 4);
  for (int i = 0; i < 5 && pending() > 0; ++i) ASSERT_TRUE(relay.push_once());
  EXPECT_EQ(pending(), 0);
  for (std::uint64_t id = 5; id <= 8; ++id) EXPECT_LE(recorder_->sent[id].front(), stamped_ahead) << id;
  for (std::uint64_t id = 9; id <= 12; ++id) EXPECT_GT(recorder_->sent[id].front(), moved) << id;
  EXPECT_GT(load_hlc(db()).value(), moved);
  EXPECT_EQ(recorder_->unsaved_stamps, 0);
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 12);
}

TEST_F(PipelineTest, OrderAndExactlyOnceHoldWhenTheRelayIsReplacedAndRepliesFail) {
  const auto sold = make_sales(50);
  faulty_->fail_every = 5;
  faulty_->drop_reply_every = 7;
  bool drained = false;
  for (int round = 0; round < 40 && !drained; ++round) {
    auto relay = recording_relay(6, 2);  // a stop and start of the daemon every three pushes
    for (int i = 0; i < 3 && !drained; ++i) {
      auto r = relay.push_once();
      if (!r) {
        EXPECT_EQ(r.error().kind(), Errc::unavailable) << r.error().what();
        continue;
      }
      EXPECT_FALSE(r->rewound);
      drained = r->sent == 0;
    }
  }
  ASSERT_TRUE(drained);
  EXPECT_EQ(pending(), 0);
  EXPECT_EQ(hub_order_ids(), sold);
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 50);
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM quarantine"), 0);
  expect_ordered_batches_with_stable_stamps(6);
}

TEST_F(PipelineTest, ASyncStepLeavesNoAcknowledgementHeld) {
  make_sales(20);
  SyncOptions o;
  o.relay = relay_options();
  o.relay.max_batch = 4;
  o.max_push_batches = 2;
  o.pull.store_code = "0001";
  SyncClient client(
      *replica_, *faulty_, *key_, clock_, [](std::uint64_t bound) { return bound; }, o);
  auto step = client.step();
  EXPECT_EQ(step.push.acknowledged, 8);
  // The second batch's acknowledgement is written by the step, not left for the next one.
  EXPECT_EQ(pending(), 12);
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 8);
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
  EXPECT_EQ(pending(), 2) << "the acknowledgement is written before push_once returns";
  ASSERT_TRUE(relay.push_once());
  EXPECT_EQ(pending(), 0);
  EXPECT_EQ(recorder_->unsaved_stamps, 0);
}

}  // namespace
}  // namespace storeedge::sync::client::testing
