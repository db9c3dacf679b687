#pragma once
// The hub's /sync/v1 face: decodes protobuf requests (docs/protocol.md), authenticates the node,
// calls the storage engine and encodes the reply. HTTP framing (gzip, headers) stays in hub.cpp, so
// tests can drive this service in-process with the same bytes a node sends.
//
// Not thread-safe: the hub's handler thread calls it (http::ServerOptions::handler_thread).
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "platform/clock.hpp"
#include "sync/hub/node_registry.hpp"
#include "sync/hub/storage.hpp"
#include "sync/proto/auth.hpp"
#include "sync/proto/codec.hpp"

namespace storeedge::sync::hub {

struct SyncReply {
  int status = 200;
  std::string body;  // a protobuf message: the result, or an ErrorReply for any status but 200
};

class SyncService {
 public:
  SyncService(HubStorage& storage, NodeRegistry& registry, const Clock& clock)
      : storage_(storage), registry_(registry), clock_(clock) {}

  // `path` is /sync/v1/enroll, /sync/v1/push or /sync/v1/pull; `headers` have lower-case names;
  // `wire_body` is the body as sent (what the signature covers), `body` the decompressed protobuf.
  SyncReply handle(std::string_view path, const std::map<std::string, std::string>& headers,
                   std::string_view wire_body, std::string_view body);

  // The protobuf hub_epoch: the first 64 bits of the storage epoch's UUID.
  std::uint64_t wire_epoch() const;

 private:
  SyncReply enroll(std::string_view body);
  SyncReply push(const EnrolledNode& node, std::string_view body);
  SyncReply pull(const EnrolledNode& node, std::string_view body);
  Result<EnrolledNode> authenticate(std::string_view path, const std::map<std::string, std::string>& headers,
                                    std::string_view wire_body);
  SyncReply error(int status, int code, const std::string& message, std::uint64_t last_applied = 0,
                  std::uint64_t rewound_id = 0,
                  const std::optional<std::string>& last_receipt_number = std::nullopt) const;

  // The node's public key, parsed from its registered PEM once (parsing it took as long as applying
  // a few orders, on every push).
  Result<const proto::PublicKey*> public_key(const EnrolledNode& node);

  HubStorage& storage_;
  NodeRegistry& registry_;
  const Clock& clock_;
  struct ParsedKey {
    std::string pem;
    proto::PublicKey key;
  };
  std::map<std::string, ParsedKey, std::less<>> keys_;  // by node id
  // Every push is decoded into this one: a cleared request keeps its mutation objects and their
  // string buffers, so a push of 1,000 sales does not allocate and free them all again.
  proto::PushRequest request_;
};

}  // namespace storeedge::sync::hub
