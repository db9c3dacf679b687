#include "tests/support/fault_vfs.hpp"

#include <atomic>
#include <mutex>

namespace storeedge::test {

struct FaultVfs::State {
  std::string name;
  sqlite3_vfs vfs{};            // what SQLite sees; pAppData points back here
  sqlite3_vfs* real = nullptr;  // the default VFS we wrap

  std::mutex mutex;                // guards the knobs below
  std::int64_t write_budget = -1;  // bytes still allowed; -1 = unlimited
  int write_code = SQLITE_FULL;
  int sync_failures = 0;
  int sync_code = SQLITE_IOERR_FSYNC;

  std::atomic<std::int64_t> bytes_written{0};
  std::atomic<int> syncs{0};
  std::atomic<int> faults{0};

  // The fault code for a write of `amount` bytes, or SQLITE_OK and the budget charged.
  int charge_write(std::int64_t amount) {
    std::lock_guard lock(mutex);
    if (write_budget < 0) return SQLITE_OK;
    if (amount > write_budget) {
      write_budget = 0;
      return write_code;
    }
    write_budget -= amount;
    return SQLITE_OK;
  }
  int take_sync_fault() {
    std::lock_guard lock(mutex);
    if (sync_failures == 0) return SQLITE_OK;
    --sync_failures;
    return sync_code;
  }
};

namespace {

using State = FaultVfs::State;

// Our file object: SQLite allocates szOsFile bytes; the real VFS's file lives right after ours.
struct FaultFile {
  sqlite3_file base;
  State* state;
  sqlite3_file* real;
};

State* state_of(sqlite3_vfs* vfs) {
  return static_cast<State*>(vfs->pAppData);
}
FaultFile* file_of(sqlite3_file* file) {
  return reinterpret_cast<FaultFile*>(file);
}
sqlite3_file* real_of(sqlite3_file* file) {
  return file_of(file)->real;
}
const sqlite3_io_methods* real_methods(sqlite3_file* file) {
  return real_of(file)->pMethods;
}

int x_close(sqlite3_file* f) {
  return real_methods(f)->xClose(real_of(f));
}
int x_read(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset) {
  return real_methods(f)->xRead(real_of(f), buf, amount, offset);
}
int x_write(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset) {
  State* state = file_of(f)->state;
  if (const int fault = state->charge_write(amount); fault != SQLITE_OK) {
    ++state->faults;
    return fault;
  }
  const int rc = real_methods(f)->xWrite(real_of(f), buf, amount, offset);
  if (rc == SQLITE_OK) state->bytes_written += amount;
  return rc;
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  return real_methods(f)->xTruncate(real_of(f), size);
}
int x_sync(sqlite3_file* f, int flags) {
  State* state = file_of(f)->state;
  if (const int fault = state->take_sync_fault(); fault != SQLITE_OK) {
    ++state->faults;
    return fault;
  }
  const int rc = real_methods(f)->xSync(real_of(f), flags);
  if (rc == SQLITE_OK) ++state->syncs;
  return rc;
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
// Version 2: shared memory for the WAL index.
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
// Version 3: memory-mapped reads.
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

const sqlite3_io_methods* methods_for(int real_version) {
  if (real_version >= 3) return &kMethodsV3;
  if (real_version == 2) return &kMethodsV2;
  return &kMethodsV1;
}

int x_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  State* state = state_of(vfs);
  FaultFile* ours = file_of(file);
  ours->state = state;
  ours->real = reinterpret_cast<sqlite3_file*>(ours + 1);
  ours->real->pMethods = nullptr;
  const int rc = state->real->xOpen(state->real, name, ours->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    // SQLite calls xClose only when pMethods is set; ours stays unset, so close the real one here.
    if (ours->real->pMethods != nullptr) ours->real->pMethods->xClose(ours->real);
    file->pMethods = nullptr;
    return rc;
  }
  file->pMethods = methods_for(ours->real->pMethods->iVersion);
  return SQLITE_OK;
}

sqlite3_vfs* real_vfs(sqlite3_vfs* vfs) {
  return state_of(vfs)->real;
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

Result<std::unique_ptr<FaultVfs>> FaultVfs::create(std::string name) {
  sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
  if (real == nullptr) return fail(Errc::internal, "SQLite has no default VFS");
  if (real->iVersion < 3) return fail(Errc::unsupported, "default VFS is older than version 3");
  if (sqlite3_vfs_find(name.c_str()) != nullptr) {
    return fail(Errc::already_exists, "a SQLite VFS named '" + name + "' is already registered");
  }
  auto state = std::make_unique<State>();
  state->name = std::move(name);
  state->real = real;
  sqlite3_vfs& vfs = state->vfs;
  vfs.iVersion = 3;
  vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + real->szOsFile;
  vfs.mxPathname = real->mxPathname;
  vfs.zName = state->name.c_str();
  vfs.pAppData = state.get();
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
  vfs.xSetSystemCall = x_set_system_call;
  vfs.xGetSystemCall = x_get_system_call;
  vfs.xNextSystemCall = x_next_system_call;
  if (const int rc = sqlite3_vfs_register(&vfs, 0); rc != SQLITE_OK) {
    return fail(Errc::internal, "registering VFS '" + state->name + "' failed", rc);
  }
  return std::unique_ptr<FaultVfs>(new FaultVfs(std::move(state)));
}

FaultVfs::FaultVfs(std::unique_ptr<State> state) : state_(std::move(state)) {}
FaultVfs::~FaultVfs() {
  sqlite3_vfs_unregister(&state_->vfs);
}

const std::string& FaultVfs::name() const {
  return state_->name;
}

void FaultVfs::fail_writes_after(std::int64_t bytes, int code) {
  std::lock_guard lock(state_->mutex);
  state_->write_budget = bytes < 0 ? 0 : bytes;
  state_->write_code = code;
}

void FaultVfs::fail_next_syncs(int count, int code) {
  std::lock_guard lock(state_->mutex);
  state_->sync_failures = count;
  state_->sync_code = code;
}

void FaultVfs::clear() {
  std::lock_guard lock(state_->mutex);
  state_->write_budget = -1;
  state_->sync_failures = 0;
}

std::int64_t FaultVfs::bytes_written() const {
  return state_->bytes_written;
}
int FaultVfs::syncs() const {
  return state_->syncs;
}
int FaultVfs::injected_faults() const {
  return state_->faults;
}

}  // namespace storeedge::test
