#include "platform/sha256.hpp"

#include <openssl/evp.h>

#include <array>

namespace storeedge {
namespace {

// One fetched SHA-256 implementation and one reusable context per thread: EVP_Digest allocated a
// context and looked the algorithm up on every call (storehub hashes every pushed mutation).
class Sha256 {
 public:
  Sha256() : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx_(EVP_MD_CTX_new()) {}
  ~Sha256() {
    EVP_MD_CTX_free(ctx_);
    EVP_MD_free(md_);
  }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  // EVP only fails on allocation failure; an empty result then fails every comparison.
  std::string hex(std::initializer_list<std::string_view> parts) {
    if (md_ == nullptr || ctx_ == nullptr || EVP_DigestInit_ex2(ctx_, md_, nullptr) != 1) return {};
    for (std::string_view part : parts) {
      if (EVP_DigestUpdate(ctx_, part.data(), part.size()) != 1) return {};
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx_, digest.data(), &len) != 1) return {};
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out(std::size_t{len} * 2, '\0');
    for (unsigned int i = 0; i < len; ++i) {
      out[2 * i] = kHex[digest[i] >> 4];
      out[2 * i + 1] = kHex[digest[i] & 0x0F];
    }
    return out;
  }

 private:
  EVP_MD* md_;
  EVP_MD_CTX* ctx_;
};

}  // namespace

std::string sha256_hex(std::string_view text) {
  return sha256_hex({text});
}

std::string sha256_hex(std::initializer_list<std::string_view> parts) {
  thread_local Sha256 sha;
  return sha.hex(parts);
}

}  // namespace storeedge
