// Migrations: a fresh database gets the whole schema, an old one only what it lacks, a failing
// step changes nothing, and a database from a newer build is refused.
#include <array>
#include <span>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "platform/sqlite/migrations.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/sqlite/sqlite_test_util.hpp"

namespace storeedge::sqlite {
namespace {

constexpr std::array<Migration, 3> kMigrations{{
    {1, "create_item", "CREATE TABLE item(sku TEXT PRIMARY KEY, name TEXT NOT NULL);"},
    {2, "add_price", "ALTER TABLE item ADD COLUMN price INTEGER NOT NULL DEFAULT 0;"},
    {3, "create_sale",
     "CREATE TABLE sale(id INTEGER PRIMARY KEY, sku TEXT NOT NULL REFERENCES item(sku));"
     "CREATE INDEX sale_by_sku ON sale(sku);"},
}};

bool has_table(Database& db, std::string_view table) {
  auto n = db.query_one<int>("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?", table);
  return n && *n && **n == 1;
}

class SqliteMigrations : public ::testing::Test {
 protected:
  test::TempDir dir_{"sqlite-migrate"};
  Database db_ = testutil::open_db(dir_ / "schema.db");
};

TEST_F(SqliteMigrations, FreshDatabaseGetsAllMigrations) {
  ASSERT_TRUE(migrate(db_, kMigrations));
  EXPECT_EQ(db_.user_version().value(), 3);
  EXPECT_TRUE(has_table(db_, "item"));
  EXPECT_TRUE(has_table(db_, "sale"));
  testutil::exec_or_throw(db_, "INSERT INTO item(sku, name, price) VALUES ('a', 'Apple', 120)");
  // Running again is a no-op.
  ASSERT_TRUE(migrate(db_, kMigrations));
  EXPECT_EQ(db_.user_version().value(), 3);
  EXPECT_EQ(testutil::count_rows(db_, "item"), 1);
}

TEST_F(SqliteMigrations, OlderDatabaseGetsOnlyPendingMigrationsAndKeepsData) {
  ASSERT_TRUE(migrate(db_, std::span(kMigrations).first(1)));
  EXPECT_EQ(db_.user_version().value(), 1);
  testutil::exec_or_throw(db_, "INSERT INTO item(sku, name) VALUES ('a', 'Apple')");

  ASSERT_TRUE(migrate(db_, kMigrations));
  EXPECT_EQ(db_.user_version().value(), 3);
  EXPECT_EQ(db_.query_one<std::string>("SELECT name FROM item WHERE sku = 'a'").value(), "Apple");
  EXPECT_EQ(db_.query_one<std::int64_t>("SELECT price FROM item WHERE sku = 'a'").value(), 0);
}

TEST_F(SqliteMigrations, FailingMigrationRollsBackEverythingAndNamesTheStep) {
  ASSERT_TRUE(migrate(db_, std::span(kMigrations).first(1)));
  testutil::exec_or_throw(db_, "INSERT INTO item(sku, name) VALUES ('a', 'Apple')");
  const std::array<Migration, 4> broken{{
      kMigrations[0],
      kMigrations[1],
      {3, "create_receipt", "CREATE TABLE receipt(id INTEGER PRIMARY KEY); CREAT INDEX oops ON receipt(id);"},
      {4, "never_reached", "CREATE TABLE never(x);"},
  }};
  auto result = migrate(db_, broken);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind(), Errc::database);
  EXPECT_NE(result.error().what().find("migration 3 (create_receipt)"), std::string::npos)
      << result.error().what();
  // Migration 2 ran inside the same transaction and was rolled back with it.
  EXPECT_EQ(db_.user_version().value(), 1);
  EXPECT_FALSE(has_table(db_, "receipt"));
  EXPECT_FALSE(db_.query_one<std::int64_t>("SELECT price FROM item").has_value());  // no such column
  EXPECT_EQ(testutil::count_rows(db_, "item"), 1);
  EXPECT_FALSE(db_.in_transaction());
}

TEST_F(SqliteMigrations, FailureAtVersionThreeLeavesVersionTwoSchemaIntact) {
  ASSERT_TRUE(migrate(db_, std::span(kMigrations).first(2)));
  const std::array<Migration, 3> broken{{
      kMigrations[0],
      kMigrations[1],
      {3, "create_sale", "CREATE TABLE sale(id INTEGER PRIMARY KEY); INSERT INTO missing VALUES (1);"},
  }};
  ASSERT_FALSE(migrate(db_, broken));
  EXPECT_EQ(db_.user_version().value(), 2);
  EXPECT_FALSE(has_table(db_, "sale"));
  testutil::exec_or_throw(db_, "INSERT INTO item(sku, name, price) VALUES ('b', 'Bread', 250)");
  // The fixed build then migrates normally.
  ASSERT_TRUE(migrate(db_, kMigrations));
  EXPECT_EQ(db_.user_version().value(), 3);
}

TEST_F(SqliteMigrations, NewerDatabaseIsRefusedUntouched) {
  testutil::exec_or_throw(db_, "CREATE TABLE future(x); PRAGMA user_version = 7;");
  const std::array<Migration, 5> five{{{1, "a", "CREATE TABLE a(x);"},
                                       {2, "b", "CREATE TABLE b(x);"},
                                       {3, "c", "CREATE TABLE c(x);"},
                                       {4, "d", "CREATE TABLE d(x);"},
                                       {5, "e", "CREATE TABLE e(x);"}}};
  auto result = migrate(db_, five);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind(), Errc::unsupported);
  EXPECT_EQ(result.error().message(),
            "database schema version 7 is newer than this build supports (5); upgrade storeedge");
  EXPECT_EQ(db_.user_version().value(), 7);
  EXPECT_FALSE(has_table(db_, "a"));
}

