// Typed binds and reads survive a round trip through SQLite unchanged: integers at the int64
// limits, doubles, text, binary blobs with zero bytes, and NULL via nullopt/nullptr/optional.
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "platform/sqlite/database.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/sqlite/sqlite_test_util.hpp"

namespace storeedge::sqlite {
namespace {

class SqliteStatement : public ::testing::Test {
 protected:
  void SetUp() override {
    testutil::exec_or_throw(db_, "CREATE TABLE v(id INTEGER PRIMARY KEY, i INTEGER, d REAL, t TEXT, b BLOB)");
  }
  test::TempDir dir_{"sqlite-stmt"};
  Database db_ = testutil::open_db(dir_ / "stmt.db");
};

std::vector<std::byte> bytes(std::initializer_list<int> values) {
  std::vector<std::byte> out;
  for (int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

TEST_F(SqliteStatement, ExtremeIntegersDoublesTextAndBlobsRoundTrip) {
  const auto blob = bytes({0x00, 0xff, 0x00, 0x7f, 0x80});
  const std::string text = "Grüße \"quoted\" ';-- \n second line";
  {
    auto insert = db_.prepare("INSERT INTO v(id, i, d, t, b) VALUES (?, ?, ?, ?, ?)");
    ASSERT_TRUE(insert) << insert.error().what();
    ASSERT_TRUE(insert->bind_all(1, std::numeric_limits<std::int64_t>::max(), 0.1, std::string_view(text),
                                 std::span<const std::byte>(blob)));
    ASSERT_TRUE(insert->run());
    ASSERT_TRUE(insert->bind_all(2, std::numeric_limits<std::int64_t>::min(), -1e300, std::string_view(""),
                                 std::span<const std::byte>()));
    ASSERT_TRUE(insert->run());
  }
  auto select = db_.prepare("SELECT i, d, t, b FROM v ORDER BY id");
  ASSERT_TRUE(select);
  ASSERT_TRUE(select->step().value());
  EXPECT_EQ(select->column_int64(0), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(select->column_double(1), 0.1);
  EXPECT_EQ(select->column_text(2), text);
  EXPECT_EQ(select->column_blob(3), blob);
  EXPECT_FALSE(select->column_is_null(3));

  ASSERT_TRUE(select->step().value());
  EXPECT_EQ(select->get<std::int64_t>(0), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(select->get<double>(1), -1e300);
  EXPECT_EQ(select->get<std::string>(2), "");
  EXPECT_FALSE(select->column_is_null(2));  // empty text is not NULL
  EXPECT_TRUE(select->get<std::vector<std::byte>>(3).empty());
  EXPECT_FALSE(select->column_is_null(3));  // empty blob is not NULL
  EXPECT_FALSE(select->step().value());
}

TEST_F(SqliteStatement, BorrowedTextIsStoredAsGivenAndAnEmptyStringIsNotNull) {
  const std::string text = "Grüße \"quoted\" ';-- \n second line";
  const std::optional<std::string> absent;
  const std::string empty;
  const std::optional<std::string> present("x");
  {
    auto insert = db_.cached("INSERT INTO v(id, i, t, b) VALUES (?, ?, ?, ?)");
    ASSERT_TRUE(insert) << insert.error().what();
    ASSERT_TRUE((*insert)->bind_all_borrowed(1, std::int64_t{7}, text, absent));
    ASSERT_TRUE((*insert)->run());
    ASSERT_TRUE((*insert)->bind_all_borrowed(2, 8, empty, present));
    ASSERT_TRUE((*insert)->run());
  }
  auto select = db_.prepare("SELECT i, t, b FROM v ORDER BY id");
  ASSERT_TRUE(select);
  ASSERT_TRUE(select->step().value());
  EXPECT_EQ(select->get<std::int64_t>(0), 7);
  EXPECT_EQ(select->get<std::string>(1), text);
  EXPECT_TRUE(select->column_is_null(2));
  ASSERT_TRUE(select->step().value());
  EXPECT_FALSE(select->column_is_null(1));  // empty text is not NULL
  EXPECT_EQ(select->get<std::string>(1), "");
  EXPECT_EQ(select->get<std::string>(2), "x");
}

TEST_F(SqliteStatement, AParameterIndexOutsideTheStatementIsAnInvalidArgument) {
  auto insert = db_.prepare("INSERT INTO v(id, t) VALUES (?, ?)");
  ASSERT_TRUE(insert);
  for (int index : {0, 3}) {
    auto text = insert->bind(index, std::string_view("x"));
    ASSERT_FALSE(text);
    EXPECT_EQ(text.error().kind(), Errc::invalid_argument);
    EXPECT_NE(text.error().message().find("out of range 1..2"), std::string::npos) << text.error().message();
    auto number = insert->bind(index, std::int64_t{1});
    ASSERT_FALSE(number);
    EXPECT_EQ(number.error().kind(), Errc::invalid_argument);
    ASSERT_FALSE(insert->bind_borrowed(index, std::string_view("x")));
  }
}

TEST_F(SqliteStatement, NullsFromNulloptNullptrAndEmptyOptionalReadBackAsNullopt) {
  auto insert = db_.prepare("INSERT INTO v(id, i, d, t, b) VALUES (?, ?, ?, ?, ?)");
  ASSERT_TRUE(insert);
  ASSERT_TRUE(insert->bind(1, 1));
  ASSERT_TRUE(insert->bind(2, std::nullopt));
  ASSERT_TRUE(insert->bind(3, nullptr));
  ASSERT_TRUE(insert->bind(4, std::optional<std::string_view>()));
  ASSERT_TRUE(insert->bind(5, std::optional<std::span<const std::byte>>()));
  ASSERT_TRUE(insert->run());
  ASSERT_TRUE(insert->bind_all(2, std::optional<std::int64_t>(-5), std::optional<double>(2.5),
                               std::optional<std::string_view>("x"), std::nullopt));
  ASSERT_TRUE(insert->run());

  auto select = db_.prepare("SELECT i, d, t, b FROM v ORDER BY id");
  ASSERT_TRUE(select);
  ASSERT_TRUE(select->step().value());
  for (int column = 0; column < 4; ++column) EXPECT_TRUE(select->column_is_null(column)) << column;
  EXPECT_EQ(select->get<std::optional<std::int64_t>>(0), std::nullopt);
  EXPECT_EQ(select->get<std::optional<double>>(1), std::nullopt);
  EXPECT_EQ(select->get<std::optional<std::string>>(2), std::nullopt);
  EXPECT_EQ(select->get<std::optional<std::vector<std::byte>>>(3), std::nullopt);

  ASSERT_TRUE(select->step().value());
  EXPECT_EQ(select->get<std::optional<std::int64_t>>(0), -5);
  EXPECT_EQ(select->get<std::optional<int>>(0), -5);
  EXPECT_EQ(select->get<std::optional<double>>(1), 2.5);
  EXPECT_EQ(select->get<std::optional<std::string>>(2), "x");
  EXPECT_TRUE(select->column_is_null(3));
}

TEST_F(SqliteStatement, BindingOutsideTheParameterRangeIsRejected) {
  auto insert = db_.prepare("INSERT INTO v(id, i) VALUES (?, ?)");
  ASSERT_TRUE(insert);
  EXPECT_EQ(insert->parameter_count(), 2);
  auto zero = insert->bind(0, 1);
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().kind(), Errc::invalid_argument);
  auto three = insert->bind(3, 1);
  ASSERT_FALSE(three);
  EXPECT_NE(three.error().message().find("parameter index 3 is out of range 1..2"), std::string::npos)
      << three.error().message();
  auto too_few = insert->bind_all(1);
  ASSERT_FALSE(too_few);
  EXPECT_EQ(too_few.error().kind(), Errc::invalid_argument);
  EXPECT_EQ(testutil::count_rows(db_, "v"), 0);
}

TEST_F(SqliteStatement, QueryOneReturnsFirstColumnOrNulloptWhenNoRow) {
  testutil::exec_or_throw(db_, "INSERT INTO v(id, i, t) VALUES (1, 10, 'ten'), (2, 20, 'twenty')");
  auto twenty = db_.query_one<std::string>("SELECT t FROM v WHERE i = ?", 20);
  ASSERT_TRUE(twenty);
  EXPECT_EQ(*twenty, "twenty");
  auto none = db_.query_one<std::string>("SELECT t FROM v WHERE i = ?", 30);
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, std::nullopt);
  auto null_column = db_.query_one<std::optional<double>>("SELECT d FROM v WHERE id = ?", 1);
  ASSERT_TRUE(null_column);
  ASSERT_TRUE(null_column->has_value());
  EXPECT_EQ(**null_column, std::nullopt);
  auto bad = db_.query_one<int>("SELECT nope FROM v");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind(), Errc::database);
}

TEST_F(SqliteStatement, LastInsertRowidAndChangesReportTheLastWrite) {
  testutil::exec_or_throw(db_, "INSERT INTO v(id, i) VALUES (41, 1)");
  EXPECT_EQ(db_.last_insert_rowid(), 41);
  testutil::exec_or_throw(db_, "INSERT INTO v(i) VALUES (2), (3)");
  EXPECT_EQ(db_.last_insert_rowid(), 43);
  testutil::exec_or_throw(db_, "UPDATE v SET i = i + 1 WHERE id > 41");
  EXPECT_EQ(db_.changes(), 2);
}

}  // namespace
}  // namespace storeedge::sqlite
