#pragma once
// An in-process hub for the sync client's tests: a Transport that decodes each request with
// sync/proto, checks its signature, calls a REAL hub storage engine (SqliteStorage on a temporary
// file) and encodes the reply as storehub's HTTP layer does. Fault-injecting transports wrap it.
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "platform/clock.hpp"
#include "sync/client/transport.hpp"
#include "sync/hub/node_registry.hpp"
#include "sync/hub/storage.hpp"
#include "sync/hub/sync_service.hpp"
#include "sync/proto/auth.hpp"
#include "sync/proto/codec.hpp"
#include "tests/support/temp_dir.hpp"

namespace storeedge::sync::client::testing {

// The wire's uint64 epoch for the hub's UUID epoch: its first 16 hex digits.
std::uint64_t wire_epoch(const std::string& uuid);

// The real hub's /sync/v1 service (sync/hub/sync_service.hpp, with its node registry) behind a
// Transport: requests take the same path as through storehub's HTTP layer, minus the socket. Like
// storehub on one thread, it handles one request at a time: post() from two threads (the relay's
// two pushes in flight) queue on a mutex. Its public fields are read or set between pushes.
class InProcessHub final : public Transport {
 public:
  InProcessHub(hub::HubStorage& storage, const Clock& clock);
  // The hub now answers from another storage (a restored or rebuilt hub); enrolled nodes stay.
  void replace_storage(hub::HubStorage& storage);
  // Enrolls the node through /sync/v1/enroll with a freshly issued one-time token.
  void enroll(const std::string& node_id, const std::string& store_code, proto::PublicKey key);
  Result<TransportResponse> post(std::string_view path, std::string body, const Headers& headers) override;
  std::int64_t requests = 0;
  // false: replies without Accept-Encoding, as a hub that predates zstd request bodies answers.
  bool advertise_zstd = true;
  std::map<std::string, std::int64_t> bodies_by_coding;  // Content-Encoding ("" none) -> requests
  std::string last_coding;                               // of the latest request

 private:
  const Clock& clock_;
  std::mutex mutex_;  // one request at a time
  test::TempDir dir_{"inprocess-hub"};
  std::optional<hub::NodeRegistry> registry_;
  std::optional<hub::SyncService> service_;
};

// Wraps a transport with the failures a real network and hub produce. The Nth request is counted as
// it arrives (calls), so with two pushes in flight the knobs apply in arrival order; set them between
// pushes.
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
  std::mutex mutex_;  // guards the knobs and calls while two requests are in progress
  Transport& inner_;
};

}  // namespace storeedge::sync::client::testing
