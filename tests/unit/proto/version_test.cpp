// Protocol version negotiation: a hub serves a range and names who must upgrade.
#include <gtest/gtest.h>

#include "sync/proto/version.hpp"

namespace storeedge::sync::proto {
namespace {

TEST(ProtocolVersion, VersionsInsideTheRangeAreServed) {
  EXPECT_TRUE(check_protocol_version(1, 1, 2));
  EXPECT_TRUE(check_protocol_version(2, 1, 2));
  EXPECT_TRUE(check_protocol_version(kProtocolVersion, kMinProtocolVersion, kProtocolVersion));
}

TEST(ProtocolVersion, NewerClientIsToldToUpgradeTheHub) {
  auto s = check_protocol_version(3, 1, 2);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), Errc::unsupported);
  EXPECT_EQ(s.error().message(), "client speaks protocol 3; this hub serves 1 to 2: upgrade the hub");
}

TEST(ProtocolVersion, OlderClientIsToldToUpgradeTheNode) {
  auto s = check_protocol_version(1, 2, 4);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), Errc::unsupported);
  EXPECT_EQ(s.error().message(), "client speaks protocol 1; this hub serves 2 to 4: upgrade the node");
}

TEST(ProtocolVersion, MissingVersionIsAnInvalidRequest) {
  auto s = check_protocol_version(0, 1, 2);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), Errc::invalid_argument);
  EXPECT_NE(s.error().message().find("no protocol_version"), std::string::npos);
}

TEST(ProtocolVersion, EmptyHubRangeIsABug) {
  auto s = check_protocol_version(1, 3, 2);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), Errc::internal);
}

}  // namespace
}  // namespace storeedge::sync::proto
