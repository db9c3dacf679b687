#include "sync/client/relay.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <future>
#include <optional>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include "edge/store/journal.hpp"

#include "platform/sqlite/transaction.hpp"
#include "platform/sqlite/wal_batch_vfs.hpp"
#include "sync/client/relay_pipeline.hpp"
#include "sync/client/sync_state.hpp"
#include "sync/proto/hlc.hpp"
#include "sync/proto/version.hpp"

namespace storeedge::sync::client {

using relay_detail::acknowledges_all;
using relay_detail::tally;

namespace {

// A TEXT column as a view into SQLite's buffer: valid until the statement steps or resets.
std::string_view text_column(sqlite3_stmt* stmt, int column) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
  if (p == nullptr) return {};
  return {p, static_cast<std::size_t>(sqlite3_column_bytes(stmt, column))};
}

}  // namespace

OutboxRelay::OutboxRelay(store::Replica& replica, HubChannel& channel, const Clock& clock,
                         RelayOptions options)
    : replica_(replica),
      channel_(channel),
      clock_(clock),
      options_(options),
      pipeline_(std::make_unique<Pipeline>()) {}

OutboxRelay::OutboxRelay(OutboxRelay&&) noexcept = default;
// Writes a held acknowledgement on the way out. Best effort: if that fails, the next relay resends
// those rows and the hub answers DUPLICATE, as after a crash.
OutboxRelay::~OutboxRelay() {
  if (pipeline_) (void)settle();
}

// Reads the first pending rows after `after` into pipeline_->request: consecutive ids, bounded by
// rows and payload bytes; with after > 0 the batch must start at after + 1 or it is empty. Rows
// without a stamp are stamped in memory from the saved clock. The physical reading for a stamp is the
// row's created_at_ms (when the change was made); the HLC keeps stamps increasing whatever that
// clock said. Payloads go from SQLite's buffer straight into the message.
Result<OutboxRelay::Batch> OutboxRelay::read_batch(std::int64_t after) {
  auto& db = replica_.db();
  auto stored = load_hlc(db);
  if (!stored) return fail(stored.error());
  proto::Hlc hlc(*stored);
  Batch batch;
  batch.hlc_base = *stored;
  const auto version = options_.schema_version != 0
                           ? options_.schema_version
                           : static_cast<std::uint32_t>(store::kOutboxPayloadVersion);
  auto& request = pipeline_->request;
  request.Clear();
  request.set_protocol_version(proto::kProtocolVersion);
  request.set_node_id(replica_.node_id());
  // The rows of a queue are neighbours in the file (written in mutation order), and a queue drained
  // after an outage is in no cache: 64 KiB per read call instead of a 1 KiB page.
  const sqlite::ReadDatabaseAhead reading_ahead(options_.read_ahead);
  auto stmt = db.cached(
      "SELECT o.mutation_id, o.kind, o.entity_id, p.payload, o.created_at_ms, o.hlc FROM outbox o "
      "LEFT JOIN outbox_payload p ON p.mutation_id = o.mutation_id "
      "WHERE o.acked_at_ms IS NULL AND o.mutation_id > ? ORDER BY o.mutation_id LIMIT ?");
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(after, static_cast<std::int64_t>(options_.max_batch)); !s)
    return fail(s.error());
  sqlite3_stmt* raw = (*stmt)->raw();
  std::size_t bytes = 0;
  while (true) {
    auto more = (*stmt)->step();
    if (!more) return fail(more.error().with_context("reading the outbox"));
    if (!*more) break;
    const std::int64_t id = (*stmt)->column_int64(0);
    if ((*stmt)->column_is_null(3)) {
      return fail(Errc::corrupt, "outbox mutation " + std::to_string(id) +
                                     " has no payload: a technician must reconcile this node");
    }
    const std::string_view payload = text_column(raw, 3);
    if (batch.count == 0 && after > 0 && id != after + 1) break;
    if (batch.count > 0 && bytes + payload.size() > options_.max_batch_bytes) break;
    if (batch.count > 0 && id != batch.last + 1) break;  // send consecutive ids only
    const std::int64_t created_at_ms = (*stmt)->column_int64(4);
    std::uint64_t stamp = 0;
    if (!(*stmt)->column_is_null(5)) {
      auto saved = proto::hlc_from_storage((*stmt)->column_int64(5));
      if (!saved) return fail(saved.error());
      stamp = *saved;
    } else {
      auto fresh = hlc.now(created_at_ms);
      if (!fresh) return fail(fresh.error());
      auto as_stored = proto::hlc_to_storage(*fresh);
      if (!as_stored) return fail(as_stored.error());
      stamp = *fresh;
      batch.fresh.emplace_back(id, *as_stored);
    }
    proto::Mutation* m = request.add_mutations();
    m->set_node_id(replica_.node_id());
    m->set_mutation_id(static_cast<std::uint64_t>(id));
    m->set_hlc(stamp);
    m->set_schema_version(version);
    const std::string_view kind = text_column(raw, 1);
    const std::string_view entity_id = text_column(raw, 2);
    m->mutable_kind()->assign(kind.data(), kind.size());
    m->mutable_entity_id()->assign(entity_id.data(), entity_id.size());
    m->mutable_payload()->assign(payload.data(), payload.size());
    m->set_created_at_ms(created_at_ms);
    if (batch.count == 0) batch.first = id;
    batch.last = id;
    ++batch.count;
    bytes += payload.size();
  }
  batch.hlc_last = hlc.last();
  return batch;
}

