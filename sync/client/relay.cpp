#include "sync/client/relay.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include "edge/store/journal.hpp"

#include "platform/sqlite/transaction.hpp"
#include "sync/client/sync_state.hpp"
#include "sync/proto/hlc.hpp"
#include "sync/proto/version.hpp"

namespace storeedge::sync::client {

struct OutboxRelay::Row {
  std::int64_t mutation_id = 0;
  std::string kind;
  std::string entity_id;
  std::string payload;
  std::int64_t created_at_ms = 0;
  std::uint64_t hlc = 0;
};

OutboxRelay::OutboxRelay(store::Replica& replica, HubChannel& channel, const Clock& clock,
                         RelayOptions options)
    : replica_(replica), channel_(channel), clock_(clock), options_(options) {}

// Reads the batch and stamps its unstamped rows in one transaction with the clock's new last().
// The physical reading for a stamp is the row's created_at_ms (when the change was made); the HLC
// keeps stamps increasing whatever that clock said.
Result<std::vector<OutboxRelay::Row>> OutboxRelay::stamp_batch() {
  auto& db = replica_.db();
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) return fail(tx.error());
  auto stored = load_hlc(db);
  if (!stored) return fail(stored.error());
  proto::Hlc hlc(*stored);
  auto stmt = db.cached(
      "SELECT mutation_id, kind, entity_id, payload, created_at_ms, hlc FROM outbox "
      "WHERE acked_at_ms IS NULL ORDER BY mutation_id LIMIT ?");
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(static_cast<std::int64_t>(options_.max_batch)); !s) return fail(s.error());
  std::vector<Row> rows;
  std::size_t bytes = 0;
  while (true) {
    auto more = (*stmt)->step();
    if (!more) return fail(more.error().with_context("reading the outbox"));
    if (!*more) break;
    Row r{(*stmt)->get<std::int64_t>(0), (*stmt)->get<std::string>(1),  (*stmt)->get<std::string>(2),
          (*stmt)->get<std::string>(3),  (*stmt)->get<std::int64_t>(4), 0};
    if (!rows.empty() && bytes + r.payload.size() > options_.max_batch_bytes) break;
    if (!rows.empty() && r.mutation_id != rows.back().mutation_id + 1) break;  // send consecutive ids only
    if (auto h = (*stmt)->get<std::optional<std::int64_t>>(5)) {
      auto stamp = proto::hlc_from_storage(*h);
      if (!stamp) return fail(stamp.error());
      r.hlc = *stamp;
    }
    bytes += r.payload.size();
    rows.push_back(std::move(r));
  }
  (*stmt)->reset();
  for (auto& r : rows) {
    if (r.hlc != 0) continue;
    auto stamp = hlc.now(r.created_at_ms);
    if (!stamp) return fail(stamp.error());
    r.hlc = *stamp;
    auto stored_stamp = proto::hlc_to_storage(r.hlc);
    if (!stored_stamp) return fail(stored_stamp.error());
    auto up = db.cached("UPDATE outbox SET hlc = ? WHERE mutation_id = ?");
    if (!up) return fail(up.error());
    if (auto s = (*up)->bind_all(*stored_stamp, r.mutation_id); !s) return fail(s.error());
    if (auto s = (*up)->run(); !s) return fail(s.error());
  }
  if (hlc.last() != *stored) {
    if (auto s = save_hlc(db, hlc.last()); !s) return fail(s.error());
  }
  if (auto s = tx->commit(); !s) return fail(s.error().with_context("stamping outbox mutations"));
  return rows;
}

Result<proto::PushRequest> OutboxRelay::build_request(const std::vector<Row>& rows) const {
  const int version =
      options_.schema_version != 0 ? static_cast<int>(options_.schema_version) : store::kOutboxPayloadVersion;
  proto::PushRequest request;
  request.set_protocol_version(proto::kProtocolVersion);
  request.set_node_id(replica_.node_id());
  for (const auto& r : rows) {
    proto::Mutation* m = request.add_mutations();
    m->set_node_id(replica_.node_id());
    m->set_mutation_id(static_cast<std::uint64_t>(r.mutation_id));
    m->set_hlc(r.hlc);
    m->set_schema_version(static_cast<std::uint32_t>(version));
    m->set_kind(r.kind);
    m->set_entity_id(r.entity_id);
    m->set_payload(r.payload);
    m->set_created_at_ms(r.created_at_ms);
  }
  return request;
}

