// Online backup: the copy is a consistent database with the source's rows even while other
// connections write to the source during the copy; an existing destination is never overwritten.
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "platform/sqlite/database.hpp"
#include "platform/sqlite/transaction.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/sqlite/sqlite_test_util.hpp"

namespace storeedge::sqlite {
namespace {

class SqliteBackup : public ::testing::Test {
 protected:
  void SetUp() override {
    testutil::exec_or_throw(src_, "CREATE TABLE sale(id INTEGER PRIMARY KEY, note TEXT NOT NULL)");
    auto tx = Transaction::begin(src_);
    ASSERT_TRUE(tx);
    for (int i = 0; i < 1500; ++i) {
      testutil::exec_or_throw(
          src_, "INSERT INTO sale(note) VALUES (printf('sale %d %.200c', " + std::to_string(i) + ", 'x'))");
    }
    ASSERT_TRUE(tx->commit());
  }

  static std::vector<std::pair<std::int64_t, std::string>> rows(Database& db) {
    std::vector<std::pair<std::int64_t, std::string>> out;
    auto stmt = db.prepare("SELECT id, note FROM sale ORDER BY id");
    if (!stmt) throw std::runtime_error(stmt.error().what());
    while (stmt->step().value()) out.emplace_back(stmt->column_int64(0), stmt->column_text(1));
    return out;
  }

  test::TempDir dir_{"sqlite-backup"};
  Database src_ = testutil::open_db(dir_ / "live.db");
};

TEST_F(SqliteBackup, CopyWrittenDuringBackupHasTheSourceRowsAndPassesIntegrityCheck) {
  Database writer = testutil::open_db(dir_ / "live.db");
  BackupOptions options;
  options.pages_per_step = 8;
  int steps = 0;
  options.on_progress = [&](int remaining, int total) {
    EXPECT_LE(remaining, total);
    // Another connection writes between the first steps; the backup must pick that up.
    if (steps++ < 3) testutil::exec_or_throw(writer, "INSERT INTO sale(note) VALUES ('during backup')");
  };
  const auto dest = dir_ / "copy.db";
  auto done = src_.backup_to(dest, options);
  ASSERT_TRUE(done) << done.error().what();
  EXPECT_GT(steps, 3);  // really copied in several steps
  EXPECT_FALSE(std::filesystem::exists(dir_ / "copy.db.partial"));

  Database copy = testutil::open_db(dest);
  auto check = copy.integrity_check();
  EXPECT_TRUE(check) << check.error().what();
  const auto copied = rows(copy);
  EXPECT_EQ(copied.size(), 1503u);
  EXPECT_EQ(copied, rows(src_));
}

TEST_F(SqliteBackup, CopyIsOneConsistentSnapshotUnderAConcurrentWriter) {
  const auto before = testutil::count_rows(src_, "sale");
  std::atomic<bool> stop{false};
  std::atomic<int> commits{0};
  std::thread writer_thread([&] {
    Database writer = testutil::open_db(dir_ / "live.db");
    while (!stop) {
      // Each transaction adds two rows; a torn copy would show an odd count.
      auto tx = Transaction::begin(writer);
      if (!tx) continue;
      if (!writer.exec("INSERT INTO sale(note) VALUES ('a'), ('b')")) continue;
      if (tx->commit()) ++commits;
    }
  });
  BackupOptions options;
  options.pages_per_step = 4;
  int steps = 0;
  options.on_progress = [&](int, int) {
    // For the first steps, let the writer commit between steps, so the copy keeps restarting
    // (and finally finishes in one step). Bounded wait: a stuck writer fails the test, not hangs it.
    if (steps++ >= 8) return;
    const int seen = commits;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (commits == seen && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  };
  auto done = src_.backup_to(dir_ / "snapshot.db", options);
  const int commits_during = commits;
  stop = true;
  writer_thread.join();
  ASSERT_TRUE(done) << done.error().what();
  EXPECT_GE(commits_during, 8);

  Database copy = testutil::open_db(dir_ / "snapshot.db");
  EXPECT_TRUE(copy.integrity_check());
  const auto copied = rows(copy);
  ASSERT_GT(static_cast<std::int64_t>(copied.size()), before);
  EXPECT_EQ((static_cast<std::int64_t>(copied.size()) - before) % 2, 0);
  // Ids are contiguous from 1: the copy is a prefix of the source's history, not a mix.
  for (std::size_t i = 0; i < copied.size(); ++i)
    ASSERT_EQ(copied[i].first, static_cast<std::int64_t>(i) + 1);
}

TEST_F(SqliteBackup, ExistingDestinationIsRefusedAndLeftAlone) {
  const auto dest = dir_ / "taken.db";
  {
    Database other = testutil::open_db(dest);
    testutil::exec_or_throw(other, "CREATE TABLE keep(x); INSERT INTO keep VALUES ('mine');");
  }
  auto done = src_.backup_to(dest);
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().kind(), Errc::already_exists);
  Database other = testutil::open_db(dest);
  EXPECT_EQ(other.query_one<std::string>("SELECT x FROM keep").value(), "mine");
}

}  // namespace
}  // namespace storeedge::sqlite