// Writes the batch's in-memory stamps and the clock after them, inside the caller's transaction.
// false, with nothing written, when the outbox or the clock moved since the batch was read: the
// clock was saved by another writer, or a row of the batch was stamped meanwhile. Checked before
// writing, so no savepoint is needed (on this connection its journal would spill every page to a
// temporary file). Stamps only ever go from NULL to a value, so an unchanged count of unstamped rows
// in the batch's range means the same rows.
Result<bool> OutboxRelay::persist_stamps(const Batch& batch) {
  auto& db = replica_.db();
  auto stored = load_hlc(db);
  if (!stored) return fail(stored.error());
  if (*stored != batch.hlc_base) return false;
  if (batch.fresh.empty()) return true;
  auto unstamped = db.query_one<std::int64_t>(
      "SELECT COUNT(*) FROM outbox WHERE mutation_id BETWEEN ? AND ? AND hlc IS NULL", batch.first,
      batch.last);
  if (!unstamped) return fail(unstamped.error());
  if (unstamped->value_or(-1) != static_cast<std::int64_t>(batch.fresh.size())) return false;
  auto up = db.cached("UPDATE outbox SET hlc = ? WHERE mutation_id = ?");
  if (!up) return fail(up.error());
  for (const auto& [id, stamp] : batch.fresh) {
    if (auto s = (*up)->bind_all(stamp, id); !s) return fail(s.error());
    if (auto s = (*up)->run(); !s) return fail(s.error());
  }
  if (auto s = save_hlc(db, batch.hlc_last); !s) return fail(s.error());
  return true;
}

// Reads the batch and saves its stamps in one transaction; encodes it after the commit.
Result<OutboxRelay::Batch> OutboxRelay::stamp_batch() {
  auto tx = sqlite::Transaction::begin(replica_.db());
  if (!tx) return fail(tx.error());
  auto batch = read_batch(0);
  if (!batch) return fail(batch.error());
  if (batch->count == 0) return batch;
  auto saved = persist_stamps(*batch);
  if (!saved) return fail(saved.error().with_context("stamping outbox mutations"));
  if (!*saved) return fail(Errc::internal, "the outbox changed inside its own transaction");
  if (auto s = tx->commit(); !s) return fail(s.error().with_context("stamping outbox mutations"));
  auto body = channel_.prepare(pipeline_->request);
  if (!body) return fail(body.error());
  batch->body = std::move(*body);
  return batch;
}

// True when the first pending rows of the outbox are exactly the `count` rows first..last.
Result<bool> OutboxRelay::first_pending(std::int64_t first, std::int64_t last, std::int64_t count) {
  auto stmt = replica_.db().cached(
      "SELECT COUNT(*), MIN(mutation_id) FROM outbox WHERE acked_at_ms IS NULL AND mutation_id <= ?");
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(last); !s) return fail(s.error());
  auto row = (*stmt)->step();
  if (!row) return fail(row.error());
  if (!*row) return false;
  return (*stmt)->column_int64(0) == count && (*stmt)->column_int64(1) == first;
}

// The batch prepared by the last push, if the outbox has not moved under it since: its rows are
// the first pending ones, or come right after the held acknowledgement's, which are.
Result<std::unique_ptr<OutboxRelay::Batch>> OutboxRelay::take_prepared() {
  std::unique_ptr<Batch> next = std::move(pipeline_->next);
  if (!next) return next;
  const auto& held = pipeline_->held;
  if (held && held->last + 1 != next->first) {
    next.reset();
    return next;
  }
  auto current = held ? first_pending(held->first, next->last, held->count + next->count)
                      : first_pending(next->first, next->last, next->count);
  if (!current) return fail(current.error());
  if (!*current) next.reset();
  return next;
}

