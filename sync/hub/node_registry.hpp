#pragma once
// Which devices may talk to the hub: one-time enrollment tokens issued per store, and the Ed25519
// public key each node enrolled with. Kept in its own SQLite file (DATA_DIR/nodes.db) beside the
// storage backend, so every storage backend shares one way of authenticating nodes.
//
// Not thread-safe: the hub calls it from its one I/O thread; `storehub issue-token` opens its own.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "platform/clock.hpp"
#include "platform/error.hpp"
#include "platform/sqlite/database.hpp"

namespace storeedge::sync::hub {

struct EnrolledNode {
  std::string node_id;
  std::string store_code;
  std::string device_code;
  std::string public_key_pem;
};

class NodeRegistry {
 public:
  [[nodiscard]] static Result<NodeRegistry> open(const std::filesystem::path& path, const Clock& clock);

  // A fresh token for one device of `store_code`; only its hash is stored.
  [[nodiscard]] Result<std::string> issue_token(std::string_view store_code);
  // Spends the token and records the node's key. Enrolling again with the same token, node and key
  // (a lost reply) succeeds again; any other reuse of a spent token is Errc::permission_denied.
  [[nodiscard]] Result<EnrolledNode> enroll(std::string_view token, const EnrolledNode& node);
  [[nodiscard]] Result<std::optional<EnrolledNode>> find(std::string_view node_id);

 private:
  NodeRegistry(sqlite::Database db, const Clock& clock) : db_(std::move(db)), clock_(&clock) {}
  sqlite::Database db_;
  const Clock* clock_;
};

}  // namespace storeedge::sync::hub
