#pragma once
// The sync client's persisted state in the replica (schema version 5, docs/schema.md): the hub
// epoch, the hybrid logical clock, the cursor of each pulled stream and the connectivity figures.
// Every function runs on the caller's connection; the writers expect the caller to hold the
// transaction that also holds the data the state describes (a pulled batch and its cursors, an
// outbox stamp and the clock).
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "platform/error.hpp"
#include "platform/sqlite/database.hpp"
#include "sync/proto/codec.hpp"

namespace storeedge::sync::client {

using Cursors = std::map<proto::Stream, std::string>;  // stream -> opaque cursor bytes

struct ConnectivityStats {
  std::optional<std::int64_t> last_success_ms{};
  std::optional<std::int64_t> last_failure_ms{};
  std::string last_error{};
  std::int64_t consecutive_failures = 0;
};

// Hub epochs travel as uint64; the replica keeps them as decimal text (SQLite integers are signed).
[[nodiscard]] Result<std::optional<std::uint64_t>> load_hub_epoch(sqlite::Database& db);
// 0 forgets the epoch (none known).
[[nodiscard]] Status save_hub_epoch(sqlite::Database& db, std::uint64_t epoch);

[[nodiscard]] Result<std::uint64_t> load_hlc(sqlite::Database& db);
[[nodiscard]] Status save_hlc(sqlite::Database& db, std::uint64_t last);

[[nodiscard]] Result<Cursors> load_cursors(sqlite::Database& db);
[[nodiscard]] Status save_cursor(sqlite::Database& db, proto::Stream stream, std::string_view cursor);
[[nodiscard]] Status clear_cursors(sqlite::Database& db);

[[nodiscard]] Result<ConnectivityStats> load_stats(sqlite::Database& db);
// One round's outcome: success resets the failure count; failure counts it and keeps the message.
[[nodiscard]] Status record_round(sqlite::Database& db, std::int64_t now_ms, const Status& outcome);

}  // namespace storeedge::sync::client
