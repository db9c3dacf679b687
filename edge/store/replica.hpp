#pragma once
// The edge replica: one SQLite database per node holding the store's data, its sales and its
// outbox. Opening it applies pending schema migrations (all in one transaction) and mints the node's
// persistent identity on first start. The schema is documented in docs/schema.md.
//
// Not thread-safe: a Replica is one connection; the daemon owns it on its io thread.
#include <chrono>
#include <filesystem>
#include <span>
#include <string>

#include "platform/clock.hpp"
#include "platform/error.hpp"
#include "platform/sqlite/database.hpp"
#include "platform/sqlite/migrations.hpp"

namespace storeedge::store {

struct ReplicaOptions {
  bool read_only = false;  // storectl inspecting a stopped daemon's data; never migrates
  std::chrono::milliseconds busy_timeout{5000};
  std::string vfs;               // empty: the default VFS; fault tests pass theirs
  bool batch_wal_writes = true;  // one write per commit (sqlite::OpenOptions); off for bare references
  // A sale must not pay for copying earlier sales' pages back into the database: the daemon
  // checkpoints when idle (sqlite::checkpoint_if_needed). This limit is only a backstop for a node that is
  // never idle; with ~10 pages a sale it is about a thousand sales (40 MiB of WAL at 4 KiB pages).
  int wal_autocheckpoint_pages = 10000;
  // Page size of a replica created by this open (existing ones keep theirs). A sale commit's cost
  // is mostly the bytes its fsync carries, whole pages each: 1024 measured best (sale_bench
  // --page-size; docs/schema.md, "Version 4"), at about 5% on catalog lookups.
  int page_size = 1024;
};

// What the daemon passes to sqlite::checkpoint_if_needed from its idle timer: about a hundred sales.
inline constexpr int kIdleCheckpointPages = 1000;

class Replica {
 public:
  [[nodiscard]] static Result<Replica> open(const std::filesystem::path& file, const Clock& clock,
                                            const ReplicaOptions& options = {});

  const std::string& node_id() const { return node_id_; }
  int schema_version() const { return schema_version_; }
  sqlite::Database& db() { return db_; }

 private:
  Replica(sqlite::Database db, std::string node_id, int schema_version)
      : db_(std::move(db)), node_id_(std::move(node_id)), schema_version_(schema_version) {}

  sqlite::Database db_;
  std::string node_id_;
  int schema_version_ = 0;
};

// The replica's migrations, version 1..N in order.
std::span<const sqlite::Migration> migrations();
int latest_schema_version();

}  // namespace storeedge::store
