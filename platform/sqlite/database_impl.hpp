#pragma once
// Internal to platform/sqlite: the state behind a Database handle.
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <sqlite3.h>

#include "platform/sqlite/background_checkpoint.hpp"
#include "platform/sqlite/database.hpp"
#include "platform/sqlite/wal_syncer.hpp"

namespace storeedge::sqlite {

struct Database::Impl {
  struct CacheEntry {
    Statement stmt;
    bool in_use = false;
  };

  sqlite3* db = nullptr;
  std::filesystem::path path;
  OpenOptions options;
  // Heap entries so that borrowed handles keep pointing at them while the map changes.
  std::map<std::string, std::unique_ptr<CacheEntry>, std::less<>> cache;
  // What the WAL hook saw: the WAL's frame count after the last commit, and how many of them the
  // last checkpoint copied. A count lower than the last one means the WAL was restarted.
  int wal_frames = 0;
  int wal_backfilled = 0;
  // OpenOptions::checkpoint_in_background: the thread, and the WAL size at the last request to it.
  std::unique_ptr<BackgroundCheckpointer> checkpointer;
  int wal_frames_at_request = 0;
  // OpenOptions::group_commit: makes commits durable off the connection's thread.
  std::unique_ptr<WalSyncer> syncer;

  static int on_wal_commit(void* context, sqlite3* db, const char* schema, int frames);
  void note_checkpoint(int log_frames, int checkpointed) {
    if (log_frames < 0 || checkpointed < 0) return;  // not in WAL mode
    wal_frames = log_frames;
    wal_backfilled = checkpointed;
  }

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    syncer.reset();        // syncs what waits for the disk and runs the last callbacks
    checkpointer.reset();  // joins its thread and closes its connection first
    cache.clear();         // finalize before closing
    // close_v2 defers the close if a caller still holds a Statement, instead of failing.
    if (db != nullptr) sqlite3_close_v2(db);
  }
};

}  // namespace storeedge::sqlite
