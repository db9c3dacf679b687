#pragma once
// A SQLite VFS that hands each commit's WAL frames to the operating system in one write.
//
// SQLite appends a commit to the WAL as two writes per page (the 24-byte frame header, then the
// page). A 10-line sale touches ~28 pages, so its commit makes ~56 pwrite calls before the fsync,
// and on a virtualised till each system call costs microseconds: they were most of what a sale
// costs beyond the fsync itself. This VFS sits over the default one and, for WAL files only,
// gathers appended bytes in memory and writes them with one call when the commit frame (a frame
// header whose "database size" field is non-zero) has been appended — so every commit is in the
// file before SQLite publishes it in the WAL index, whatever the synchronous setting, exactly as
// with the default VFS. Anything else that touches the WAL file (a read, a write elsewhere, sync,
// truncate, size, close, a file control) first writes what is gathered, so SQLite never sees a
// file that differs from what it wrote. A crash loses at most the frames of a transaction that
// had not committed, which SQLite ignores anyway.
//
// On a thread that asked for it (gather_checkpoints_on_this_thread: storehub's checkpoint thread), a
// checkpoint's copies into the database file are gathered the same way: between SQLite's
// SQLITE_FCNTL_CKPT_START and SQLITE_FCNTL_CKPT_DONE file controls it only writes pages, in page
// order, and neighbouring pages go to the OS in 64 KiB writes instead of one call per page. A
// gathered run is written when the next page is not its neighbour (a failure is that write's
// result, so SQLite stops the checkpoint), and the last one when CKPT_DONE arrives, before SQLite
// syncs the file or records the frames as copied. SQLite ignores CKPT_DONE's result and, after a
// partial checkpoint, records the frames as copied without calling the file again, so a write that
// fails there ends the process instead: the next start rebuilds the WAL index and copies those
// frames again. The WAL frames a checkpoint reads come through a 64 KiB read-ahead window on its
// thread, dropped when it ends (the frames it copies cannot change meanwhile; bytes past them can).
// A till's daemon does not ask: there a full disk must fail the checkpoint, not stop the process.
//
// On a thread that asked for it (ReadDatabaseAhead: a till's outbox relay while it reads a batch in
// mutation order, mostly neighbouring pages that a drained queue no longer has in any cache), the
// database pages a transaction reads from the file come
// through a 64 KiB read-ahead window, so neighbouring pages cost one read call instead of one each.
// The window lives for one transaction at most (any lock call drops it): within a transaction the
// pages a connection reads from the database file do not change, since a checkpoint only copies
// pages whose newer version that connection reads from the WAL. Any write or truncation of a
// database file by this process drops it as well. Journals and shared memory pass straight through.
#include <cstdint>

namespace storeedge::sqlite {

// The VFS's name, registered on first use (thread-safe). Database::open uses it unless told not to.
const char* wal_batch_vfs_name();

// Checkpoints run on the calling thread from now on gather their writes and read the WAL ahead (on)
// or do not (off, the default).
void gather_checkpoints_on_this_thread(bool on);

// Transactions run on the calling thread from now on read database pages through a read-ahead
// window (on) or one page per call (off, the default). Not for random reads (an index lookup
// would read 64 KiB for each page it needs).
void read_database_ahead_on_this_thread(bool on);
bool reading_database_ahead_on_this_thread();

// read_database_ahead_on_this_thread(on) for a scope; then back to what it was.
class ReadDatabaseAhead {
 public:
  explicit ReadDatabaseAhead(bool on = true) : previous_(reading_database_ahead_on_this_thread()) {
    read_database_ahead_on_this_thread(on);
  }
  ~ReadDatabaseAhead() { read_database_ahead_on_this_thread(previous_); }
  ReadDatabaseAhead(const ReadDatabaseAhead&) = delete;
  ReadDatabaseAhead& operator=(const ReadDatabaseAhead&) = delete;

 private:
  bool previous_;
};

// Counters across all connections, for tests and benchmarks.
struct WalBatchStats {
  std::int64_t sqlite_writes = 0;             // write calls SQLite made on WAL files
  std::int64_t os_writes = 0;                 // write calls this VFS made on WAL files
  std::int64_t checkpoint_sqlite_writes = 0;  // page writes checkpoints asked of database files
  std::int64_t checkpoint_os_writes = 0;      // write calls this VFS made for them
  std::int64_t checkpoint_sqlite_reads = 0;   // WAL frame reads checkpoints asked for
  std::int64_t checkpoint_os_reads = 0;       // read calls this VFS made for them
  std::int64_t read_ahead_sqlite_reads = 0;   // database page reads on read-ahead threads
  std::int64_t read_ahead_os_reads = 0;       // read calls this VFS made for them
};
WalBatchStats wal_batch_stats();

}  // namespace storeedge::sqlite
