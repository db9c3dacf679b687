// Encoding and safe decoding of sync messages: round trips, unknown fields kept, bad bytes refused.
#include <gtest/gtest.h>

#include <string>

#include "sync/proto/codec.hpp"
#include "sync/proto/version.hpp"

namespace storeedge::sync::proto {
namespace {

PushRequest sample_push() {
  PushRequest push;
  push.set_protocol_version(kProtocolVersion);
  push.set_node_id("6f1c2b0e-5f0a-4c1e-9a43-0d2b9f6e7a10");
  for (std::uint64_t id = 41; id <= 43; ++id) {
    Mutation* m = push.add_mutations();
    m->set_node_id(push.node_id());
    m->set_mutation_id(id);
    m->set_hlc((std::uint64_t{1'700'000'000'000} << 16) | id);
    m->set_schema_version(3);
    m->set_kind("order.completed");
    m->set_entity_id("order-" + std::to_string(id));
    m->set_payload(R"({"order_id":"order-)" + std::to_string(id) + R"(","total":1250})");
  }
  return push;
}

TEST(Codec, PushRequestRoundTrips) {
  const PushRequest push = sample_push();
  auto bytes = encode(push);
  ASSERT_TRUE(bytes) << bytes.error().what();
  auto back = decode_push_request(*bytes);
  ASSERT_TRUE(back) << back.error().what();
  ASSERT_EQ(back->mutations_size(), 3);
  EXPECT_EQ(back->mutations(2).mutation_id(), 43u);
  EXPECT_EQ(back->mutations(2).payload(), push.mutations(2).payload());
  EXPECT_EQ(back->SerializeAsString(), *bytes);
}

TEST(Codec, PullResultRoundTripsWithCursorsAndChanges) {
  PullResult pull;
  Change* c = pull.add_changes();
  c->set_stream(v1::STREAM_PRICES);
  c->set_key("SKU-1");
  c->set_op(Change::DELETE);
  c->set_version(7);
  StreamCursor* cursor = pull.add_cursors();
  cursor->set_stream(v1::STREAM_PRICES);
  cursor->set_cursor(std::string("\x00\x01opaque", 8));
  pull.set_hub_epoch(5);
  pull.set_more(true);
  auto back = decode_pull_result(*encode(pull));
  ASSERT_TRUE(back) << back.error().what();
  EXPECT_EQ(back->changes(0).op(), Change::DELETE);
  EXPECT_EQ(back->cursors(0).cursor(), std::string("\x00\x01opaque", 8));
  EXPECT_TRUE(back->more());
}

// A peer on an older build must pass fields it does not know on unchanged.
TEST(Codec, UnknownFieldsSurviveDecodeAndEncode) {
  auto known = encode(sample_push());
  ASSERT_TRUE(known);
  // Field 99, wire type 2 (length-delimited): tag varint 99 << 3 | 2 = 794 = 0x9a 0x06.
  const std::string extra = std::string("\x9a\x06\x05") + "hello";
  auto back = decode_push_request(*known + extra);
  ASSERT_TRUE(back) << back.error().what();
  EXPECT_EQ(back->mutations_size(), 3);
  auto again = encode(*back);
  ASSERT_TRUE(again);
  EXPECT_NE(again->find("hello"), std::string::npos);
  EXPECT_EQ(*again, *known + extra);
}

TEST(Codec, CorruptBytesAreRefusedWithTheMessageName) {
  auto r = decode_push_request(std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
  EXPECT_NE(r.error().message().find("PushRequest of 11 bytes is not a valid protobuf"), std::string::npos);
}

TEST(Codec, BytesCutInsideAFieldAreRefused) {
  auto bytes = encode(sample_push());
  ASSERT_TRUE(bytes);
  for (std::size_t cut : {bytes->size() - 1, bytes->size() / 2, std::size_t{3}}) {
    auto r = decode_push_request(std::string_view(*bytes).substr(0, cut));
    EXPECT_FALSE(r) << "cut at " << cut;
  }
}

TEST(Codec, StringFieldThatIsNotUtf8IsRefused) {
  // PushRequest.node_id (field 2, length-delimited) holding a lone 0xff byte.
  auto r = decode_push_request(std::string("\x12\x01\xff", 3));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
}

TEST(Codec, OversizedInputIsRefusedBeforeParsing) {
  const std::string huge(kMaxMessageBytes + 1, '\0');
  auto r = decode_pull_result(huge);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), Errc::invalid_argument);
  EXPECT_NE(r.error().message().find("exceeds the limit of 16777216 bytes"), std::string::npos);
}

TEST(Codec, OversizedMessageIsNotEncoded) {
  PushRequest push;
  push.add_mutations()->set_payload(std::string(kMaxMessageBytes, 'x'));
  auto r = encode(push);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("send smaller batches"), std::string::npos);
}

