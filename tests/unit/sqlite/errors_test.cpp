// SQLite failures become storeedge errors of the right kind, keeping the extended code and
// saying which SQL failed.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "platform/sqlite/database.hpp"
#include "platform/sqlite/sqlite_error.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/sqlite/sqlite_test_util.hpp"

namespace storeedge::sqlite {
namespace {

TEST(SqliteErrors, ResultCodesMapToErrorKinds) {
  EXPECT_EQ(errc_from_sqlite(SQLITE_FULL), Errc::disk_full);
  EXPECT_EQ(errc_from_sqlite(SQLITE_BUSY), Errc::busy);
  EXPECT_EQ(errc_from_sqlite(SQLITE_BUSY_SNAPSHOT), Errc::busy);
  EXPECT_EQ(errc_from_sqlite(SQLITE_LOCKED), Errc::busy);
  EXPECT_EQ(errc_from_sqlite(SQLITE_CORRUPT), Errc::corrupt);
  EXPECT_EQ(errc_from_sqlite(SQLITE_NOTADB), Errc::corrupt);
  EXPECT_EQ(errc_from_sqlite(SQLITE_CONSTRAINT_UNIQUE), Errc::already_exists);
  EXPECT_EQ(errc_from_sqlite(SQLITE_CONSTRAINT_PRIMARYKEY), Errc::already_exists);
  EXPECT_EQ(errc_from_sqlite(SQLITE_CONSTRAINT_FOREIGNKEY), Errc::conflict);
  EXPECT_EQ(errc_from_sqlite(SQLITE_CONSTRAINT_CHECK), Errc::conflict);
  EXPECT_EQ(errc_from_sqlite(SQLITE_IOERR_FSYNC), Errc::io);
  EXPECT_EQ(errc_from_sqlite(SQLITE_CANTOPEN), Errc::io);
  EXPECT_EQ(errc_from_sqlite(SQLITE_ERROR), Errc::database);
  EXPECT_EQ(errc_from_sqlite(SQLITE_READONLY), Errc::database);
}

class SqliteErrorsOnDb : public ::testing::Test {
 protected:
  void SetUp() override {
    testutil::exec_or_throw(db_,
                            "CREATE TABLE receipt(id INTEGER PRIMARY KEY, number TEXT UNIQUE NOT NULL,"
                            " total INTEGER CHECK (total >= 0))");
    testutil::exec_or_throw(db_, "INSERT INTO receipt(id, number, total) VALUES (1, 'R-1', 100)");
  }
  test::TempDir dir_{"sqlite-errors"};
  Database db_ = testutil::open_db(dir_ / "errors.db");
};

TEST_F(SqliteErrorsOnDb, DuplicateUniqueKeyIsAlreadyExistsWithExtendedCodeAndSql) {
  auto dup = db_.exec("INSERT INTO receipt(id, number, total) VALUES (2, 'R-1', 5)");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().kind(), Errc::already_exists);
  EXPECT_EQ(dup.error().code(), SQLITE_CONSTRAINT_UNIQUE);
  EXPECT_NE(dup.error().message().find("UNIQUE constraint failed: receipt.number"), std::string::npos)
      << dup.error().message();
  EXPECT_NE(dup.error().message().find("INSERT INTO receipt"), std::string::npos);
  EXPECT_EQ(testutil::count_rows(db_, "receipt"), 1);
}

TEST_F(SqliteErrorsOnDb, DuplicatePrimaryKeyThroughAStatementIsAlreadyExists) {
  auto stmt = db_.prepare("INSERT INTO receipt(id, number, total) VALUES (?, ?, ?)");
  ASSERT_TRUE(stmt) << stmt.error().what();
  ASSERT_TRUE(stmt->bind_all(1, std::string_view("R-9"), 5));
  auto run = stmt->run();
  ASSERT_FALSE(run);
  EXPECT_EQ(run.error().kind(), Errc::already_exists);
  EXPECT_EQ(run.error().code(), SQLITE_CONSTRAINT_PRIMARYKEY);
}

TEST_F(SqliteErrorsOnDb, CheckConstraintIsConflict) {
  auto negative = db_.exec("UPDATE receipt SET total = -1 WHERE id = 1");
  ASSERT_FALSE(negative);
  EXPECT_EQ(negative.error().kind(), Errc::conflict);
  EXPECT_EQ(db_.query_one<std::int64_t>("SELECT total FROM receipt WHERE id = 1").value(), 100);
}

TEST_F(SqliteErrorsOnDb, SyntaxErrorIsDatabaseErrorQuotingShortenedSql) {
  std::string long_sql = "SELEC id FROM receipt WHERE number IN (";
  for (int i = 0; i < 100; ++i) long_sql += "'R-" + std::to_string(i) + "',   ";
  long_sql += "'x')";
  auto bad = db_.prepare(long_sql);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind(), Errc::database);
  EXPECT_EQ(bad.error().code(), SQLITE_ERROR);
  EXPECT_NE(bad.error().message().find("syntax error"), std::string::npos) << bad.error().message();
  EXPECT_NE(bad.error().message().find("SELEC id FROM receipt"), std::string::npos);
  EXPECT_LT(bad.error().message().size(), 300u);  // the SQL was shortened
}

TEST_F(SqliteErrorsOnDb, PrepareRefusesMoreThanOneStatement) {
  auto two = db_.prepare("DELETE FROM receipt; DELETE FROM receipt");
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error().kind(), Errc::invalid_argument);
  EXPECT_EQ(testutil::count_rows(db_, "receipt"), 1);
  auto empty = db_.prepare("  -- nothing here\n");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().kind(), Errc::invalid_argument);
}

}  // namespace
}  // namespace storeedge::sqlite
