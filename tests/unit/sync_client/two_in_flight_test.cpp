// Two pushes in flight (RelayOptions::pushes_in_flight = 2): batch N+1 leaves on a second connection
// as soon as its stamps are saved, while N is still in flight. What a user would notice if it went
// wrong: a mutation sent before its stamp was saved (a resend after a crash would carry another
// stamp), a sale lost or applied twice when N+1 overtakes N, an error returned while a request still
// runs, or a crash with both batches on the wire losing a sale.
//
// The transport below scripts each push by the first mutation id it carries, on the relay's worker
// threads; every wait in a script is bounded, so a relay that never sends N+1 early fails instead of
// hanging. Two connections may deliver out of order: scripts either force an order (in_order) or
// hold one push until another has happened.
#include <algorithm>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <vector>

#include "sync/proto/content_coding.hpp"
#include "tests/unit/sync_client/sync_fixture.hpp"

namespace storeedge::sync::client::testing {
namespace {

constexpr auto kPatience = std::chrono::seconds(10);

class ScriptedTransport final : public Transport {
 public:
  using Forward = std::function<Result<TransportResponse>()>;
  // Runs on the worker thread posting a push whose mutations start at `first`; `attempt` is 1 the
  // first time a push starting there leaves, 2 the next, ...; `forward` hands it to the hub.
  using Script =
      std::function<Result<TransportResponse>(std::uint64_t first, int attempt, const Forward& forward)>;

  ScriptedTransport(Transport& inner, const std::filesystem::path& replica_file) : inner_(inner) {
    sqlite::OpenOptions o;
    o.read_only = true;
    db_.emplace(sqlite::Database::open(replica_file, o).value());
  }

  void script(Script s) { script_ = std::move(s); }
  // true: a push reaches the hub only after every push that left before it with lower ids did (as
  // one connection would deliver them); the relay's order of sending is what is tested then.
  void in_order(bool on) { in_order_ = on; }

  Result<TransportResponse> post(std::string_view path, std::string body, const Headers& headers) override {
    if (path != kPushPath) return inner_.post(path, std::move(body), headers);
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    int attempt = 0;
    {
      std::lock_guard lock(mutex_);
      const auto& ids = record(body, headers);
      first = ids.empty() ? 0 : ids.front();
      last = ids.empty() ? 0 : ids.back();
      attempt = ++attempts_[first];
      events_.push_back("left " + std::to_string(first));
    }
    cv_.notify_all();
    const std::string route(path);
    const Forward forward = [&] {
      if (in_order_) {
        std::unique_lock lock(mutex_);
        cv_.wait_for(lock, kPatience, [&] { return first <= delivered_ + 1; });
      }
      auto reply = inner_.post(route, body, headers);
      {
        std::lock_guard lock(mutex_);
        delivered_ = std::max(delivered_, last);
      }
      cv_.notify_all();
      return reply;
    };
    auto reply = script_ ? script_(first, attempt, forward) : forward();
    note("done " + std::to_string(first));
    return reply;
  }

  void note(const std::string& event) {
    {
      std::lock_guard lock(mutex_);
      events_.push_back(event);
    }
    cv_.notify_all();
  }
  // Waits at most kPatience for the event; false if it did not come.
  bool wait_for(const std::string& event) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, kPatience, [&] { return seen(event); });
  }
  bool happened(const std::string& event) {
    std::lock_guard lock(mutex_);
    return seen(event);
  }

  // Read between pushes.
  std::vector<std::vector<std::uint64_t>> batches() {
    std::lock_guard lock(mutex_);
    return batches_;
  }
  std::map<std::uint64_t, std::vector<std::uint64_t>> stamps_sent() {
    std::lock_guard lock(mutex_);
    return sent_;
  }
  int unsaved_stamps() {
    std::lock_guard lock(mutex_);
    return unsaved_;
  }

 private:
  bool seen(const std::string& event) const {
    return std::find(events_.begin(), events_.end(), event) != events_.end();
  }

