#include "platform/sqlite/transaction.hpp"

#include <utility>

namespace storeedge::sqlite {
namespace {

Status run_cached(Database& db, std::string_view sql) {
  auto stmt = db.cached(sql);
  if (!stmt) return fail(stmt.error());
  return (*stmt)->run();
}

const char* begin_sql(Transaction::Mode mode) {
  switch (mode) {
    case Transaction::Mode::deferred: return "BEGIN DEFERRED";
    case Transaction::Mode::immediate: return "BEGIN IMMEDIATE";
    case Transaction::Mode::exclusive: return "BEGIN EXCLUSIVE";
  }
  return "BEGIN IMMEDIATE";
}

// After a failed statement SQLite may or may not have rolled back on its own; ROLLBACK is only
// issued when a transaction is still open, and its own failure changes nothing we could report.
void rollback_if_open(Database& db) {
  if (db.in_transaction()) (void)run_cached(db, "ROLLBACK");
}

}  // namespace

Result<Transaction> Transaction::begin(Database& db, Mode mode) {
  if (auto ok = run_cached(db, begin_sql(mode)); !ok)
    return fail(ok.error().with_context("beginning transaction"));
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
  if (db_ != nullptr) rollback_if_open(*db_);
}

Status Transaction::commit() {
  if (db_ == nullptr) return fail(Errc::conflict, "transaction already finished");
  Database& db = *std::exchange(db_, nullptr);
  if (auto ok = run_cached(db, "COMMIT"); !ok) {
    rollback_if_open(db);
    return fail(ok.error().with_context("committing transaction"));
  }
  return {};
}

Status Transaction::rollback() {
  if (db_ == nullptr) return fail(Errc::conflict, "transaction already finished");
  Database& db = *std::exchange(db_, nullptr);
  if (!db.in_transaction()) return {};
  if (auto ok = run_cached(db, "ROLLBACK"); !ok)
    return fail(ok.error().with_context("rolling back transaction"));
  return {};
}

}  // namespace storeedge::sqlite
