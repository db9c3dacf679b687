#include "platform/sqlite/wal_batch_vfs.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
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

sqlite3_vfs g_vfs{};
sqlite3_vfs* g_real = nullptr;

// Our file object: SQLite allocates szOsFile bytes; the real VFS's file lives right after ours.
struct BatchFile {
  sqlite3_file base;
  sqlite3_file* real;
  bool wal;
  // WAL files only: bytes appended but not yet written, starting at file offset `start`.
  std::vector<unsigned char>* gathered;
  sqlite3_int64 start;
  bool commit_frame_next;  // the last write was the header of a commit frame
};

BatchFile* file_of(sqlite3_file* f) {
  return reinterpret_cast<BatchFile*>(f);
}
sqlite3_file* real_of(sqlite3_file* f) {
  return file_of(f)->real;
}
const sqlite3_io_methods* real_methods(sqlite3_file* f) {
  return real_of(f)->pMethods;
}

// Writes what is gathered. On failure the bytes are dropped: SQLite sees the error on the call
// that asked for the flush and rolls the transaction back, as it would after a failed write.
int flush(sqlite3_file* f) {
  BatchFile* file = file_of(f);
  if (!file->wal || file->gathered == nullptr || file->gathered->empty()) return SQLITE_OK;
  std::vector<unsigned char>& bytes = *file->gathered;
  int rc = SQLITE_OK;
  for (std::size_t done = 0; done < bytes.size() && rc == SQLITE_OK; done += kMaxWrite) {
    const std::size_t n = std::min(kMaxWrite, bytes.size() - done);
    rc = real_methods(f)->xWrite(real_of(f), bytes.data() + done, static_cast<int>(n),
                                 file->start + static_cast<sqlite3_int64>(done));
    ++g_os_writes;
  }
  bytes.clear();
  return rc;
}

bool is_commit_frame_header(const void* buf, int amount, sqlite3_int64 offset) {
  if (amount != kFrameHeaderBytes || offset < kWalHeaderBytes) return false;
  const auto* p = static_cast<const unsigned char*>(buf);
  return (p[4] | p[5] | p[6] | p[7]) != 0;  // "size of the database after this commit", 0 otherwise
}

int x_write(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset) {
  BatchFile* file = file_of(f);
  if (!file->wal) return real_methods(f)->xWrite(real_of(f), buf, amount, offset);
  ++g_sqlite_writes;
  std::vector<unsigned char>& bytes = *file->gathered;
  if (!bytes.empty() && offset != file->start + static_cast<sqlite3_int64>(bytes.size())) {
    // Not an append to what is gathered (SQLite rewriting a frame of this transaction).
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  }
  if (bytes.empty()) file->start = offset;
  const auto* p = static_cast<const unsigned char*>(buf);
  bytes.insert(bytes.end(), p, p + amount);
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
int x_read(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset) {
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return real_methods(f)->xRead(real_of(f), buf, amount, offset);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return real_methods(f)->xTruncate(real_of(f), size);
}
int x_sync(sqlite3_file* f, int flags) {
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return real_methods(f)->xSync(real_of(f), flags);
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return real_methods(f)->xFileSize(real_of(f), size);
}
int x_lock(sqlite3_file* f, int level) {
  return real_methods(f)->xLock(real_of(f), level);
}
int x_unlock(sqlite3_file* f, int level) {
  return real_methods(f)->xUnlock(real_of(f), level);
}
int x_check_reserved_lock(sqlite3_file* f, int* out) {
  return real_methods(f)->xCheckReservedLock(real_of(f), out);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return real_methods(f)->xFileControl(real_of(f), op, arg);
}
int x_sector_size(sqlite3_file* f) {
  return real_methods(f)->xSectorSize(real_of(f));
}
int x_device_characteristics(sqlite3_file* f) {
  return real_methods(f)->xDeviceCharacteristics(real_of(f));
}
int x_shm_map(sqlite3_file* f, int page, int page_size, int extend, void volatile** out) {
  return real_methods(f)->xShmMap(real_of(f), page, page_size, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return real_methods(f)->xShmLock(real_of(f), offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) {
  real_methods(f)->xShmBarrier(real_of(f));
}
int x_shm_unmap(sqlite3_file* f, int delete_flag) {
  return real_methods(f)->xShmUnmap(real_of(f), delete_flag);
}
int x_fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
  return real_methods(f)->xFetch(real_of(f), offset, amount, out);
}
int x_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
  return real_methods(f)->xUnfetch(real_of(f), offset, p);
}

// One method table per io_methods version, so SQLite only calls what the real file supports.
constexpr sqlite3_io_methods make_methods(int version) {
  return sqlite3_io_methods{version,
                            x_close,
                            x_read,
                            x_write,
                            x_truncate,
                            x_sync,
                            x_file_size,
                            x_lock,
                            x_unlock,
                            x_check_reserved_lock,
                            x_file_control,
                            x_sector_size,
                            x_device_characteristics,
                            version >= 2 ? x_shm_map : nullptr,
                            version >= 2 ? x_shm_lock : nullptr,
                            version >= 2 ? x_shm_barrier : nullptr,
                            version >= 2 ? x_shm_unmap : nullptr,
                            version >= 3 ? x_fetch : nullptr,
                            version >= 3 ? x_unfetch : nullptr};
}
constexpr sqlite3_io_methods kMethodsV1 = make_methods(1);
constexpr sqlite3_io_methods kMethodsV2 = make_methods(2);
constexpr sqlite3_io_methods kMethodsV3 = make_methods(3);

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  BatchFile* file = file_of(f);
  file->real = reinterpret_cast<sqlite3_file*>(file + 1);
  file->real->pMethods = nullptr;
  file->wal = (flags & SQLITE_OPEN_WAL) != 0;
  file->gathered = nullptr;
  file->start = 0;
  file->commit_frame_next = false;
  const int rc = g_real->xOpen(g_real, name, file->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    // SQLite calls xClose only when pMethods is set; ours stays unset, so close the real one here.
    if (file->real->pMethods != nullptr) file->real->pMethods->xClose(file->real);
    f->pMethods = nullptr;
    return rc;
  }
  if (file->wal) {
    file->gathered = new (std::nothrow) std::vector<unsigned char>();
    if (file->gathered == nullptr) {
      file->real->pMethods->xClose(file->real);
      f->pMethods = nullptr;
      return SQLITE_NOMEM;
    }
  }
  const int version = file->real->pMethods->iVersion;
  f->pMethods = version >= 3 ? &kMethodsV3 : version == 2 ? &kMethodsV2 : &kMethodsV1;
  return SQLITE_OK;
}

