// Group commit (platform/sqlite/wal_syncer.hpp, OpenOptions::group_commit): nothing is reported
// durable before an fdatasync of the WAL that started after its commit, commits waiting together
// share one fdatasync, and a failed sync is never reported as durable.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <future>
#include <mutex>
#include <vector>

#include "platform/sqlite/transaction.hpp"
#include "platform/sqlite/wal_syncer.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/sqlite/sqlite_test_util.hpp"

namespace storeedge::sqlite {
namespace {

using testutil::exec_or_throw;
using testutil::open_db;

// A stand-in for fdatasync that the test lets through one call at a time, and that records which
// commits each call covered.
class GatedSync {
 public:
  WalSyncer::SyncFile function() {
    return [this](int) {
      std::unique_lock lock(mutex_);
      ++started_;
      changed_.notify_all();
      changed_.wait(lock, [&] { return allowed_ >= started_; });
      return result_;
    };
  }
  void allow(int calls) {
    std::lock_guard lock(mutex_);
    allowed_ += calls;
    changed_.notify_all();
  }
  void wait_started(int calls) {
    std::unique_lock lock(mutex_);
    ASSERT_TRUE(changed_.wait_for(lock, std::chrono::seconds(10), [&] { return started_ >= calls; }))
        << "the syncer never started sync number " << calls;
  }
  void fail_with(int err) {
    std::lock_guard lock(mutex_);
    result_ = err;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int started_ = 0;
  int allowed_ = 0;
  int result_ = 0;
};

// Callbacks record what they were told, in order.
struct Outcomes {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::pair<int, bool>> seen;  // (waiter, durable)