  // Called under mutex_: records the push's mutation ids and stamps, and whether the replica held
  // each stamp as the push left.
  const std::vector<std::uint64_t>& record(const std::string& body, const Headers& headers) {
    std::string coding;
    for (const auto& [name, value] : headers)
      if (name == "Content-Encoding") coding = value;
    proto::PushRequest request;
    std::vector<std::uint64_t> ids;
    if (request.ParseFromString(proto::decode_body(coding, body).value())) {
      for (const auto& m : request.mutations()) {
        ids.push_back(m.mutation_id());
        sent_[m.mutation_id()].push_back(m.hlc());
        auto saved = db_->query_one<std::int64_t>("SELECT hlc FROM outbox WHERE mutation_id = ?",
                                                  static_cast<std::int64_t>(m.mutation_id()));
        const bool held =
            saved && saved->has_value() && proto::hlc_from_storage(**saved).value_or(0) == m.hlc();
        if (!held) ++unsaved_;
      }
    }
    batches_.push_back(std::move(ids));
    return batches_.back();
  }

  Transport& inner_;
  Script script_;
  bool in_order_ = false;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::string> events_;
  std::map<std::uint64_t, int> attempts_;
  std::uint64_t delivered_ = 0;  // the highest id of a push handed to the hub
  std::vector<std::vector<std::uint64_t>> batches_;
  std::map<std::uint64_t, std::vector<std::uint64_t>> sent_;
  int unsaved_ = 0;
  std::optional<sqlite::Database> db_;
};

class TwoInFlightTest : public SyncTest {
 protected:
  void SetUp() override {
    SyncTest::SetUp();
    scripted_ = std::make_unique<ScriptedTransport>(*faulty_, dir_ / "replica.db");
    scripted_channel_ = std::make_unique<HubChannel>(*scripted_, *key_, replica_->node_id(), clock_);
  }

  OutboxRelay two_in_flight(std::size_t max_batch) {
    RelayOptions o = relay_options();
    o.max_batch = max_batch;
    o.pushes_in_flight = 2;
    return OutboxRelay(*replica_, *scripted_channel_, clock_, o);
  }

  // Pushes until nothing is pending (bounded); a batch sent early never makes the relay report a gap,
  // reopen or renumber anything.
  void drain(OutboxRelay& relay) {
    for (int i = 0; i < 20; ++i) {
      auto r = relay.push_once();
      ASSERT_TRUE(r) << r.error().what();
      EXPECT_FALSE(r->gap);
      EXPECT_FALSE(r->rewound);
      EXPECT_EQ(r->reopened, 0);
      if (r->sent == 0) return;
    }
    ADD_FAILURE() << "outbox not drained after 20 pushes";
  }

  std::int64_t hub_watermark() {
    return hub_count("SELECT last_mutation_id FROM node WHERE node_id = '" + replica_->node_id() + "'");
  }

  std::unique_ptr<ScriptedTransport> scripted_;
  std::unique_ptr<HubChannel> scripted_channel_;
};

