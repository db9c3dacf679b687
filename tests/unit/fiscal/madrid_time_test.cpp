// The Europe/Madrid offset from the EU summer-time rule, across both yearly transitions.
#include <gtest/gtest.h>

#include "edge/domain/fiscal/madrid_time.hpp"
#include "edge/domain/fiscal/verifactu_format.hpp"

namespace storeedge::domain::fiscal {
namespace {

// Transition instants cross-checked at test-writing time with `TZ=Europe/Madrid date -d @SECONDS`.
constexpr std::int64_t kSpring2024 = 1'711'846'800;  // 2024-03-31T01:00:00Z
constexpr std::int64_t kAutumn2024 = 1'729'990'800;  // 2024-10-27T01:00:00Z
constexpr std::int64_t kSpring2025 = 1'743'296'400;  // 2025-03-30T01:00:00Z
constexpr std::int64_t kAutumn2025 = 1'761'440'400;  // 2025-10-26T01:00:00Z

TEST(MadridTime, WinterIsPlusOneHour) {
  EXPECT_EQ(madrid_utc_offset_minutes(1'704'067'200), 60);  // 2024-01-01T00:00:00Z
  EXPECT_EQ(madrid_utc_offset_minutes(1'735'689'599), 60);  // 2024-12-31T23:59:59Z
}

TEST(MadridTime, SpringForwardAtOneUtcOnTheLastSundayOfMarch) {
  EXPECT_EQ(madrid_utc_offset_minutes(kSpring2024 - 1), 60);
  EXPECT_EQ(madrid_utc_offset_minutes(kSpring2024), 120);
  EXPECT_EQ(madrid_utc_offset_minutes(kSpring2025 - 1), 60);
  EXPECT_EQ(madrid_utc_offset_minutes(kSpring2025), 120);
  // The local clock jumps from 01:59:59 to 03:00:00.
  EXPECT_EQ(format_generation_time(madrid_generation_time(kSpring2024 - 1)), "2024-03-31T01:59:59+01:00");
  EXPECT_EQ(format_generation_time(madrid_generation_time(kSpring2024)), "2024-03-31T03:00:00+02:00");
}

TEST(MadridTime, FallBackAtOneUtcOnTheLastSundayOfOctober) {
  EXPECT_EQ(madrid_utc_offset_minutes(kAutumn2024 - 1), 120);
  EXPECT_EQ(madrid_utc_offset_minutes(kAutumn2024), 60);
  EXPECT_EQ(madrid_utc_offset_minutes(kAutumn2025 - 1), 120);
  EXPECT_EQ(madrid_utc_offset_minutes(kAutumn2025), 60);
  // The local hour 02:00-02:59 happens twice; the offset tells the two apart.
  EXPECT_EQ(format_generation_time(madrid_generation_time(kAutumn2024 - 1)), "2024-10-27T02:59:59+02:00");
  EXPECT_EQ(format_generation_time(madrid_generation_time(kAutumn2024)), "2024-10-27T02:00:00+01:00");
}

TEST(MadridTime, MidSummerIsPlusTwoHours) {
  EXPECT_EQ(madrid_utc_offset_minutes(1'721'030'400), 120);  // 2024-07-15T08:00:00Z
}

}  // namespace
}  // namespace storeedge::domain::fiscal