  WalSyncer::Callback waiter(int id) {
    return [this, id](bool durable) {
      std::lock_guard lock(mutex);
      seen.emplace_back(id, durable);
      changed.notify_all();
    };
  }
  std::size_t wait_for(std::size_t count) {
    std::unique_lock lock(mutex);
    changed.wait_for(lock, std::chrono::seconds(10), [&] { return seen.size() >= count; });
    return seen.size();
  }
  std::vector<std::pair<int, bool>> snapshot() {
    std::lock_guard lock(mutex);
    return seen;
  }
};

std::filesystem::path make_wal(const test::TempDir& dir) {
  const auto path = dir / "db.sqlite-wal";
  std::ofstream(path) << "frames";
  return path;
}

TEST(WalSyncer, AWaiterHearsOfItsCommitOnlyAfterASyncThatStartedAfterIt) {
  test::TempDir dir{"group-commit"};
  GatedSync gate;
  auto syncer = WalSyncer::start(make_wal(dir), gate.function());
  ASSERT_TRUE(syncer) << syncer.error().what();
  Outcomes outcomes;
  (*syncer)->note_commit();
  (*syncer)->when_durable(outcomes.waiter(1));
  gate.wait_started(1);
  EXPECT_TRUE(outcomes.snapshot().empty()) << "told durable while its fdatasync was still running";
  gate.allow(1);
  ASSERT_EQ(outcomes.wait_for(1), 1u);
  EXPECT_EQ(outcomes.snapshot().front(), std::make_pair(1, true));
  EXPECT_EQ((*syncer)->syncs(), 1);
}

TEST(WalSyncer, CommitsMadeWhileASyncRunsShareTheNextOne) {
  test::TempDir dir{"group-commit"};
  GatedSync gate;
  auto syncer = WalSyncer::start(make_wal(dir), gate.function());
  ASSERT_TRUE(syncer) << syncer.error().what();
  Outcomes outcomes;
  (*syncer)->note_commit();
  (*syncer)->when_durable(outcomes.waiter(1));
  gate.wait_started(1);
  // Three more commits, each with a waiter, while the first fdatasync runs: it cannot vouch for
  // them, and one more fdatasync covers all three.
  for (int id = 2; id <= 4; ++id) {
    (*syncer)->note_commit();
    (*syncer)->when_durable(outcomes.waiter(id));
  }
  gate.allow(1);
  ASSERT_EQ(outcomes.wait_for(1), 1u);
  gate.wait_started(2);
  EXPECT_EQ(outcomes.snapshot().size(), 1u) << "a later commit was reported by the sync before it";
  gate.allow(1);
  ASSERT_EQ(outcomes.wait_for(4), 4u);
  const auto seen = outcomes.snapshot();
  for (int id = 1; id <= 4; ++id) EXPECT_EQ(seen[static_cast<std::size_t>(id - 1)], std::make_pair(id, true));
  EXPECT_EQ((*syncer)->syncs(), 2);
  EXPECT_EQ((*syncer)->commits(), 4u);
}

// Commits noted and waited for while the syncer thread syncs, with nothing ordering the two threads
// (as in storehub under load; the tests above hand over at every step, so they never overlap): every
// waiter is told exactly once that its commit is durable, and no fdatasync runs without a new commit
// to cover. Under the tsan preset this is the unit test that catches unguarded state.
TEST(WalSyncer, WaitersOfCommitsNotedDuringSyncsAreEachToldOnceAndDurable) {
  test::TempDir dir{"group-commit"};
  constexpr int kCommits = 2000;
  Outcomes outcomes;  // outlives the syncer, whose last callbacks run when it closes
  std::atomic<int> synced{0};
  auto syncer = WalSyncer::start(make_wal(dir), [&](int) {
    ++synced;
    return 0;
  });
  ASSERT_TRUE(syncer) << syncer.error().what();
  for (int id = 0; id < kCommits; ++id) {
    (*syncer)->note_commit();
    (*syncer)->when_durable(outcomes.waiter(id));
  }
  ASSERT_EQ(outcomes.wait_for(kCommits), static_cast<std::size_t>(kCommits));
  EXPECT_EQ((*syncer)->commits(), static_cast<std::uint64_t>(kCommits));
  const std::int64_t syncs = (*syncer)->syncs();
  EXPECT_GE(syncs, 1);
  EXPECT_LE(syncs, kCommits) << "a sync ran with no new commit to cover";
  syncer->reset();
  EXPECT_EQ(synced.load(), syncs);
  std::vector<int> told(kCommits, 0);
  for (const auto& [id, durable] : outcomes.snapshot()) {
    EXPECT_TRUE(durable) << "waiter " << id;
    ++told[static_cast<std::size_t>(id)];
  }
  EXPECT_EQ(std::count(told.begin(), told.end(), 1), kCommits) << "a waiter was told twice or never";
}

TEST(WalSyncer, WithNothingWaitingForTheDiskTheAnswerComesAtOnce) {
  test::TempDir dir{"group-commit"};
  GatedSync gate;  // never lets a sync through: none may be needed
  auto syncer = WalSyncer::start(make_wal(dir), gate.function());
  ASSERT_TRUE(syncer) << syncer.error().what();
  bool told = false;
  (*syncer)->when_durable([&](bool durable) { told = durable; });
  EXPECT_TRUE(told);
  EXPECT_EQ((*syncer)->syncs(), 0);
}

TEST(WalSyncer, AFailedSyncIsNeverReportedDurableNorIsAnythingAfterIt) {
  test::TempDir dir{"group-commit"};
  GatedSync gate;
  gate.fail_with(EIO);
  gate.allow(100);
  auto syncer = WalSyncer::start(make_wal(dir), gate.function());
  ASSERT_TRUE(syncer) << syncer.error().what();
  Outcomes outcomes;
  (*syncer)->note_commit();
  (*syncer)->when_durable(outcomes.waiter(1));
  ASSERT_EQ(outcomes.wait_for(1), 1u);
  EXPECT_EQ(outcomes.snapshot().front(), std::make_pair(1, false));
  EXPECT_TRUE((*syncer)->failed());
  // The kernel may have dropped the pages it could not write: a later sync proves nothing.
  gate.fail_with(0);
  (*syncer)->note_commit();
  (*syncer)->when_durable(outcomes.waiter(2));
  ASSERT_EQ(outcomes.wait_for(2), 2u);
  EXPECT_EQ(outcomes.snapshot().back(), std::make_pair(2, false));
}

TEST(WalSyncer, ClosingSyncsCommitsNobodyWaitedFor) {
  test::TempDir dir{"group-commit"};
  std::atomic<int> syncs{0};
  {
    auto syncer = WalSyncer::start(make_wal(dir), [&](int) {
      ++syncs;
      return 0;
    });
    ASSERT_TRUE(syncer) << syncer.error().what();
    (*syncer)->note_commit();
  }
  EXPECT_EQ(syncs.load(), 1);
}

TEST(WalSyncer, AMissingWalFileIsAFailureNotASuccess) {
  test::TempDir dir{"group-commit"};
  auto syncer = WalSyncer::start(dir / "nothing-wal");
  ASSERT_TRUE(syncer) << syncer.error().what();
  Outcomes outcomes;
  (*syncer)->note_commit();
  (*syncer)->when_durable(outcomes.waiter(1));
  ASSERT_EQ(outcomes.wait_for(1), 1u);
  EXPECT_EQ(outcomes.snapshot().front(), std::make_pair(1, false));
}

TEST(GroupCommit, ADatabaseCommitsWithoutSyncingAndReportsDurabilityAfterOneFdatasync) {
  test::TempDir dir{"group-commit"};
  OpenOptions options;
  options.group_commit = true;
  Database db = open_db(dir / "db.sqlite", options);
  auto sync = db.pragma_text("synchronous");
  ASSERT_TRUE(sync) << sync.error().what();
  EXPECT_EQ(*sync, "1") << "commits should leave the fsync to the group-commit thread (NORMAL)";
  exec_or_throw(db, "CREATE TABLE t (v INTEGER)");
  for (int i = 0; i < 5; ++i) exec_or_throw(db, "INSERT INTO t VALUES (" + std::to_string(i) + ")");
  std::promise<bool> told;
  db.when_durable([&](bool durable) { told.set_value(durable); });
  auto answer = told.get_future();
  ASSERT_EQ(answer.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_TRUE(answer.get());
  EXPECT_EQ(db.group_commit_syncs(), 1) << "six commits waiting together take one fdatasync";
  // Nothing new since: the next question is answered at once, without another sync.
  bool again = false;
  db.when_durable([&](bool durable) { again = durable; });
  EXPECT_TRUE(again);
  EXPECT_EQ(db.group_commit_syncs(), 1);
}

TEST(GroupCommit, WithoutItCommitsAreDurableWhenTheyReturn) {
  test::TempDir dir{"group-commit"};
  Database db = open_db(dir / "db.sqlite");
  auto sync = db.pragma_text("synchronous");
  ASSERT_TRUE(sync) << sync.error().what();
  EXPECT_EQ(*sync, "2");
  exec_or_throw(db, "CREATE TABLE t (v INTEGER)");
  bool told = false;
  db.when_durable([&](bool durable) { told = durable; });
  EXPECT_TRUE(told);
  EXPECT_EQ(db.group_commit_syncs(), 0);
}

}  // namespace
}  // namespace storeedge::sqlite
