#include "edge/store/pickups.hpp"

#include <boost/json.hpp>

#include "edge/store/journal.hpp"
#include "platform/sqlite/transaction.hpp"

namespace storeedge::store {
namespace {

namespace json = boost::json;

// The columns read_row() reads, in its order.
constexpr std::string_view kFields =
    "order_id, channel, status, customer_id, currency, total_cents, created_at_ms, store_code, "
    "COALESCE(fulfilment, 'pickup')";

// SELECT kFields FROM sales_order `rest`.
std::string select_orders(std::string_view rest) {
  return "SELECT " + std::string(kFields) + " FROM sales_order " + std::string(rest);
}

struct Row {
  Pickup pickup;
  std::string store_code;
};

Status read_lines(sqlite::Database& db, Pickup& p) {
  auto stmt = db.cached(
      "SELECT line_no, sku, description, quantity FROM order_line WHERE order_id = ? "
      "ORDER BY line_no");
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(p.order_id); !s) return s;
  while (true) {
    auto row = (*stmt)->step();
    if (!row) return fail(row.error().with_context("reading the lines of order " + p.order_id));
    if (!*row) return {};
    p.lines.push_back(PickupLine{(*stmt)->get<std::int64_t>(0), (*stmt)->get<std::string>(1),
                                 (*stmt)->get<std::string>(2), (*stmt)->get<std::int64_t>(3)});
  }
}

Row read_row(const sqlite::Statement& s) {
  Row r;
  r.pickup.order_id = s.get<std::string>(0);
  r.pickup.channel = s.get<std::string>(1);
  r.pickup.customer_id = s.get<std::optional<std::string>>(3);
  r.pickup.currency = s.get<std::string>(4);
  r.pickup.total_cents = s.get<std::int64_t>(5);
  r.pickup.created_at_ms = s.get<std::int64_t>(6);
  r.store_code = s.get<std::string>(7);
  r.pickup.fulfilment = s.get<std::string>(8);
  r.pickup.status = std::string(online_status(r.pickup.fulfilment, s.get<std::string>(2)));
  return r;
}

Result<Row> find_online_order(sqlite::Database& db, std::string_view order_id) {
  auto stmt = db.cached(select_orders("WHERE order_id = ? AND channel IN ('web', 'app')"));
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(order_id); !s) return fail(s.error());
  auto row = (*stmt)->step();
  if (!row) return fail(row.error().with_context("reading order " + std::string(order_id)));
  if (!*row) {
    return fail(Errc::not_found, "no online order " + std::string(order_id) +
                                     " for this store (it may not have reached this till yet)");
  }
  Row r = read_row(**stmt);
  (*stmt)->reset();
  return r;
}

// One fulfilment's way through the store, in the words of the counter: the status staff mark first
// (ready, packed), the one the goods leave the store with (collected, shipped), and what the
// refusals say.
struct Way {
  std::string_view fulfilment;
  std::string_view prepared;  // ready_for_pickup, packed
  std::string_view done;      // collected, shipped
  std::string_view not_prepared;
  std::string_view cancelled;
  std::string_view other;  // refusing an order of the other fulfilment
};

constexpr Way kPickup{
    "pickup",
    "ready_for_pickup",
    "collected",
    "not ready for pickup yet: mark it ready when it is packed",
    "was cancelled online: do not hand it over",
    "ships from the store (ship_from_store): it is not a pickup to hand over; mark it packed "
    "and shipped"};
constexpr Way kShipment{"ship_from_store",
                        "packed",
                        "shipped",
                        "not packed yet: mark it packed first",
                        "was cancelled online: do not ship it",
                        "is a pickup order (pickup): it is handed over at the counter, not shipped "
                        "(ship_from_store)"};

const Way& way_to(std::string_view to) {
  return to == kShipment.prepared || to == kShipment.done ? kShipment : kPickup;
}

// The refusals a cashier sees: why this order cannot move to `to`.
Status check_move(const Row& r, std::string_view store_code, std::string_view to) {
  const Pickup& p = r.pickup;
  const Way& way = way_to(to);
  if (r.store_code != store_code) {
    return fail(Errc::conflict, "order " + p.order_id + " is for store " + r.store_code +
                                    ", not this store (" + std::string(store_code) + ")");
  }
  if (p.fulfilment != way.fulfilment)
    return fail(Errc::conflict, "order " + p.order_id + " " + std::string(way.other));
  if (p.status == "cancelled")
    return fail(Errc::conflict, "order " + p.order_id + " " + std::string(way.cancelled));
  if (p.status == way.done) {
    return fail(Errc::conflict, "order " + p.order_id + " was already " + std::string(way.done));
  }
  if (to == way.done && p.status != way.prepared) {
    return fail(Errc::conflict,
                "order " + p.order_id + " is " + p.status + ", " + std::string(way.not_prepared));
  }
  if (to == way.prepared && p.status != "pending" && p.status != way.prepared) {
    return fail(Errc::conflict,
                "order " + p.order_id + " is " + p.status + " and cannot be marked " + std::string(to));
  }
  return {};
}

