// Capped exponential backoff with full jitter, with a fixed random source and a manual clock.
#include <gtest/gtest.h>

#include "sync/client/backoff.hpp"

namespace storeedge::sync::client {
namespace {

using std::chrono::milliseconds;

TEST(BackoffTest, CeilingDoublesFromTheBaseAndStopsAtTheCap) {
  ManualClock clock;
  Backoff b(clock, [](std::uint64_t bound) { return bound; }, {milliseconds{500}, milliseconds{60'000}});
  EXPECT_EQ(b.failed(), milliseconds{500});
  EXPECT_EQ(b.failed(), milliseconds{1000});
  EXPECT_EQ(b.failed(), milliseconds{2000});
  for (int i = 0; i < 20; ++i) EXPECT_LE(b.failed(), milliseconds{60'000});
  EXPECT_EQ(b.failed(), milliseconds{60'000});
  EXPECT_EQ(b.ceiling_after(1'000'000), milliseconds{60'000});  // no overflow after days offline
}

TEST(BackoffTest, FullJitterDrawsFromZeroToTheCeiling) {
  ManualClock clock;
  std::vector<std::uint64_t> bounds;
  std::uint64_t next = 0;
  Backoff b(clock,
            [&](std::uint64_t bound) {
              bounds.push_back(bound);
              return next;
            },
            {milliseconds{100}, milliseconds{1000}});
  next = 0;
  EXPECT_EQ(b.failed(), milliseconds{0});  // the lowest draw retries at once
  next = 150;
  EXPECT_EQ(b.failed(), milliseconds{150});
  next = 999'999;  // a source that overshoots is clamped to the ceiling
  EXPECT_EQ(b.failed(), milliseconds{400});
  EXPECT_EQ(bounds, (std::vector<std::uint64_t>{100, 200, 400}));
}

TEST(BackoffTest, WaitsUntilTheChosenTimeAndASuccessStartsOver) {
  ManualClock clock;
  Backoff b(clock, [](std::uint64_t bound) { return bound / 2; }, {milliseconds{1000}, milliseconds{8000}});
  EXPECT_TRUE(b.ready());
  EXPECT_EQ(b.failed(), milliseconds{500});
  EXPECT_FALSE(b.ready());
  clock.advance(milliseconds{499});
  EXPECT_FALSE(b.ready());
  clock.advance(milliseconds{1});
  EXPECT_TRUE(b.ready());
  b.succeeded();
  EXPECT_EQ(b.consecutive_failures(), 0);
  EXPECT_EQ(b.failed(), milliseconds{500});
}

TEST(BackoffTest, SystemRandomStaysWithinTheBound) {
  auto random = system_random();
  for (int i = 0; i < 1000; ++i) EXPECT_LE(random(37), 37u);
  EXPECT_EQ(random(0), 0u);
}

}  // namespace
}  // namespace storeedge::sync::client
