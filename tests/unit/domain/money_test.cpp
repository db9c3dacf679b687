#include "edge/domain/money.hpp"

#include <cstdint>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

namespace storeedge::domain {
namespace {

TEST(Money, DecimalStringIsPlainAndLocaleFree) {
  EXPECT_EQ(to_decimal_string(1235), "12.35");
  EXPECT_EQ(to_decimal_string(5), "0.05");
  EXPECT_EQ(to_decimal_string(0), "0.00");
  EXPECT_EQ(to_decimal_string(-120), "-1.20");
  EXPECT_EQ(to_decimal_string(std::numeric_limits<std::int64_t>::min()), "-92233720368547758.08");
  EXPECT_EQ(format_money(Money{1235, "EUR"}), "12.35 EUR");
}

TEST(Money, ParsesDecimals) {
  EXPECT_EQ(parse_decimal("12.35").value(), 1235);
  EXPECT_EQ(parse_decimal("12.3").value(), 1230);
  EXPECT_EQ(parse_decimal("7").value(), 700);
  EXPECT_EQ(parse_decimal("-0.05").value(), -5);
  for (const char* bad : {"", "1.234", "1,20", "abc", ".5", "5.", "99999999999999999999"}) {
    auto r = parse_decimal(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
  }
}

TEST(Money, OverflowIsAnErrorNotAWrap) {
  const std::int64_t max = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(checked_add(max - 1, 1).value(), max);
  EXPECT_FALSE(checked_add(max, 1));
  EXPECT_FALSE(checked_sub(std::numeric_limits<std::int64_t>::min(), 1));
  EXPECT_FALSE(checked_mul(max / 2, 3));
  auto r = checked_mul(max / 2, 3);
  EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
  EXPECT_NE(r.error().message().find("overflows"), std::string::npos);
}

TEST(Money, MulDivRoundsHalfAwayFromZero) {
  EXPECT_EQ(mul_div_round(199, 1234, 1000).value(), 246);  // 245.566
  EXPECT_EQ(mul_div_round(250, 1002, 1000).value(), 251);  // 250.5 -> up
  EXPECT_EQ(mul_div_round(250, 1001, 1000).value(), 250);  // 250.25
  EXPECT_EQ(mul_div_round(-250, 1002, 1000).value(), -251);
  EXPECT_FALSE(mul_div_round(1, 1, 0));
}

TEST(Money, LargestRemainderSumsExactly) {
  // 1.30 over 1.50 / 2.00 / 1.80 (sum 5.30): exact shares 36.79, 49.06, 44.15 -> floors 36, 49, 44 (129);
  // the last cent goes to the largest remainder (.79).
  const std::vector<Cents> weights{150, 200, 180};
  EXPECT_EQ(allocate_largest_remainder(130, weights), (std::vector<Cents>{37, 49, 44}));
  // Three equal weights, 1 cent: the tie goes to the lowest index.
  const std::vector<Cents> equal{100, 100, 100};
  EXPECT_EQ(allocate_largest_remainder(1, equal), (std::vector<Cents>{1, 0, 0}));
  const std::vector<Cents> zeros{0, 0};
  EXPECT_EQ(allocate_largest_remainder(0, zeros), (std::vector<Cents>{0, 0}));
}

}  // namespace
}  // namespace storeedge::domain