Status check_shipment(const Shipment& s) {
  if (s.tracking_reference.empty() || s.tracking_reference.size() > 100)
    return fail(Errc::invalid_argument, "the tracking reference must have 1 to 100 characters");
  if (s.carrier && s.carrier->size() > 100)
    return fail(Errc::invalid_argument, "the carrier must have at most 100 characters");
  return {};
}

// The replica's word for an online order's status (see pickups.hpp).
std::string_view stored_status(std::string_view to) {
  if (to == kShipment.prepared) return kPickup.prepared;
  if (to == kShipment.done) return kPickup.done;
  return to;
}

Result<Pickup> move_status(sqlite::Database& db, std::string_view store_code, std::string_view order_id,
                           std::string_view to, const std::optional<Shipment>& shipment,
                           std::string_view actor, const Clock& clock) {
  const std::string what = "marking order " + std::string(order_id) + " " + std::string(to);
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) return fail(tx.error().with_context(what));
  auto row = find_online_order(db, order_id);
  if (!row) return fail(row.error());
  if (auto s = check_move(*row, store_code, to); !s) return fail(s.error());
  Pickup p = std::move(row->pickup);
  if (auto s = read_lines(db, p); !s) return fail(s.error());
  if (p.status == to) return p;  // marked ready twice: nothing to record
  const std::int64_t now = unix_millis(clock.now());
  auto up = db.cached("UPDATE sales_order SET status = ? WHERE order_id = ?");
  if (!up) return fail(up.error());
  if (auto s = (*up)->bind_all(stored_status(to), p.order_id); !s) return fail(s.error());
  if (auto s = (*up)->run(); !s) return fail(s.error().with_context(what));
  json::object details{{"from", p.status}, {"to", to}};
  json::object payload{{"order_id", p.order_id}, {"status", to}, {"at_ms", now}};
  if (shipment) {
    for (json::object* o : {&details, &payload}) {
      o->emplace("tracking_reference", shipment->tracking_reference);
      if (shipment->carrier) o->emplace("carrier", *shipment->carrier);
    }
  }
  const std::string action =
      std::string(p.fulfilment == "pickup" ? "pickup." : "shipment.") + std::string(to);
  if (auto s = append_audit(db, now, {std::string(actor), action, p.order_id, json::serialize(details)});
      !s) {
    return fail(s.error().with_context(what));
  }
  if (auto s = enqueue_mutation(db, now, {"order.status", p.order_id, json::serialize(payload)}); !s) {
    return fail(s.error().with_context(what));
  }
  if (shipment) {
    if (auto s = record_shipment(db, p.order_id, *shipment, now); !s)
      return fail(s.error().with_context(what));
  }
  if (auto s = tx->commit(); !s) return fail(s.error().with_context(what));
  p.status = std::string(to);
  return p;
}

// The store's open online orders of one fulfilment (pending or prepared), oldest first, with their lines.
Result<std::vector<Pickup>> open_online_orders(sqlite::Database& db, std::string_view store_code,
                                               std::string_view fulfilment) {
  auto stmt = db.cached(select_orders(
      "WHERE channel IN ('web', 'app') AND store_code = ? AND status IN ('pending', 'ready_for_pickup') AND "
      "COALESCE(fulfilment, 'pickup') = ? ORDER BY created_at_ms, order_id"));
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(store_code, fulfilment); !s) return fail(s.error());
  std::vector<Pickup> out;
  while (true) {
    auto row = (*stmt)->step();
    if (!row)
      return fail(row.error().with_context("listing the store's " + std::string(fulfilment) + " orders"));
    if (!*row) break;
    out.push_back(read_row(**stmt).pickup);
  }
  for (auto& p : out) {
    if (auto s = read_lines(db, p); !s) return fail(s.error());
  }
  return out;
}

}  // namespace

