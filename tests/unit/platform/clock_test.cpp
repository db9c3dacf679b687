#include "platform/clock.hpp"

#include <gtest/gtest.h>

namespace storeedge {
namespace {

using namespace std::chrono_literals;

TEST(ManualClock, MovesOnlyWhenAdvanced) {
  ManualClock clock;
  const auto wall = clock.now();
  const auto mono = clock.steady_now();
  EXPECT_EQ(clock.now(), wall);
  clock.advance(1500ms);
  EXPECT_EQ(clock.now() - wall, 1500ms);
  EXPECT_EQ(clock.steady_now() - mono, 1500ms);
}

TEST(ManualClock, WallStepBackDoesNotMoveMonotonicTime) {
  ManualClock clock;
  const auto mono = clock.steady_now();
  clock.set_wall(std::chrono::system_clock::time_point{});  // a kiosk booting in 1970
  EXPECT_EQ(unix_millis(clock.now()), 0);
  EXPECT_EQ(clock.steady_now(), mono);
}

TEST(SystemClock, MonotonicTimeNeverGoesBack) {
  SystemClock clock;
  auto a = clock.steady_now();
  auto b = clock.steady_now();
  EXPECT_LE(a, b);
  EXPECT_GT(unix_millis(clock.now()), 1'600'000'000'000);  // after 2020
}

}  // namespace
}  // namespace storeedge
