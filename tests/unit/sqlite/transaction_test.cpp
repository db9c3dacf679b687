// Transactions: writes become visible only on commit; leaving scope, an explicit rollback, or a
// failed commit leaves the database as it was.
#include <gtest/gtest.h>

#include "platform/sqlite/database.hpp"
#include "platform/sqlite/transaction.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/sqlite/sqlite_test_util.hpp"

namespace storeedge::sqlite {
namespace {

class SqliteTransaction : public ::testing::Test {
 protected:
  void SetUp() override {
    testutil::exec_or_throw(db_, "CREATE TABLE sale(id INTEGER PRIMARY KEY, total INTEGER NOT NULL)");
  }
  test::TempDir dir_{"sqlite-tx"};
  Database db_ = testutil::open_db(dir_ / "tx.db");
};

TEST_F(SqliteTransaction, ScopeExitWithoutCommitRollsBack) {
  {
    auto tx = Transaction::begin(db_);
    ASSERT_TRUE(tx) << tx.error().what();
    testutil::exec_or_throw(db_, "INSERT INTO sale(total) VALUES (1999)");
    EXPECT_EQ(testutil::count_rows(db_, "sale"), 1);  // visible inside the transaction
    EXPECT_TRUE(db_.in_transaction());
  }
  EXPECT_FALSE(db_.in_transaction());
  EXPECT_EQ(testutil::count_rows(db_, "sale"), 0);
}

TEST_F(SqliteTransaction, CommitMakesWritesVisibleToOtherConnections) {
  Database other = testutil::open_db(dir_ / "tx.db");
  auto tx = Transaction::begin(db_);
  ASSERT_TRUE(tx);
  testutil::exec_or_throw(db_, "INSERT INTO sale(total) VALUES (500), (700)");
  EXPECT_EQ(testutil::count_rows(other, "sale"), 0);  // not yet committed
  ASSERT_TRUE(tx->commit());
  EXPECT_FALSE(tx->active());
  EXPECT_EQ(testutil::count_rows(other, "sale"), 2);
  auto twice = tx->commit();
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().kind(), Errc::conflict);
}

TEST_F(SqliteTransaction, ExplicitRollbackDiscardsAndFinishes) {
  testutil::exec_or_throw(db_, "INSERT INTO sale(total) VALUES (1)");
  auto tx = Transaction::begin(db_, Transaction::Mode::deferred);
  ASSERT_TRUE(tx);
  testutil::exec_or_throw(db_, "DELETE FROM sale");
  ASSERT_TRUE(tx->rollback());
  EXPECT_EQ(testutil::count_rows(db_, "sale"), 1);
  EXPECT_FALSE(tx->rollback());
}

TEST_F(SqliteTransaction, FailedStatementInsideDoesNotCommitTheRest) {
  {
    auto tx = Transaction::begin(db_, Transaction::Mode::exclusive);
    ASSERT_TRUE(tx);
    testutil::exec_or_throw(db_, "INSERT INTO sale(total) VALUES (10)");
    auto bad = db_.exec("INSERT INTO sale(total) VALUES (NULL)");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().kind(), Errc::conflict);
    // The caller bails out on the error without committing.
  }
  EXPECT_EQ(testutil::count_rows(db_, "sale"), 0);
}

TEST_F(SqliteTransaction, NestedBeginIsRefusedAndOuterStillRollsBack) {
  {
    auto outer = Transaction::begin(db_);
    ASSERT_TRUE(outer);
    testutil::exec_or_throw(db_, "INSERT INTO sale(total) VALUES (10)");
    auto inner = Transaction::begin(db_);
    ASSERT_FALSE(inner);
    EXPECT_NE(inner.error().what().find("within a transaction"), std::string::npos) << inner.error().what();
  }
  EXPECT_EQ(testutil::count_rows(db_, "sale"), 0);
}

}  // namespace
}  // namespace storeedge::sqlite
