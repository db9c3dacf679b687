// Opening a database: the settings storeedge relies on are in force, and files that are not
// databases (or cannot be opened) are refused with a clear error.
#include <fstream>

#include <gtest/gtest.h>

#include "platform/sqlite/database.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/sqlite/sqlite_test_util.hpp"

namespace storeedge::sqlite {
namespace {

using namespace std::chrono_literals;
using testutil::open_db;

TEST(SqliteOpen, DurableDefaultsAreInForce) {
  test::TempDir dir("sqlite-open");
  Database db = open_db(dir / "replica.db");
  EXPECT_EQ(db.pragma_text("journal_mode").value(), "wal");
  EXPECT_EQ(db.pragma_text("synchronous").value(), "2");  // FULL
  EXPECT_EQ(db.pragma_text("foreign_keys").value(), "1");
  EXPECT_EQ(db.pragma_text("busy_timeout").value(), "5000");
  EXPECT_TRUE(std::filesystem::exists(dir / "replica.db"));
}

TEST(SqliteOpen, NonDurableUsesSynchronousNormalAndCustomTimeout) {
  test::TempDir dir("sqlite-open");
  OpenOptions options;
  options.durable = false;
  options.busy_timeout = 250ms;
  Database db = open_db(dir / "cache.db", options);
  EXPECT_EQ(db.pragma_text("journal_mode").value(), "wal");
  EXPECT_EQ(db.pragma_text("synchronous").value(), "1");  // NORMAL
  EXPECT_EQ(db.pragma_text("busy_timeout").value(), "250");
}

TEST(SqliteOpen, ForeignKeysAreEnforced) {
  test::TempDir dir("sqlite-open");
  Database db = open_db(dir / "fk.db");
  testutil::exec_or_throw(db,
                          "CREATE TABLE parent(id INTEGER PRIMARY KEY);"
                          "CREATE TABLE child(parent_id INTEGER NOT NULL REFERENCES parent(id));");
  auto orphan = db.exec("INSERT INTO child VALUES (42)");
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().kind(), Errc::conflict);
}

TEST(SqliteOpen, InMemoryDatabaseIsRefusedBecauseWalCannotTakeEffect) {
  auto db = Database::open(":memory:");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().kind(), Errc::database);
  EXPECT_NE(db.error().what().find("journal_mode=WAL did not take effect"), std::string::npos)
      << db.error().what();
}

TEST(SqliteOpen, GarbageFileIsRefusedAsCorruptNamingThePath) {
  test::TempDir dir("sqlite-open");
  const auto path = dir / "not-a-db.db";
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 512; ++i) out << "this is a text file, not SQLite. ";
  }
  const auto size_before = std::filesystem::file_size(path);
  auto db = Database::open(path);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().kind(), Errc::corrupt);
  EXPECT_NE(db.error().what().find(path.string()), std::string::npos) << db.error().what();
  EXPECT_EQ(std::filesystem::file_size(path), size_before);  // nothing was written to it
}

TEST(SqliteOpen, MissingFileWithoutCreateIsAnIoError) {
  test::TempDir dir("sqlite-open");
  OpenOptions options;
  options.create = false;
  auto db = Database::open(dir / "absent.db", options);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().kind(), Errc::io);
  EXPECT_FALSE(std::filesystem::exists(dir / "absent.db"));
}

TEST(SqliteOpen, UnknownVfsIsRefused) {
  test::TempDir dir("sqlite-open");
  OpenOptions options;
  options.vfs = "no-such-vfs";
  auto db = Database::open(dir / "x.db", options);
  ASSERT_FALSE(db);
  EXPECT_NE(db.error().what().find("no-such-vfs"), std::string::npos) << db.error().what();
}

TEST(SqliteOpen, ReadOnlyConnectionReadsButCannotWrite) {
  test::TempDir dir("sqlite-open");
  const auto path = dir / "ro.db";
  Database writer = open_db(path);
  testutil::exec_or_throw(writer, "CREATE TABLE t(x); INSERT INTO t VALUES (1), (2);");

  OpenOptions options;
  options.read_only = true;
  Database reader = open_db(path, options);
  EXPECT_EQ(testutil::count_rows(reader, "t"), 2);
  auto write = reader.exec("INSERT INTO t VALUES (3)");
  ASSERT_FALSE(write);
  EXPECT_EQ(testutil::count_rows(writer, "t"), 2);
}

TEST(SqliteOpen, PragmaTextRejectsSqlInTheName) {
  test::TempDir dir("sqlite-open");
  Database db = open_db(dir / "p.db");
  auto value = db.pragma_text("user_version; DROP TABLE x");
  ASSERT_FALSE(value);
  EXPECT_EQ(value.error().kind(), Errc::invalid_argument);
}

TEST(SqliteOpen, MovedDatabaseKeepsWorking) {
  test::TempDir dir("sqlite-open");
  Database first = open_db(dir / "m.db");
  testutil::exec_or_throw(first, "CREATE TABLE t(x); INSERT INTO t VALUES (7);");
  Database second = std::move(first);
  EXPECT_EQ(second.query_one<int>("SELECT x FROM t").value(), 7);
}

}  // namespace
}  // namespace storeedge::sqlite
