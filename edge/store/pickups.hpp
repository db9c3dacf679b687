#pragma once
// Online orders the store hands over: web/app orders assigned to this store arrive with the hub's
// store_orders stream (sync/client/change_apply.cpp) as sales_order rows of channel web or app.
// Staff mark an order ready when it is picked and packed, and collected when the customer takes it.
// Each status change is one transaction: the order's status, an audit entry and the outbox mutation
// "order.status" {"order_id","status","at_ms"} that the hub validates against its transition table
// (sync/hub/order_status.hpp, docs/protocol.md).
//
// Not thread-safe: the functions borrow the replica's connection.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/clock.hpp"
#include "platform/error.hpp"
#include "platform/sqlite/database.hpp"

namespace storeedge::store {

struct PickupLine {
  std::int64_t line_no = 0;
  std::string sku{};
  std::string description{};
  std::int64_t quantity = 0;
};

struct Pickup {
  std::string order_id{};
  std::string channel{};     // web, app
  std::string status{};      // pending, ready_for_pickup, collected, cancelled
  std::string fulfilment{};  // pickup, ship_from_store (the hub's; docs/schema.md, "Version 7")
  std::optional<std::string> customer_id{};
  std::string currency{};
  std::int64_t total_cents = 0;
  std::int64_t created_at_ms = 0;
  std::vector<PickupLine> lines{};
};

// The store's pickup orders still to hand over (pending or ready_for_pickup), oldest first.
[[nodiscard]] Result<std::vector<Pickup>> open_pickups(sqlite::Database& db, std::string_view store_code);

// The store's ship-from-store orders still open (pending or ready_for_pickup), oldest first. They are
// never handed over at the counter: mark_pickup_ready and collect_pickup refuse them (conflict).
[[nodiscard]] Result<std::vector<Pickup>> open_shipments(sqlite::Database& db, std::string_view store_code);

// pending -> ready_for_pickup (repeating it is harmless and writes nothing).
// Errors, nothing written: not_found for an order id that is not an online order in this replica;
// conflict for an order of another store, a ship-from-store order, a cancelled or already collected
// order.
[[nodiscard]] Result<Pickup> mark_pickup_ready(sqlite::Database& db, std::string_view store_code,
                                               std::string_view order_id, std::string_view actor,
                                               const Clock& clock);

// ready_for_pickup -> collected. Errors, nothing written: not_found as above; conflict naming the
// reason for an order of another store, one not ready yet (pending), already collected, or
// cancelled online (the goods must not leave the store).
[[nodiscard]] Result<Pickup> collect_pickup(sqlite::Database& db, std::string_view store_code,
                                            std::string_view order_id, std::string_view actor,
                                            const Clock& clock);

}  // namespace storeedge::store
