// Applying the mutations store nodes push. Every function runs inside apply_push's transaction (and a
// savepoint when the batch is isolated, sqlite_storage.cpp); an error of a permanent kind (invalid_argument,
// conflict, unsupported, ...) quarantines the mutation, any other kind makes the node retry it.
#include <boost/json.hpp>

#include "sync/hub/json_read.hpp"
#include "sync/hub/sqlite/sql_util.hpp"
#include "sync/hub/sqlite/sqlite_storage.hpp"

namespace storeedge::sync::hub {
namespace json = boost::json;

Status SqliteStorage::apply_mutation(std::string_view node_id, const IncomingMutation& m,
                                     const PreparedMutation* prepared) {
  if (m.schema_version < 1 || m.schema_version > kMaxPayloadSchemaVersion) {
    return fail(Errc::unsupported, "mutation " + m.kind + " has payload schema version " +
                                       std::to_string(m.schema_version) + "; this hub reads 1 to " +
                                       std::to_string(kMaxPayloadSchemaVersion));
  }
  if (m.kind == "order.completed" || m.kind == "order.returned")
    return apply_edge_order(node_id, m, prepared);
  if (m.kind == "order.status") return apply_status_change(m);
  if (m.kind == "shift.opened" || m.kind == "cash.movement" || m.kind == "shift.closed") {
    return apply_shift_event(node_id, m);
  }
  if (m.kind == "customer.upserted") return apply_edge_customer(m);
  if (m.kind == "loyalty.entry") {
    auto e = parse_loyalty_entry(m.payload);
    if (!e) return fail(e.error());
    auto inserted = insert_loyalty(*e, std::string(node_id), std::nullopt);
    if (!inserted) return fail(inserted.error());
    return {};
  }
  return fail(Errc::unsupported, "unknown mutation kind '" + m.kind + "'");
}

Status SqliteStorage::apply_edge_order(std::string_view node_id, const IncomingMutation& m,
                                       const PreparedMutation* prepared) {
  std::optional<Result<EdgeOrder>> parsed_here;
  if (prepared == nullptr || !prepared->order) parsed_here = parse_edge_order(m.payload);
  const Result<EdgeOrder>& order = parsed_here ? *parsed_here : *prepared->order;
  if (!order) return fail(order.error());
  const bool is_return = order->kind == "return";
  if (is_return != (m.kind == "order.returned")) {
    return fail(Errc::invalid_argument,
                m.kind + " carries an order " + order->order_id + " of kind '" + order->kind + "'");
  }
  auto node_store = pushing_node_store(node_id);
  if (!node_store) return fail(node_store.error());
  if (*node_store && **node_store != order->store_code) {
    return fail(Errc::invalid_argument, "order " + order->order_id + " is for store " + order->store_code +
                                            " but node " + std::string(node_id) + " belongs to store " +
                                            **node_store);
  }
  // The order enters the store_orders stream with its row (a flagged one moves on when flagged).
  auto seq = next_seq("store_orders");
  if (!seq) return fail(seq.error());
  const std::int64_t now = now_ms();
  // Orders are immutable events keyed by UUID: the same content again is harmless, other content is
  // not. The INSERT finds an order already recorded (one index probe instead of a SELECT before it).
  if (auto s = sql::run(
          db_,
          "INSERT INTO hub_order (order_id, channel, fulfilment, store_code, origin_node, customer_id, "
          "status, total_cents, base, created_at_ms, updated_at_ms, stream_seq) "
          "VALUES (?, ?, 'in_store', ?, ?, ?, 'completed', ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO NOTHING",
          "", order->order_id, order->channel, order->store_code, node_id, order->customer_id,
          order->total_cents, m.payload, order->created_at_ms, now, *seq);
      !s) {
    return fail(s.error().with_context("recording order " + order->order_id));
  }
  if (db_.changes() == 0) {
    unuse_seq("store_orders", *seq);
    auto existing =
        db_.query_one<std::string>("SELECT base FROM hub_order WHERE order_id = ?", order->order_id);
    if (!existing) return fail(existing.error());
    if (*existing && same_order_content(**existing, m.payload)) return {};
    return fail(Errc::conflict, "order " + order->order_id +
                                    " is already recorded with different content; orders are immutable");
  }
  if (auto s = write_order_effects(node_id, *order); !s) return s;
  // Gift card redeems (gift_cards.cpp) may flag the order for review: then publish it again.
  auto flagged = record_order_gift_cards(node_id, *order);
  if (!flagged) return fail(flagged.error());
  if (*flagged) return publish_order(order->order_id);
  return {};
}

// Stock deltas, loyalty entries, and the customer's reference to the order and link to the store.
Status SqliteStorage::write_order_effects(std::string_view node_id, const EdgeOrder& order) {
  if (auto s = add_order_stock_moves(order, order.kind == "return" ? "return" : "sale", node_id); !s)
    return s;
  for (const LoyaltyEntry& e : order.loyalty) {
    if (auto r = insert_loyalty(e, std::string(node_id), order.order_id); !r) return fail(r.error());
  }
  if (!order.customer_id) return {};
  if (auto s =
          add_customer_ref(*order.customer_id, CustomerRefKind::order, order.created_at_ms, order.order_id);
      !s) {
    return s;
  }
  return relate_customer_to_store(*order.customer_id, order.store_code);
}

Status SqliteStorage::apply_status_change(const IncomingMutation& m) {
  auto change = parse_status_change(m.payload);
  if (!change) return fail(change.error());
  auto order = read_order(change->order_id);
  if (!order) return fail(order.error());
  auto node_store = db_.query_one<std::string>(
      "SELECT store_code FROM node WHERE node_id = ? AND store_code IS NOT NULL", m.node_id);
  if (!node_store) return fail(node_store.error());
  if (*node_store && **node_store != order->store_code) {
    return fail(Errc::invalid_argument, "order " + change->order_id + " is assigned to store " +
                                            order->store_code + ", not to store " + **node_store +
                                            " of node " + m.node_id);
  }
  // A till before payload version 4 reports a ship-from-store order packed and shipped in pickup words.
  std::string status = change->status;
  if (m.schema_version < kShipmentStatusPayloadVersion) {
    status = std::string(legacy_store_status(order->fulfilment, status));
  } else if (status == "shipped" && !change->shipment) {
    return fail(Errc::invalid_argument,
                "status of order " + change->order_id + ": shipped needs a tracking_reference");
  }
  return change_order_status(change->order_id, status, StatusActor::store, change->shipment);
}

Status SqliteStorage::apply_shift_event(std::string_view node_id, const IncomingMutation& m) {
  auto e = parse_shift_event(m.kind, m.payload);
  if (!e) return fail(e.error());
  std::string event = m.kind == "shift.opened" ? "opened" : "closed";
  if (e->movement_id) event = "cash:" + std::to_string(*e->movement_id);
  if (m.kind != "shift.opened") {
    auto opened = db_.query_one<std::int64_t>(
        "SELECT 1 FROM shift_event WHERE shift_id = ? AND event = 'opened'", e->shift_id);
    if (!opened) return fail(opened.error());
    if (!*opened)
      return fail(Errc::not_found, m.kind + " for shift " + e->shift_id + " that was never opened");
  }
  auto same = db_.query_one<std::string>("SELECT payload FROM shift_event WHERE shift_id = ? AND event = ?",
                                         e->shift_id, event);
  if (!same) return fail(same.error());
  if (*same) {
    if (**same == e->canonical) return {};
    return fail(Errc::conflict,
                m.kind + " of shift " + e->shift_id + " is already recorded with other content");
  }
  return sql::run(db_,
                  "INSERT INTO shift_event (shift_id, event, node_id, at_ms, payload) VALUES (?, ?, ?, ?, ?)",
                  "recording " + m.kind, e->shift_id, event, node_id, e->at_ms, e->canonical);
}

Status SqliteStorage::apply_edge_customer(const IncomingMutation& m) {
  auto c = parse_edge_customer(m.payload);
  if (!c) return fail(c.error());
  auto changed = merge_customer(c->customer_id, c->fields, m.hlc);
  if (!changed) return fail(changed.error());
  return {};
}

}  // namespace storeedge::sync::hub