// Inside the caller's transaction: marks the held acknowledgement's rows acknowledged.
Status OutboxRelay::write_held() {
  const auto& held = pipeline_->held;
  if (!held) return {};
  auto range = replica_.db().cached(
      "UPDATE outbox SET acked_at_ms = ? WHERE mutation_id BETWEEN ? AND ? AND acked_at_ms IS NULL");
  if (!range) return fail(range.error());
  if (auto s = (*range)->bind_all(held->acked_at_ms, held->first, held->last); !s) return s;
  return (*range)->run();
}

Status OutboxRelay::settle() {
  if (pipeline_->in_flight) {
    // Its reply is not read: its rows stay pending, and the next push resends them (DUPLICATE).
    (void)pipeline_->in_flight->wait();
    pipeline_->in_flight.reset();
  }
  if (!pipeline_->held) return {};
  auto tx = sqlite::Transaction::begin(replica_.db());
  if (!tx) return fail(tx.error().with_context("acknowledging pushed mutations"));
  if (auto s = write_held(); !s) return fail(s.error().with_context("acknowledging pushed mutations"));
  if (auto s = tx->commit(); !s) return fail(s.error().with_context("acknowledging pushed mutations"));
  pipeline_->held.reset();
  return {};
}

// Runs while the hub applies `sent`: reads the batch after it (stamps in memory), then one
// transaction writes the held acknowledgement (the batch before `sent`) and those stamps, and the
// batch is encoded. The rows are read before the write lock is taken, so a sale on another
// connection waits only for the writes; the transaction then checks that the batch starts right
// after `sent`, whose rows are still the first pending ones, and persist_stamps() that its rows are
// still unstamped and the saved clock is the one its stamps continue (after `sent`'s and whatever
// another writer saved). A batch that fails a check is not stamped; any error rolls back the whole
// transaction. Either way nothing is prepared and the next push reads and stamps its batch itself;
// a held acknowledgement left unwritten is written with the reply's.
//
// The batch is encoded and compressed on a thread of its own while the commit waits for its fsync:
// the two took about as long as each other, and together as long as the hub's apply of a batch, so
// the hub waited for the next push (perf sched). The body is used only after the commit returned.
std::unique_ptr<OutboxRelay::Batch> OutboxRelay::overlap(const Range& sent) {
  const bool held = pipeline_->held.has_value();
  auto batch = read_batch(sent.last);
  if (!held && (!batch || batch->count == 0)) return nullptr;
  auto tx = sqlite::Transaction::begin(replica_.db());
  if (!tx) return nullptr;
  if (held && !write_held()) return nullptr;
  std::unique_ptr<Batch> next;
  if (batch && batch->count > 0) {
    auto follows = first_pending(sent.first, batch->last, sent.count + batch->count);
    if (!follows) return nullptr;
    if (*follows) {
      auto saved = persist_stamps(*batch);  // checks before it writes; an error mid-way rolls back
      if (!saved) return nullptr;
      if (*saved) next = std::make_unique<Batch>(std::move(*batch));
    }
  }
  if (!held && !next) return nullptr;
  std::future<Result<PreparedBody>> encoding;
  if (next) encoding = encode_aside();
  const bool committed = static_cast<bool>(tx->commit());
  std::optional<Result<PreparedBody>> body;
  if (encoding.valid()) body.emplace(encoding.get());  // joined before anything else uses the request
  if (!committed) return nullptr;
  pipeline_->held.reset();
  if (!next) return nullptr;
  if (!body) body.emplace(channel_.prepare(pipeline_->request));
  if (!*body) return nullptr;  // its stamps are saved but it was never sent: the next push resends them
  next->body = std::move(**body);
  return next;
}

// channel_.prepare(pipeline_->request) on a thread of its own; an invalid future when no thread could
// be started (the caller then prepares inline). Nothing may touch the request until it is joined.
std::future<Result<PreparedBody>> OutboxRelay::encode_aside() {
  try {
    return std::async(std::launch::async, [this] { return channel_.prepare(pipeline_->request); });
  } catch (const std::system_error&) {
    return {};
  }
}

