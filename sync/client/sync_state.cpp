#include "sync/client/sync_state.hpp"

#include <charconv>

#include "platform/sqlite/transaction.hpp"
#include "sync/proto/hlc.hpp"

namespace storeedge::sync::client {
namespace {

Status run(sqlite::Database& db, std::string_view sql, const auto&... args) {
  auto stmt = db.cached(sql);
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(args...); !s) return fail(s.error());
  return (*stmt)->run();
}

}  // namespace

Result<std::optional<std::uint64_t>> load_hub_epoch(sqlite::Database& db) {
  auto text =
      db.query_one<std::optional<std::string>>("SELECT hub_epoch FROM sync_state WHERE singleton = 1");
  if (!text) return fail(text.error().with_context("reading the hub epoch"));
  if (!*text || !**text) return std::optional<std::uint64_t>();
  const std::string& t = ***text;
  std::uint64_t epoch = 0;
  if (std::from_chars(t.data(), t.data() + t.size(), epoch).ptr != t.data() + t.size()) {
    return fail(Errc::corrupt, "sync_state.hub_epoch '" + t + "' is not a decimal number");
  }
  return std::optional<std::uint64_t>(epoch);
}

Status save_hub_epoch(sqlite::Database& db, std::uint64_t epoch) {
  if (epoch == 0) return run(db, "UPDATE sync_state SET hub_epoch = NULL WHERE singleton = 1");
  return run(db, "UPDATE sync_state SET hub_epoch = ? WHERE singleton = 1", std::to_string(epoch));
}

Result<std::uint64_t> load_hlc(sqlite::Database& db) {
  auto stored = db.query_one<std::int64_t>("SELECT hlc_last FROM sync_state WHERE singleton = 1");
  if (!stored) return fail(stored.error().with_context("reading the hybrid logical clock"));
  return proto::hlc_from_storage(stored->value_or(0));
}

Status save_hlc(sqlite::Database& db, std::uint64_t last) {
  auto stored = proto::hlc_to_storage(last);
  if (!stored) return fail(stored.error());
  return run(db, "UPDATE sync_state SET hlc_last = ? WHERE singleton = 1", *stored);
}

Result<Cursors> load_cursors(sqlite::Database& db) {
  auto stmt = db.cached("SELECT stream, cursor FROM sync_cursor");
  if (!stmt) return fail(stmt.error());
  Cursors out;
  while (true) {
    auto row = (*stmt)->step();
    if (!row) return fail(row.error().with_context("reading sync cursors"));
    if (!*row) break;
    auto stream = proto::parse_stream((*stmt)->get<std::string>(0));
    if (!stream) return fail(Error(Errc::corrupt, stream.error().message()));
    out[*stream] = (*stmt)->get<std::string>(1);
  }
  return out;
}

Status save_cursor(sqlite::Database& db, proto::Stream stream, std::string_view cursor) {
  auto stmt = db.cached(
      "INSERT INTO sync_cursor (stream, cursor) VALUES (?, CAST(? AS BLOB)) "
      "ON CONFLICT (stream) DO UPDATE SET cursor = excluded.cursor");
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(proto::stream_name(stream), cursor); !s) return fail(s.error());
  return (*stmt)->run();
}

Status clear_cursors(sqlite::Database& db) {
  return run(db, "DELETE FROM sync_cursor");
}

Result<ConnectivityStats> load_stats(sqlite::Database& db) {
  auto stmt = db.cached(
      "SELECT last_success_ms, last_failure_ms, COALESCE(last_error, ''), consecutive_failures "
      "FROM sync_state WHERE singleton = 1");
  if (!stmt) return fail(stmt.error());
  auto row = (*stmt)->step();
  if (!row) return fail(row.error().with_context("reading sync statistics"));
  ConnectivityStats out;
  if (!*row) return out;
  out.last_success_ms = (*stmt)->get<std::optional<std::int64_t>>(0);
  out.last_failure_ms = (*stmt)->get<std::optional<std::int64_t>>(1);
  out.last_error = (*stmt)->get<std::string>(2);
  out.consecutive_failures = (*stmt)->get<std::int64_t>(3);
  return out;
}

Status record_round(sqlite::Database& db, std::int64_t now_ms, const Status& outcome) {
  if (outcome) {
    return run(db, "UPDATE sync_state SET last_success_ms = ?, consecutive_failures = 0 WHERE singleton = 1",
               now_ms);
  }
  return run(db,
             "UPDATE sync_state SET last_failure_ms = ?, last_error = ?, "
             "consecutive_failures = consecutive_failures + 1 WHERE singleton = 1",
             now_ms, outcome.error().what());
}

}  // namespace storeedge::sync::client