Status record_shipment(sqlite::Database& db, std::string_view order_id, const Shipment& shipment,
                       std::int64_t shipped_at_ms) {
  if (auto ok = check_shipment(shipment); !ok)
    return fail(ok.error().with_context("recording the shipment of order " + std::string(order_id)));
  auto stmt = db.cached(
      "INSERT INTO shipment (order_id, tracking_reference, carrier, shipped_at_ms) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (order_id) DO UPDATE SET tracking_reference = excluded.tracking_reference, "
      "carrier = excluded.carrier");
  if (!stmt) return fail(stmt.error());
  std::optional<std::string> carrier;
  if (shipment.carrier && !shipment.carrier->empty()) carrier = *shipment.carrier;
  if (auto s = (*stmt)->bind_all(order_id, shipment.tracking_reference, carrier, shipped_at_ms); !s) return s;
  if (auto s = (*stmt)->run(); !s)
    return fail(s.error().with_context("recording the shipment of order " + std::string(order_id)));
  return {};
}

Result<std::vector<ShippedOrder>> shipped_orders(sqlite::Database& db, std::string_view store_code,
                                                 std::size_t limit) {
  // read_row()'s columns, then the shipment's (USING makes order_id the order's column).
  auto stmt =
      db.cached("SELECT " + std::string(kFields) +
                ", s.tracking_reference, s.carrier, s.shipped_at_ms FROM sales_order "
                "LEFT JOIN shipment s USING (order_id) "
                "WHERE channel IN ('web', 'app') AND store_code = ? AND fulfilment = 'ship_from_store' "
                "AND status = 'collected' ORDER BY COALESCE(s.shipped_at_ms, created_at_ms) DESC, "
                "order_id LIMIT ?");
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(store_code, static_cast<std::int64_t>(limit)); !s) return fail(s.error());
  std::vector<ShippedOrder> out;
  while (true) {
    auto row = (*stmt)->step();
    if (!row) return fail(row.error().with_context("listing the store's shipped orders"));
    if (!*row) break;
    ShippedOrder shipped{read_row(**stmt).pickup, std::nullopt, std::nullopt};
    if (auto tracking = (*stmt)->get<std::optional<std::string>>(9)) {
      shipped.shipment = Shipment{*tracking, (*stmt)->get<std::optional<std::string>>(10)};
      shipped.shipped_at_ms = (*stmt)->get<std::int64_t>(11);
    }
    out.push_back(std::move(shipped));
  }
  for (auto& s : out) {
    if (auto r = read_lines(db, s.order); !r) return fail(r.error());
  }
  return out;
}

std::string_view online_status(std::string_view fulfilment, std::string_view stored) {
  if (fulfilment != kShipment.fulfilment) return stored;
  if (stored == kPickup.prepared) return kShipment.prepared;
  if (stored == kPickup.done) return kShipment.done;
  return stored;
}

Result<std::vector<Pickup>> open_pickups(sqlite::Database& db, std::string_view store_code) {
  return open_online_orders(db, store_code, "pickup");
}

Result<std::vector<Pickup>> open_shipments(sqlite::Database& db, std::string_view store_code) {
  return open_online_orders(db, store_code, "ship_from_store");
}

Result<Pickup> mark_pickup_ready(sqlite::Database& db, std::string_view store_code, std::string_view order_id,
                                 std::string_view actor, const Clock& clock) {
  return move_status(db, store_code, order_id, "ready_for_pickup", std::nullopt, actor, clock);
}

Result<Pickup> collect_pickup(sqlite::Database& db, std::string_view store_code, std::string_view order_id,
                              std::string_view actor, const Clock& clock) {
  return move_status(db, store_code, order_id, "collected", std::nullopt, actor, clock);
}

Result<Pickup> mark_shipment_packed(sqlite::Database& db, std::string_view store_code,
                                    std::string_view order_id, std::string_view actor, const Clock& clock) {
  return move_status(db, store_code, order_id, "packed", std::nullopt, actor, clock);
}

Result<Pickup> ship_shipment(sqlite::Database& db, std::string_view store_code, std::string_view order_id,
                             const Shipment& shipment, std::string_view actor, const Clock& clock) {
  if (auto ok = check_shipment(shipment); !ok)
    return fail(ok.error().with_context("shipping order " + std::string(order_id)));
  std::optional<Shipment> recorded(std::in_place, shipment.tracking_reference, std::nullopt);
  if (shipment.carrier && !shipment.carrier->empty()) recorded->carrier = *shipment.carrier;
  return move_status(db, store_code, order_id, "shipped", recorded, actor, clock);
}

}  // namespace storeedge::store
