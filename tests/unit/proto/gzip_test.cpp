// gzip bodies: round trips, and corrupt, truncated or oversized bodies refused with a clear error.
#include <gtest/gtest.h>

#include <string>

#include "sync/proto/gzip.hpp"

namespace storeedge::sync::proto {
namespace {

std::string sample_json(std::size_t rows) {
  std::string out = "[";
  for (std::size_t i = 0; i < rows; ++i) {
    out +=
        R"({"sku":"SKU-)" + std::to_string(i) + R"(","price_cents":)" + std::to_string(100 + i % 97) + "},";
  }
  out += "{}]";
  return out;
}

TEST(Gzip, RoundTripsAndShrinksJson) {
  const std::string body = sample_json(5000);
  auto packed = gzip_compress(body);
  ASSERT_TRUE(packed) << packed.error().what();
  EXPECT_LT(packed->size(), body.size() / 4);
  EXPECT_EQ(packed->substr(0, 2), "\x1f\x8b");  // a gzip member, as Content-Encoding: gzip requires
  auto unpacked = gzip_decompress(*packed);
  ASSERT_TRUE(unpacked) << unpacked.error().what();
  EXPECT_EQ(*unpacked, body);
}

TEST(Gzip, EmptyAndBinaryBodiesRoundTrip) {
  std::string binary;
  for (int i = 0; i < 300'000; ++i) binary += static_cast<char>((i * 7919) & 0xff);
  for (const std::string& body : {std::string(), binary}) {
    auto packed = gzip_compress(body, 1);
    ASSERT_TRUE(packed);
    auto unpacked = gzip_decompress(*packed);
    ASSERT_TRUE(unpacked) << unpacked.error().what();
    EXPECT_EQ(*unpacked, body);
  }
}

TEST(Gzip, ZipBombIsRefusedAtTheLimit) {
  // 64 MiB of zeros compress to about 64 KiB.
  auto bomb = gzip_compress(std::string(std::size_t{64} << 20, '\0'), 9);
  ASSERT_TRUE(bomb);
  ASSERT_LT(bomb->size(), std::size_t{1} << 20);
  auto r = gzip_decompress(*bomb);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
  EXPECT_NE(r.error().message().find("more than the limit of 16777216 bytes"), std::string::npos);
  auto small_limit = gzip_decompress(*gzip_compress(std::string(1000, 'a')), 999);
  EXPECT_FALSE(small_limit);
  EXPECT_TRUE(gzip_decompress(*gzip_compress(std::string(1000, 'a')), 1000));
}

TEST(Gzip, TruncatedBodyIsRefused) {
  auto packed = gzip_compress(sample_json(1000));
  ASSERT_TRUE(packed);
  for (std::size_t keep : {std::size_t{0}, std::size_t{5}, packed->size() / 2, packed->size() - 1}) {
    auto r = gzip_decompress(std::string_view(*packed).substr(0, keep));
    ASSERT_FALSE(r) << "kept " << keep;
    EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
  }
  auto r = gzip_decompress(std::string_view(*packed).substr(0, packed->size() - 1));
  EXPECT_NE(r.error().message().find("truncated"), std::string::npos);
}

TEST(Gzip, CorruptBodyIsRefused) {
  auto plain = gzip_decompress("this is not gzip at all");
  ASSERT_FALSE(plain);
  EXPECT_NE(plain.error().message().find("corrupt"), std::string::npos);
  auto packed = gzip_compress(sample_json(1000));
  ASSERT_TRUE(packed);
  std::string flipped = *packed;
  flipped[flipped.size() - 6] = static_cast<char>(flipped[flipped.size() - 6] ^ 0x55);  // CRC32 trailer
  auto r = gzip_decompress(flipped);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
}

TEST(Gzip, BytesAfterTheStreamAreRefused) {
  auto packed = gzip_compress("{}");
  ASSERT_TRUE(packed);
  auto r = gzip_decompress(*packed + "junk");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("after the end"), std::string::npos);
}

TEST(Gzip, BadLevelIsRefused) {
  auto r = gzip_compress("{}", 10);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("gzip level 10"), std::string::npos);
}

}  // namespace
}  // namespace storeedge::sync::proto
