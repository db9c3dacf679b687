// /sync/v1 as a node sees it: enrollment, signed pushes and pulls, and the refusals.
#include "sync/hub/sync_service.hpp"

#include "sync/proto/auth.hpp"
#include "sync/proto/codec.hpp"
#include "sync/proto/version.hpp"
#include "tests/unit/hub/hub_fixture.hpp"

namespace storeedge::sync::hub::testing {
namespace {

namespace proto = storeedge::sync::proto;

class SyncServiceTest : public HubTest {
 public:
  void SetUp() override {
    HubTest::SetUp();
    auto r = NodeRegistry::open(dir_ / "nodes.db", clock_);
    ASSERT_TRUE(r) << r.error().what();
    registry_.emplace(std::move(*r));
    service_.emplace(hub(), *registry_, clock_);
    key_.emplace(*proto::SigningKey::generate());
  }

  SyncReply enroll(const std::string& node, const std::string& token, const proto::SigningKey& key) {
    proto::EnrollRequest req;
    req.set_protocol_version(proto::kProtocolVersion);
    req.set_one_time_token(token);
    req.set_node_id(node);
    req.set_store_code(std::string(kNorth));
    req.set_device_code("03");
    req.set_public_key(*key.public_key()->pem());
    const auto body = *proto::encode(req);
    return service_->handle("/sync/v1/enroll", {}, body, body);
  }

  SyncReply signed_call(const std::string& path, const std::string& node, const std::string& body,
                        const proto::SigningKey& key) {
    auto sig = proto::sign_request(key, node, {"POST", path, body}, unix_millis(clock_.now()));
    std::map<std::string, std::string> headers{{"x-storeedge-node", sig->node_id},
                                               {"x-storeedge-timestamp", sig->timestamp},
                                               {"x-storeedge-signature", sig->signature}};
    return service_->handle(path, headers, body, body);
  }

  std::string push_body(const std::string& node, std::int64_t first, int count) {
    proto::PushRequest req;
    req.set_protocol_version(proto::kProtocolVersion);
    req.set_node_id(node);
    for (int i = 0; i < count; ++i) {
      auto* m = req.add_mutations();
      const auto id = first + i;
      m->set_node_id(node);
      m->set_mutation_id(static_cast<std::uint64_t>(id));
      m->set_hlc(static_cast<std::uint64_t>(1'700'000'000'000) << 16);
      m->set_schema_version(3);
      m->set_kind("order.completed");
      m->set_payload(sale("order-" + node + "-" + std::to_string(id), kNorth, node, {{"SKU-A", -1}}));
    }
    return *proto::encode(req);
  }

  static proto::ErrorReply error_of(const SyncReply& r) { return *proto::decode_error_reply(r.body); }

