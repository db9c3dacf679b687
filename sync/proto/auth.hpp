#pragma once
// Request authentication after enrollment (docs/protocol.md, "Authentication"). Each node holds an
// Ed25519 key; it sends its public key once, with the one-time enrollment token, and then signs
// every request. The hub checks the signature against the enrolled key and refuses stale
// timestamps. The signature covers:
//
//   storeedge-sync-v1 \n METHOD \n path \n node id \n timestamp \n sha256-hex(body)
//
// where path includes any query string, the timestamp is the decimal Unix milliseconds sent in
// X-Storeedge-Timestamp, and the body is the bytes on the wire (after gzip). OpenSSL stays out of
// this header. Keys are move-only; a key object may be used from several threads at once.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "platform/error.hpp"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace storeedge::sync::proto {

inline constexpr std::string_view kNodeHeader = "X-Storeedge-Node";
inline constexpr std::string_view kTimestampHeader = "X-Storeedge-Timestamp";
inline constexpr std::string_view kSignatureHeader = "X-Storeedge-Signature";
// How far a request's timestamp may be from the hub's clock, either way.
inline constexpr std::int64_t kMaxRequestSkewMs = 5 * 60 * 1000;

namespace detail {
struct PkeyDeleter {
  void operator()(evp_pkey_st* key) const;
};
using Pkey = std::unique_ptr<evp_pkey_st, PkeyDeleter>;
}  // namespace detail

// A node's Ed25519 public key, as the hub stores it at enrollment.
class PublicKey {
 public:
  // PEM "PUBLIC KEY" (SubjectPublicKeyInfo) or the raw 32 bytes, as EnrollRequest.public_key allows.
  // Errc::invalid_argument for anything else, including keys of another algorithm.
  [[nodiscard]] static Result<PublicKey> from_enrollment(std::string_view bytes);
  [[nodiscard]] static Result<PublicKey> from_pem(std::string_view pem);
  [[nodiscard]] static Result<PublicKey> from_raw(std::string_view raw);

  [[nodiscard]] Result<std::string> pem() const;
  [[nodiscard]] Result<std::string> raw() const;  // 32 bytes

  evp_pkey_st* native() const { return key_.get(); }

 private:
  explicit PublicKey(detail::Pkey key) : key_(std::move(key)) {}
  detail::Pkey key_;
};

// A node's Ed25519 private key. The edge keeps its PEM in a file readable only by the daemon.
class SigningKey {
 public:
  [[nodiscard]] static Result<SigningKey> generate();
  // PEM "PRIVATE KEY" (PKCS#8, unencrypted). Errc::invalid_argument for anything else.
  [[nodiscard]] static Result<SigningKey> from_pem(std::string_view pem);

  [[nodiscard]] Result<std::string> private_pem() const;
  [[nodiscard]] Result<PublicKey> public_key() const;

  evp_pkey_st* native() const { return key_.get(); }

 private:
  explicit SigningKey(detail::Pkey key) : key_(std::move(key)) {}
  detail::Pkey key_;
};

struct HttpRequestView {
  std::string_view method;  // "POST"
  std::string_view path;    // "/sync/v1/push"
  std::string_view body;    // as sent on the wire
};

// The values of the three headers.
struct RequestSignature {
  std::string node_id;
  std::string timestamp;  // decimal Unix milliseconds
  std::string signature;  // base64 of the 64-byte Ed25519 signature
};

// The exact bytes that are signed (see the top of this file).
[[nodiscard]] Result<std::string> signing_input(std::string_view node_id, std::string_view timestamp,
                                                const HttpRequestView& request);

[[nodiscard]] Result<RequestSignature> sign_request(const SigningKey& key, std::string_view node_id,
                                                    const HttpRequestView& request, std::int64_t now_ms);

// OK when the signature verifies with key and the timestamp is within max_skew_ms of now_ms.
// Errc::permission_denied otherwise, saying which check failed (malformed header, stale or future
// timestamp, signature mismatch). The caller picks key by signature.node_id.
[[nodiscard]] Status verify_request(const PublicKey& key, const RequestSignature& signature,
                                    const HttpRequestView& request, std::int64_t now_ms,
                                    std::int64_t max_skew_ms = kMaxRequestSkewMs);

}  // namespace storeedge::sync::proto
