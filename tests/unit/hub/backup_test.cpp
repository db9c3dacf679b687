// storehub backup / restore (sync/hub/backup_cmd.hpp) on real hub databases: a restore brings the
// backup's content back under a new epoch; bad input and a running hub change nothing.
#include "sync/hub/backup_cmd.hpp"

#include <gtest/gtest.h>

#include "platform/dir_lock.hpp"
#include "platform/sqlite/database.hpp"
#include "sync/hub/sqlite/sqlite_storage.hpp"
#include "tests/support/temp_dir.hpp"

namespace storeedge::sync::hub {
namespace {

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override { config_.data_dir = dir_ / "data"; }

  std::string open_and_add_store(const std::string& code) {
    std::filesystem::create_directories(config_.data_dir);
    auto s = SqliteStorage::open(config_.database_path(), clock_);
    EXPECT_TRUE(s) << s.error().what();
    EXPECT_TRUE((*s)->upsert_store({code, "north", CustomerScope::region}));
    return (*s)->epoch();
  }
  std::int64_t stores() {
    auto db = sqlite::Database::open(config_.database_path());
    return db->query_one<std::int64_t>("SELECT COUNT(*) FROM store").value().value_or(-1);
  }

  test::TempDir dir_{"hub-backup"};
  HubConfig config_;
  SystemClock clock_;
};

TEST_F(BackupTest, ARestoreBringsTheBackupBackUnderANewEpoch) {
  const std::string epoch = open_and_add_store("0001");
  ASSERT_TRUE(backup_hub(config_, dir_ / "b.db"));
  open_and_add_store("0002");
  ASSERT_EQ(stores(), 2);

  auto restored = restore_hub(config_, dir_ / "b.db", clock_);
  ASSERT_TRUE(restored) << restored.error().what();
  EXPECT_NE(*restored, epoch);
  EXPECT_EQ(stores(), 1);
  auto reopened = SqliteStorage::open(config_.database_path(), clock_);
  ASSERT_TRUE(reopened);
  EXPECT_EQ((*reopened)->epoch(), *restored);
  EXPECT_TRUE(std::filesystem::exists(config_.data_dir / "hub.db.pre-restore"));
}

TEST_F(BackupTest, ABackupNeverOverwritesAFile) {
  open_and_add_store("0001");
  ASSERT_TRUE(backup_hub(config_, dir_ / "b.db"));
  auto again = backup_hub(config_, dir_ / "b.db");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind(), Errc::already_exists);
}

TEST_F(BackupTest, BadInputOrARunningHubLeavesTheDatabaseAsItWas) {
  const std::string epoch = open_and_add_store("0001");
  auto missing = restore_hub(config_, dir_ / "nope.db", clock_);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind(), Errc::not_found);

  {
    auto other = sqlite::Database::open(dir_ / "other.db");
    ASSERT_TRUE(other);
    ASSERT_TRUE(other->exec("CREATE TABLE t (x INTEGER)"));
  }
  auto foreign = restore_hub(config_, dir_ / "other.db", clock_);
  ASSERT_FALSE(foreign);
  EXPECT_NE(foreign.error().what().find("not a storehub database"), std::string::npos)
      << foreign.error().what();

  ASSERT_TRUE(backup_hub(config_, dir_ / "b.db"));
  {
    auto lock = DirLock::acquire(config_.data_dir);  // what a running storehub holds
    ASSERT_TRUE(lock);
    auto busy = restore_hub(config_, dir_ / "b.db", clock_);
    ASSERT_FALSE(busy);
    EXPECT_NE(busy.error().what().find("stop storehub first"), std::string::npos) << busy.error().what();
  }
  auto db = SqliteStorage::open(config_.database_path(), clock_);
  ASSERT_TRUE(db);
  EXPECT_EQ((*db)->epoch(), epoch);
  EXPECT_FALSE(std::filesystem::exists(config_.data_dir / "hub.db.restoring"));
}

}  // namespace
}  // namespace storeedge::sync::hub
