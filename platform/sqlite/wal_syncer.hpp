#pragma once
// Group commit for a WAL database (OpenOptions::group_commit): commits return as soon as their WAL
// frames are in the operating system (synchronous=NORMAL), and this thread makes them durable with
// one fdatasync of the WAL file for every commit made before it started. A caller that must not say
// anything it could forget (storehub, before it acknowledges a push) asks when_durable() and acts in
// the callback.
//
// Why it is safe: SQLite appends a commit's frames, the commit frame last, before the commit returns
// (wal_batch_vfs.hpp writes them in one call), and recovery after a power loss keeps every commit
// whose frames reached the disk in order. An fdatasync of the WAL that starts after a commit returned
// therefore makes that commit and all before it durable. Checkpoints sync the WAL before they copy it
// (both synchronous modes do), so the database file never holds a page the WAL on disk lacks.
//
// Threads: note_commit() and when_durable() are called by the connection's thread (the WAL hook and
// its owner). Callbacks run on the syncer thread, or at once on the caller's thread when nothing
// committed is waiting for the disk. A failed fdatasync is permanent: the kernel may have dropped the
// pages it could not write, so no later sync could vouch for them; every waiting and later callback
// is told `false` (the owner must stop acknowledging and be restarted, which recovers from the WAL on
// disk). The destructor syncs what is still waiting, runs the last callbacks and joins the thread.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "platform/error.hpp"

namespace storeedge::sqlite {

class WalSyncer {
 public:
  // What makes the file's data durable: fdatasync(2) unless a test substitutes it. Returns 0 or an
  // errno value.
  using SyncFile = std::function<int(int fd)>;
  using Callback = std::function<void(bool durable)>;

  // `wal_path` is the database path with "-wal"; it is opened at the first sync (SQLite creates it
  // when the database is opened in WAL mode) and again if SQLite replaced the file.
  [[nodiscard]] static Result<std::unique_ptr<WalSyncer>> start(std::filesystem::path wal_path,
                                                                SyncFile sync_file = {});
  WalSyncer(const WalSyncer&) = delete;
  WalSyncer& operator=(const WalSyncer&) = delete;
  ~WalSyncer();

  // A commit has returned on the connection (its frames are in the WAL file).
  void note_commit();
  // `done(true)` once every commit noted so far is on disk; `done(false)` if the WAL cannot be
  // synced.
  void when_durable(Callback done);

  // For tests and diagnostics: fdatasync calls made, commits noted, and whether syncing failed.
  std::int64_t syncs() const;
  std::uint64_t commits() const;
  bool failed() const;

 private:
  WalSyncer(std::filesystem::path wal_path, SyncFile sync_file);
  void run();
  int sync_now();  // on the syncer thread: 0 or an errno value

  const std::filesystem::path wal_path_;
  const SyncFile sync_file_;
  int fd_ = -1;  // the syncer thread's descriptor of the WAL file

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::uint64_t committed_ = 0;  // commits noted
  std::uint64_t synced_ = 0;     // commits known durable
  std::deque<std::pair<std::uint64_t, Callback>> waiting_;
  std::int64_t syncs_ = 0;
  bool failed_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace storeedge::sqlite