  std::optional<NodeRegistry> registry_;
  std::optional<SyncService> service_;
  std::optional<proto::SigningKey> key_;
};

TEST_F(SyncServiceTest, EnrolledNodePushesOnceAndReplaysAreDuplicates) {
  auto token = registry_->issue_token(kNorth);
  ASSERT_TRUE(token);
  auto enrolled = enroll("edge-9", *token, *key_);
  ASSERT_EQ(enrolled.status, 200) << error_of(enrolled).message();

  auto first = signed_call("/sync/v1/push", "edge-9", push_body("edge-9", 1, 3), *key_);
  ASSERT_EQ(first.status, 200) << error_of(first).message();
  auto result = *proto::decode_push_result(first.body);
  ASSERT_EQ(result.results_size(), 3);
  for (const auto& r : result.results()) EXPECT_EQ(r.status(), proto::MutationResult::APPLIED) << r.reason();
  EXPECT_EQ(result.last_applied_mutation_id(), 3u);
  EXPECT_EQ(*hub().stock_level(kNorth, "SKU-A"), -3);

  auto again = signed_call("/sync/v1/push", "edge-9", push_body("edge-9", 1, 3), *key_);
  ASSERT_EQ(again.status, 200);
  const auto replayed = *proto::decode_push_result(again.body);
  for (const auto& r : replayed.results()) {
    EXPECT_EQ(r.status(), proto::MutationResult::DUPLICATE);
  }
  EXPECT_EQ(*hub().stock_level(kNorth, "SKU-A"), -3) << "a replay must have no effect";
}

// Every push is decoded into one request the service keeps: a smaller push after a larger one, and a
// push after one that failed to decode, carry only their own mutations.
TEST_F(SyncServiceTest, EachPushCarriesOnlyItsOwnMutationsWhateverCameBefore) {
  ASSERT_EQ(enroll("edge-9", *registry_->issue_token(kNorth), *key_).status, 200);
  ASSERT_EQ(signed_call("/sync/v1/push", "edge-9", push_body("edge-9", 1, 5), *key_).status, 200);
  std::string truncated = push_body("edge-9", 6, 4);
  truncated.resize(truncated.size() / 2);
  EXPECT_EQ(signed_call("/sync/v1/push", "edge-9", truncated, *key_).status, 400);
  auto small = signed_call("/sync/v1/push", "edge-9", push_body("edge-9", 6, 1), *key_);
  ASSERT_EQ(small.status, 200) << error_of(small).message();
  const auto result = *proto::decode_push_result(small.body);
  ASSERT_EQ(result.results_size(), 1);
  EXPECT_EQ(result.results(0).mutation_id(), 6u);
  EXPECT_EQ(result.results(0).status(), proto::MutationResult::APPLIED);
  EXPECT_EQ(*hub().stock_level(kNorth, "SKU-A"), -6) << "five, then one: nothing from the truncated push";
}

TEST_F(SyncServiceTest, GapIsRefusedWithWhereToResume) {
  ASSERT_EQ(enroll("edge-9", *registry_->issue_token(kNorth), *key_).status, 200);
  ASSERT_EQ(signed_call("/sync/v1/push", "edge-9", push_body("edge-9", 1, 2), *key_).status, 200);
  auto gap = signed_call("/sync/v1/push", "edge-9", push_body("edge-9", 5, 1), *key_);
  EXPECT_EQ(gap.status, 409);
  auto e = error_of(gap);
  EXPECT_EQ(e.code(), proto::ErrorReply::MUTATION_GAP);
  EXPECT_EQ(e.last_applied_mutation_id(), 2u);
}

TEST_F(SyncServiceTest, UnsignedUnknownOrForgedRequestsAreRefused) {
  ASSERT_EQ(enroll("edge-9", *registry_->issue_token(kNorth), *key_).status, 200);
  const auto body = push_body("edge-9", 1, 1);
  auto unsigned_call = service_->handle("/sync/v1/push", {}, body, body);
  EXPECT_EQ(unsigned_call.status, 401);
  EXPECT_EQ(error_of(unsigned_call).code(), proto::ErrorReply::UNAUTHENTICATED);

  auto other = *proto::SigningKey::generate();
  auto forged = signed_call("/sync/v1/push", "edge-9", body, other);
  EXPECT_EQ(forged.status, 401);
  auto unknown = signed_call("/sync/v1/push", "edge-77", push_body("edge-77", 1, 1), other);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_NE(error_of(unknown).message().find("not enrolled"), std::string::npos);
  EXPECT_EQ(*hub().stock_level(kNorth, "SKU-A"), 0) << "nothing refused may be applied";
}

TEST_F(SyncServiceTest, SpentTokenCannotEnrollAnotherDevice) {
  auto token = *registry_->issue_token(kNorth);
  ASSERT_EQ(enroll("edge-9", token, *key_).status, 200);
  EXPECT_EQ(enroll("edge-9", token, *key_).status, 200) << "a lost reply may be retried";
  auto thief = enroll("edge-10", token, *proto::SigningKey::generate());
  EXPECT_EQ(thief.status, 401);
  EXPECT_NE(error_of(thief).message().find("already been used"), std::string::npos);
  EXPECT_EQ(enroll("edge-11", "not-a-token", *key_).status, 401);
}

TEST_F(SyncServiceTest, PullReturnsTheStoresChangesWithCursors) {
  ASSERT_EQ(enroll("edge-9", *registry_->issue_token(kNorth), *key_).status, 200);
  proto::PullRequest req;
  req.set_protocol_version(proto::kProtocolVersion);
  req.set_node_id("edge-9");
  req.add_cursors()->set_stream(storeedge::sync::v1::STREAM_CATALOG);
  auto reply = signed_call("/sync/v1/pull", "edge-9", *proto::encode(req), *key_);
  ASSERT_EQ(reply.status, 200) << error_of(reply).message();
  auto result = *proto::decode_pull_result(reply.body);
  EXPECT_GE(result.changes_size(), 2) << "both catalog products";
  ASSERT_EQ(result.cursors_size(), 1);
  EXPECT_FALSE(result.cursors(0).cursor().empty());
  EXPECT_EQ(result.hub_epoch(), service_->wire_epoch());
}

TEST_F(SyncServiceTest, GarbageAndFutureVersionsAreClearErrors) {
  auto garbage = service_->handle("/sync/v1/enroll", {}, "\xff\xff garbage", "\xff\xff garbage");
  EXPECT_EQ(garbage.status, 400);
  proto::EnrollRequest future;
  future.set_protocol_version(proto::kProtocolVersion + 5);
  const auto body = *proto::encode(future);
  auto refused = service_->handle("/sync/v1/enroll", {}, body, body);
  EXPECT_EQ(refused.status, 426);
  EXPECT_EQ(error_of(refused).code(), proto::ErrorReply::UNSUPPORTED_VERSION);
  EXPECT_NE(error_of(refused).message().find("upgrade the hub"), std::string::npos);
}

}  // namespace
}  // namespace storeedge::sync::hub::testing
