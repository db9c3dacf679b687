#pragma once
// The outbox relay: sends the replica's pending mutations to the hub, oldest first, and marks what
// the hub has handled as acknowledged (outbox.acked_at_ms). It never deletes or reorders outbox
// rows. Exactly-once at the hub follows from the protocol: the hub applies a mutation and its
// watermark in one transaction and answers a resend with DUPLICATE, so a batch whose reply was
// lost is simply sent again.
//
// One push_once() is one batch:
// 1. The batch is the first pending rows (at most max_batch rows and about max_batch_bytes of
//    payload, consecutive ids only). Rows without an HLC stamp yet are stamped, and the advanced
//    clock is saved with them, in a transaction that commits before the batch is first sent, so a
//    resend carries the same stamp and stamps keep increasing across restarts and clock steps.
// 2. The PushRequest is signed and posted to /sync/v1/push.
// 3. APPLIED, DUPLICATE and REJECTED results, and every id of the batch up to the reply's
//    last_applied_mutation_id, are acknowledged in one transaction.
// Pipelining (RelayOptions::prepare_ahead, on by default): the post runs on a short-lived worker
// thread while this thread, in one durable transaction, writes the acknowledgement of the batch
// before (held, see below) and the stamps of the batch after the one in flight; that batch is
// encoded and compressed on another short-lived thread while the commit waits for the disk, and its
// body is used only after the commit returned. Those stamps are saved only if the batch starts
// right after the one in flight, whose rows are still the first pending ones, its rows are unstamped
// and they continue the clock as saved in that transaction (after the in-flight batch's stamps and
// whatever another writer saved).
// Two pushes in flight (RelayOptions::pushes_in_flight = 2, the default): the batch after the
// current one is posted from a second worker thread, on a second connection (the transport's
// contract allows two posts at a time), while the current one is still in flight: it is "sent
// early", and the hub finds it waiting when it replies to the current one. In a drain's steady
// state push_once() takes over batch N+1, sent early by the last call, sends N+2 (prepared by the
// last call) at once, and meanwhile writes N's held acknowledgement and prepares N+3 in the
// transaction above; the first push of a drain sends N+1 once that transaction has saved its
// stamps, then prepares N+2 in a second one. The batch in flight always starts first (its worker
// runs before the early one is posted). With NextCall::other (the last push of a SyncClient round)
// or pushes_in_flight = 1 nothing is sent early: the prepared batch waits for the next push_once().
// When the reply acknowledges the whole batch and the next one is stamped (sent early or prepared),
// the relay holds the acknowledgement in memory and returns, with the batch sent early still in
// flight: the next push_once() takes its reply (or sends the prepared batch at once) and writes the
// held acknowledgement while the hub applies it, so the hub never waits for the edge's commit. A
// crash before that write resends the held batch and those after it; the hub answers DUPLICATE
// for them, with the stamps the replica holds. Any other outcome waits for the batch sent early,
// ignores its reply, writes the held acknowledgement with the reply's (or alone) and drops the
// prepared batch: their stamps are saved, so the next push reads and sends them as in step 1.
// A batch sent early counts only if its reply acknowledges all of it, with the saved hub epoch. Any
// other reply (a gap because it overtook the batch before it on the other connection, a transport
// failure, a 5xx, a partial acknowledgement) drops it: nothing changes, its rows stay pending, and
// the push_once() that took it starts over from the first pending rows as in step 1. Only a batch
// sent as in step 1 realigns to a gap, renumbers or reports an epoch change. A batch prepared or
// sent early is used by the next call only if its rows are still exactly the first pending ones after
// those of the held acknowledgement; otherwise the one in flight is awaited and dropped.
// PushReport::acknowledged counts held rows too.
//    MUTATION_GAP: the hub names the last id it applied. When the hub is behind rows already
//    acknowledged (a hub restored from a backup), those rows become pending again so they are
//    resent; if they were pruned, Errc::conflict asks for a technician.
//    EPOCH_CHANGED, or a reply with a hub epoch other than the saved one: reported, for the sync
//    client to re-sync the pulled data.
//    NODE_REWOUND: this replica was restored from an older backup and minted ids the hub already
//    holds with other content. In one transaction, the rows before the rewound id (same content as
//    at the hub) are acknowledged and every row from it on is renumbered above the hub's watermark,
//    in order, payload unchanged, and made pending; the next push sends them. Nothing is lost. In
//    the same transaction the receipt series moves past the last receipt number the hub holds from
//    this node, so sales from then on do not repeat the numbers of the sales lost with the replica.
// Transport failures, 5xx and unreadable replies return Errc::unavailable with nothing changed;
// the caller retries with backoff (SyncClient does).
//
// reconcile() covers the case a gap cannot reveal: a hub restored from an older backup while this
// node has nothing pending never answers a push with MUTATION_GAP, so the sales it lost would stay
// acknowledged here and never reach it. reconcile() asks the hub for its watermark with an empty
// push and makes pending again every acknowledged row above it. SyncClient calls it on its first
// round after a start and after every hub epoch change. Pending rows at or below the watermark stay
// pending: only a push, whose mutations the hub compares by content, can tell a lost acknowledgement
// (DUPLICATE) from an id this node reused after a restore (NODE_REWOUND).
//
// Not thread-safe; borrows the replica and the channel. push_once() uses the channel from up to two
// worker threads (posts) and one encoding thread (prepare) while it reads and writes the replica on
// the calling thread. It joins them before returning, except the worker of a batch sent early after
// a whole acknowledgement: the next push_once(), settle(), reconcile() or the destructor joins that
// one.
#include <cstddef>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>

