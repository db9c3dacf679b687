#include "platform/sqlite/wal_batch_vfs.hpp"

#include "platform/sqlite/vfs_shim.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

namespace storeedge::sqlite {
namespace {

constexpr int kFrameHeaderBytes = 24;           // WAL frame header (sqlite.org/fileformat2.html#walformat)
constexpr int kWalHeaderBytes = 32;             // the WAL file header, before the first frame
constexpr std::size_t kMaxGathered = 1u << 20;  // a long transaction is written in 1 MiB pieces
// The unix VFS writes at most 128 KiB - 1 per call (it masks larger sizes), as SQLite never asks
// for more than a 64 KiB page: so do we.
constexpr std::size_t kMaxWrite = 64u << 10;

std::atomic<std::int64_t> g_sqlite_writes{0};
std::atomic<std::int64_t> g_os_writes{0};
std::atomic<std::int64_t> g_checkpoint_sqlite_writes{0};
std::atomic<std::int64_t> g_checkpoint_os_writes{0};
std::atomic<std::int64_t> g_checkpoint_sqlite_reads{0};
std::atomic<std::int64_t> g_checkpoint_os_reads{0};

// 64 KiB of one file read at once, from which the reads after it are served. When and for which
// reads a window may be used is its owner's rule (CheckpointReads, DatabaseReads).
struct ReadWindow {
  sqlite3_file* file = nullptr;  // the file the window holds bytes of; none when null
  sqlite3_int64 start = 0;
  std::vector<unsigned char> bytes;

