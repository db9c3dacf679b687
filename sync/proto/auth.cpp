#include "sync/proto/auth.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "platform/sha256.hpp"

namespace storeedge::sync::proto {

void detail::PkeyDeleter::operator()(evp_pkey_st* key) const {
  EVP_PKEY_free(key);
}

namespace {

constexpr std::size_t kRawKeyBytes = 32;
constexpr std::size_t kSignatureBytes = 64;

// The reason OpenSSL gives for the last failure; the error queue is left empty for the next caller.
std::string openssl_reason() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "no reason given";
  std::array<char, 256> text{};
  ERR_error_string_n(code, text.data(), text.size());
  return text.data();
}

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using Bio = std::unique_ptr<BIO, BioDeleter>;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

Bio read_bio(std::string_view text) {
  return Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

Result<std::string> bio_text(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  if (n < 0 || data == nullptr) return fail(Errc::internal, "OpenSSL produced no PEM text");
  return std::string(data, static_cast<std::size_t>(n));
}

Result<detail::Pkey> require_ed25519(EVP_PKEY* raw, std::string_view what) {
  detail::Pkey key(raw);
  if (!key) return fail(Errc::invalid_argument, std::string(what) + " is not valid PEM: " + openssl_reason());
  if (EVP_PKEY_is_a(key.get(), "ED25519") != 1) {
    const char* type = EVP_PKEY_get0_type_name(key.get());
    return fail(Errc::invalid_argument, std::string(what) + " is a " +
                                            (type != nullptr ? type : "non-Ed25519") +
                                            " key; storeedge nodes use Ed25519");
  }
  return key;
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// Decodes padded base64 of exactly `expected` bytes; nullopt-like empty result on any mismatch.
std::string unbase64_exact(std::string_view text, std::size_t expected) {
  if (text.size() != 4 * ((expected + 2) / 3)) return {};
  std::string out(text.size() / 4 * 3, '\0');
  const int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0 || static_cast<std::size_t>(n) < expected) return {};
  // EVP_DecodeBlock counts padding as zero bytes; they must be exactly the padding.
  const std::size_t padding = static_cast<std::size_t>(n) - expected;
  if (padding != static_cast<std::size_t>(std::count(text.end() - 2, text.end(), '='))) return {};
  out.resize(expected);
  return out;
}

Result<std::int64_t> parse_timestamp(std::string_view text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || p != end || value < 0) {
    return fail(Errc::permission_denied, std::string(kTimestampHeader) + " \"" + std::string(text) +
                                             "\" is not decimal Unix milliseconds");
  }
  return value;
}

}  // namespace

Result<PublicKey> PublicKey::from_pem(std::string_view pem) {
  Bio bio = read_bio(pem);
  auto key = require_ed25519(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), "public key");
  if (!key) return fail(key.error());
  return PublicKey(std::move(*key));
}

Result<PublicKey> PublicKey::from_raw(std::string_view raw) {
  if (raw.size() != kRawKeyBytes) {
    return fail(Errc::invalid_argument,
                "raw Ed25519 public key has " + std::to_string(raw.size()) + " bytes; expected 32");
  }
  detail::Pkey key(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(raw.data()), raw.size()));
  if (!key) return fail(Errc::invalid_argument, "raw Ed25519 public key refused: " + openssl_reason());
  return PublicKey(std::move(key));
}

Result<PublicKey> PublicKey::from_enrollment(std::string_view bytes) {
  if (bytes.starts_with("-----BEGIN")) return from_pem(bytes);
  return from_raw(bytes);
}

Result<std::string> PublicKey::pem() const {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) {
    return fail(Errc::internal, "writing public key PEM failed: " + openssl_reason());
  }
  return bio_text(bio.get());
}

Result<std::string> PublicKey::raw() const {
  std::string out(kRawKeyBytes, '\0');
  std::size_t len = out.size();
  if (EVP_PKEY_get_raw_public_key(key_.get(), reinterpret_cast<unsigned char*>(out.data()), &len) != 1 ||
      len != kRawKeyBytes) {
    return fail(Errc::internal, "reading raw public key failed: " + openssl_reason());
  }
  return out;
}