#include "edge/store/replica.hpp"
#include "platform/clock.hpp"
#include "platform/error.hpp"
#include "sync/client/hub_channel.hpp"

namespace storeedge::sync::client {

// What the caller does after a push_once(): push again at once (a drain), or something else (the
// last push of a SyncClient round). Only before another push may a batch be left in flight.
enum class NextCall { push, other };

struct RelayOptions {
  std::size_t max_batch = 1000;
  std::size_t max_batch_bytes = std::size_t{4} << 20;  // payload bytes; one row always goes
  // The payload version sent with every mutation; 0 sends store::kOutboxPayloadVersion (the normal
  // case). Tests set it to see how a hub treats payloads newer than it reads.
  std::uint32_t schema_version = 0;
  // Read, encode and compress the next batch while the hub applies the current one (see above).
  bool prepare_ahead = true;
  // 2: the batch prepared ahead is sent as soon as its stamps are saved, on a second connection, while
  // the current one is in flight (see above); 1: it waits for the current batch's reply. Other values
  // make push_once() fail with Errc::invalid_argument.
  int pushes_in_flight = 2;
  // A batch's outbox rows and payloads are read through the VFS's read-ahead window
  // (platform/sqlite/wal_batch_vfs.hpp): neighbouring pages, one read call per 64 KiB.
  bool read_ahead = true;
};

struct PushReport {
  std::int64_t sent = 0;
  std::int64_t applied = 0;
  std::int64_t duplicate = 0;
  std::int64_t rejected = 0;
  std::int64_t acknowledged = 0;          // outbox rows this round acknowledges (written, or held)
  std::int64_t reopened = 0;              // acknowledged rows made pending again (hub behind us)
  std::int64_t renumbered = 0;            // rows moved above the hub's watermark (NODE_REWOUND)
  std::string receipts_continue_after{};  // NODE_REWOUND: the hub's last receipt number the series skipped to
  std::int64_t hub_last_applied = -1;     // the hub's watermark for this node, when it said one
  bool gap = false;
  bool epoch_changed = false;
  bool rewound = false;          // the hub saw this node reuse mutation ids (restored from an older backup)
  std::string last_rejection{};  // "mutation 42: <reason>"
};

class OutboxRelay {
 public:
  OutboxRelay(store::Replica& replica, HubChannel& channel, const Clock& clock, RelayOptions options = {});
  OutboxRelay(OutboxRelay&&) noexcept;
  ~OutboxRelay();

  // One batch as described above; a report with sent = 0 when nothing is pending. With
  // NextCall::push the batch after it may still be in flight on return (see above).
  [[nodiscard]] Result<PushReport> push_once(NextCall next = NextCall::push);

  // Sends an empty batch to learn the hub's watermark for this node, then acknowledges pending rows
  // up to it and makes pending again acknowledged rows above it. Errc::conflict when the hub lacks
  // rows that are no longer in the outbox; Errc::unavailable for transport failures.
  [[nodiscard]] Result<PushReport> reconcile();

  // Waits for a batch still in flight (its reply is not read: its rows stay pending, and are resent),
  // then writes an acknowledgement the pipeline still holds in memory (see above); nothing to do
  // without them. SyncClient calls it at the end of a push round, so the outbox shows what the hub
  // has; the destructor calls it too (a failure there costs only a resend).
  [[nodiscard]] Status settle();

 private:
  struct Batch;
  struct Range;
  struct Held;
  struct Flight;
  struct Pipeline;
  Result<Batch> read_batch(std::int64_t after);
  Result<Batch> stamp_batch();
  Result<bool> persist_stamps(const Batch& batch);
  Result<bool> first_pending(std::int64_t first, std::int64_t last, std::int64_t count);
  Result<std::unique_ptr<Batch>> take_prepared();
  Status write_held();
  std::unique_ptr<Batch> overlap(const Range& sent);
  std::future<Result<PreparedBody>> encode_aside();
  std::unique_ptr<Flight> launch(Batch& batch, bool early);
  Result<std::unique_ptr<Flight>> take_in_flight();
  Result<std::optional<PushReport>> exchange(std::unique_ptr<Flight> flight, NextCall next);
  Status acknowledge(const proto::PushResult& result, std::int64_t last_sent, PushReport& report);
  Status handle_gap(std::uint64_t last_applied, PushReport& report);
  Status renumber(std::int64_t hub_last, std::int64_t rewound_id, std::string_view hub_last_receipt,
                  PushReport& report);
  Status align_to_hub(std::int64_t hub_last, PushReport& report);

  store::Replica& replica_;
  HubChannel& channel_;
  const Clock& clock_;
  RelayOptions options_;
  std::unique_ptr<Pipeline> pipeline_;
};

}  // namespace storeedge::sync::client