// Posts the batch's body on a worker thread (with prepare_ahead). Without a thread (none could be
// started) a batch sent early is not sent at all (nullptr; its stamps are saved, and a later push
// reads it again), and any other batch is posted inline.
std::unique_ptr<OutboxRelay::Flight> OutboxRelay::launch(Batch& batch, bool early) {
  auto flight = std::make_unique<Flight>();
  static_cast<Range&>(*flight) = batch;
  flight->early = early;
  HubChannel& channel = channel_;
  auto task = std::make_shared<std::packaged_task<Result<HubReply>()>>(
      [&channel, body = std::move(batch.body)]() mutable {
        return channel.send(kPushPath, std::move(body));
      });
  flight->reply = task->get_future();
  if (options_.prepare_ahead) {
    auto started = std::make_shared<std::promise<void>>();
    try {
      flight->worker = std::thread([task, started] {
        started->set_value();
        (*task)();
      });
      flight->started = started->get_future();
      return flight;
    } catch (const std::system_error&) {
      // no thread: below
    }
  }
  if (early) return nullptr;
  (*task)();
  return flight;
}

// The push in flight already, sent early by the last push_once(), if the outbox has not moved under
// it since: its rows are still the first pending ones after the held acknowledgement's. Otherwise
// its reply is awaited and dropped: its rows stay pending, and this push reads them again.
Result<std::unique_ptr<OutboxRelay::Flight>> OutboxRelay::take_in_flight() {
  std::unique_ptr<Flight> flight = std::move(pipeline_->in_flight);
  if (!flight) return flight;
  const auto& held = pipeline_->held;
  auto& next = pipeline_->next;
  Result<bool> current = false;
  if (held && held->last + 1 == flight->first) {
    if (next && next->first == flight->last + 1) {
      // The batch prepared after it too: sent at once by this push if still next in line.
      current = first_pending(held->first, next->last, held->count + flight->count + next->count);
      if (current && *current) return flight;
    }
    next.reset();  // its stamps are saved; a later push reads it again
    if (current) current = first_pending(held->first, flight->last, held->count + flight->count);
  }
  if (!current || !*current) {
    (void)flight->wait();
    if (!current) return fail(current.error());
    flight.reset();
  }
  return flight;
}

Result<PushReport> OutboxRelay::push_once(NextCall next) {
  if (options_.pushes_in_flight < 1 || options_.pushes_in_flight > 2) {
    return fail(Errc::invalid_argument,
                "pushes in flight must be 1 or 2, not " + std::to_string(options_.pushes_in_flight));
  }
  auto taken = take_in_flight();
  if (!taken) return fail(taken.error());
  if (*taken) {
    auto report = exchange(std::move(*taken), next);
    if (!report) return fail(report.error());
    if (*report) return std::move(**report);
    // The batch sent early came back without a clean acknowledgement: dropped, and this push
    // starts over from the first pending rows, as in step 1.
  }
  std::unique_ptr<Batch> batch;
  {
    auto prepared = take_prepared();
    if (!prepared) return fail(prepared.error());
    batch = std::move(*prepared);
  }
  if (!batch) {
    // Nothing prepared, or the outbox moved under it: the held acknowledgement first, then the
    // first pending rows are read and stamped as in step 1.
    if (auto s = settle(); !s) return fail(s.error());
    auto fresh = stamp_batch();
    if (!fresh) return fail(fresh.error());
    if (fresh->count == 0) return PushReport{};
    batch = std::make_unique<Batch>(std::move(*fresh));
  }
  auto report = exchange(launch(*batch, false), next);
  if (!report) return fail(report.error());
  return std::move(**report);  // a batch not sent early always has a report
}