  // Serves `amount` bytes at `offset` of `f`, first reading 64 KiB from `offset` when the window
  // does not hold them (counted in `os_reads`).
  int read(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset, std::atomic<std::int64_t>& os_reads);
};

// While this thread runs a checkpoint (between CKPT_START and CKPT_DONE on its database file), the
// WAL frames it reads come through a 64 KiB read-ahead window: it reads them in page order, which
// within a commit is WAL order. The frames a checkpoint copies do not change while it runs (SQLite
// reads them unguarded too); bytes past them may, so the window is dropped when the checkpoint ends.
struct CheckpointReads {
  bool active = false;
  ReadWindow window;  // of the WAL file
};
thread_local CheckpointReads t_checkpoint_reads;
thread_local bool t_gather_checkpoints = false;

// On a thread that asked for it (ReadDatabaseAhead), database pages SQLite reads
// from the file come through a 64 KiB window: one read call for a run of neighbouring pages. Only
// within one transaction: SQLite takes or releases a lock (xLock, xUnlock, xShmLock) around each,
// and each of those drops the window. Within a transaction the database pages a connection reads
// from the file are stable: a checkpoint (of any connection or process) only writes pages whose
// newer version that connection reads from the WAL, never from the file. A write or truncation of
// any database file by this process drops every window too (`g_database_writes`), for the
// connection's own checkpoint and for anything that rule does not cover.
struct DatabaseReads {
  std::int64_t writes = 0;  // g_database_writes when the window was read
  ReadWindow window;        // of the database file
};
thread_local bool t_read_database_ahead = false;
thread_local DatabaseReads t_database_reads;
std::atomic<std::int64_t> g_database_writes{0};
std::atomic<std::int64_t> g_read_ahead_sqlite_reads{0};
std::atomic<std::int64_t> g_read_ahead_os_reads{0};

void drop_database_window() {
  t_database_reads.window.file = nullptr;
}

sqlite3_vfs g_vfs{};
sqlite3_vfs* g_real = nullptr;

// Our file object (vfs_shim.hpp's layout): the wrapped VFS's file lives right after it.
struct BatchFile {
  vfs_shim::ShimFile head;
  bool wal;
  bool main_db;
  // WAL files, and database files while a checkpoint copies pages into them: bytes written but not
  // yet handed to the OS, starting at file offset `start`.
  std::vector<unsigned char>* gathered;
  sqlite3_int64 start;
  bool commit_frame_next;  // the last write was the header of a commit frame
  bool checkpointing;      // database file: between SQLITE_FCNTL_CKPT_START and CKPT_DONE
  const char* name;        // as passed to xOpen (SQLite keeps it valid until xClose)
};

BatchFile* file_of(sqlite3_file* f) {
  return reinterpret_cast<BatchFile*>(f);
}
using vfs_shim::real_methods;
using vfs_shim::real_of;

// Writes what is gathered. On failure the bytes are dropped: SQLite sees the error on the call
// that asked for the flush and rolls the transaction back, as it would after a failed write.
int flush(sqlite3_file* f) {
  BatchFile* file = file_of(f);
  if (file->gathered == nullptr || file->gathered->empty()) return SQLITE_OK;
  std::vector<unsigned char>& bytes = *file->gathered;
  int rc = SQLITE_OK;
  for (std::size_t done = 0; done < bytes.size() && rc == SQLITE_OK; done += kMaxWrite) {
    const std::size_t n = std::min(kMaxWrite, bytes.size() - done);
    rc = real_methods(f)->xWrite(real_of(f), bytes.data() + done, static_cast<int>(n),
                                 file->start + static_cast<sqlite3_int64>(done));
    ++(file->wal ? g_os_writes : g_checkpoint_os_writes);
  }
  if (!file->wal) ++g_database_writes;
  bytes.clear();
  return rc;
}

// A checkpoint writes the pages it copies in page order, and a growing database allocates new pages
// at its end, so most of them are neighbours: gathered, a run of them goes to the OS in 64 KiB writes
// instead of one pwrite per page (a fifth of storehub's CPU in a drain was its checkpoint thread's
// pread and pwrite per page).
// Appends a write to what is gathered, first writing what is there when the write does not follow
// it (a checkpoint's next page elsewhere, SQLite rewriting a frame of this transaction).
int gather(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset) {
  BatchFile* file = file_of(f);
  std::vector<unsigned char>& bytes = *file->gathered;
  if (!bytes.empty() && offset != file->start + static_cast<sqlite3_int64>(bytes.size())) {
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  }
  if (bytes.empty()) file->start = offset;
  const auto* p = static_cast<const unsigned char*>(buf);
  bytes.insert(bytes.end(), p, p + amount);
  return SQLITE_OK;
}

int checkpoint_write(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset) {
  ++g_checkpoint_sqlite_writes;
  if (const int rc = gather(f, buf, amount, offset); rc != SQLITE_OK) return rc;
  if (file_of(f)->gathered->size() >= kMaxGathered) return flush(f);
  return SQLITE_OK;
}

bool is_commit_frame_header(const void* buf, int amount, sqlite3_int64 offset) {
  if (amount != kFrameHeaderBytes || offset < kWalHeaderBytes) return false;
  const auto* p = static_cast<const unsigned char*>(buf);
  return (p[4] | p[5] | p[6] | p[7]) != 0;  // "size of the database after this commit", 0 otherwise
}

int x_write(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset) {
  BatchFile* file = file_of(f);
  if (file->checkpointing) return checkpoint_write(f, buf, amount, offset);
  if (!file->wal) {
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
    const int rc = real_methods(f)->xWrite(real_of(f), buf, amount, offset);
    if (file->main_db) ++g_database_writes;
    return rc;
  }
  ++g_sqlite_writes;
  if (const int rc = gather(f, buf, amount, offset); rc != SQLITE_OK) return rc;
  const std::vector<unsigned char>& bytes = *file->gathered;
  const bool commit_page = file->commit_frame_next && amount != kFrameHeaderBytes;
  file->commit_frame_next = is_commit_frame_header(buf, amount, offset);
  if (commit_page || bytes.size() >= kMaxGathered) return flush(f);
  return SQLITE_OK;
}

int x_close(sqlite3_file* f) {
  BatchFile* file = file_of(f);
  const int flushed = flush(f);
  delete file->gathered;
  file->gathered = nullptr;
  const int rc = real_methods(f)->xClose(real_of(f));
  return flushed != SQLITE_OK ? flushed : rc;
}
int ReadWindow::read(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset,
                     std::atomic<std::int64_t>& os_reads) {
  const auto held = static_cast<sqlite3_int64>(bytes.size());
  if (file != f || offset < start || offset + amount > start + held) {
    file = nullptr;
    bytes.resize(kMaxWrite);
    ++os_reads;
    const int rc = real_methods(f)->xRead(real_of(f), bytes.data(), static_cast<int>(kMaxWrite), offset);
    if (rc != SQLITE_OK) {  // a short read near the end of the file included: read just what was asked
      bytes.clear();
      return real_methods(f)->xRead(real_of(f), buf, amount, offset);
    }
    file = f;
    start = offset;
  }
  std::memcpy(buf, bytes.data() + (offset - start), static_cast<std::size_t>(amount));
  return SQLITE_OK;
}

// A database page read through this thread's window (see DatabaseReads).
int read_database_ahead(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset) {
  DatabaseReads& reads = t_database_reads;
  ++g_read_ahead_sqlite_reads;
  const std::int64_t writes = g_database_writes.load();
  if (reads.writes != writes) {
    reads.window.file = nullptr;
    reads.writes = writes;
  }
  return reads.window.read(f, buf, amount, offset, g_read_ahead_os_reads);
}

int x_read(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset) {
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  if (t_read_database_ahead && file_of(f)->main_db && !file_of(f)->checkpointing && amount > 0 &&
      static_cast<std::size_t>(amount) <= kMaxWrite) {
    return read_database_ahead(f, buf, amount, offset);
  }
  CheckpointReads& checkpoint = t_checkpoint_reads;
  if (!checkpoint.active || !file_of(f)->wal || amount <= 0 || static_cast<std::size_t>(amount) > kMaxWrite)
    return real_methods(f)->xRead(real_of(f), buf, amount, offset);
  ++g_checkpoint_sqlite_reads;
  return checkpoint.window.read(f, buf, amount, offset, g_checkpoint_os_reads);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  const int rc = real_methods(f)->xTruncate(real_of(f), size);
  if (file_of(f)->main_db) ++g_database_writes;
  return rc;
}
// Transactions begin and end with these: each drops this thread's database window.
int x_lock(sqlite3_file* f, int level) {
  drop_database_window();
  return real_methods(f)->xLock(real_of(f), level);
}
int x_unlock(sqlite3_file* f, int level) {
  drop_database_window();
  return real_methods(f)->xUnlock(real_of(f), level);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  drop_database_window();
  return real_methods(f)->xShmLock(real_of(f), offset, n, flags);
}
int x_sync(sqlite3_file* f, int flags) {
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return real_methods(f)->xSync(real_of(f), flags);
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return real_methods(f)->xFileSize(real_of(f), size);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
  BatchFile* file = file_of(f);
  if (op == SQLITE_FCNTL_CKPT_DONE && file->checkpointing) {
    file->checkpointing = false;
    t_checkpoint_reads = CheckpointReads{};
    // The last pages of the checkpoint, whose writes SQLite already saw succeed. SQLite ignores
    // this call's result and, after a partial checkpoint, records the frames as copied without
    // touching the file again: pages that could not be written (a full disk) would then be missing
    // from the database once the WAL restarts. So the process stops here, before anything is
    // recorded; the next start rebuilds the WAL index and copies those frames again.
    if (const int rc = flush(f); rc != SQLITE_OK) {
      std::fprintf(stderr,
                   "storeedge: cannot write the pages a checkpoint copies into %s (SQLite error %d); "
                   "stopping before the WAL could drop them\n",
                   file->name != nullptr ? file->name : "a database", rc);
      std::abort();
    }
  }
  const int flushed = flush(f);
  if (op == SQLITE_FCNTL_CKPT_START && t_gather_checkpoints && file->main_db && file->gathered != nullptr) {
    file->checkpointing = flushed == SQLITE_OK;
    t_checkpoint_reads = CheckpointReads{};
    t_checkpoint_reads.active = file->checkpointing;
  }
  if (flushed != SQLITE_OK) return flushed;
  return real_methods(f)->xFileControl(real_of(f), op, arg);
}
// One method table per io_methods version of the wrapped file: forwarding, but for the WAL's writes
// and what must see them first.
sqlite3_io_methods batching_methods(int version) {
  sqlite3_io_methods m = vfs_shim::forwarding_methods(version);
  m.xClose = x_close;
  m.xRead = x_read;
  m.xWrite = x_write;
  m.xTruncate = x_truncate;
  m.xSync = x_sync;
  m.xFileSize = x_file_size;
  m.xFileControl = x_file_control;
  m.xLock = x_lock;
  m.xUnlock = x_unlock;
  if (version >= 2) m.xShmLock = x_shm_lock;
  return m;
}
const sqlite3_io_methods kMethodsV1 = batching_methods(1);
const sqlite3_io_methods kMethodsV2 = batching_methods(2);
const sqlite3_io_methods kMethodsV3 = batching_methods(3);

int x_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  BatchFile* file = file_of(f);
  file->wal = (flags & SQLITE_OPEN_WAL) != 0;
  file->main_db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
  file->gathered = nullptr;
  file->start = 0;
  file->commit_frame_next = false;
  file->checkpointing = false;
  file->name = name;
  if (const int rc = vfs_shim::open_wrapped(vfs, sizeof(BatchFile), name, f, flags, out_flags);
      rc != SQLITE_OK)
    return rc;
  if (file->wal || file->main_db) {
    file->gathered = new (std::nothrow) std::vector<unsigned char>();
    if (file->gathered == nullptr) {
      real_methods(f)->xClose(real_of(f));
      return SQLITE_NOMEM;
    }
  }
  const int version = real_methods(f)->iVersion;
  f->pMethods = version >= 3 ? &kMethodsV3 : version == 2 ? &kMethodsV2 : &kMethodsV1;
  return SQLITE_OK;
}

}  // namespace

