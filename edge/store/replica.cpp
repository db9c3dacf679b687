#include "edge/store/replica.hpp"

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include "platform/sqlite/transaction.hpp"

namespace storeedge::store {
namespace {

Result<std::string> ensure_node_identity(sqlite::Database& db, const Clock& clock, bool read_only) {
  auto existing = db.query_one<std::string>("SELECT node_id FROM node_identity WHERE singleton = 1");
  if (!existing) return fail(existing.error());
  if (*existing) return **existing;
  if (read_only) return fail(Errc::not_found, "the replica has no node identity yet; start storeedged once");
  const std::string node_id = boost::uuids::to_string(boost::uuids::random_generator()());
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) return fail(tx.error());
  auto insert = db.cached("INSERT INTO node_identity (singleton, node_id, created_at_ms) VALUES (1, ?, ?)");
  if (!insert) return fail(insert.error());
  if (auto s = (*insert)->bind_all(node_id, unix_millis(clock.now())); !s) return fail(s.error());
  if (auto s = (*insert)->run(); !s) return fail(s.error());
  if (auto s = tx->commit(); !s) return fail(s.error());
  return node_id;
}

}  // namespace

Result<Replica> Replica::open(const std::filesystem::path& file, const Clock& clock,
                              const ReplicaOptions& options) {
  const std::string ctx = "opening replica " + file.string();
  sqlite::OpenOptions open_options;
  open_options.read_only = options.read_only;
  open_options.create = !options.read_only;
  open_options.busy_timeout = options.busy_timeout;
  open_options.vfs = options.vfs;
  open_options.batch_wal_writes = options.batch_wal_writes;
  open_options.wal_autocheckpoint_pages = options.wal_autocheckpoint_pages;
  open_options.page_size = options.page_size;
  auto db = sqlite::Database::open(file, open_options);
  if (!db) return fail(db.error().with_context(ctx));

  if (!options.read_only) {
    if (auto s = sqlite::migrate(*db, migrations()); !s) return fail(s.error().with_context(ctx));
  }
  auto version = db->user_version();
  if (!version) return fail(version.error().with_context(ctx));
  if (options.read_only && *version != latest_schema_version()) {
    return fail(Errc::unsupported, ctx + ": schema version " + std::to_string(*version) +
                                       ", this build reads " + std::to_string(latest_schema_version()));
  }
  auto node_id = ensure_node_identity(*db, clock, options.read_only);
  if (!node_id) return fail(node_id.error().with_context(ctx));
  return Replica(std::move(*db), std::move(*node_id), *version);
}

}  // namespace storeedge::store