TEST(Codec, EmptyBytesDecodeToTheDefaultMessage) {
  auto r = decode_enroll_request("");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->protocol_version(), 0u);  // then refused by check_protocol_version
}

TEST(Codec, StreamNamesRoundTrip) {
  for (auto name : {"catalog", "prices", "promotions", "stock", "customers", "store_orders", "gift_cards"}) {
    auto s = parse_stream(name);
    ASSERT_TRUE(s) << name;
    EXPECT_EQ(stream_name(*s), name);
  }
  auto bad = parse_stream("price");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("unknown stream \"price\""), std::string::npos);
}

TEST(Codec, ErrorReplyCarriesTheVersionRangeToTheClient) {
  auto refused = check_protocol_version(3, 1, 2);
  ASSERT_FALSE(refused);
  const ErrorReply reply = to_error_reply(refused.error(), 1, 2);
  EXPECT_EQ(reply.code(), ErrorReply::UNSUPPORTED_VERSION);
  auto decoded = decode_error_reply(*encode(reply));
  ASSERT_TRUE(decoded);
  const Error seen = from_error_reply(*decoded);
  EXPECT_EQ(seen.kind(), Errc::unsupported);
  EXPECT_EQ(
      seen.message(),
      "hub refused the request (UNSUPPORTED_VERSION, serves 1 to 2): client speaks protocol 3; this hub "
      "serves 1 to 2: upgrade the hub");
}

TEST(Codec, ErrorKindsMapToReplyCodes) {
  EXPECT_EQ(to_error_reply(Error(Errc::permission_denied, "bad signature"), 1, 1).code(),
            ErrorReply::UNAUTHENTICATED);
  EXPECT_EQ(to_error_reply(Error(Errc::invalid_argument, "bad body"), 1, 1).code(),
            ErrorReply::INVALID_REQUEST);
  EXPECT_EQ(to_error_reply(Error(Errc::unavailable, "storage busy"), 1, 1).code(), ErrorReply::UNAVAILABLE);
  EXPECT_EQ(to_error_reply(Error(Errc::corrupt, "bad row"), 1, 1).code(), ErrorReply::INTERNAL);
  const Error with_context = Error(Errc::invalid_argument, "gap").with_context("push from node n1");
  EXPECT_EQ(to_error_reply(with_context, 1, 1).message(), "push from node n1: gap");
}

TEST(Codec, MutationGapTellsTheClientWhereToResume) {
  ErrorReply reply;
  reply.set_code(ErrorReply::MUTATION_GAP);
  reply.set_last_applied_mutation_id(41);
  reply.set_message("batch starts at 43");
  const Error seen = from_error_reply(reply);
  EXPECT_EQ(seen.kind(), Errc::conflict);
  EXPECT_EQ(seen.message(), "hub refused the request (MUTATION_GAP, last applied 41): batch starts at 43");
}

TEST(Codec, ErrorReplyWithACodeFromANewerHubIsStillReadable) {
  ErrorReply reply;
  reply.set_code(static_cast<ErrorReply::Code>(42));
  reply.set_message("something new");
  auto decoded = decode_error_reply(*encode(reply));
  ASSERT_TRUE(decoded);
  const Error seen = from_error_reply(*decoded);
  EXPECT_EQ(seen.kind(), Errc::internal);
  EXPECT_EQ(seen.message(), "hub refused the request (code 42): something new");
}

}  // namespace
}  // namespace storeedge::sync::proto
