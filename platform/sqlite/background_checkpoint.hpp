#pragma once
// Internal to platform/sqlite: runs a database's WAL checkpoints on a thread of its own over a second
// connection (OpenOptions::checkpoint_in_background), so the commit that crosses the checkpoint
// threshold does not wait while earlier commits' pages are copied into the database and fsynced.
//
// A PASSIVE checkpoint never takes the write lock: the owner's writes go on meanwhile, and the
// frames they append are copied by the next checkpoint. A checkpoint syncs the WAL before it copies
// (with group commit the owner's latest commits may not be on disk yet), so a checkpoint that fails
// or is cut short by a crash loses nothing (SQLite recovers from the WAL); the next request tries
// again.
//
// Threads: request() is called by the owner's thread (from its WAL hook); the checkpointer thread
// owns its connection. The destructor stops and joins the thread, then closes the connection.
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include <sqlite3.h>

#include "platform/error.hpp"

namespace storeedge::sqlite {

class BackgroundCheckpointer {
 public:
  // Opens the second connection (same VFS, synchronous FULL when `durable`, NORMAL otherwise: both
  // fsync the database file after a checkpoint) and starts the thread.
  [[nodiscard]] static Result<std::unique_ptr<BackgroundCheckpointer>> start(
      const std::filesystem::path& path, const char* vfs, bool durable);
  BackgroundCheckpointer(const BackgroundCheckpointer&) = delete;
  BackgroundCheckpointer& operator=(const BackgroundCheckpointer&) = delete;
  ~BackgroundCheckpointer();

  // Asks for a checkpoint; requests made while one runs are served by one more checkpoint after it.
  void request();
  // Checkpoints the thread has completed (for tests and diagnostics).
  int completed() const;

 private:
  explicit BackgroundCheckpointer(sqlite3* db);
  void run();

  sqlite3* db_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool requested_ = false;
  bool stopping_ = false;
  int completed_ = 0;
  std::thread thread_;
};

}  // namespace storeedge::sqlite
