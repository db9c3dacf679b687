// The per-connection statement cache hands back the same prepared statement for the same SQL,
// reset and with its bindings cleared, and never hands one statement to two users at once.
#include <gtest/gtest.h>

#include "platform/sqlite/database.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/sqlite/sqlite_test_util.hpp"

namespace storeedge::sqlite {
namespace {

class SqliteStatementCache : public ::testing::Test {
 protected:
  void SetUp() override {
    testutil::exec_or_throw(db_,
                            "CREATE TABLE item(sku TEXT PRIMARY KEY, price INTEGER);"
                            "INSERT INTO item VALUES ('a', 100), ('b', 250), ('c', 999);");
  }
  test::TempDir dir_{"sqlite-cache"};
  Database db_ = testutil::open_db(dir_ / "cache.db");
};

constexpr std::string_view kByMinPrice = "SELECT sku FROM item WHERE price >= ? ORDER BY sku";

TEST_F(SqliteStatementCache, SameSqlReusesTheStatementResetAndUnbound) {
  sqlite3_stmt* first_raw = nullptr;
  {
    auto stmt = db_.cached(kByMinPrice);
    ASSERT_TRUE(stmt) << stmt.error().what();
    first_raw = (*stmt)->raw();
    ASSERT_TRUE((*stmt)->bind(1, 200));
    ASSERT_TRUE((*stmt)->step().value());
    EXPECT_EQ((*stmt)->column_text(0), "b");
    // Left mid-result on purpose: the handle's release must reset it.
  }
  auto again = db_.cached(kByMinPrice);
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)->raw(), first_raw);
  // Bindings were cleared: the parameter is NULL, and nothing is >= NULL.
  EXPECT_FALSE((*again)->step().value());
  (*again)->reset();
  ASSERT_TRUE((*again)->bind(1, 0));
  ASSERT_TRUE((*again)->step().value());
  EXPECT_EQ((*again)->column_text(0), "a");  // starts from the first row again
}

TEST_F(SqliteStatementCache, ReleasedStatementDoesNotHoldAReadSnapshot) {
  {
    auto stmt = db_.cached(kByMinPrice);
    ASSERT_TRUE(stmt);
    ASSERT_TRUE((*stmt)->bind(1, 0));
    ASSERT_TRUE((*stmt)->step().value());
  }
  // If the statement were still mid-read, the connection would be inside a read transaction.
  EXPECT_FALSE(db_.in_transaction());
  Database other = testutil::open_db(dir_ / "cache.db");
  testutil::exec_or_throw(other, "INSERT INTO item VALUES ('d', 5000)");
  EXPECT_EQ(db_.query_one<std::string>("SELECT max(sku) FROM item").value(), "d");
}

TEST_F(SqliteStatementCache, StatementInUseIsNotHandedOutTwice) {
  auto outer = db_.cached(kByMinPrice);
  ASSERT_TRUE(outer);
  ASSERT_TRUE((*outer)->bind(1, 0));
  ASSERT_TRUE((*outer)->step().value());
  EXPECT_EQ((*outer)->column_text(0), "a");
  {
    auto inner = db_.cached(kByMinPrice);
    ASSERT_TRUE(inner);
    EXPECT_NE((*inner)->raw(), (*outer)->raw());
    ASSERT_TRUE((*inner)->bind(1, 900));
    ASSERT_TRUE((*inner)->step().value());
    EXPECT_EQ((*inner)->column_text(0), "c");
  }
  // The outer iteration was not disturbed.
  ASSERT_TRUE((*outer)->step().value());
  EXPECT_EQ((*outer)->column_text(0), "b");
}

TEST_F(SqliteStatementCache, DifferentSqlGetsDifferentStatementsAndBadSqlIsNotCached) {
  auto a = db_.cached("SELECT 1");
  auto b = db_.cached("SELECT 2");
  ASSERT_TRUE(a && b);
  EXPECT_NE((*a)->raw(), (*b)->raw());
  auto bad = db_.cached("SELECT FROM WHERE");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind(), Errc::database);
  auto bad_again = db_.cached("SELECT FROM WHERE");
  EXPECT_FALSE(bad_again);
}

}  // namespace
}  // namespace storeedge::sqlite