TEST_F(TwoInFlightTest, TheNextBatchLeavesWithItsStampsSavedBeforeTheReplyToTheOneBefore) {
  const auto sold = make_sales(12);
  bool second_left_first = false;
  scripted_->in_order(true);
  scripted_->script([&](std::uint64_t first, int, const ScriptedTransport::Forward& forward) {
    auto reply = forward();
    // The hub has applied 1..4; its reply is held until 5..8 leave (or the patience runs out).
    if (first == 1) second_left_first = scripted_->wait_for("left 5");
    return reply;
  });
  auto relay = two_in_flight(4);
  auto first = relay.push_once();
  ASSERT_TRUE(first) << first.error().what();
  EXPECT_EQ(first->applied, 4);
  EXPECT_TRUE(second_left_first) << "5..8 did not leave while the reply to 1..4 was outstanding";
  // The two workers reach the transport in either order (the hub gets them in order here); what
  // matters is that the two posts were 1..4 and 5..8, each once.
  auto posts = scripted_->batches();
  ASSERT_GE(posts.size(), 2u);
  std::sort(posts.begin(), posts.begin() + 2);
  EXPECT_EQ(posts[0], (std::vector<std::uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(posts[1], (std::vector<std::uint64_t>{5, 6, 7, 8}));
  EXPECT_EQ(scripted_->unsaved_stamps(), 0) << "a mutation left before its stamp was saved";

  drain(relay);
  EXPECT_EQ(pending(), 0);
  EXPECT_EQ(hub_order_ids(), sold);
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 12);
  EXPECT_EQ(scripted_->batches().size(), 3u) << "each batch went once";
  EXPECT_EQ(scripted_->unsaved_stamps(), 0);
}

TEST_F(TwoInFlightTest, ABatchThatOvertakesTheOneBeforeIsRefusedAsAGapAndSentAgainWithoutLoss) {
  const auto sold = make_sales(12);
  int overtaking_status = 0;
  scripted_->script([&](std::uint64_t first, int attempt, const ScriptedTransport::Forward& forward) {
    // 1..4 reach the hub only after 5..8 were answered: the hub saw 5..8 first.
    if (first == 1 && attempt == 1) {
      EXPECT_TRUE(scripted_->wait_for("done 5"));
    }
    auto reply = forward();
    if (first == 5 && attempt == 1 && reply) overtaking_status = reply->status;
    return reply;
  });
  auto relay = two_in_flight(4);
  drain(relay);
  EXPECT_EQ(overtaking_status, 409) << "5..8 were not refused as a gap";
  EXPECT_EQ(pending(), 0);
  EXPECT_EQ(hub_order_ids(), sold);
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 12) << "a sale applied twice";
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM quarantine"), 0);
  EXPECT_EQ(hub_watermark(), 12);
  // 5..8 went again, under the stamps they first left with.
  const auto stamps = scripted_->stamps_sent();
  ASSERT_GE(stamps.at(5).size(), 2u);
  for (std::uint64_t id = 5; id <= 8; ++id) {
    for (auto st : stamps.at(id)) EXPECT_EQ(st, stamps.at(id).front()) << "mutation " << id << " re-stamped";
  }
  EXPECT_EQ(scripted_->unsaved_stamps(), 0);
}

TEST_F(TwoInFlightTest, AFailedPushReturnsOnlyAfterTheBatchSentEarlyFinishedAndTheDrainCompletes) {
  const auto sold = make_sales(12);
  scripted_->script([&](std::uint64_t first, int attempt,
                        const ScriptedTransport::Forward& forward) -> Result<TransportResponse> {
    if (first == 1 && attempt == 1) {
      // 1..4 never reach the hub, once 5..8 are on their way.
      EXPECT_TRUE(scripted_->wait_for("left 5"));
      return fail(Errc::unavailable, "connection reset (scripted)");
    }
    // 5..8 reach the hub after the failure of 1..4 came back, and are refused as a gap.
    if (first == 5 && attempt == 1) {
      EXPECT_TRUE(scripted_->wait_for("done 1"));
    }
    return forward();
  });
  auto relay = two_in_flight(4);
  auto failed = relay.push_once();
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().kind(), Errc::unavailable) << failed.error().what();
  EXPECT_TRUE(scripted_->happened("done 5")) << "push_once returned while 5..8 were still in flight";
  EXPECT_EQ(pending(), 12) << "nothing acknowledged";
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE mutation_id BETWEEN 5 AND 8 AND hlc IS NOT NULL"), 4)
      << "the stamps 5..8 left with are kept for their resend";

  scripted_->script({});
  drain(relay);
  EXPECT_EQ(pending(), 0);
  EXPECT_EQ(hub_order_ids(), sold);
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 12);
  EXPECT_EQ(hub_watermark(), 12);
  EXPECT_EQ(scripted_->unsaved_stamps(), 0);
}

