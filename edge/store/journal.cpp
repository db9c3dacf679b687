#include "edge/store/journal.hpp"

#include "platform/sha256.hpp"
#include "sync/proto/hlc.hpp"

namespace storeedge::store {
namespace {

// Length-prefixed fields so that no two different entries hash the same input.
std::string audit_hash_input(std::int64_t seq, std::int64_t at_ms, const AuditEntry& e,
                             const std::string& prev) {
  std::string s;
  for (const std::string& field :
       {std::to_string(seq), std::to_string(at_ms), e.actor, e.action, e.subject, e.details, prev}) {
    s += std::to_string(field.size());
    s += ':';
    s += field;
    s += '\n';
  }
  return s;
}

}  // namespace

Result<std::int64_t> append_audit(sqlite::Database& db, std::int64_t at_ms, const AuditEntry& entry) {
  auto last = db.cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
  if (!last) return fail(last.error());
  auto row = (*last)->step();
  if (!row) return fail(row.error().with_context("reading the audit chain"));
  const std::int64_t seq = *row ? (*last)->column_int64(0) + 1 : 1;
  const std::string prev = *row ? (*last)->column_text(1) : std::string();
  (*last)->reset();

  const std::string hash = sha256_hex(audit_hash_input(seq, at_ms, entry, prev));
  auto insert = db.cached(
      "INSERT INTO audit_log (seq, at_ms, actor, action, subject, details, prev_hash, hash) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  if (!insert) return fail(insert.error());
  if (auto s = (*insert)->bind_all(seq, at_ms, entry.actor, entry.action, entry.subject, entry.details, prev,
                                   hash);
      !s) {
    return fail(s.error());
  }
  if (auto s = (*insert)->run(); !s) return fail(s.error().with_context("appending to the audit log"));
  return seq;
}

Status verify_audit_chain(sqlite::Database& db) {
  auto stmt = db.prepare(
      "SELECT seq, at_ms, actor, action, subject, details, prev_hash, hash FROM audit_log ORDER BY seq");
  if (!stmt) return fail(stmt.error());
  std::string prev;
  std::int64_t expected_seq = 1;
  while (true) {
    auto row = stmt->step();
    if (!row) return fail(row.error().with_context("reading the audit log"));
    if (!*row) return {};
    const std::int64_t seq = stmt->column_int64(0);
    const AuditEntry e{stmt->column_text(2), stmt->column_text(3), stmt->column_text(4),
                       stmt->column_text(5)};
    const std::string where = "audit log entry " + std::to_string(seq);
    if (seq != expected_seq)
      return fail(Errc::corrupt,
                  where + ": expected entry " + std::to_string(expected_seq) + " (missing entry)");
    if (stmt->column_text(6) != prev)
      return fail(Errc::corrupt, where + ": does not chain to the entry before it");
    if (sha256_hex(audit_hash_input(seq, stmt->column_int64(1), e, prev)) != stmt->column_text(7)) {
      return fail(Errc::corrupt, where + ": content does not match its hash (edited)");
    }
    prev = stmt->column_text(7);
    ++expected_seq;
  }
}

Result<std::int64_t> enqueue_mutation(sqlite::Database& db, std::int64_t at_ms, const Mutation& m) {
  auto next = db.query_one<std::int64_t>("SELECT COALESCE(MAX(mutation_id), 0) + 1 FROM outbox");
  if (!next) return fail(next.error());
  const std::int64_t id = **next;
  auto insert =
      db.cached("INSERT INTO outbox (mutation_id, kind, entity_id, created_at_ms) VALUES (?, ?, ?, ?)");
  if (!insert) return fail(insert.error());
  if (auto s = (*insert)->bind_all(id, m.kind, m.entity_id, at_ms); !s) return fail(s.error());
  if (auto s = (*insert)->run(); !s) return fail(s.error().with_context("queueing mutation " + m.kind));
  auto payload = db.cached("INSERT INTO outbox_payload (mutation_id, payload) VALUES (?, ?)");
  if (!payload) return fail(payload.error());
  if (auto s = (*payload)->bind_all(id, m.payload); !s) return fail(s.error());
  if (auto s = (*payload)->run(); !s) return fail(s.error().with_context("queueing mutation " + m.kind));
  return id;
}

Result<std::int64_t> enqueue_stamped_mutation(sqlite::Database& db, std::int64_t at_ms, const Mutation& m) {
  namespace proto = sync::proto;
  auto stored = db.query_one<std::int64_t>("SELECT hlc_last FROM sync_state WHERE singleton = 1");
  if (!stored) return fail(stored.error());
  if (!*stored) return fail(Errc::corrupt, "the replica has no sync_state row");
  auto last = proto::hlc_from_storage(**stored);
  if (!last) return fail(last.error());
  proto::Hlc clock(*last);
  auto stamp = clock.now(at_ms);
  if (!stamp) return fail(stamp.error().with_context("stamping " + m.kind));
  auto as_int = proto::hlc_to_storage(*stamp);
  if (!as_int) return fail(as_int.error());
  auto id = enqueue_mutation(db, at_ms, m);
  if (!id) return id;
  auto up = db.cached("UPDATE outbox SET hlc = ? WHERE mutation_id = ?");
  if (!up) return fail(up.error());
  if (auto s = (*up)->bind_all(*as_int, *id); !s) return fail(s.error());
  if (auto s = (*up)->run(); !s) return fail(s.error().with_context("stamping " + m.kind));
  auto save = db.cached("UPDATE sync_state SET hlc_last = ? WHERE singleton = 1");
  if (!save) return fail(save.error());
  if (auto s = (*save)->bind_all(*as_int); !s) return fail(s.error());
  if (auto s = (*save)->run(); !s) return fail(s.error().with_context("saving the clock"));
  return id;
}

Result<std::int64_t> pending_mutation_count(sqlite::Database& db) {
  auto n = db.query_one<std::int64_t>("SELECT COUNT(*) FROM outbox WHERE acked_at_ms IS NULL");
  if (!n) return fail(n.error());
  return **n;
}

}  // namespace storeedge::store