Result<PushReport> OutboxRelay::push_once() {
  PushReport report;
  auto rows = stamp_batch();
  if (!rows) return fail(rows.error());
  if (rows->empty()) return report;
  auto request = build_request(*rows);
  if (!request) return fail(request.error());
  report.sent = static_cast<std::int64_t>(rows->size());
  const std::string ctx = "pushing mutations " + std::to_string(rows->front().mutation_id) + ".." +
                          std::to_string(rows->back().mutation_id);

  auto reply = channel_.call(kPushPath, *request);
  if (!reply) return fail(reply.error().with_context(ctx));
  if (reply->error) {
    const auto& e = *reply->error;
    switch (e.code()) {
      case proto::ErrorReply::MUTATION_GAP:
        if (auto s = handle_gap(e.last_applied_mutation_id(), report); !s)
          return fail(s.error().with_context(ctx));
        return report;
      case proto::ErrorReply::EPOCH_CHANGED: report.epoch_changed = true; return report;
      case proto::ErrorReply::NODE_REWOUND:
        if (auto s = renumber(static_cast<std::int64_t>(e.last_applied_mutation_id()),
                              static_cast<std::int64_t>(e.rewound_mutation_id()), report);
            !s) {
          return fail(s.error().with_context(ctx));
        }
        return report;
      default: return fail(proto::from_error_reply(e).with_context(ctx));
    }
  }
  auto result = proto::decode_push_result(reply->body);
  if (!result) return fail(Error(Errc::unavailable, result.error().message()).with_context(ctx));
  auto saved_epoch = load_hub_epoch(replica_.db());
  if (!saved_epoch) return fail(saved_epoch.error());
  report.epoch_changed = *saved_epoch && result->hub_epoch() != 0 && result->hub_epoch() != **saved_epoch;
  if (auto s = acknowledge(*result, rows->back().mutation_id, report); !s)
    return fail(s.error().with_context(ctx));
  return report;
}

Status OutboxRelay::acknowledge(const proto::PushResult& result, std::int64_t last_sent, PushReport& report) {
  auto& db = replica_.db();
  const std::int64_t now = unix_millis(clock_.now());
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) return fail(tx.error());
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
      case proto::MutationResult::APPLIED: ++report.applied; break;
      case proto::MutationResult::DUPLICATE: ++report.duplicate; break;
      case proto::MutationResult::REJECTED:
        ++report.rejected;
        report.last_rejection = "mutation " + std::to_string(r.mutation_id()) + ": " + r.reason();
        break;
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
  return tx->commit();
}

// The hub's watermark alone decides: at or above what we sent (our acknowledgement was lost), or
// below rows we hold as acknowledged (the hub was restored from a backup).
Status OutboxRelay::handle_gap(std::uint64_t last_applied, PushReport& report) {
  report.gap = true;
  return align_to_hub(static_cast<std::int64_t>(last_applied), report);
}

Result<PushReport> OutboxRelay::reconcile() {
  PushReport report;
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
Status OutboxRelay::renumber(std::int64_t hub_last, std::int64_t rewound_id, PushReport& report) {
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
  // Two steps through negative ids, so no row meets another's id while the range moves up.
  const std::int64_t shift = hub_last + 1 - rewound_id;
  if (auto s = db.exec("UPDATE outbox SET mutation_id = -(mutation_id + " + std::to_string(shift) +
                       ") WHERE mutation_id >= " + std::to_string(rewound_id));
      !s) {
    return fail(s.error().with_context("renumbering the outbox"));
  }
  report.renumbered = db.changes();
  if (auto s =
          db.exec("UPDATE outbox SET mutation_id = -mutation_id, acked_at_ms = NULL WHERE mutation_id < 0");
      !s) {
    return fail(s.error().with_context("renumbering the outbox"));
  }
  if (auto s = tx->commit(); !s) return fail(s.error().with_context("renumbering the outbox"));
  return {};
}

}  // namespace storeedge::sync::client
