#pragma once
// An in-process hub for the sync client's tests: a Transport that decodes each request with
// sync/proto, checks its signature, calls a REAL hub storage engine (SqliteStorage on a temporary
// file) and encodes the reply as storehub's HTTP layer does. Fault-injecting transports wrap it.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "platform/clock.hpp"
#include "sync/client/transport.hpp"
#include "sync/hub/storage.hpp"
#include "sync/proto/auth.hpp"
#include "sync/proto/codec.hpp"

namespace storeedge::sync::client::testing {

// The wire's uint64 epoch for the hub's UUID epoch: its first 16 hex digits.
std::uint64_t wire_epoch(const std::string& uuid);

class InProcessHub final : public Transport {
 public:
  InProcessHub(hub::HubStorage& storage, const Clock& clock) : storage_(&storage), clock_(clock) {}

  // The hub now answers from another storage (a restored or rebuilt hub).
  void replace_storage(hub::HubStorage& storage) { storage_ = &storage; }
  void enroll(const std::string& node_id, const std::string& store_code, proto::PublicKey key);

  Result<TransportResponse> post(std::string_view path, std::string body, const Headers& headers) override;

  std::int64_t requests = 0;

 private:
  TransportResponse push(const std::string& node_id, std::string_view body);
  TransportResponse pull(const std::string& node_id, std::string_view body);

  struct Node {
    std::string store_code;
    proto::PublicKey key;
  };
  hub::HubStorage* storage_;
  const Clock& clock_;
  std::map<std::string, Node> nodes_;
};

// Wraps a transport with the failures a real network and hub produce.
class FaultyTransport final : public Transport {
 public:
  explicit FaultyTransport(Transport& inner) : inner_(inner) {}

  Result<TransportResponse> post(std::string_view path, std::string body, const Headers& headers) override;

  int fail_every = 0;        // every Nth request fails before reaching the hub
  int drop_reply_every = 0;  // every Nth request reaches the hub, which commits; the reply is lost
  int unavailable_next = 0;  // the next N requests get a 503 with an ErrorReply
  int truncate_next = 0;     // the next N replies lose their second half
  bool down = false;         // every request fails (the hub is unreachable)
  std::int64_t calls = 0;

 private:
  Transport& inner_;
};

}  // namespace storeedge::sync::client::testing