const char* wal_batch_vfs_name() {
  static std::once_flag once;
  static const char* name = nullptr;
  std::call_once(once, [] {
    g_real = sqlite3_vfs_find(nullptr);
    if (g_real == nullptr) return;  // no default VFS: Database::open reports the missing VFS
    vfs_shim::fill_forwarding_vfs(g_vfs, g_real, sizeof(BatchFile), "storeedge-wal-batch", &g_real, x_open);
    if (sqlite3_vfs_register(&g_vfs, 0) == SQLITE_OK) name = g_vfs.zName;
  });
  return name;
}

void gather_checkpoints_on_this_thread(bool on) {
  t_gather_checkpoints = on;
}

void read_database_ahead_on_this_thread(bool on) {
  t_read_database_ahead = on;
  if (!on) t_database_reads = DatabaseReads{};  // its 64 KiB back
}

bool reading_database_ahead_on_this_thread() {
  return t_read_database_ahead;
}

WalBatchStats wal_batch_stats() {
  return WalBatchStats{g_sqlite_writes.load(),
                       g_os_writes.load(),
                       g_checkpoint_sqlite_writes.load(),
                       g_checkpoint_os_writes.load(),
                       g_checkpoint_sqlite_reads.load(),
                       g_checkpoint_os_reads.load(),
                       g_read_ahead_sqlite_reads.load(),
                       g_read_ahead_os_reads.load()};
}

}  // namespace storeedge::sqlite
