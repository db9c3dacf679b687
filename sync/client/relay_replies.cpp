// What the relay does with the hub's answers: an acknowledgement written to the outbox, the outbox
// realigned to the hub's watermark (a gap, a hub restored from a backup) and rows renumbered above it
// (this replica restored from a backup). Sending batches is in relay.cpp.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "edge/store/order_rows.hpp"
#include "platform/sqlite/transaction.hpp"
#include "sync/client/relay.hpp"
#include "sync/client/relay_pipeline.hpp"
#include "sync/proto/version.hpp"

namespace storeedge::sync::client {

namespace relay_detail {

bool acknowledges_all(const proto::PushResult& result, std::int64_t first, std::int64_t last,
                      std::int64_t count) {
  if (static_cast<std::int64_t>(result.last_applied_mutation_id()) >= last) return true;
  std::int64_t known = 0;
  for (const auto& r : result.results()) {
    const auto id = static_cast<std::int64_t>(r.mutation_id());
    if (id < first || id > last) continue;
    switch (r.status()) {
      case proto::MutationResult::APPLIED:
      case proto::MutationResult::DUPLICATE:
      case proto::MutationResult::REJECTED: ++known; break;
      default: break;
    }
  }
  return known == count;
}

void tally(const proto::PushResult& result, PushReport& report) {
  for (const auto& r : result.results()) {
    switch (r.status()) {
      case proto::MutationResult::APPLIED: ++report.applied; break;
      case proto::MutationResult::DUPLICATE: ++report.duplicate; break;
      case proto::MutationResult::REJECTED:
        ++report.rejected;
        report.last_rejection = "mutation " + std::to_string(r.mutation_id()) + ": " + r.reason();
        break;
      default: break;
    }
  }
}

}  // namespace relay_detail

using relay_detail::tally;

Status OutboxRelay::acknowledge(const proto::PushResult& result, std::int64_t last_sent, PushReport& report) {
  auto& db = replica_.db();
  const std::int64_t now = unix_millis(clock_.now());
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) return fail(tx.error());
  if (auto s = write_held(); !s) return s;  // counted by the push that held it
  tally(result, report);
  // Results come in id order, so the handled ones form a few runs of consecutive ids (usually one):
  // each run is one range UPDATE instead of one UPDATE per row.
  auto range = db.cached(
      "UPDATE outbox SET acked_at_ms = ? WHERE mutation_id BETWEEN ? AND ? AND acked_at_ms IS NULL");
  if (!range) return fail(range.error());
  std::optional<std::pair<std::int64_t, std::int64_t>> run;
  const auto flush = [&]() -> Status {
    if (!run) return {};
    if (auto s = (*range)->bind_all(now, run->first, run->second); !s) return s;
    if (auto s = (*range)->run(); !s) return s;
    report.acknowledged += db.changes();
    run.reset();
    return {};
  };
  for (const auto& r : result.results()) {
    switch (r.status()) {
      case proto::MutationResult::APPLIED:
      case proto::MutationResult::DUPLICATE:
      case proto::MutationResult::REJECTED: break;
      default:  // a status this build does not know: leave the row pending
        if (auto s = flush(); !s) return s;
        continue;
    }
    const auto id = static_cast<std::int64_t>(r.mutation_id());
    if (run && id == run->second + 1) {
      run->second = id;
      continue;
    }
    if (auto s = flush(); !s) return s;
    run.emplace(id, id);
  }
  if (auto s = flush(); !s) return s;
  auto upto = db.cached("UPDATE outbox SET acked_at_ms = ? WHERE mutation_id <= ? AND acked_at_ms IS NULL");
  if (!upto) return fail(upto.error());
  // Only rows this batch carried: a pending row the hub did not compare by content may be a sale
  // minted under a reused id (NODE_REWOUND), not one whose acknowledgement was lost.
  const auto hub_last = static_cast<std::int64_t>(result.last_applied_mutation_id());
  if (auto s = (*upto)->bind_all(now, std::min(hub_last, last_sent)); !s) return s;
  if (auto s = (*upto)->run(); !s) return s;
  report.acknowledged += db.changes();
  if (auto s = tx->commit(); !s) return s;
  pipeline_->held.reset();
  return {};
}

// The hub's watermark alone decides: at or above what we sent (our acknowledgement was lost), or
// below rows we hold as acknowledged (the hub was restored from a backup).
Status OutboxRelay::handle_gap(std::uint64_t last_applied, PushReport& report) {
  report.gap = true;
  return align_to_hub(static_cast<std::int64_t>(last_applied), report);
}

Result<PushReport> OutboxRelay::reconcile() {
  PushReport report;
  if (auto s = settle(); !s) return fail(s.error());
  pipeline_->next.reset();
  proto::PushRequest request;
  request.set_protocol_version(proto::kProtocolVersion);
  request.set_node_id(replica_.node_id());
  const std::string ctx = "asking the hub for its watermark";
  auto reply = channel_.call(kPushPath, request);
  if (!reply) return fail(reply.error().with_context(ctx));
  if (reply->error) return fail(proto::from_error_reply(*reply->error).with_context(ctx));
  auto result = proto::decode_push_result(reply->body);
  if (!result) return fail(Error(Errc::unavailable, result.error().message()).with_context(ctx));
  if (auto s = align_to_hub(static_cast<std::int64_t>(result->last_applied_mutation_id()), report); !s)
    return fail(s.error().with_context(ctx));
  return report;
}

