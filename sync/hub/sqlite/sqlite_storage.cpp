#include "sync/hub/sqlite/sqlite_storage.hpp"

#include <algorithm>

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include "platform/sha256.hpp"
#include "platform/sqlite/transaction.hpp"
#include "sync/hub/json_read.hpp"
#include "sync/hub/sqlite/sql_util.hpp"

namespace storeedge::sync::hub {
namespace {

Result<std::string> read_or_mint_epoch(sqlite::Database& db, std::int64_t now_ms) {
  auto epoch = db.query_one<std::string>("SELECT epoch FROM hub_identity WHERE singleton = 1");
  if (!epoch) return fail(epoch.error());
  if (*epoch) return **epoch;
  const std::string minted = boost::uuids::to_string(boost::uuids::random_generator()());
  if (auto s = sql::run(db, "INSERT INTO hub_identity (singleton, epoch, created_at_ms) VALUES (1, ?, ?)",
                        "minting the hub epoch", minted, now_ms);
      !s) {
    return fail(s.error());
  }
  return minted;
}

// apply_batch without savepoints met a rejected mutation: apply_push runs the batch again with them.
constexpr int kRetryIsolated = 4102;  // not an SQLite result code

// Errors that retrying the same mutation cannot fix: it is quarantined. Anything else (disk, lock,
// I/O) stops the batch so that the node retries it later.
bool permanent(const Error& e) {
  switch (e.kind()) {
    case Errc::invalid_argument:
    case Errc::not_found:
    case Errc::already_exists:
    case Errc::conflict:
    case Errc::unsupported: return true;
    default: return false;
  }
}

}  // namespace

SqliteStorage::SqliteStorage(sqlite::Database db, const Clock& clock, std::string epoch)
    : db_(std::move(db)), clock_(clock), epoch_(std::move(epoch)) {}

Result<std::unique_ptr<SqliteStorage>> SqliteStorage::open(const std::filesystem::path& path,
                                                           const Clock& clock,
                                                           const sqlite::OpenOptions& options) {
  sqlite::OpenOptions durable = options;
  durable.durable = true;
  durable.journals_in_memory = true;        // savepoints around mutations (sqlite::OpenOptions)
  durable.checkpoint_in_background = true;  // a push does not wait for earlier pushes' checkpoint
  auto db = sqlite::Database::open(path, durable);
  if (!db) return fail(db.error());
  // A push batch of 500 sales dirties several MiB of pages; SQLite's default 2 MiB cache spilled
  // them to the WAL mid-transaction and wrote some of them again (strace of drain_bench: about 20
  // WAL writes per sale with the default, 15 with this cache).
  if (auto s = db->exec("PRAGMA cache_size = -32768"); !s) return fail(s.error());
  if (auto s = sqlite::migrate(*db, hub_migrations()); !s) return fail(s.error());
  auto epoch = read_or_mint_epoch(*db, unix_millis(clock.now()));
  if (!epoch) return fail(epoch.error().with_context("opening " + path.string()));
  return std::unique_ptr<SqliteStorage>(new SqliteStorage(std::move(*db), clock, std::move(*epoch)));
}

Status SqliteStorage::upsert_store(const StoreInfo& store) {
  if (store.store_code.empty()) return fail(Errc::invalid_argument, "store code is empty");
  if (store.region.empty())
    return fail(Errc::invalid_argument, "store " + store.store_code + " has no region");
  const std::string_view scope = store.customer_scope == CustomerScope::region ? "region" : "purchases";
  return sql::run(
      db_,
      "INSERT INTO store (store_code, region, customer_scope) VALUES (?, ?, ?) ON CONFLICT "
      "(store_code) DO UPDATE SET region = excluded.region, customer_scope = excluded.customer_scope",
      "registering store " + store.store_code, store.store_code, store.region, scope);
}

Status SqliteStorage::register_node(std::string_view node_id, std::string_view store_code) {
  if (node_id.empty()) return fail(Errc::invalid_argument, "node id is empty");
  auto known = db_.query_one<std::int64_t>("SELECT 1 FROM store WHERE store_code = ?", store_code);
  if (!known) return fail(known.error());
  if (!*known) return fail(Errc::not_found, "no store '" + std::string(store_code) + "' to register node in");
  return sql::run(db_,
                  "INSERT INTO node (node_id, store_code, first_seen_at_ms) VALUES (?, ?, ?) "
                  "ON CONFLICT (node_id) DO UPDATE SET store_code = excluded.store_code, "
                  "rewound_mutation_id = NULL, rewound_at_ms = NULL",
                  "registering node " + std::string(node_id), node_id, store_code, now_ms());
}

Result<PushResult> SqliteStorage::apply_push(std::string_view node_id,
                                             const std::vector<IncomingMutation>& batch) {
  if (node_id.empty()) return fail(Errc::invalid_argument, "push without a node id");
  for (const IncomingMutation& m : batch) {
    if (m.node_id != node_id) {
      return fail(Errc::invalid_argument, "mutation " + std::to_string(m.mutation_id) + " names node '" +
                                              m.node_id + "' in a push from node '" + std::string(node_id) +
                                              "'");
    }
    if (m.mutation_id <= 0) {
      return fail(Errc::invalid_argument,
                  "mutation id " + std::to_string(m.mutation_id) + " is not positive");
    }
  }
  PushResult out;
  std::optional<std::int64_t> committed;
  PushPreparer prepared(batch);  // parses and hashes ahead of the apply, on a thread of its own
  // First without savepoints; if a mutation turns out to be rejected, the whole attempt is rolled
  // back and the batch applied again with a savepoint per mutation (apply_batch).
  auto s = apply_batch(node_id, batch, prepared, out, committed, Isolation::none);
  if (!s && s.error().kind() == Errc::internal && s.error().code() == kRetryIsolated) {
    out = PushResult{};
    committed.reset();
    s = apply_batch(node_id, batch, prepared, out, committed, Isolation::savepoint_per_mutation);
  }
  if (!s) {
    // Nothing of the batch committed: every mutation is to be sent again, and the watermark is the
    // one committed before it (read inside the failed transaction, or now when that read failed).
    if (!committed) {
      auto last = db_.query_one<std::int64_t>("SELECT last_mutation_id FROM node WHERE node_id = ?", node_id);
      committed = last ? last->value_or(0) : 0;
    }
    out = PushResult{};
    out.last_applied_id = *committed;
    for (const IncomingMutation& m : batch)
      out.results.push_back({m.mutation_id, Outcome::retry, s.error().what()});
    return out;
  }
  if (!out.results.empty() && out.results.back().outcome == Outcome::gap)
    out.expected_id = out.last_applied_id + 1;
  if (!out.results.empty() && out.results.back().outcome == Outcome::rewound) {
    out.rewound_id = out.results.back().mutation_id;
    // Rare (a till restored from a backup), so a scan of the node's store's orders is affordable.
    auto store = db_.query_one<std::string>(
        "SELECT store_code FROM node WHERE node_id = ? AND store_code IS NOT NULL", node_id);
    if (!store) return fail(store.error());
    auto last =
        *store ? db_.query_one<std::string>(
                     "SELECT MAX(base ->> '$.receipt_number') FROM hub_order "
                     "WHERE store_code = ? AND origin_node = ?",
                     **store, node_id)
               : db_.query_one<std::string>(
                     "SELECT MAX(base ->> '$.receipt_number') FROM hub_order WHERE origin_node = ?", node_id);
    if (!last) return fail(last.error().with_context("reading the last receipt number of a rewound node"));
    out.last_receipt_number = *last;
  }
  return out;
}

// The whole batch is one transaction, so it costs one fsync however many mutations it holds. With
// Isolation::savepoint_per_mutation each mutation runs inside its own savepoint: a permanent failure
// rolls back to it and quarantines the mutation in the same transaction, and the batch goes on.
// Rejections are rare and a savepoint is not free (every page a mutation first touches is copied to
// the statement journal), so apply_push first runs the batch with Isolation::none: the first
// permanent failure then returns kRetryIsolated, the transaction rolls back, and the batch runs
// again with savepoints. Both runs give the same results. The watermark advances in memory with
// each mutation and is written once before COMMIT; COMMIT makes effects, quarantine and watermark
// visible together. Any other failure (disk, lock, a failed COMMIT) is returned: the caller turns
// it into `retry` for the whole batch, and the transaction's rollback leaves nothing of it behind.
// `committed` is set to the watermark committed before the batch as soon as it is read.
Status SqliteStorage::apply_batch(std::string_view node_id, const std::vector<IncomingMutation>& batch,
                                  PushPreparer& prepared, PushResult& out,
                                  std::optional<std::int64_t>& committed, Isolation isolation) {
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  begin_push_batch(isolation == Isolation::none);
  struct EndPushBatch {
    SqliteStorage& self;
    ~EndPushBatch() { self.end_push_batch(); }
  } end_push_batch_on_exit{*this};
  auto last = db_.query_one<std::int64_t>("SELECT last_mutation_id FROM node WHERE node_id = ?", node_id);
  if (!last) return fail(last.error());
  committed = last->value_or(0);
  std::int64_t watermark = *committed;
  if (auto s = sql::run(db_,
                        "INSERT INTO node (node_id, first_seen_at_ms, last_push_at_ms) VALUES (?1, ?2, ?2) "
                        "ON CONFLICT (node_id) DO UPDATE SET last_push_at_ms = excluded.last_push_at_ms",
                        "recording the push of node " + std::string(node_id), node_id, now_ms());
      !s) {
    return s;
  }
  std::optional<proto::NodeStamp> newest;
  std::int64_t last_hlc_ms = 0;
  // The digests of the mutations this batch applies or quarantines: ids committed + 1 to watermark.
  std::string& digests = push_.digests;
  digests.clear();
  out.results.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const IncomingMutation& m = batch[i];
    if (m.mutation_id <= watermark) {
      auto same =
          m.mutation_id > *committed
              ? Result<bool>(std::string_view(digests).substr(
                                 static_cast<std::size_t>(m.mutation_id - *committed - 1) * kDigestChars,
                                 kDigestChars) == prepared.get(i).digest)
              : same_as_applied(node_id, m, prepared.get(i).digest);
      if (!same) return fail(same.error());
      if (!*same) {
        if (auto s = flag_rewound(node_id, m.mutation_id); !s) return s;
        out.results.push_back(
            {m.mutation_id, Outcome::rewound,
             "node_rewound: mutation " + std::to_string(m.mutation_id) +
                 " has other content than the mutation applied under that id; the node reuses ids "
                 "(restored from an older backup) and must renumber from it above " +
                 std::to_string(watermark)});
        break;
      }
      out.results.push_back({m.mutation_id, Outcome::duplicate, {}});
      continue;
    }
    if (m.mutation_id > watermark + 1) {
      out.results.push_back(
          {m.mutation_id, Outcome::gap,
           "expected mutation " + std::to_string(watermark + 1) + ", got " + std::to_string(m.mutation_id)});
      break;
    }
    const PreparedMutation& ahead = prepared.get(i);
    Result<MutationResult> r = MutationResult{m.mutation_id, Outcome::applied, {}};
    if (isolation == Isolation::savepoint_per_mutation) {
      r = apply_in_savepoint(node_id, m, ahead);
    } else if (auto applied = apply_mutation(node_id, m, &ahead); !applied) {
      if (permanent(applied.error()))
        return fail(Error(Errc::internal, "a mutation of the batch is rejected: isolate", kRetryIsolated));
      return fail(applied.error().with_context("applying mutation " + std::to_string(m.mutation_id)));
    }
    if (!r) return fail(r.error());
    digests += ahead.digest;
    out.results.push_back(std::move(*r));
    watermark = m.mutation_id;
    last_hlc_ms = static_cast<std::int64_t>(m.hlc.physical_ms());
    if (!newest || *newest < m.hlc) newest = m.hlc;
  }
  if (watermark != *committed) {
    if (auto s =
            sql::run(db_, "UPDATE node SET last_mutation_id = ?, last_applied_hlc_ms = ? WHERE node_id = ?",
                     "advancing the watermark", watermark, last_hlc_ms, node_id);
        !s) {
      return s;
    }
    if (auto s = observe_hlc(*newest); !s) return s;
    if (auto s = record_digests(node_id, *committed + 1, watermark, digests); !s) return s;
    if (watermark > digests_per_node_) {
      // Whole pushes go: at least the latest digests_per_node_ are kept.
      if (auto s = sql::run(db_,
                            "DELETE FROM mutation_digest_run WHERE node_id = ?1 AND first_id <= ?2 AND "
                            "last_id <= ?2",
                            "pruning the mutation digests of node " + std::string(node_id), node_id,
                            watermark - digests_per_node_);
          !s) {
        return s;
      }
    }
  }
  if (auto s = flush_push_batch(); !s) return s;
  if (auto s = tx->commit(); !s) return fail(s.error().with_context("committing the push"));
  out.last_applied_id = watermark;
  return {};
}