TEST_F(SqliteMigrations, MisnumberedListIsRejectedBeforeTouchingTheDatabase) {
  const std::array<Migration, 2> gap{{{1, "a", "CREATE TABLE a(x);"}, {3, "c", "CREATE TABLE c(x);"}}};
  auto result = migrate(db_, gap);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind(), Errc::invalid_argument);
  EXPECT_NE(result.error().message().find("'c' has version 3 at position 2"), std::string::npos)
      << result.error().message();
  EXPECT_EQ(db_.user_version().value(), 0);
  EXPECT_FALSE(has_table(db_, "a"));
}

// expand_in_list_checks: the same constraint, without the temporary b-tree SQLite builds per row.
constexpr std::array<Migration, 2> kChecks{{
    {1, "create_move",
     "CREATE TABLE move(id INTEGER PRIMARY KEY,\n"
     "  reason TEXT NOT NULL CHECK (reason IN ('sale', 'return',\n    'hub', 'adjust')),\n"
     "  sign INTEGER NOT NULL CHECK (sign IN (-1, 0, 1)),\n"
     "  kind TEXT CHECK (kind IN ('in', 'out')));"
     "INSERT INTO move (reason, sign, kind) VALUES ('sale', -1, 'out'), ('hub', 1, NULL);"},
    {2, "checks without temporary b-trees", "", expand_in_list_checks},
}};

bool builds_temporary_btree(Database& db, std::string_view insert) {
  auto plan = db.prepare("EXPLAIN " + std::string(insert));
  if (!plan) throw std::runtime_error(plan.error().what());
  while (true) {
    auto row = plan->step();
    if (!row || !*row) return false;
    if (plan->get<std::string>(1) == "OpenEphemeral") return true;
  }
}

TEST_F(SqliteMigrations, InListChecksBecomeComparisonsThatRefuseTheSameRowsAndKeepTheData) {
  constexpr std::string_view insert = "INSERT INTO move (reason, sign, kind) VALUES ('return', 0, 'in')";
  ASSERT_TRUE(migrate(db_, std::span(kChecks).first(1)));
  EXPECT_TRUE(builds_temporary_btree(db_, insert)) << "SQLite no longer builds one: this step is moot";
  ASSERT_TRUE(migrate(db_, kChecks));
  EXPECT_FALSE(builds_temporary_btree(db_, insert));
  auto sql = db_.query_one<std::string>("SELECT sql FROM sqlite_schema WHERE name = 'move'");
  ASSERT_TRUE(sql && *sql);
  EXPECT_NE(
      (*sql)->find("CHECK (reason = 'sale' OR reason = 'return' OR reason = 'hub' OR reason = 'adjust')"),
      std::string::npos)
      << **sql;
  EXPECT_NE((*sql)->find("CHECK (sign = -1 OR sign = 0 OR sign = 1)"), std::string::npos) << **sql;
  EXPECT_NE((*sql)->find("CHECK (kind IN ('in', 'out'))"), std::string::npos)
      << "two words stay as they were";
  EXPECT_EQ(testutil::count_rows(db_, "move"), 2);
  testutil::exec_or_throw(db_, insert);
  testutil::exec_or_throw(db_, "INSERT INTO move (reason, sign) VALUES ('adjust', 1)");  // NULL kind passes
  EXPECT_FALSE(db_.exec("INSERT INTO move (reason, sign) VALUES ('theft', 1)"));
  EXPECT_FALSE(db_.exec("INSERT INTO move (reason, sign) VALUES ('sale', 2)"));
  EXPECT_FALSE(db_.exec("INSERT INTO move (reason, sign) VALUES (NULL, 1)"));
  EXPECT_EQ(testutil::count_rows(db_, "move"), 4);
  auto check = db_.query_one<std::string>("PRAGMA integrity_check");
  ASSERT_TRUE(check && *check);
  EXPECT_EQ(**check, "ok");
  // A second connection reads the new definitions too.
  Database other = testutil::open_db(dir_ / "schema.db");
  EXPECT_FALSE(builds_temporary_btree(other, insert));
}

}  // namespace
}  // namespace storeedge::sqlite
