#pragma once
// The edge's sync client: the one object storeedged owns to talk to the hub. Each step() runs one
// push round (the outbox relay, a few batches) and one pull round (the puller), unless a retry is
// scheduled for later; it reports what happened and keeps the connectivity figures in the replica.
//
// Wiring in storeedged (not done here): build a CurlTransport from the [hub] configuration, load the
// node's SigningKey from its PEM file, construct SyncClient with the Replica the daemon already owns,
// and call step() from a steady timer on the io thread (e.g. every 2 s; sooner after a sale if
// wanted). step() blocks the io thread for at most the transport's timeouts, so keep them short
// (connect 5 s, total 30 s) or move the client to its own thread with its own Replica connection.
//
// Connectivity is a state machine written as a table (kTransitions in sync_client.cpp):
//   online    the last round succeeded and no round failed within the degraded window (1 min);
//   degraded  a round failed within the window, fewer than offline_after failures in a row;
//   offline   offline_after or more rounds failed in a row.
//
// Not thread-safe; borrows replica, transport, key and clock.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "edge/store/replica.hpp"
#include "platform/clock.hpp"
#include "platform/error.hpp"
#include "sync/client/backoff.hpp"
#include "sync/client/hub_channel.hpp"
#include "sync/client/puller.hpp"
#include "sync/client/relay.hpp"
#include "sync/client/transport.hpp"

namespace storeedge::sync::client {

enum class Connectivity { online, degraded, offline };
std::string_view to_string(Connectivity c);

struct SyncOptions {
  RelayOptions relay{};
  PullOptions pull{};
  BackoffOptions backoff{};
  int max_push_batches = 10;  // batches per step; the rest waits for the next step
  std::int64_t offline_after = 3;
  std::chrono::milliseconds degraded_window{60'000};
};

struct StepReport {
  bool attempted = false;  // false: a retry was scheduled for later and nothing was sent
  PushReport push{};
  PullReport pull{};
  std::optional<Error> error{};
  Connectivity state = Connectivity::online;
  std::chrono::milliseconds retry_in{0};  // the backoff chosen after a failure
};

struct SyncStatus {
  Connectivity state = Connectivity::online;
  std::int64_t pending_mutations = 0;
  std::optional<std::int64_t> last_success_ms{};
  std::optional<std::int64_t> last_failure_ms{};
  std::string last_error{};
  std::int64_t consecutive_failures = 0;
};

class SyncClient {
 public:
  SyncClient(store::Replica& replica, Transport& transport, const proto::SigningKey& key, const Clock& clock,
             Backoff::Random random, SyncOptions options);

  StepReport step();
  [[nodiscard]] Result<SyncStatus> status();
  Connectivity connectivity() const { return state_; }
  const Backoff& backoff() const { return backoff_; }

 private:
  Status push_round(StepReport& report, bool& resync_needed);
  void settle(StepReport& report, const Status& outcome);
  Status reconcile(StepReport& report);

  store::Replica& replica_;
  const Clock& clock_;
  SyncOptions options_;
  HubChannel channel_;
  OutboxRelay relay_;
  Puller puller_;
  Backoff backoff_;
  Connectivity state_ = Connectivity::online;
  std::optional<std::chrono::steady_clock::time_point> last_failure_{};
  std::int64_t failures_in_a_row_ = 0;
  // Ask the hub for its watermark before pushing (OutboxRelay::reconcile): on the first round after
  // a start and after a hub epoch change.
  bool reconcile_needed_ = true;
};

}  // namespace storeedge::sync::client
