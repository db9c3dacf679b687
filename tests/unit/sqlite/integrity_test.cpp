// integrity_check: ok on a healthy database, Errc::corrupt naming the problems when pages on
// disk were damaged while the database was closed.
#include <fstream>

#include <gtest/gtest.h>

#include "platform/sqlite/database.hpp"
#include "platform/sqlite/transaction.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/sqlite/sqlite_test_util.hpp"

namespace storeedge::sqlite {
namespace {

void fill(Database& db, int rows) {
  testutil::exec_or_throw(db,
                          "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
                          "CREATE INDEX item_by_name ON item(name);");
  auto tx = Transaction::begin(db);
  ASSERT_TRUE(tx);
  auto insert = db.prepare("INSERT INTO item(name) VALUES (?)");
  ASSERT_TRUE(insert);
  for (int i = 0; i < rows; ++i) {
    ASSERT_TRUE(insert->bind(1, "item " + std::to_string(i) + std::string(150, 'x')));
    ASSERT_TRUE(insert->run());
  }
  ASSERT_TRUE(tx->commit());
}

TEST(SqliteIntegrity, HealthyDatabasePasses) {
  test::TempDir dir("sqlite-integrity");
  Database db = testutil::open_db(dir / "good.db");
  fill(db, 500);
  auto check = db.integrity_check();
  EXPECT_TRUE(check) << check.error().what();
}

TEST(SqliteIntegrity, DamagedPageIsReportedAsCorrupt) {
  test::TempDir dir("sqlite-integrity");
  const auto path = dir / "damaged.db";
  {
    Database db = testutil::open_db(path);
    fill(db, 2000);
  }  // closing checkpoints the WAL into the main file
  ASSERT_FALSE(std::filesystem::exists(dir / "damaged.db-wal"));
  const auto size = std::filesystem::file_size(path);
  constexpr std::uintmax_t kPage = 4096;
  ASSERT_GT(size / kPage, 20u);
  {
    // Overwrite a whole page in the middle of the file, header included.
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>((size / kPage / 2) * kPage));
    const std::string junk(kPage, '\x5a');
    file.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  Database db = testutil::open_db(path);
  auto check = db.integrity_check();
  ASSERT_FALSE(check);
  EXPECT_EQ(check.error().kind(), Errc::corrupt);
  EXPECT_NE(check.error().what().find(path.string()), std::string::npos) << check.error().what();
}

}  // namespace
}  // namespace storeedge::sqlite