// The till crashes with 1..4 and 5..8 both applied at the hub and neither reply back: the replica on
// disk holds 1..8 stamped and pending. The restarted till resends both, the hub answers DUPLICATE.
TEST_F(TwoInFlightTest, ACrashWithTwoBatchesOnTheWireResendsBothAndTheHubCountsEachOnce) {
  const auto sold = make_sales(10);
  const auto crashed = dir_ / "crashed.db";
  scripted_->in_order(true);
  scripted_->script(
      [&](std::uint64_t first, int, const ScriptedTransport::Forward& forward) -> Result<TransportResponse> {
        if (first == 1) {
          auto applied = forward();
          EXPECT_TRUE(applied && applied->status == 200);
          EXPECT_TRUE(scripted_->wait_for("crashed"));
          return fail(Errc::unavailable, "the till is gone (scripted)");
        }
        if (first == 5) {
          auto applied = forward();
          EXPECT_TRUE(applied && applied->status == 200);
          // What the disk holds at this moment, read through a connection of its own.
          auto disk = sqlite::Database::open(dir_ / "replica.db");
          EXPECT_TRUE(disk && disk->backup_to(crashed));
          scripted_->note("crashed");
          return fail(Errc::unavailable, "the till is gone (scripted)");
        }
        return forward();
      });
  std::map<std::uint64_t, std::vector<std::uint64_t>> first_stamps;
  {
    auto relay = two_in_flight(4);
    EXPECT_FALSE(relay.push_once());
    first_stamps = scripted_->stamps_sent();
  }
  ASSERT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 8);
  ASSERT_EQ(first_stamps.size(), 8u);

  // The till restarts on the crashed replica.
  auto replica = store::Replica::open(crashed, clock_);
  ASSERT_TRUE(replica) << replica.error().what();
  EXPECT_EQ(pending_in(*replica), 10);
  ScriptedTransport restarted(*faulty_, crashed);
  HubChannel channel(restarted, *key_, replica->node_id(), clock_);
  RelayOptions o = relay_options();
  o.max_batch = 4;
  o.pushes_in_flight = 2;
  OutboxRelay relay(*replica, channel, clock_, o);
  const Resent resent_to_hub = drain_after_restart(relay);
  EXPECT_EQ(resent_to_hub.duplicate, 8) << "1..8 are resent and the hub answers DUPLICATE";
  EXPECT_EQ(resent_to_hub.applied, 2);
  const auto resent = restarted.stamps_sent();
  for (std::uint64_t id = 1; id <= 8; ++id) {
    ASSERT_TRUE(resent.contains(id)) << id;
    EXPECT_EQ(resent.at(id).front(), first_stamps.at(id).front()) << "mutation " << id << " re-stamped";
  }
  EXPECT_EQ(restarted.unsaved_stamps(), 0);
  expect_arrived_once(*replica, sold);
}

// Between two pushes the outbox moves under the batch already on the wire (here a hub restored from
// a backup had mutation 3 made pending again): its reply is dropped and the first pending row goes.
TEST_F(TwoInFlightTest, ABatchOnTheWireWhenTheOutboxMovesUnderItIsDroppedAndSentAgain) {
  const auto sold = make_sales(12);
  auto relay = two_in_flight(4);
  ASSERT_TRUE(relay.push_once());  // 1..4 acknowledged (held); 5..8 on the wire
  ASSERT_TRUE(relay.settle());     // 5..8's reply is not read: they stay pending
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE mutation_id <= 4 AND acked_at_ms IS NULL"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE mutation_id BETWEEN 5 AND 8 AND acked_at_ms IS NULL"),
            4);
  ASSERT_TRUE(relay.push_once());  // 5..8 again (DUPLICATE), 9..12 on the wire
  ASSERT_TRUE(db().exec("UPDATE outbox SET acked_at_ms = NULL WHERE mutation_id = 3"));
  auto again = relay.push_once();
  ASSERT_TRUE(again) << again.error().what();
  EXPECT_EQ(again->sent, 1);
  EXPECT_EQ(again->duplicate, 1);
  drain(relay);
  EXPECT_EQ(pending(), 0);
  EXPECT_EQ(hub_order_ids(), sold);
  EXPECT_EQ(hub_count("SELECT COUNT(*) FROM hub_order"), 12);
  EXPECT_EQ(scripted_->unsaved_stamps(), 0);
}

TEST_F(TwoInFlightTest, OtherValuesOfPushesInFlightAreRefusedAndSendNothing) {
  make_sales(2);
  RelayOptions o = relay_options();
  o.pushes_in_flight = 3;
  OutboxRelay relay(*replica_, *scripted_channel_, clock_, o);
  auto r = relay.push_once();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
  EXPECT_NE(r.error().what().find("1 or 2"), std::string::npos) << r.error().what();
  EXPECT_TRUE(scripted_->batches().empty());
  EXPECT_EQ(pending(), 2);
}

}  // namespace
}  // namespace storeedge::sync::client::testing
