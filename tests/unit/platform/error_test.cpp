#include "platform/error.hpp"

#include <cerrno>

#include <gtest/gtest.h>

namespace storeedge {
namespace {

Result<int> parse_quantity(int raw) {
  if (raw <= 0) return fail(Errc::invalid_argument, "quantity must be positive, got " + std::to_string(raw));
  return raw;
}

Result<int> add_line(int raw) {
  auto q = parse_quantity(raw);
  if (!q) return fail(q.error().with_context("adding line"));
  return *q;
}

TEST(Error, ContextIsPrependedOutermostFirst) {
  auto r = add_line(0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
  EXPECT_EQ(r.error().message(), "quantity must be positive, got 0");
  EXPECT_EQ(r.error().with_context("sale 7").what(), "sale 7: adding line: quantity must be positive, got 0");
}

TEST(Error, SuccessCarriesTheValue) {
  auto r = add_line(3);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 3);
}

TEST(Error, ErrnoNoSpaceIsDiskFull) {
  Error e = errno_error("writing /data/x", ENOSPC);
  EXPECT_EQ(e.kind(), Errc::disk_full);
  EXPECT_EQ(e.code(), ENOSPC);
  EXPECT_NE(e.what().find("No space left"), std::string::npos);
  EXPECT_EQ(errno_error("open", ENOENT).kind(), Errc::io);
}

}  // namespace
}  // namespace storeedge
