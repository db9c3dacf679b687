#pragma once
// The two append-only journals every business write adds to inside its own transaction:
// - the audit log, hash-chained so an edited, removed or reordered entry is detectable;
// - the outbox of mutations for the hub, numbered 1, 2, 3... per node with no gaps.
// Callers hold an open sqlite::Transaction; these functions never begin or commit one.
#include <cstdint>
#include <string>

#include "platform/error.hpp"
#include "platform/sqlite/database.hpp"

namespace storeedge::store {

struct AuditEntry {
  std::string actor;    // cashier, supervisor or "system"
  std::string action;   // "sale.completed", "shift.opened", ...
  std::string subject;  // the id acted on: an order id, a shift id
  std::string details;  // compact JSON with what a reviewer needs
};

// Appends an entry chained to the last one; returns its sequence number.
[[nodiscard]] Result<std::int64_t> append_audit(sqlite::Database& db, std::int64_t at_ms,
                                                const AuditEntry& entry);
// Recomputes every hash. Errc::corrupt naming the first entry that does not verify.
[[nodiscard]] Status verify_audit_chain(sqlite::Database& db);

// The shape of the outbox payloads (the JSON documents of "order.completed", "shift.opened", ...),
// sent to the hub as each mutation's schema_version. It is not the replica's schema version: a
// migration that only adds an index must not make the hub quarantine every sale. Bump it when a
// payload changes shape, together with the hub's kMaxPayloadSchemaVersion. Version 4: order.status
// says packed/shipped for a ship-from-store order and carries its tracking reference and carrier
// (before, a till said ready_for_pickup/collected; the hub maps those, sync/hub/order_status.hpp).
inline constexpr int kOutboxPayloadVersion = 4;

struct Mutation {
  std::string kind;       // "order.completed", "loyalty.entry", "shift.closed", ...
  std::string entity_id;  // the order id, entry id, ...
  std::string payload;    // JSON document of the change
};

// Queues a mutation; returns its mutation id (last + 1).
[[nodiscard]] Result<std::int64_t> enqueue_mutation(sqlite::Database& db, std::int64_t at_ms,
                                                    const Mutation& m);
// Queues a mutation stamped now with the node's hybrid logical clock (sync/proto/hlc.hpp): reads
// sync_state.hlc_last, stamps at wall time at_ms, saves the clock and the row's hlc in the caller's
// transaction. For last-writer-wins edits (customer profile fields), whose stamp must say when the
// edit was made, not when the outbox was first pushed. Unstamped rows get theirs at first push.
[[nodiscard]] Result<std::int64_t> enqueue_stamped_mutation(sqlite::Database& db, std::int64_t at_ms,
                                                            const Mutation& m);
[[nodiscard]] Result<std::int64_t> pending_mutation_count(sqlite::Database& db);

// Since when this node's view of balances held at the hub (loyalty, gift cards) is current: the later
// of `granted_at_ms` (when the hub granted an offline allowance) and the node's last successful sync
// round (sync_state.last_success_ms). An offline allowance is honoured while this is recent enough.
[[nodiscard]] Result<std::int64_t> hub_view_since(sqlite::Database& db, std::int64_t granted_at_ms);

}  // namespace storeedge::store