Result<SigningKey> SigningKey::generate() {
  detail::Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) return fail(Errc::internal, "generating an Ed25519 key failed: " + openssl_reason());
  return SigningKey(std::move(key));
}

Result<SigningKey> SigningKey::from_pem(std::string_view pem) {
  Bio bio = read_bio(pem);
  auto key = require_ed25519(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), "private key");
  if (!key) return fail(key.error());
  return SigningKey(std::move(*key));
}

Result<std::string> SigningKey::private_pem() const {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return fail(Errc::internal, "writing private key PEM failed: " + openssl_reason());
  }
  return bio_text(bio.get());
}

Result<PublicKey> SigningKey::public_key() const {
  std::string raw(kRawKeyBytes, '\0');
  std::size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(key_.get(), reinterpret_cast<unsigned char*>(raw.data()), &len) != 1) {
    return fail(Errc::internal, "reading the public half of the key failed: " + openssl_reason());
  }
  return PublicKey::from_raw(raw);
}

Result<std::string> signing_input(std::string_view node_id, std::string_view timestamp,
                                  const HttpRequestView& request) {
  const std::string body_hash = sha256_hex(request.body);
  if (body_hash.empty()) return fail(Errc::internal, "hashing the request body failed");
  std::string input = "storeedge-sync-v1\n";
  for (std::string_view part : {request.method, request.path, node_id, timestamp}) {
    if (part.find('\n') != std::string_view::npos) {
      return fail(Errc::invalid_argument,
                  "signed request field \"" + std::string(part) + "\" contains a newline");
    }
    input.append(part).append("\n");
  }
  return input + body_hash;
}

Result<RequestSignature> sign_request(const SigningKey& key, std::string_view node_id,
                                      const HttpRequestView& request, std::int64_t now_ms) {
  RequestSignature out{std::string(node_id), std::to_string(now_ms), {}};
  auto input = signing_input(out.node_id, out.timestamp, request);
  if (!input) return fail(input.error());
  MdCtx ctx(EVP_MD_CTX_new());
  std::array<unsigned char, kSignatureBytes> sig{};
  std::size_t len = sig.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.native()) != 1 ||
      EVP_DigestSign(ctx.get(), sig.data(), &len, reinterpret_cast<const unsigned char*>(input->data()),
                     input->size()) != 1) {
    return fail(Errc::internal, "signing the request failed: " + openssl_reason());
  }
  out.signature = base64(std::string_view(reinterpret_cast<const char*>(sig.data()), len));
  return out;
}

Status verify_request(const PublicKey& key, const RequestSignature& signature, const HttpRequestView& request,
                      std::int64_t now_ms, std::int64_t max_skew_ms) {
  auto at = parse_timestamp(signature.timestamp);
  if (!at) return fail(at.error());
  // Both within [0, INT64_MAX], so neither the difference nor its negation overflows.
  const std::int64_t skew = *at - std::max<std::int64_t>(now_ms, 0);
  if (skew > max_skew_ms || -skew > max_skew_ms) {
    return fail(Errc::permission_denied, "request timestamp " + signature.timestamp + " is " +
                                             std::to_string(skew < 0 ? -skew : skew) + " ms " +
                                             (skew < 0 ? "old" : "in the future") + " (limit " +
                                             std::to_string(max_skew_ms) + " ms): check the node's clock");
  }
  const std::string sig = unbase64_exact(signature.signature, kSignatureBytes);
  if (sig.empty()) {
    return fail(Errc::permission_denied,
                std::string(kSignatureHeader) + " is not base64 of a 64-byte signature");
  }
  auto input = signing_input(signature.node_id, signature.timestamp, request);
  if (!input) return fail(Errc::permission_denied, input.error().message());
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.native()) != 1) {
    return fail(Errc::internal, "starting signature verification failed: " + openssl_reason());
  }
  const int ok = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                                  reinterpret_cast<const unsigned char*>(input->data()), input->size());
  if (ok != 1) {
    ERR_clear_error();
    return fail(Errc::permission_denied, "request signature of node " + signature.node_id +
                                             " does not verify (wrong key, or method, path, timestamp or "
                                             "body changed)");
  }
  return {};
}

}  // namespace storeedge::sync::proto
