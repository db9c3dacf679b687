// Where a customer's orders and loyalty entries are found: customer_ref, keyed by customer, and the
// references not yet moved there, in customer_ref_pending (schema version 12). An index by customer
// on the orders and on the ledger took a write at a random place for every row with a customer: a
// push of 1,000 sales wrote back a page per buying customer, twice. A pending reference is appended
// where the last one went; once customer_refs_pending_ wait, one statement moves all of them in key
// order, so each page of customer_ref is written once for all the references it receives. Like
// PostgreSQL's GIN pending list: reads look at both, and the pending part they scan stays small.
#include "sync/hub/sqlite/sql_util.hpp"
#include "sync/hub/sqlite/sqlite_storage.hpp"

namespace storeedge::sync::hub {

Status SqliteStorage::add_customer_ref(std::string_view customer_id, CustomerRefKind kind, std::int64_t at_ms,
                                       std::string_view ref) {
  if (auto s = sql::run(
          db_, "INSERT INTO customer_ref_pending (customer_id, kind, at_ms, ref) VALUES (?, ?, ?, ?)",
          "recording a customer reference", customer_id, static_cast<std::int64_t>(kind), at_ms, ref);
      !s) {
    return s;
  }
  // The pending table is emptied by each move, so its newest row id is how many wait.
  if (db_.last_insert_rowid() < customer_refs_pending_) return {};
  return merge_customer_refs();
}

Status SqliteStorage::merge_customer_refs() {
  if (auto s = sql::run(db_,
                        "INSERT OR IGNORE INTO customer_ref (customer_id, kind, at_ms, ref) "
                        "SELECT customer_id, kind, at_ms, ref FROM customer_ref_pending "
                        "ORDER BY customer_id, kind, at_ms, ref",
                        "moving pending customer references");
      !s) {
    return s;
  }
  return sql::run(db_, "DELETE FROM customer_ref_pending", "moving pending customer references");
}

std::string SqliteStorage::customer_refs_sql(CustomerRefKind kind) {
  const std::string k = std::to_string(static_cast<int>(kind));
  return "SELECT at_ms, ref FROM customer_ref WHERE customer_id = ?1 AND kind = " + k +
         " UNION ALL SELECT at_ms, ref FROM customer_ref_pending WHERE customer_id = ?1 AND kind = " + k;
}

}  // namespace storeedge::sync::hub
