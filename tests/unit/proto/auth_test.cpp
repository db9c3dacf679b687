// Request signing with the node's Ed25519 key: valid requests pass, any change or stale time fails.
#include <gtest/gtest.h>

#include "sync/proto/auth.hpp"

namespace storeedge::sync::proto {
namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;
constexpr std::string_view kNode = "6f1c2b0e-5f0a-4c1e-9a43-0d2b9f6e7a10";

class RequestAuth : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = SigningKey::generate();
    ASSERT_TRUE(key) << key.error().what();
    key_.emplace(std::move(*key));
    auto pub = key_->public_key();
    ASSERT_TRUE(pub);
    public_.emplace(std::move(*pub));
  }
  RequestSignature sign(const HttpRequestView& request, std::int64_t at = kNow) {
    auto sig = sign_request(*key_, kNode, request, at);
    EXPECT_TRUE(sig) << sig.error().what();
    return sig ? *sig : RequestSignature{};
  }

  const std::string body_ = std::string("\x1f\x8b gzip body \x00 bytes", 21);
  const HttpRequestView request_{"POST", "/sync/v1/push", body_};
  std::optional<SigningKey> key_;
  std::optional<PublicKey> public_;
};

TEST_F(RequestAuth, ValidRequestVerifies) {
  const RequestSignature sig = sign(request_);
  EXPECT_EQ(sig.node_id, kNode);
  EXPECT_EQ(sig.timestamp, "1700000000000");
  EXPECT_EQ(sig.signature.size(), 88u);
  auto ok = verify_request(*public_, sig, request_, kNow + 1000);
  EXPECT_TRUE(ok) << ok.error().what();
}

TEST_F(RequestAuth, TamperedBodyPathMethodOrNodeFails) {
  const RequestSignature sig = sign(request_);
  const std::string other_body = body_ + "x";
  for (const HttpRequestView& changed :
       {HttpRequestView{"POST", "/sync/v1/push", other_body}, HttpRequestView{"POST", "/sync/v1/pull", body_},
        HttpRequestView{"PUT", "/sync/v1/push", body_}}) {
    auto s = verify_request(*public_, sig, changed, kNow);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().kind(), Errc::permission_denied);
    EXPECT_NE(s.error().message().find("does not verify"), std::string::npos);
  }
  RequestSignature other_node = sig;
  other_node.node_id = "another-node";
  EXPECT_FALSE(verify_request(*public_, other_node, request_, kNow));
  RequestSignature other_time = sig;
  other_time.timestamp = std::to_string(kNow + 1);
  EXPECT_FALSE(verify_request(*public_, other_time, request_, kNow));
}

TEST_F(RequestAuth, WrongKeyFails) {
  auto stranger = SigningKey::generate();
  ASSERT_TRUE(stranger);
  auto sig = sign_request(*stranger, kNode, request_, kNow);
  ASSERT_TRUE(sig);
  auto s = verify_request(*public_, *sig, request_, kNow);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), Errc::permission_denied);
}

TEST_F(RequestAuth, StaleOrFutureTimestampFails) {
  const RequestSignature sig = sign(request_);
  auto stale = verify_request(*public_, sig, request_, kNow + kMaxRequestSkewMs + 1);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().kind(), Errc::permission_denied);
  EXPECT_NE(stale.error().message().find("300001 ms old"), std::string::npos);
  auto future = verify_request(*public_, sig, request_, kNow - kMaxRequestSkewMs - 1);
  ASSERT_FALSE(future);
  EXPECT_NE(future.error().message().find("in the future"), std::string::npos);
  EXPECT_TRUE(verify_request(*public_, sig, request_, kNow + kMaxRequestSkewMs));
  // A kiosk that booted in 1970 is refused until it corrects its clock.
  const RequestSignature from_1970 = sign(request_, 5000);
  EXPECT_FALSE(verify_request(*public_, from_1970, request_, kNow));
}

TEST_F(RequestAuth, MalformedHeadersFail) {
  const RequestSignature sig = sign(request_);
  for (auto bad : {"", "abc", "17e9", "-5", "99999999999999999999999"}) {
    RequestSignature s = sig;
    s.timestamp = bad;
    auto r = verify_request(*public_, s, request_, kNow);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind(), Errc::permission_denied);
  }
  for (std::string bad : {std::string(), std::string("not base64!"), sig.signature.substr(0, 86),
                          sig.signature.substr(0, 84) + "AAAA"}) {
    RequestSignature s = sig;
    s.signature = bad;
    EXPECT_FALSE(verify_request(*public_, s, request_, kNow)) << bad;
  }
}

TEST_F(RequestAuth, KeysSurvivePemExportAndImport) {
  auto private_pem = key_->private_pem();
  ASSERT_TRUE(private_pem);
  EXPECT_EQ(private_pem->rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
  auto reloaded = SigningKey::from_pem(*private_pem);
  ASSERT_TRUE(reloaded) << reloaded.error().what();
  auto sig = sign_request(*reloaded, kNode, request_, kNow);
  ASSERT_TRUE(sig);

  auto public_pem = public_->pem();
  ASSERT_TRUE(public_pem);
  auto raw = public_->raw();
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->size(), 32u);
  // EnrollRequest.public_key may hold either form.
  for (const std::string& enrolled : {*public_pem, *raw}) {
    auto pub = PublicKey::from_enrollment(enrolled);
    ASSERT_TRUE(pub) << pub.error().what();
    EXPECT_TRUE(verify_request(*pub, *sig, request_, kNow));
  }
}

TEST_F(RequestAuth, BadKeysAreRefused) {
  auto short_raw = PublicKey::from_enrollment("only-ten-b");
  ASSERT_FALSE(short_raw);
  EXPECT_NE(short_raw.error().message().find("has 10 bytes; expected 32"), std::string::npos);
  EXPECT_FALSE(PublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nnonsense\n-----END PUBLIC KEY-----\n"));
  EXPECT_FALSE(SigningKey::from_pem("not a key"));
  constexpr std::string_view kP256 =
      "-----BEGIN PUBLIC KEY-----\n"
      "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE6wf/kT8tAi974IdKHGYDWuH2h+II\n"
      "4d48IQzi4SvgTRYd7hNZxUvoI9RbjJk2KM/qmT0RQ5g7lUyT/d9kunfErw==\n"
      "-----END PUBLIC KEY-----\n";
  auto ec = PublicKey::from_enrollment(kP256);
  ASSERT_FALSE(ec);
  EXPECT_EQ(ec.error().message(), "public key is a EC key; storeedge nodes use Ed25519");
  // A public key PEM is not a private key.
  auto public_pem = public_->pem();
  ASSERT_TRUE(public_pem);
  EXPECT_FALSE(SigningKey::from_pem(*public_pem));
}

}  // namespace
}  // namespace storeedge::sync::proto
