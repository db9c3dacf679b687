#pragma once
// The mutation payloads store nodes push, parsed and checked before anything is written. The
// formats are the ones edge/store writes (order_rows.cpp order_payload, shifts.cpp, customers.cpp
// customer_json) plus "order.status" and "loyalty.entry" (docs/protocol.md). Every error is
// Errc::invalid_argument naming the field: a mutation that fails here is quarantined.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/error.hpp"
#include "sync/hub/order_status.hpp"
#include "sync/hub/storage.hpp"

namespace storeedge::sync::hub {

struct EdgeStockDelta {
  std::string sku;
  std::int64_t delta = 0;
};

// order.completed / order.returned
struct EdgeOrder {
  std::string order_id;
  std::string kind;     // sale, return, exchange
  std::string channel;  // pos, kiosk
  std::string store_code;
  std::optional<std::string> customer_id;
  std::optional<std::string> original_order_id;
  std::string currency;
  std::int64_t total_cents = 0;
  std::int64_t created_at_ms = 0;
  std::vector<EdgeStockDelta> stock;
  std::vector<LoyaltyEntry> loyalty;
  // "gift_cards": [{entry_id, card_id, amount, kind}] — the card ledger entries the till wrote (store,
  // node, order and time are the order's).
  std::vector<GiftCardEntry> gift_cards;
  // The order's base document is the payload as the node sent it (not copied here: the hub stores
  // the mutation's payload). Re-sends of an order carry the same text; same_order_content() also
  // accepts other formatting of equal content.
};
[[nodiscard]] Result<EdgeOrder> parse_edge_order(std::string_view payload);
// Whether a stored order base and a pushed order payload hold the same JSON document.
bool same_order_content(std::string_view stored, std::string_view pushed);

// order.status: a store reports a status of a hub-held online order (ready_for_pickup, collected,
// packed, shipped, cancelled). "tracking_reference" (1 to 100 characters) and "carrier" (at most 100)
// are optional here; a shipped report of payload version 4 needs the reference (apply_edge.cpp).
struct EdgeStatusChange {
  std::string order_id;
  std::string status;
  std::int64_t at_ms = 0;
  std::optional<Shipment> shipment;  // "tracking_reference" and "carrier"?, sent with shipped
};
[[nodiscard]] Result<EdgeStatusChange> parse_status_change(std::string_view payload);

// shift.opened / cash.movement / shift.closed: kept as documents keyed by shift (and movement).
struct EdgeShiftEvent {
  std::string shift_id;
  std::string device_code;                  // empty for shift.closed when absent
  std::optional<std::int64_t> movement_id;  // cash.movement only
  std::int64_t at_ms = 0;
  std::string canonical;
};
[[nodiscard]] Result<EdgeShiftEvent> parse_shift_event(std::string_view kind, std::string_view payload);

// customer.upserted. `fields` holds the profile fields present (name, email, phone,
// marketing_consent, cards) as JSON text. When the payload lists "changed" fields only those take
// part in the merge; otherwise every field present does.
struct EdgeCustomer {
  std::string customer_id;
  std::vector<std::pair<std::string, std::string>> fields;  // field -> JSON value text
};
[[nodiscard]] Result<EdgeCustomer> parse_edge_customer(std::string_view payload);

// loyalty.entry: {entry_id, customer_id, points, kind}.
[[nodiscard]] Result<LoyaltyEntry> parse_loyalty_entry(std::string_view payload);
// Checks an entry from any source: ids non-empty, points non-zero, kind known and its sign right.
[[nodiscard]] Status validate_loyalty_entry(const LoyaltyEntry& e);

// Checks a gift card entry from any source: ids non-empty, amount non-zero, kind known and its sign
// right (issue, load and refund add; redeem takes; adjust goes either way).
[[nodiscard]] Status validate_gift_card_entry(const GiftCardEntry& e);

}  // namespace storeedge::sync::hub
