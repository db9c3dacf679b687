#include "tests/support/fault_vfs.hpp"

#include "platform/sqlite/vfs_shim.hpp"

#include <atomic>
#include <mutex>

namespace storeedge::test {

struct FaultVfs::State {
  sqlite3_vfs* real = nullptr;  // the default VFS we wrap; first, as vfs_shim.hpp's layout asks
  std::string name;
  sqlite3_vfs vfs{};  // what SQLite sees; pAppData points back here

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

// Our file object (platform/sqlite/vfs_shim.hpp's layout): the real VFS's file lives right after it.
struct FaultFile {
  sqlite::vfs_shim::ShimFile head;
  State* state;
};

State* state_of(sqlite3_vfs* vfs) {
  return static_cast<State*>(vfs->pAppData);
}
FaultFile* file_of(sqlite3_file* file) {
  return reinterpret_cast<FaultFile*>(file);
}
using sqlite::vfs_shim::real_methods;
using sqlite::vfs_shim::real_of;

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
// One method table per io_methods version of the real file: forwarding, but for writes and syncs.
sqlite3_io_methods fault_methods(int version) {
  sqlite3_io_methods m = sqlite::vfs_shim::forwarding_methods(version);
  m.xWrite = x_write;
  m.xSync = x_sync;
  return m;
}
const sqlite3_io_methods kMethodsV1 = fault_methods(1);
const sqlite3_io_methods kMethodsV2 = fault_methods(2);
const sqlite3_io_methods kMethodsV3 = fault_methods(3);

int x_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  file_of(file)->state = state_of(vfs);
  const int rc = sqlite::vfs_shim::open_wrapped(vfs, sizeof(FaultFile), name, file, flags, out_flags);
  if (rc != SQLITE_OK) return rc;
  const int version = real_methods(file)->iVersion;
  file->pMethods = version >= 3 ? &kMethodsV3 : version == 2 ? &kMethodsV2 : &kMethodsV1;
  return SQLITE_OK;
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
  sqlite::vfs_shim::fill_forwarding_vfs(vfs, real, sizeof(FaultFile), state->name.c_str(), state.get(),
                                        x_open);
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
