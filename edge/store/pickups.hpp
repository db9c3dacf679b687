#pragma once
// Online orders the store hands over or ships: web/app orders assigned to this store arrive with the
// hub's store_orders stream (sync/client/change_apply.cpp) as sales_order rows of channel web or app.
// Pickups: staff mark an order ready when it is picked and packed, and collected when the customer
// takes it. Ship-from-store orders: staff mark an order packed, then shipped with the carrier's
// tracking reference. Each status change is one transaction: the order's status, an audit entry and
// the outbox mutation "order.status" {"order_id","status","at_ms"} (plus "tracking_reference" and
// "carrier" when shipped) that the hub validates against its transition table
// (sync/hub/order_status.hpp, docs/protocol.md).
//
// The replica stores a ship-from-store order's progress in the pickup words, so sales_order's CHECK
// constraint and every till already in the field read it: ready_for_pickup is packed, collected is
// shipped (docs/schema.md, "Online order status"). Everything here speaks the real words; only the
// stored column does not.
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
  std::string status{};      // pickup: pending, ready_for_pickup, collected, cancelled;
                             // ship_from_store: pending, packed, shipped, cancelled
  std::string fulfilment{};  // pickup, ship_from_store (the hub's; docs/schema.md, "Version 7")
  std::optional<std::string> customer_id{};
  std::string currency{};
  std::int64_t total_cents = 0;
  std::int64_t created_at_ms = 0;
  std::vector<PickupLine> lines{};
};

// What staff record when a parcel leaves with the carrier.
struct Shipment {
  std::string tracking_reference{};      // 1 to 100 characters
  std::optional<std::string> carrier{};  // at most 100 characters; empty means none
};

// A ship-from-store order that has left the store, with what it left with. `shipment` is empty only
// for an order shipped before the till recorded shipments (replica schema 10) or reported shipped by
// a hub that does not send the reference.
struct ShippedOrder {
  Pickup order{};
  std::optional<Shipment> shipment{};
  std::optional<std::int64_t> shipped_at_ms{};
};

// The status of an online order from its stored fulfilment and status (see the top of this file).
[[nodiscard]] std::string_view online_status(std::string_view fulfilment, std::string_view stored);
// The same as an SQL expression over sales_order's `fulfilment` and `status` columns.
inline constexpr std::string_view kOnlineStatusSql =
    "CASE WHEN fulfilment = 'ship_from_store' AND status = 'ready_for_pickup' THEN 'packed' "
    "WHEN fulfilment = 'ship_from_store' AND status = 'collected' THEN 'shipped' ELSE status END";

// The store's pickup orders still to hand over (pending or ready_for_pickup), oldest first.
[[nodiscard]] Result<std::vector<Pickup>> open_pickups(sqlite::Database& db, std::string_view store_code);

// The store's ship-from-store orders still to ship (pending or packed), oldest first. They are never
// handed over at the counter: mark_pickup_ready and collect_pickup refuse them (conflict).
[[nodiscard]] Result<std::vector<Pickup>> open_shipments(sqlite::Database& db, std::string_view store_code);

// pending -> ready_for_pickup (repeating it is harmless and writes nothing).
// Errors, nothing written: not_found for an order id that is not an online order in this replica;
// conflict for an order of another store, a ship-from-store order, a cancelled or already collected
// order.
[[nodiscard]] Result<Pickup> mark_pickup_ready(sqlite::Database& db, std::string_view store_code,
                                               std::string_view order_id, std::string_view actor,
                                               const Clock& clock);

// ready_for_pickup -> collected. Errors, nothing written: not_found as above; conflict naming the
// reason for an order of another store, a ship-from-store order, one not ready yet (pending), already
// collected, or cancelled online (the goods must not leave the store).
[[nodiscard]] Result<Pickup> collect_pickup(sqlite::Database& db, std::string_view store_code,
                                            std::string_view order_id, std::string_view actor,
                                            const Clock& clock);

// pending -> packed (repeating it is harmless and writes nothing). Errors, nothing written: not_found
// as above; conflict for an order of another store, a pickup order, a cancelled or already shipped
// order.
[[nodiscard]] Result<Pickup> mark_shipment_packed(sqlite::Database& db, std::string_view store_code,
                                                  std::string_view order_id, std::string_view actor,
                                                  const Clock& clock);

// packed -> shipped, recording the shipment in the audit entry and the outbox mutation. Errors,
// nothing written: invalid_argument for a missing or too long tracking reference or carrier;
// not_found as above; conflict naming the reason for an order of another store, a pickup order, one
// not packed yet (pending), already shipped, or cancelled online (the parcel must not leave).
[[nodiscard]] Result<Pickup> ship_shipment(sqlite::Database& db, std::string_view store_code,
                                           std::string_view order_id, const Shipment& shipment,
                                           std::string_view actor, const Clock& clock);

// The store's shipped ship-from-store orders, most recently shipped first, at most `limit`, each with
// the carrier's tracking reference and name where known: what staff need when a customer asks where
// their parcel is.
[[nodiscard]] Result<std::vector<ShippedOrder>> shipped_orders(sqlite::Database& db,
                                                               std::string_view store_code,
                                                               std::size_t limit);

// Records (or corrects) what order `order_id` left the store with, inside the caller's transaction:
// by ship_shipment, and by the puller for a shipped order the hub reports (another till shipped it).
// invalid_argument, nothing written, for a reference or carrier ship_shipment would refuse.
[[nodiscard]] Status record_shipment(sqlite::Database& db, std::string_view order_id,
                                     const Shipment& shipment, std::int64_t shipped_at_ms);

}  // namespace storeedge::store
