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
// had not committed, which SQLite ignores anyway. Database files, journals and shared memory pass
// straight through.
#include <cstdint>

namespace storeedge::sqlite {

// The VFS's name, registered on first use (thread-safe). Database::open uses it unless told not to.
const char* wal_batch_vfs_name();

// Counters across all connections, for tests and benchmarks.
struct WalBatchStats {
  std::int64_t sqlite_writes = 0;  // write calls SQLite made on WAL files
  std::int64_t os_writes = 0;      // write calls this VFS made on WAL files
};
WalBatchStats wal_batch_stats();

}  // namespace storeedge::sqlite
