#pragma once
// The puller: asks the hub for the changes after the saved cursors and applies them to the replica
// in chunks, one transaction each. A chunk ends after chunk_size changes or once it has held the
// replica's write lock for chunk_time, whichever comes first, so a sale waiting for the lock waits at
// most about chunk_time plus one change and the chunk's commit (docs/architecture.md, "Pull"), however
// large the request. The new cursors are saved in the transaction of a result's last chunk, so a
// crash or failure replays that one result (at most max_changes) from the old cursors at worst,
// which is harmless because every change applies idempotently (change_apply.hpp).
//
// Epochs (docs/protocol.md, "Pull"): a cursor refused with EPOCH_CHANGED, or a result whose hub epoch
// differs from the saved one, means the hub was restored or rebuilt. The puller then re-syncs in one
// transaction — clears the cursors, removes the pulled stock moves (they will arrive again and must
// not count twice), saves the new epoch — and pulls every stream from the start. The outbox is never
// touched (OutboxRelay resends what the new hub lacks). Catalog, prices, promotions, customers and
// orders are kept and overwritten as they arrive again, so the till keeps selling meanwhile; rows
// the new hub no longer has stay until the hub withdraws them.
//
// While the hub says `more`, pull() sends the next request on a second thread while it applies the
// current result, so the hub prepares reply N+1 while the replica writes reply N; that thread only
// uses the channel and is joined before pull() returns.
//
// Not thread-safe; borrows the replica and the channel (nothing else may use the channel during pull()).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "edge/store/replica.hpp"
#include "platform/clock.hpp"
#include "platform/error.hpp"
#include "sync/client/change_apply.hpp"
#include "sync/client/hub_channel.hpp"

namespace storeedge::sync::client {

struct PullOptions {
  std::string store_code;  // the store this node belongs to (prices are per store)
  std::vector<proto::Stream> streams = {proto::Stream::STREAM_CATALOG,    proto::Stream::STREAM_PRICES,
                                        proto::Stream::STREAM_PROMOTIONS, proto::Stream::STREAM_STOCK,
                                        proto::Stream::STREAM_CUSTOMERS,  proto::Stream::STREAM_STORE_ORDERS,
                                        proto::Stream::STREAM_GIFT_CARDS};
  std::uint32_t max_changes = 5000;           // per request: a bootstrap moves in large requests
  std::size_t chunk_size = 5000;              // at most this many changes per replica transaction
  std::chrono::milliseconds chunk_time{100};  // and a chunk commits once it has held the lock this long
  int max_rounds = 20;                        // requests per pull() while the hub says `more`
};

struct PullReport {
  int rounds = 0;
  std::int64_t received = 0;
  std::int64_t applied = 0;
  std::int64_t ignored = 0;
  std::int64_t chunks = 0;  // replica transactions committed
  bool more = false;        // the round limit stopped it with changes left at the hub
  bool resynced = false;    // the hub epoch changed and a clean re-sync ran
};

class Puller {
 public:
  Puller(store::Replica& replica, HubChannel& channel, const Clock& clock, PullOptions options);

  // Pulls until the hub has nothing more or max_rounds requests were made.
  [[nodiscard]] Result<PullReport> pull();
  // Forgets the cursors and the pulled events (see above) and records `epoch` (0: none known).
  [[nodiscard]] Status resync(std::uint64_t epoch);

 private:
  Result<proto::PullRequest> request() const;
  Status apply_result(const proto::PullResult& result, PullReport& report);

  store::Replica& replica_;
  HubChannel& channel_;
  const Clock& clock_;
  PullOptions options_;
  ChangeApplier applier_;
};

}  // namespace storeedge::sync::client
