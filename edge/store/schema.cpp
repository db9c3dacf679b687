// The replica's schema as an ordered list of migrations. Never edit a released migration: add one.
// docs/schema.md describes every table.
#include <array>

#include "edge/store/replica.hpp"

namespace storeedge::store {
namespace {

constexpr std::string_view kNodeIdentity = R"sql(
CREATE TABLE node_identity (
  singleton     INTEGER PRIMARY KEY CHECK (singleton = 1),
  node_id       TEXT    NOT NULL,
  created_at_ms INTEGER NOT NULL
) STRICT;
)sql";

constexpr std::array kMigrations = {
    sqlite::Migration{1, "node identity", kNodeIdentity},
};

}  // namespace

std::span<const sqlite::Migration> migrations() {
  return kMigrations;
}
int latest_schema_version() {
  return kMigrations.back().version;
}

}  // namespace storeedge::store