// Makes the outbox agree with the hub's watermark in one transaction: acknowledged rows above it are
// pending again (the hub was restored from a backup and lost them). Pending rows at or below it stay
// pending: the next push lets the hub compare them by content (see the header).
Status OutboxRelay::align_to_hub(std::int64_t hub_last, PushReport& report) {
  report.hub_last_applied = hub_last;
  auto& db = replica_.db();
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) return fail(tx.error());
  auto above = db.query_one<std::int64_t>("SELECT COUNT(*) FROM outbox WHERE mutation_id > ?", hub_last);
  if (!above) return fail(above.error());
  auto next = db.query_one<std::int64_t>("SELECT 1 FROM outbox WHERE mutation_id = ?", hub_last + 1);
  if (!next) return fail(next.error());
  if (above->value_or(0) > 0 && !*next) {
    return fail(Errc::conflict, "the hub has applied mutations up to " + std::to_string(hub_last) +
                                    " but mutation " + std::to_string(hub_last + 1) +
                                    " is no longer in the outbox: a technician must reconcile this node");
  }
  auto reopen =
      db.cached("UPDATE outbox SET acked_at_ms = NULL WHERE mutation_id > ? AND acked_at_ms IS NOT NULL");
  if (!reopen) return fail(reopen.error());
  if (auto s = (*reopen)->bind_all(hub_last); !s) return s;
  if (auto s = (*reopen)->run(); !s) return s;
  report.reopened += db.changes();
  return tx->commit();
}

// The hub holds ids up to `hub_last` and found that `rewound_id` (at or below it) has other content
// than what it applied: this replica was restored from an older backup, and every row from
// `rewound_id` on was written after the restore (the rows before it came from the backup and are at
// the hub, which the push just confirmed by content). One transaction acknowledges those and moves
// the rest above the watermark in their order, payload and HLC unchanged, pending; the audit log
// and fiscal records do not name outbox ids, so nothing else changes. New mutations follow them
// (enqueue_mutation takes MAX + 1).
Status OutboxRelay::renumber(std::int64_t hub_last, std::int64_t rewound_id,
                             std::string_view hub_last_receipt, PushReport& report) {
  report.rewound = true;
  report.hub_last_applied = hub_last;
  if (rewound_id < 1 || rewound_id > hub_last) {
    return fail(Errc::conflict, "the hub reports mutation " + std::to_string(rewound_id) +
                                    " as reused but has applied only up to " + std::to_string(hub_last) +
                                    ": a technician must reconcile this node");
  }
  auto& db = replica_.db();
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) return fail(tx.error());
  auto ack = db.cached("UPDATE outbox SET acked_at_ms = ? WHERE mutation_id < ? AND acked_at_ms IS NULL");
  if (!ack) return fail(ack.error());
  if (auto s = (*ack)->bind_all(unix_millis(clock_.now()), rewound_id); !s) return s;
  if (auto s = (*ack)->run(); !s) return s;
  report.acknowledged += db.changes();
  // Two steps through negative ids, so no row meets another's id while the range moves up; the
  // payloads move with their rows.
  const std::int64_t shift = hub_last + 1 - rewound_id;
  const std::string move_down = " SET mutation_id = -(mutation_id + " + std::to_string(shift) +
                                ") WHERE mutation_id >= " + std::to_string(rewound_id);
  if (auto s = db.exec("UPDATE outbox_payload" + move_down); !s) {
    return fail(s.error().with_context("renumbering the outbox"));
  }
  if (auto s = db.exec("UPDATE outbox" + move_down); !s) {
    return fail(s.error().with_context("renumbering the outbox"));
  }
  report.renumbered = db.changes();
  if (auto s = db.exec("UPDATE outbox_payload SET mutation_id = -mutation_id WHERE mutation_id < 0"); !s) {
    return fail(s.error().with_context("renumbering the outbox"));
  }
  if (auto s =
          db.exec("UPDATE outbox SET mutation_id = -mutation_id, acked_at_ms = NULL WHERE mutation_id < 0");
      !s) {
    return fail(s.error().with_context("renumbering the outbox"));
  }
  // The sales lost with the replica took receipt numbers the hub holds: the series continues after them.
  auto moved = store::continue_receipt_series_after(db, hub_last_receipt);
  if (!moved) return fail(moved.error().with_context("renumbering the outbox"));
  if (*moved) report.receipts_continue_after = std::string(hub_last_receipt);
  if (auto s = tx->commit(); !s) return fail(s.error().with_context("renumbering the outbox"));
  return {};
}

}  // namespace storeedge::sync::client
