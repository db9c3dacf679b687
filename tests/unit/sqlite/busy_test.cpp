// Two writers: the second waits up to its busy_timeout for the write lock, then gets
// Errc::busy; once the first commits, the second proceeds and sees its data.
#include <chrono>

#include <gtest/gtest.h>

#include "platform/sqlite/database.hpp"
#include "platform/sqlite/transaction.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/sqlite/sqlite_test_util.hpp"

namespace storeedge::sqlite {
namespace {

using namespace std::chrono_literals;

TEST(SqliteBusy, SecondWriterGetsBusyAfterItsTimeout) {
  test::TempDir dir("sqlite-busy");
  const auto path = dir / "shared.db";
  Database first = testutil::open_db(path);
  testutil::exec_or_throw(first, "CREATE TABLE sale(id INTEGER PRIMARY KEY, till TEXT)");
  OpenOptions impatient;
  impatient.busy_timeout = 150ms;
  Database second = testutil::open_db(path, impatient);

  auto holding = Transaction::begin(first);
  ASSERT_TRUE(holding);
  testutil::exec_or_throw(first, "INSERT INTO sale(till) VALUES ('first')");

  const auto start = std::chrono::steady_clock::now();
  auto blocked = Transaction::begin(second);
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().kind(), Errc::busy) << blocked.error().what();
  EXPECT_GE(waited, 140ms);  // it waited for the lock instead of failing at once
  EXPECT_LT(waited, 10s);

  auto direct = second.exec("INSERT INTO sale(till) VALUES ('second')");
  ASSERT_FALSE(direct);
  EXPECT_EQ(direct.error().kind(), Errc::busy);
  EXPECT_FALSE(second.in_transaction());

  ASSERT_TRUE(holding->commit());
  auto now_free = Transaction::begin(second);
  ASSERT_TRUE(now_free) << now_free.error().what();
  testutil::exec_or_throw(second, "INSERT INTO sale(till) VALUES ('second')");
  ASSERT_TRUE(now_free->commit());
  EXPECT_EQ(testutil::count_rows(first, "sale"), 2);
}

}  // namespace
}  // namespace storeedge::sqlite