// One mutation inside the batch's transaction: applied, or rejected (rolled back to its savepoint and
// quarantined). An error means the batch must be retried.
Result<MutationResult> SqliteStorage::apply_in_savepoint(std::string_view node_id, const IncomingMutation& m,
                                                         const PreparedMutation& prepared) {
  if (auto s = sql::run(db_, "SAVEPOINT apply_mutation", "opening a savepoint"); !s) return fail(s.error());
  MutationResult r{m.mutation_id, Outcome::applied, {}};
  if (auto s = apply_mutation(node_id, m, &prepared); !s) {
    if (!permanent(s.error()))
      return fail(s.error().with_context("applying mutation " + std::to_string(m.mutation_id)));
    if (auto u = sql::run(db_, "ROLLBACK TO apply_mutation", "rolling back a mutation"); !u)
      return fail(u.error());
    r = {m.mutation_id, Outcome::rejected, s.error().what()};
    if (auto q = sql::run(
            db_,
            "INSERT INTO quarantine (node_id, mutation_id, kind, hlc, schema_version, payload, reason, "
            "quarantined_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            "quarantining mutation " + std::to_string(m.mutation_id), node_id, m.mutation_id, m.kind,
            proto::to_ordered_text(m.hlc), m.schema_version, m.payload, r.reason, now_ms());
        !q) {
      return fail(q.error());
    }
  }
  if (auto s = sql::run(db_, "RELEASE apply_mutation", "releasing a savepoint"); !s) return fail(s.error());
  return r;
}