// Waits for the flight's reply while preparing the batch after it (overlap()) and, with two pushes
// in flight, sending that batch at once; then acts on the reply. nullopt only for a flight sent
// early whose reply is not a clean acknowledgement of its whole batch: dropped, nothing changed.
Result<std::optional<PushReport>> OutboxRelay::exchange(std::unique_ptr<Flight> flight, NextCall next) {
  PushReport report;
  report.sent = flight->count;
  const std::string ctx =
      "pushing mutations " + std::to_string(flight->first) + ".." + std::to_string(flight->last);

  const bool two = options_.pushes_in_flight == 2 && next == NextCall::push;
  // Sends a batch early. The batch in flight gets its head start: when the batch was ready before
  // its worker ran (small batches), the early one would often reach the hub first and be refused as
  // a gap. nullptr without a thread: a later push reads the batch again.
  const auto send_early = [&](Batch& batch) {
    if (flight->started.valid()) flight->started.wait();
    return launch(batch, true);
  };
  std::unique_ptr<Flight> early;
  Range sent = *flight;
  // The batch after this one was prepared by the last push (steady state of a drain): it leaves at
  // once, so the hub has it as soon as it is done with this one.
  if (std::unique_ptr<Batch> prepared = std::move(pipeline_->next); prepared && two) {
    early = send_early(*prepared);
    if (early) sent = flight->joined(*early);
  }
  // Meanwhile: the held acknowledgement and the batch after those on the wire, stamped and encoded.
  std::unique_ptr<Batch> ahead;
  if (options_.prepare_ahead) ahead = overlap(sent);
  if (ahead && two && !early) {
    // The first push of a drain: that batch leaves now, and the one after it is prepared.
    early = send_early(*ahead);
    ahead.reset();
    if (early) ahead = overlap(flight->joined(*early));
  }
  auto reply = flight->wait();
  // The reply as a whole acknowledgement of the batch, if it is one.
  std::optional<proto::PushResult> result;
  std::string unreadable;
  bool epoch_changed = false;
  if (reply && !reply->error) {
    auto decoded = proto::decode_push_result(reply->body);
    if (decoded) {
      result = std::move(*decoded);
    } else {
      unreadable = decoded.error().message();
    }
  }
  if (result) {
    auto saved_epoch = load_hub_epoch(replica_.db());
    if (!saved_epoch) {
      if (early) (void)early->wait();
      return fail(saved_epoch.error());
    }
    epoch_changed = *saved_epoch && result->hub_epoch() != 0 && result->hub_epoch() != **saved_epoch;
  }
  const bool whole =
      result && !epoch_changed && acknowledges_all(*result, flight->first, flight->last, flight->count);
  if (flight->early && !whole) {
    // Any surprise for a batch sent early (a gap because it overtook the batch before it, a failure,
    // a partial acknowledgement) drops it: its rows stay pending with their stamps. Only a push sent
    // as in step 1 realigns, renumbers or reports.
    if (early) (void)early->wait();
    return std::optional<PushReport>{};
  }
  // The hub has the whole batch and the next one is stamped durably, and in flight already or sent
  // at once by the next push_once: this batch's acknowledgement is written while the hub applies it.
  // A crash before that resends this batch, which the hub answers with DUPLICATE.
  if (whole && (early || ahead) && !pipeline_->held) {
    tally(*result, report);
    report.acknowledged = flight->count;
    pipeline_->held = Held{Range(*flight), unix_millis(clock_.now())};
    pipeline_->in_flight = std::move(early);
    pipeline_->next = std::move(ahead);
    return report;
  }
  // Any other reply drops the batch sent early or prepared ahead: its stamps are saved, and the next
  // push that reaches its rows sends them unchanged. Past this point the held acknowledgement (left
  // only when overlap() failed) is written before anything else: with the reply's, or alone.
  if (early) (void)early->wait();
  if (!reply) {
    (void)settle();  // on failure it stays held for the next push, which resends nothing it covers
    return fail(reply.error().with_context(ctx));
  }
  if (reply->error) {
    const auto& e = *reply->error;
    if (auto s = settle(); !s) return fail(s.error().with_context(ctx));
    switch (e.code()) {
      case proto::ErrorReply::MUTATION_GAP:
        if (auto s = handle_gap(e.last_applied_mutation_id(), report); !s)
          return fail(s.error().with_context(ctx));
        return report;
      case proto::ErrorReply::EPOCH_CHANGED: report.epoch_changed = true; return report;
      case proto::ErrorReply::NODE_REWOUND:
        if (auto s =
                renumber(static_cast<std::int64_t>(e.last_applied_mutation_id()),
                         static_cast<std::int64_t>(e.rewound_mutation_id()), e.last_receipt_number(), report);
            !s) {
          return fail(s.error().with_context(ctx));
        }
        return report;
      default: return fail(proto::from_error_reply(e).with_context(ctx));
    }
  }
  if (!result) {
    (void)settle();  // as for a transport failure
    return fail(Error(Errc::unavailable, unreadable).with_context(ctx));
  }
  report.epoch_changed = epoch_changed;
  if (auto s = acknowledge(*result, flight->last, report); !s) return fail(s.error().with_context(ctx));
  return report;
}

}  // namespace storeedge::sync::client
