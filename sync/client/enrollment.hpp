#pragma once
// A node's identity towards the hub: its Ed25519 key, kept in a file only the daemon can read, and the
// one-time enrollment that registers the key with the hub (docs/protocol.md, "Authentication").
#include <filesystem>
#include <string>

#include "platform/error.hpp"
#include "sync/client/transport.hpp"
#include "sync/proto/auth.hpp"

namespace storeedge::sync::client {

// Reads the PEM key at `path`, or creates one there (mode 0600, atomically) when there is none.
[[nodiscard]] Result<proto::SigningKey> load_or_create_key(const std::filesystem::path& path);

struct EnrollmentRequest {
  std::string token;  // the one-time token from `storehub issue-token`
  std::string node_id;
  std::string store_code;
  std::string device_code;
};

// Sends /sync/v1/enroll. Errc::permission_denied when the hub refuses the token.
[[nodiscard]] Status enroll(Transport& transport, const EnrollmentRequest& request,
                            const proto::SigningKey& key);

}  // namespace storeedge::sync::client