Result<bool> SqliteStorage::same_as_applied(std::string_view node_id, const IncomingMutation& m,
                                            const std::string& digest) {
  std::optional<bool> same;
  auto s = sql::each(
      db_,
      "SELECT first_id, digests FROM mutation_digest_run WHERE node_id = ?1 AND first_id <= ?2 "
      "AND last_id >= ?2 ORDER BY first_id DESC LIMIT 1",
      "reading the digest of mutation " + std::to_string(m.mutation_id),
      [&](const sqlite::Statement& r) -> Status {
        const auto at = static_cast<std::size_t>(m.mutation_id - r.get<std::int64_t>(0)) * kDigestChars;
        same = std::string_view(r.get<std::string>(1)).substr(at, kDigestChars) == digest;
        return {};
      },
      node_id, m.mutation_id);
  if (!s) return fail(s.error());
  if (same) return *same;
  return same_as_applied_before_digests(node_id, m);
}

// Mutations applied before the hub kept digests (hub schema version 4). A quarantined one kept its
// payload. An applied sale or return left its order: a sale under that id whose order the hub does
// not hold is a new one (a sale must never be lost). Other kinds are taken as the same, as before.
Result<bool> SqliteStorage::same_as_applied_before_digests(std::string_view node_id,
                                                           const IncomingMutation& m) {
  auto quarantined = db_.query_one<std::string>(
      "SELECT payload FROM quarantine WHERE node_id = ? AND mutation_id = ?", node_id, m.mutation_id);
  if (!quarantined) return fail(quarantined.error());
  if (*quarantined) return **quarantined == m.payload;
  if (m.kind != "order.completed" && m.kind != "order.returned") return true;
  auto doc = jsonr::parse_object(m.payload, "mutation " + std::to_string(m.mutation_id));
  if (!doc) return false;  // an order that cannot be read was never applied
  auto order_id = jsonr::str(*doc, "order_id", "order");
  if (!order_id) return false;
  auto held = db_.query_one<std::int64_t>("SELECT 1 FROM hub_order WHERE order_id = ? AND origin_node = ?",
                                          *order_id, node_id);
  if (!held) return fail(held.error());
  return held->has_value();
}

