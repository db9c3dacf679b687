// zstd bodies and the choice of request coding: round trips; corrupt, truncated, trailing or
// oversized bodies refused with a clear error; codings a hub does not read refused as unsupported.
#include <zstd.h>

#include <gtest/gtest.h>

#include <string>

#include "sync/proto/content_coding.hpp"
#include "sync/proto/gzip.hpp"
#include "sync/proto/zstd.hpp"

namespace storeedge::sync::proto {
namespace {

std::string sample_json(std::size_t rows) {
  std::string out = "[";
  for (std::size_t i = 0; i < rows; ++i) {
    out += R"({"sku":"SKU-)" + std::to_string(i) + R"(","name":"Oat milk 1 l","price_cents":)" +
           std::to_string(100 + i % 97) + "},";
  }
  out += "{}]";
  return out;
}

// A frame that does not record its content size, as a streaming compressor writes it.
std::string frame_without_size(const std::string& data) {
  ZSTD_CCtx* ctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(ctx, ZSTD_c_contentSizeFlag, 0);
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const std::size_t n = ZSTD_compress2(ctx, out.data(), out.size(), data.data(), data.size());
  ZSTD_freeCCtx(ctx);
  out.resize(ZSTD_isError(n) != 0 ? 0 : n);
  return out;
}

TEST(Zstd, RoundTripsAndShrinksJsonMoreThanGzip) {
  const std::string body = sample_json(5000);
  auto packed = zstd_compress(body);
  ASSERT_TRUE(packed) << packed.error().what();
  EXPECT_EQ(packed->substr(0, 4), std::string("\x28\xb5\x2f\xfd", 4));  // a zstd frame (RFC 8878)
  EXPECT_LT(packed->size(), gzip_compress(body, 1).value().size());
  auto unpacked = zstd_decompress(*packed);
  ASSERT_TRUE(unpacked) << unpacked.error().what();
  EXPECT_EQ(*unpacked, body);
  auto streamed = zstd_decompress(frame_without_size(body));
  ASSERT_TRUE(streamed) << streamed.error().what();
  EXPECT_EQ(*streamed, body);
}

TEST(Zstd, EmptyAndBinaryBodiesRoundTrip) {
  for (const std::string& body : {std::string(), std::string("\0\x01\xff\x00zz", 6)}) {
    auto unpacked = zstd_decompress(zstd_compress(body).value());
    ASSERT_TRUE(unpacked) << unpacked.error().what();
    EXPECT_EQ(*unpacked, body);
  }
}

TEST(Zstd, ABombIsRefusedAtTheLimitWhetherOrNotItDeclaresItsSize) {
  const std::string zeros(4 << 20, '\0');
  for (const std::string& packed : {zstd_compress(zeros).value(), frame_without_size(zeros)}) {
    ASSERT_LT(packed.size(), 4096u);
    auto r = zstd_decompress(packed, 1 << 20);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
    EXPECT_NE(r.error().what().find("more than the limit of 1048576 bytes"), std::string::npos)
        << r.error().what();
  }
}

TEST(Zstd, TruncatedCorruptAndTrailingBodiesAreRefused) {
  const std::string packed = zstd_compress(sample_json(2000)).value();
  const std::string truncated = packed.substr(0, packed.size() / 2);
  std::string corrupt = packed;
  corrupt[packed.size() / 2] = static_cast<char>(corrupt[packed.size() / 2] ^ 0x5a);
  corrupt[packed.size() / 2 + 1] = static_cast<char>(corrupt[packed.size() / 2 + 1] ^ 0x5a);
  for (const std::string& bad : {truncated, corrupt, packed + "x", std::string("not zstd at all")}) {
    auto r = zstd_decompress(bad);
    ASSERT_FALSE(r) << "accepted a bad body of " << bad.size() << " bytes";
    EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
    EXPECT_NE(r.error().what().find("zstd body"), std::string::npos) << r.error().what();
  }
  EXPECT_FALSE(zstd_compress("x", 0));
  EXPECT_FALSE(zstd_compress("x", 20));
}

TEST(ContentCoding, TheHubReadsIdentityGzipAndZstdAndRefusesOtherCodingsAsUnsupported) {
  const std::string body = sample_json(300);
  EXPECT_EQ(decode_body("", body).value(), body);
  EXPECT_EQ(decode_body("identity", body).value(), body);
  EXPECT_EQ(decode_body("gzip", gzip_compress(body).value()).value(), body);
  EXPECT_EQ(decode_body("ZSTD", zstd_compress(body).value()).value(), body);
  auto br = decode_body("br", body);
  ASSERT_FALSE(br);
  EXPECT_EQ(br.error().kind(), Errc::unsupported);
  EXPECT_NE(br.error().what().find("'br'"), std::string::npos) << br.error().what();
  auto mislabelled = decode_body("zstd", gzip_compress(body).value());
  ASSERT_FALSE(mislabelled);
  EXPECT_EQ(mislabelled.error().kind(), Errc::invalid_argument);
  EXPECT_FALSE(decode_body("identity", body, 10));  // the limit holds for plain bodies too
}

TEST(ContentCoding, AcceptEncodingListsACodingUnlessItsWeightIsZero) {
  EXPECT_TRUE(accepts_coding(kHubAcceptEncoding, "zstd"));
  EXPECT_TRUE(accepts_coding(kHubAcceptEncoding, "gzip"));
  EXPECT_TRUE(accepts_coding("gzip , ZStd;q=0.5", "zstd"));
  EXPECT_FALSE(accepts_coding("gzip, zstd;q=0", "zstd"));
  EXPECT_FALSE(accepts_coding("gzip, zstd; q=0.000", "zstd"));
  EXPECT_FALSE(accepts_coding("gzip", "zstd"));
  EXPECT_FALSE(accepts_coding("", "zstd"));
  EXPECT_FALSE(accepts_coding("zstdx, xzstd", "zstd"));
}

}  // namespace
}  // namespace storeedge::sync::proto
