// The hybrid logical clock: monotonic under a wall clock that goes back, merging, overflow, storage.
#include <gtest/gtest.h>

#include <vector>

#include "sync/proto/hlc.hpp"

namespace storeedge::sync::proto {
namespace {

constexpr std::int64_t kNov2023 = 1'700'000'000'000;

std::uint64_t ok(Result<std::uint64_t> r) {
  EXPECT_TRUE(r) << r.error().what();
  return r ? *r : 0;
}

TEST(Hlc, LocalEventsFollowTheWallClock) {
  Hlc clock;
  const std::uint64_t a = ok(clock.now(kNov2023));
  EXPECT_EQ(hlc_parts(a), (HlcParts{kNov2023, 0}));
  const std::uint64_t b = ok(clock.now(kNov2023));  // same millisecond: the counter moves
  EXPECT_EQ(hlc_parts(b), (HlcParts{kNov2023, 1}));
  const std::uint64_t c = ok(clock.now(kNov2023 + 5));
  EXPECT_EQ(hlc_parts(c), (HlcParts{kNov2023 + 5, 0}));
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_EQ(clock.last(), c);
}

TEST(Hlc, StaysMonotonicWhenTheWallClockGoesBackTo1970) {
  Hlc clock;
  const std::uint64_t before = ok(clock.now(kNov2023));
  // A kiosk reboots without a battery-backed clock; the restored clock continues from its last stamp.
  Hlc restored(clock.last());
  std::uint64_t previous = before;
  for (std::int64_t wall : {std::int64_t{0}, std::int64_t{1000}, std::int64_t{-5}, kNov2023 - 60'000}) {
    const std::uint64_t next = ok(restored.now(wall));
    EXPECT_GT(next, previous) << "wall " << wall;
    EXPECT_EQ(hlc_parts(next).physical_ms, std::uint64_t{kNov2023});
    previous = next;
  }
}

TEST(Hlc, MergeWithARemoteStampAhead) {
  Hlc kiosk;
  ok(kiosk.now(1000));  // the kiosk thinks it is 1970
  const std::uint64_t hub = hlc_stamp({kNov2023, 7});
  const std::uint64_t merged = ok(kiosk.update(hub, 1000));
  EXPECT_EQ(hlc_parts(merged), (HlcParts{kNov2023, 8}));
  // Later local events stay after the hub's stamp although the wall clock is still in 1970.
  const std::uint64_t local = ok(kiosk.now(2000));
  EXPECT_GT(local, hub);
  EXPECT_EQ(hlc_parts(local), (HlcParts{kNov2023, 9}));
}

TEST(Hlc, MergeWithARemoteStampBehindKeepsTheLocalTime) {
  Hlc clock;
  ok(clock.now(kNov2023));
  const std::uint64_t merged = ok(clock.update(hlc_stamp({kNov2023 - 10, 500}), kNov2023));
  EXPECT_EQ(hlc_parts(merged), (HlcParts{kNov2023, 1}));
  const std::uint64_t later = ok(clock.update(hlc_stamp({kNov2023 - 10, 500}), kNov2023 + 3));
  EXPECT_EQ(hlc_parts(later), (HlcParts{kNov2023 + 3, 0}));
}

TEST(Hlc, MergeWithTheSameMillisecondTakesTheHigherCounter) {
  Hlc clock;
  ok(clock.now(kNov2023));
  const std::uint64_t merged = ok(clock.update(hlc_stamp({kNov2023, 40}), kNov2023));
  EXPECT_EQ(hlc_parts(merged), (HlcParts{kNov2023, 41}));
}

TEST(Hlc, CounterOverflowAdvancesThePhysicalPart) {
  Hlc clock(hlc_stamp({kNov2023, static_cast<std::uint16_t>(kHlcMaxLogical)}));
  const std::uint64_t next = ok(clock.now(0));
  EXPECT_EQ(hlc_parts(next), (HlcParts{kNov2023 + 1, 0}));
  Hlc merging;
  const std::uint64_t merged =
      ok(merging.update(hlc_stamp({kNov2023, static_cast<std::uint16_t>(kHlcMaxLogical)}), 0));
  EXPECT_EQ(hlc_parts(merged), (HlcParts{kNov2023 + 1, 0}));
}

TEST(Hlc, ManyEventsInOneMillisecondStayStrictlyOrdered) {
  Hlc clock;
  std::uint64_t previous = ok(clock.now(kNov2023));
  for (int i = 0; i < 70'000; ++i) {  // more than the 16-bit counter holds
    const std::uint64_t next = ok(clock.now(kNov2023));
    ASSERT_GT(next, previous);
    previous = next;
  }
  EXPECT_EQ(hlc_parts(previous).physical_ms, std::uint64_t{kNov2023 + 1});
}

TEST(Hlc, ExhaustedClockIsAnErrorAndKeepsItsState) {
  const std::uint64_t top = hlc_stamp({kHlcMaxPhysicalMs, static_cast<std::uint16_t>(kHlcMaxLogical)});
  Hlc clock(top);
  auto r = clock.now(kNov2023);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::conflict);
  EXPECT_EQ(clock.last(), top);
  Hlc other;
  EXPECT_FALSE(other.update(top, kNov2023));
  EXPECT_EQ(other.last(), 0u);
}

TEST(Hlc, PhysicalTimeBeyond48BitsIsRefused) {
  Hlc clock;
  auto r = clock.now(static_cast<std::int64_t>(kHlcMaxPhysicalMs) + 1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
  EXPECT_EQ(clock.last(), 0u);
}

TEST(Hlc, StampsOrderByPhysicalThenCounter) {
  std::vector<std::uint64_t> stamps = {hlc_stamp({5, 0}), hlc_stamp({4, 65535}), hlc_stamp({5, 1})};
  EXPECT_LT(stamps[1], stamps[0]);
  EXPECT_LT(stamps[0], stamps[2]);
}

TEST(Hlc, TextFormRoundTripsAndRefusesGarbage) {
  const std::uint64_t s = hlc_stamp({kNov2023, 3});
  EXPECT_EQ(hlc_to_string(s), "1700000000000.3");
  auto back = hlc_from_string("1700000000000.3");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, s);
  for (auto bad : {"", "17", ".3", "17.", "17.x", "x.3", "17.65536", "281474976710656.0", "-1.0", "1.2.3"}) {
    auto r = hlc_from_string(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
  }
}

TEST(Hlc, StorageFormIsAnInt64) {
  const std::uint64_t s = hlc_stamp({kNov2023, 9});
  auto stored = hlc_to_storage(s);
  ASSERT_TRUE(stored);
  auto back = hlc_from_storage(*stored);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, s);
  EXPECT_FALSE(hlc_to_storage(hlc_stamp({kHlcMaxPhysicalMs, 0})));
  auto negative = hlc_from_storage(-1);
  ASSERT_FALSE(negative);
  EXPECT_EQ(negative.error().kind(), Errc::corrupt);
}

TEST(Hlc, HubRefusesStampsFarAheadOfItsClock) {
  const std::uint64_t ahead = hlc_stamp({kNov2023 + 120'000, 0});
  auto s = check_remote_hlc(ahead, kNov2023, 60'000);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("120000 ms ahead"), std::string::npos);
  EXPECT_TRUE(check_remote_hlc(ahead, kNov2023 + 100'000, 60'000));
  EXPECT_TRUE(check_remote_hlc(hlc_stamp({0, 1}), kNov2023, 60'000));
}

TEST(Hlc, NodeStampsBreakTiesByNodeAndTheirTextSortsLikeThem) {
  const NodeStamp a{hlc_stamp({kNov2023, 3}), "node-a"};
  const NodeStamp b{hlc_stamp({kNov2023, 3}), "node-b"};
  const NodeStamp later{hlc_stamp({kNov2023, 4}), "node-a"};
  EXPECT_LT(a, b);
  EXPECT_LT(b, later);
  EXPECT_EQ(to_ordered_text(a), "001700000000000.00003.node-a");
  EXPECT_LT(to_ordered_text(a), to_ordered_text(b));
  EXPECT_LT(to_ordered_text(b), to_ordered_text(later));
  // The counter's full 16 bits fit the five digits, so text order still follows stamp order.
  const NodeStamp top{hlc_stamp({kNov2023, static_cast<std::uint16_t>(kHlcMaxLogical)}), "hub"};
  EXPECT_LT(to_ordered_text(top), to_ordered_text({hlc_stamp({kNov2023 + 1, 0}), "hub"}));
  auto back = parse_ordered_text(to_ordered_text(top));
  ASSERT_TRUE(back) << back.error().what();
  EXPECT_EQ(*back, top);
}

TEST(Hlc, OrderedTextRefusesWhatItDoesNotWrite) {
  for (const char* bad : {"", "1700000000000.3", "00170000000000x.00003.n", "001700000000000.0000x.n",
                          "001700000000000.99999.n", "001700000000000-00003.n"}) {
    auto r = parse_ordered_text(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
    EXPECT_NE(r.error().message().find("WWWWWWWWWWWWWWW.LLLLL.node"), std::string::npos);
  }
}

}  // namespace
}  // namespace storeedge::sync::proto