// One row for the mutations first_id..last_id of one push (schema version 13).
Status SqliteStorage::record_digests(std::string_view node_id, std::int64_t first_id, std::int64_t last_id,
                                     const std::string& digests) {
  if (digests.empty()) return {};
  return sql::run(
      db_, "INSERT INTO mutation_digest_run (node_id, first_id, last_id, digests) VALUES (?, ?, ?, ?)",
      "recording the digests of mutations " + std::to_string(first_id) + " to " + std::to_string(last_id),
      node_id, first_id, last_id, digests);
}

Status SqliteStorage::flag_rewound(std::string_view node_id, std::int64_t mutation_id) {
  return sql::run(db_,
                  "UPDATE node SET rewound_mutation_id = ?, rewound_at_ms = COALESCE(rewound_at_ms, ?) "
                  "WHERE node_id = ?",
                  "flagging node " + std::string(node_id) + " as rewound", mutation_id, now_ms(), node_id);
}

Status SqliteStorage::observe_hlc(const proto::NodeStamp& seen) {
  auto current = db_.query_one<std::string>("SELECT hlc FROM hub_clock WHERE singleton = 1");
  if (!current) return fail(current.error());
  if (*current) {
    auto parsed = proto::parse_ordered_text(**current);
    if (parsed && !(*parsed < seen)) return {};
  }
  return sql::run(
      db_,
      "INSERT INTO hub_clock (singleton, hlc) VALUES (1, ?) ON CONFLICT (singleton) DO UPDATE SET "
      "hlc = excluded.hlc",
      "advancing the hub clock", proto::to_ordered_text(seen));
}