int x_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return g_real->xDelete(g_real, name, sync_dir);
}
int x_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_real->xAccess(g_real, name, flags, out);
}
int x_full_pathname(sqlite3_vfs*, const char* name, int size, char* out) {
  return g_real->xFullPathname(g_real, name, size, out);
}
void* x_dl_open(sqlite3_vfs*, const char* name) {
  return g_real->xDlOpen(g_real, name);
}
void x_dl_error(sqlite3_vfs*, int size, char* out) {
  g_real->xDlError(g_real, size, out);
}
void (*x_dl_sym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
  return g_real->xDlSym(g_real, handle, symbol);
}
void x_dl_close(sqlite3_vfs*, void* handle) {
  g_real->xDlClose(g_real, handle);
}
int x_randomness(sqlite3_vfs*, int size, char* out) {
  return g_real->xRandomness(g_real, size, out);
}
int x_sleep(sqlite3_vfs*, int micros) {
  return g_real->xSleep(g_real, micros);
}
int x_current_time(sqlite3_vfs*, double* out) {
  return g_real->xCurrentTime(g_real, out);
}
int x_get_last_error(sqlite3_vfs*, int size, char* out) {
  return g_real->xGetLastError(g_real, size, out);
}
int x_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  return g_real->xCurrentTimeInt64(g_real, out);
}

}  // namespace

const char* wal_batch_vfs_name() {
  static std::once_flag once;
  static const char* name = nullptr;
  std::call_once(once, [] {
    g_real = sqlite3_vfs_find(nullptr);
    if (g_real == nullptr) return;  // no default VFS: Database::open reports the missing VFS
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = static_cast<int>(sizeof(BatchFile)) + g_real->szOsFile;
    g_vfs.mxPathname = g_real->mxPathname;
    g_vfs.zName = "storeedge-wal-batch";
    g_vfs.xOpen = x_open;
    g_vfs.xDelete = x_delete;
    g_vfs.xAccess = x_access;
    g_vfs.xFullPathname = x_full_pathname;
    g_vfs.xDlOpen = x_dl_open;
    g_vfs.xDlError = x_dl_error;
    g_vfs.xDlSym = x_dl_sym;
    g_vfs.xDlClose = x_dl_close;
    g_vfs.xRandomness = x_randomness;
    g_vfs.xSleep = x_sleep;
    g_vfs.xCurrentTime = x_current_time;
    g_vfs.xGetLastError = x_get_last_error;
    g_vfs.xCurrentTimeInt64 = x_current_time_int64;
    if (sqlite3_vfs_register(&g_vfs, 0) == SQLITE_OK) name = g_vfs.zName;
  });
  return name;
}

WalBatchStats wal_batch_stats() {
  return WalBatchStats{g_sqlite_writes.load(), g_os_writes.load()};
}

}  // namespace storeedge::sqlite
