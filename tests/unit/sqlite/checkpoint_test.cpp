// Checkpoints off the commit path: with autocheckpoint off, commits only append to the WAL and the
// owner's idle checkpoint copies them into the database; the page size option shapes new files.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "platform/sqlite/checkpoint.hpp"
#include "platform/sqlite/transaction.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/sqlite/sqlite_test_util.hpp"

namespace storeedge::sqlite {
namespace {

using testutil::count_rows;
using testutil::exec_or_throw;
using testutil::open_db;

// One committed row per call, each about a page, so every commit adds WAL frames.
void commit_rows(Database& db, int n) {
  for (int i = 0; i < n; ++i) exec_or_throw(db, "INSERT INTO t (v) VALUES (randomblob(3000))");
}

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OpenOptions options;
    options.wal_autocheckpoint_pages = 0;
    db_.emplace(open_db(dir_ / "db.sqlite", options));
    exec_or_throw(*db_, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
  }
  std::uintmax_t db_file_size() const { return std::filesystem::file_size(dir_ / "db.sqlite"); }

  test::TempDir dir_{"sqlite-checkpoint"};
  std::optional<Database> db_;
};

TEST_F(CheckpointTest, WithoutAutocheckpointCommitsOnlyGrowTheWal) {
  const std::uintmax_t before = db_file_size();
  commit_rows(*db_, 100);
  EXPECT_GE(db_->wal_pending_frames(), 100);
  EXPECT_EQ(db_file_size(), before);  // nothing was copied back during the commits
}

TEST_F(CheckpointTest, BelowTheThresholdNothingHappens) {
  commit_rows(*db_, 20);
  const int pending = db_->wal_pending_frames();
  ASSERT_TRUE(checkpoint_if_needed(*db_, pending + 1));
  EXPECT_EQ(db_->wal_pending_frames(), pending);
}

TEST_F(CheckpointTest, AtTheThresholdTheWalIsCopiedAndTheNextCommitStartsItAgain) {
  commit_rows(*db_, 50);
  const std::uintmax_t before = db_file_size();
  ASSERT_TRUE(checkpoint_if_needed(*db_, 50));
  EXPECT_EQ(db_->wal_pending_frames(), 0);
  EXPECT_GT(db_file_size(), before);
  commit_rows(*db_, 1);
  EXPECT_GE(db_->wal_pending_frames(), 1);
  EXPECT_LT(db_->wal_pending_frames(), 10);  // restarted, not 50 + 1

  db_.reset();  // the rows are in the database file and the WAL both; reopening sees all of them
  Database again = open_db(dir_ / "db.sqlite");
  EXPECT_EQ(count_rows(again, "t"), 51);
}

TEST_F(CheckpointTest, BadThresholdOrOpenTransactionIsRefused) {
  commit_rows(*db_, 5);
  auto zero = checkpoint_if_needed(*db_, 0);
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().kind(), Errc::invalid_argument);
  auto tx = Transaction::begin(*db_);
  ASSERT_TRUE(tx);
  auto inside = checkpoint_if_needed(*db_, 1);
  ASSERT_FALSE(inside);
  EXPECT_EQ(inside.error().kind(), Errc::conflict);
}

TEST(CheckpointDefaults, AutocheckpointKeepsTheWalBounded) {
  test::TempDir dir("sqlite-checkpoint");
  OpenOptions options;
  options.wal_autocheckpoint_pages = 30;
  Database db = open_db(dir / "db.sqlite", options);
  exec_or_throw(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
  commit_rows(db, 100);
  EXPECT_LT(db.wal_pending_frames(), 30);
}

TEST(PageSize, NewDatabasesTakeTheSizeAndBadSizesAreRefused) {
  test::TempDir dir("sqlite-page-size");
  OpenOptions options;
  options.page_size = 8192;
  Database db = open_db(dir / "db.sqlite", options);
  exec_or_throw(db, "CREATE TABLE t (id INTEGER PRIMARY KEY)");
  EXPECT_EQ(db.pragma_text("page_size").value(), "8192");

  options.page_size = 3000;
  auto bad = Database::open(dir / "other.sqlite", options);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind(), Errc::invalid_argument);
  EXPECT_NE(bad.error().what().find("3000"), std::string::npos);
}

// OpenOptions::checkpoint_in_background: commits past the threshold wake a thread that copies the
// WAL into the database over its own connection; what was committed stays readable throughout and
// after reopening.
TEST(BackgroundCheckpointTest, CommitsAreCopiedIntoTheDatabaseByTheCheckpointThread) {
  test::TempDir dir{"sqlite-bg-checkpoint"};
  const auto path = dir / "db.sqlite";
  OpenOptions options;
  options.wal_autocheckpoint_pages = 20;
  options.checkpoint_in_background = true;
  {
    Database db = open_db(path, options);
    exec_or_throw(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
    const std::uintmax_t before = std::filesystem::file_size(path);
    commit_rows(db, 200);
    // Bounded wait for the thread: 200 pages of rows reach the database file.
    for (int i = 0; i < 500 && std::filesystem::file_size(path) < before + 150 * 4096; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_GE(std::filesystem::file_size(path), before + 150 * 4096)
        << "the checkpoint thread copied the committed pages into the database";
    EXPECT_GT(db.background_checkpoints(), 0) << "by the thread, not by a commit";
    EXPECT_EQ(count_rows(db, "t"), 200);
    commit_rows(db, 50);  // and closing while it may be running is clean
  }
  Database reopened = open_db(path);
  EXPECT_EQ(count_rows(reopened, "t"), 250);
}

}  // namespace
}  // namespace storeedge::sqlite