// Call inside a transaction: the stamp and the write it stamps commit together.
Result<proto::NodeStamp> SqliteStorage::stamp_hlc() {
  auto current = db_.query_one<std::string>("SELECT hlc FROM hub_clock WHERE singleton = 1");
  if (!current) return fail(current.error());
  proto::Hlc clock;
  if (*current) {
    auto parsed = proto::parse_ordered_text(**current);
    if (!parsed) return fail(Error(Errc::corrupt, parsed.error().message()).with_context("hub clock"));
    clock = proto::Hlc(parsed->stamp);
  }
  auto stamp = clock.now(now_ms());
  if (!stamp) return fail(stamp.error().with_context("stamping a hub write"));
  proto::NodeStamp next{*stamp, "hub"};
  if (auto s = observe_hlc(next); !s) return fail(s.error());
  return next;
}

Result<std::vector<NodeStatus>> SqliteStorage::list_nodes() {
  std::vector<NodeStatus> out;
  const std::int64_t now = now_ms();
  auto s = sql::each(
      db_,
      "SELECT n.node_id, n.store_code, n.last_mutation_id, n.last_push_at_ms, n.last_applied_hlc_ms, "
      "(SELECT COUNT(*) FROM quarantine q WHERE q.node_id = n.node_id), n.rewound_mutation_id, "
      "n.rewound_at_ms FROM node n ORDER BY n.node_id",
      "listing nodes", [&](const sqlite::Statement& r) -> Status {
        NodeStatus n;
        n.node_id = r.get<std::string>(0);
        n.store_code = r.get<std::optional<std::string>>(1);
        n.last_mutation_id = r.get<std::int64_t>(2);
        n.last_push_at_ms = r.get<std::optional<std::int64_t>>(3);
        const auto hlc_ms = r.get<std::optional<std::int64_t>>(4);
        if (n.last_push_at_ms) n.since_last_push_ms = now - *n.last_push_at_ms;
        if (n.last_push_at_ms && hlc_ms) n.apply_lag_ms = *n.last_push_at_ms - *hlc_ms;
        n.quarantined = r.get<std::int64_t>(5);
        n.rewound_mutation_id = r.get<std::optional<std::int64_t>>(6);
        n.rewound_at_ms = r.get<std::optional<std::int64_t>>(7);
        out.push_back(std::move(n));
        return {};
      });
  if (!s) return fail(s.error());
  return out;
}

Result<std::vector<QuarantinedMutation>> SqliteStorage::list_quarantine(
    std::optional<std::string_view> node_id) {
  std::vector<QuarantinedMutation> out;
  auto s = sql::each(
      db_,
      "SELECT node_id, mutation_id, kind, hlc, schema_version, payload, reason, quarantined_at_ms FROM "
      "quarantine "
      "WHERE ?1 IS NULL OR node_id = ?1 ORDER BY quarantined_at_ms, node_id, mutation_id",
      "listing the quarantine",
      [&](const sqlite::Statement& r) -> Status {
        out.push_back({r.get<std::string>(0), r.get<std::int64_t>(1), r.get<std::string>(2),
                       r.get<std::string>(3), r.get<int>(4), r.get<std::string>(5), r.get<std::string>(6),
                       r.get<std::int64_t>(7)});
        return {};
      },
      node_id ? std::optional<std::string>(*node_id) : std::nullopt);
  if (!s) return fail(s.error());
  return out;
}

}  // namespace storeedge::sync::hub
