#include "platform/sqlite/vfs_shim.hpp"

namespace storeedge::sqlite::vfs_shim {
namespace {

int x_close(sqlite3_file* f) {
  return real_methods(f)->xClose(real_of(f));
}
int x_read(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset) {
  return real_methods(f)->xRead(real_of(f), buf, amount, offset);
}
int x_write(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset) {
  return real_methods(f)->xWrite(real_of(f), buf, amount, offset);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  return real_methods(f)->xTruncate(real_of(f), size);
}
int x_sync(sqlite3_file* f, int flags) {
  return real_methods(f)->xSync(real_of(f), flags);
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
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

int x_delete(sqlite3_vfs* v, const char* name, int sync_dir) {
  return real_vfs(v)->xDelete(real_vfs(v), name, sync_dir);
}
int x_access(sqlite3_vfs* v, const char* name, int flags, int* out) {
  return real_vfs(v)->xAccess(real_vfs(v), name, flags, out);
}
int x_full_pathname(sqlite3_vfs* v, const char* name, int size, char* out) {
  return real_vfs(v)->xFullPathname(real_vfs(v), name, size, out);
}
void* x_dl_open(sqlite3_vfs* v, const char* name) {
  return real_vfs(v)->xDlOpen(real_vfs(v), name);
}
void x_dl_error(sqlite3_vfs* v, int size, char* out) {
  real_vfs(v)->xDlError(real_vfs(v), size, out);
}
void (*x_dl_sym(sqlite3_vfs* v, void* handle, const char* symbol))(void) {
  return real_vfs(v)->xDlSym(real_vfs(v), handle, symbol);
}
void x_dl_close(sqlite3_vfs* v, void* handle) {
  real_vfs(v)->xDlClose(real_vfs(v), handle);
}
int x_randomness(sqlite3_vfs* v, int size, char* out) {
  return real_vfs(v)->xRandomness(real_vfs(v), size, out);
}
int x_sleep(sqlite3_vfs* v, int micros) {
  return real_vfs(v)->xSleep(real_vfs(v), micros);
}
int x_current_time(sqlite3_vfs* v, double* out) {
  return real_vfs(v)->xCurrentTime(real_vfs(v), out);
}
int x_get_last_error(sqlite3_vfs* v, int size, char* out) {
  return real_vfs(v)->xGetLastError(real_vfs(v), size, out);
}
int x_current_time_int64(sqlite3_vfs* v, sqlite3_int64* out) {
  return real_vfs(v)->xCurrentTimeInt64(real_vfs(v), out);
}
int x_set_system_call(sqlite3_vfs* v, const char* name, sqlite3_syscall_ptr call) {
  return real_vfs(v)->xSetSystemCall(real_vfs(v), name, call);
}
sqlite3_syscall_ptr x_get_system_call(sqlite3_vfs* v, const char* name) {
  return real_vfs(v)->xGetSystemCall(real_vfs(v), name);
}
const char* x_next_system_call(sqlite3_vfs* v, const char* name) {
  return real_vfs(v)->xNextSystemCall(real_vfs(v), name);
}

}  // namespace

sqlite3_io_methods forwarding_methods(int version) {
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

int open_wrapped(sqlite3_vfs* vfs, std::size_t own_size, sqlite3_filename name, sqlite3_file* f, int flags,
                 int* out_flags) {
  auto* shim = reinterpret_cast<ShimFile*>(f);
  shim->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + own_size);
  shim->real->pMethods = nullptr;
  f->pMethods = nullptr;
  sqlite3_vfs* real = real_vfs(vfs);
  const int rc = real->xOpen(real, name, shim->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    // SQLite calls xClose only when pMethods is set; ours stays unset, so close the real one here.
    if (shim->real->pMethods != nullptr) shim->real->pMethods->xClose(shim->real);
  }
  return rc;
}

void fill_forwarding_vfs(sqlite3_vfs& vfs, sqlite3_vfs* real, std::size_t own_size, const char* name,
                         void* app_data,
                         int (*x_open)(sqlite3_vfs*, sqlite3_filename, sqlite3_file*, int, int*)) {
  vfs.iVersion = real->iVersion >= 3 ? 3 : 2;
  vfs.szOsFile = static_cast<int>(own_size) + real->szOsFile;
  vfs.mxPathname = real->mxPathname;
  vfs.zName = name;
  vfs.pAppData = app_data;
  vfs.xOpen = x_open;
  vfs.xDelete = x_delete;
  vfs.xAccess = x_access;
  vfs.xFullPathname = x_full_pathname;
  vfs.xDlOpen = x_dl_open;
  vfs.xDlError = x_dl_error;
  vfs.xDlSym = x_dl_sym;
  vfs.xDlClose = x_dl_close;
  vfs.xRandomness = x_randomness;
  vfs.xSleep = x_sleep;
  vfs.xCurrentTime = x_current_time;
  vfs.xGetLastError = x_get_last_error;
  vfs.xCurrentTimeInt64 = x_current_time_int64;
  if (vfs.iVersion >= 3) {
    vfs.xSetSystemCall = x_set_system_call;
    vfs.xGetSystemCall = x_get_system_call;
    vfs.xNextSystemCall = x_next_system_call;
  }
}

}  // namespace storeedge::sqlite::vfs_shim
