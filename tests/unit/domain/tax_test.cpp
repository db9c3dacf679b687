#include "edge/domain/tax.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace storeedge::domain {
namespace {

TEST(Tax, SplitsInclusiveGrossSoPartsAddUp) {
  // 12.10 at 21 %: 1210 * 10000 / 12100 = 1000.00 -> base 10.00, tax 2.10.
  EXPECT_EQ(split_inclusive(2100, 1210), (TaxLine{2100, 1210, 1000, 210}));
  // 10.00 at 21 %: 100000 / 121 = 826.446 -> base 8.26, tax 1.74.
  EXPECT_EQ(split_inclusive(2100, 1000), (TaxLine{2100, 1000, 826, 174}));
  // 1.04 at 4 %: 1040000 / 10400 = 100 -> base 1.00, tax 0.04.
  EXPECT_EQ(split_inclusive(400, 104), (TaxLine{400, 104, 100, 4}));
  // 0 % keeps everything as base.
  EXPECT_EQ(split_inclusive(0, 999), (TaxLine{0, 999, 999, 0}));
}

TEST(Tax, RoundsOncePerRateNotPerLine) {
  // Three lines of 0.10 at 21 %: per line base would be round(8.264) = 8 -> 24 in total, but the rule
  // is per rate: 30 * 10000 / 12100 = 24.79 -> 25, tax 5.
  const std::vector<TaxableAmount> amounts{{2100, 10}, {1000, 550}, {2100, 10}, {2100, 10}};
  const auto lines = tax_breakdown(amounts);
  ASSERT_EQ(lines.size(), 2u);
  // 5.50 at 10 %: 5500000 / 11000 = 500 -> base 5.00, tax 0.50. Rates come out ascending.
  EXPECT_EQ(lines[0], (TaxLine{1000, 550, 500, 50}));
  EXPECT_EQ(lines[1], (TaxLine{2100, 30, 25, 5}));
}

TEST(Tax, TableRejectsUnknownDuplicateAndOutOfRange) {
  auto table = TaxTable::create({{"general", 2100}, {"reduced", 1000}});
  ASSERT_TRUE(table);
  EXPECT_EQ(table->rate_for("reduced").value(), 1000);
  auto unknown = table->rate_for("luxury");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind(), Errc::invalid_argument);
  EXPECT_EQ(unknown.error().message(), "unknown tax class 'luxury'");
  EXPECT_FALSE(TaxTable::create({{"general", 2100}, {"general", 1000}}));
  EXPECT_FALSE(TaxTable::create({{"general", -1}}));
  EXPECT_FALSE(TaxTable::create({{"", 0}}));
}

}  // namespace
}  // namespace storeedge::domain
