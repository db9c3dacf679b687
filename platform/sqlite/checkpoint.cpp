#include "platform/sqlite/checkpoint.hpp"

#include <string>

namespace storeedge::sqlite {

Status checkpoint_if_needed(Database& db, int wal_pages_threshold) {
  if (wal_pages_threshold < 1) {
    return fail(Errc::invalid_argument, "checkpoint threshold must be at least 1 WAL page, got " +
                                            std::to_string(wal_pages_threshold));
  }
  if (db.in_transaction()) {
    return fail(Errc::conflict, "cannot checkpoint " + db.path().string() + " inside a transaction");
  }
  if (db.wal_pending_frames() < wal_pages_threshold) return {};
  return db.checkpoint_passive();
}

}  // namespace storeedge::sqlite
