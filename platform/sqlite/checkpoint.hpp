#pragma once
// Checkpoints off the hot path. A database opened with wal_autocheckpoint_pages = 0 never copies its
// WAL back into the database file during a commit; its owner calls checkpoint_if_needed() when it is
// idle (the edge daemon: from a timer on its io thread, between requests).
#include "platform/error.hpp"
#include "platform/sqlite/database.hpp"

namespace storeedge::sqlite {

// When at least `wal_pages_threshold` WAL frames of this connection's commits wait for a checkpoint
// (Database::wal_pending_frames()), runs PRAGMA wal_checkpoint(PASSIVE): it copies what no reader
// still needs and fsyncs the database file, never waits for readers or writers, and lets the next
// commit restart the WAL from its beginning once everything was copied. Below the threshold it does
// nothing. A threshold below 1 is Errc::invalid_argument. Must not be called inside a transaction
// (Errc::conflict): the checkpoint would not see the open transaction's pages anyway.
[[nodiscard]] Status checkpoint_if_needed(Database& db, int wal_pages_threshold);

}  // namespace storeedge::sqlite
