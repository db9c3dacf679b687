// A disk that fills up or fails fsync during a commit: the caller gets the right error, the
// failed transaction is not visible, earlier commits are intact, and the database works again
// once the disk does. Faults come from FaultVfs, which wraps the real unix VFS.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "platform/sqlite/database.hpp"
#include "platform/sqlite/transaction.hpp"
#include "tests/support/fault_vfs.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/sqlite/sqlite_test_util.hpp"

namespace storeedge::sqlite {
namespace {

class SqliteDiskFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    auto vfs = test::FaultVfs::create(
        "storeedge-fault-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    ASSERT_TRUE(vfs) << vfs.error().what();
    vfs_ = std::move(*vfs);
    OpenOptions options;
    options.vfs = vfs_->name();
    db_.emplace(testutil::open_db(path(), options));
    testutil::exec_or_throw(*db_, "CREATE TABLE sale(id INTEGER PRIMARY KEY, note TEXT NOT NULL)");
    testutil::exec_or_throw(*db_, "INSERT INTO sale(note) VALUES ('committed before the fault')");
  }
  void TearDown() override { db_.reset(); }

  std::filesystem::path path() const { return dir_ / "faulty.db"; }

  // A sale whose commit writes several WAL frames.
  Status write_big_sale(const std::string& note) {
    auto tx = Transaction::begin(*db_);
    if (!tx) return fail(tx.error());
    for (int i = 0; i < 20; ++i) {
      auto ok = db_->exec("INSERT INTO sale(note) VALUES ('" + note + "' || printf('%.2000c', 'x'))");
      if (!ok) return ok;
    }
    return tx->commit();
  }

  test::TempDir dir_{"sqlite-faults"};
  std::unique_ptr<test::FaultVfs> vfs_;
  std::optional<Database> db_;
};

TEST_F(SqliteDiskFaults, DiskFullDuringCommitIsReportedAndLosesOnlyThatTransaction) {
  vfs_->fail_writes_after(10'000);  // room for two WAL frames, not for the whole commit
  auto result = write_big_sale("lost");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind(), Errc::disk_full) << result.error().what();
  EXPECT_EQ(result.error().code() & 0xff, SQLITE_FULL);
  EXPECT_GT(vfs_->injected_faults(), 0);
  EXPECT_FALSE(db_->in_transaction());

  vfs_->clear();
  EXPECT_EQ(testutil::count_rows(*db_, "sale"), 1);
  Database other = testutil::open_db(path());  // default VFS: what another process would see
  EXPECT_EQ(testutil::count_rows(other, "sale"), 1);

  // Space is back: the same connection commits again.
  auto retried = write_big_sale("kept");
  ASSERT_TRUE(retried) << retried.error().what();
  EXPECT_EQ(testutil::count_rows(other, "sale"), 21);
}

TEST_F(SqliteDiskFaults, DiskFullSurvivesReopen) {
  vfs_->fail_writes_after(0);
  ASSERT_FALSE(write_big_sale("lost"));
  vfs_->clear();
  db_.reset();
  Database reopened = testutil::open_db(path());
  EXPECT_TRUE(reopened.integrity_check());
  EXPECT_EQ(testutil::count_rows(reopened, "sale"), 1);
  EXPECT_EQ(reopened.query_one<std::string>("SELECT note FROM sale").value(), "committed before the fault");
}

TEST_F(SqliteDiskFaults, FsyncFailureAtCommitIsAnIoErrorAndTheSaleIsNotVisible) {
  const int syncs_before = vfs_->syncs();
  vfs_->fail_next_syncs(1);
  auto result = write_big_sale("unsynced");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind(), Errc::io) << result.error().what();
  EXPECT_EQ(result.error().code(), SQLITE_IOERR_FSYNC);
  EXPECT_EQ(vfs_->syncs(), syncs_before);  // the failed fsync was the commit's
  EXPECT_FALSE(db_->in_transaction());

  vfs_->clear();
  EXPECT_EQ(testutil::count_rows(*db_, "sale"), 1);
  {
    Database other = testutil::open_db(path());
    EXPECT_EQ(testutil::count_rows(other, "sale"), 1);
  }
  db_.reset();
  Database reopened = testutil::open_db(path());
  EXPECT_EQ(testutil::count_rows(reopened, "sale"), 1);
  EXPECT_TRUE(reopened.integrity_check());
}

TEST_F(SqliteDiskFaults, HealthyFaultVfsBehavesLikeTheRealDisk) {
  auto result = write_big_sale("fine");
  ASSERT_TRUE(result) << result.error().what();
  EXPECT_GT(vfs_->bytes_written(), 20 * 2000);
  EXPECT_GT(vfs_->syncs(), 0);  // synchronous=FULL syncs the WAL at commit
  EXPECT_EQ(vfs_->injected_faults(), 0);
  EXPECT_EQ(testutil::count_rows(*db_, "sale"), 21);
}

TEST(FaultVfs, NameCanOnlyBeRegisteredOnce) {
  auto first = test::FaultVfs::create("storeedge-fault-dup");
  ASSERT_TRUE(first);
  auto second = test::FaultVfs::create("storeedge-fault-dup");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().kind(), Errc::already_exists);
}

}  // namespace
}  // namespace storeedge::sqlite
