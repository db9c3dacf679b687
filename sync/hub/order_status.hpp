#pragma once
// Status transitions of hub-held online orders (web/app orders for pickup or ship-from-store), as a
// table a reader can scan. In-store sales are 'completed' at birth and never transition.
//
//   fulfilment       from              to                by     result
//   pickup           pending           ready_for_pickup  any    ready_for_pickup
//   pickup           pending           cancelled         any    cancelled
//   pickup           ready_for_pickup  collected         store  collected
//   pickup           ready_for_pickup  cancelled         any    cancelled
//   pickup           cancelled         collected         store  collected, flagged for review
//   ship_from_store  pending           packed            any    packed
//   ship_from_store  pending           cancelled         any    cancelled
//   ship_from_store  packed            shipped           store  shipped (the store sends the carrier's
//                                                               tracking reference, docs/protocol.md)
//   ship_from_store  packed            cancelled         any    cancelled
//   ship_from_store  cancelled         shipped           store  shipped, flagged for review
//   either           X                 X                 any    unchanged (a repeated report is harmless)
//   anything else                                               Errc::conflict
//
// A status of the other fulfilment (a pickup order 'packed', a ship-from-store order 'collected') is a
// conflict whose message names both.
//
// Collected (shipped) while cancelled: a store offline hands the goods over (to the customer or the
// carrier) while the web shop cancels the order. The goods have left the store, so 'collected' or
// 'shipped' wins (the payment stays captured, stock stays moved) and the order is flagged so that a
// person reverses whatever the cancellation triggered online (refund, customer e-mail).
//
// Before outbox payload version 4 (kShipmentStatusPayloadVersion) a till had no ship-from-store
// words: it reported ready_for_pickup for packed and collected for shipped (legacy_store_status).
// Hub rows written before hub schema version 8 are migrated the same way.
#include <optional>
#include <string>
#include <string_view>

#include "platform/error.hpp"

namespace storeedge::sync::hub {

enum class StatusActor { channel, store };

// The first outbox payload version whose order.status speaks packed/shipped (edge/store/journal.hpp).
inline constexpr int kShipmentStatusPayloadVersion = 4;

struct TransitionVerdict {
  std::string status;  // the status the order ends in
  bool changed = false;
  bool needs_review = false;
  std::string review_reason;
};

// What a store reports with 'shipped': the carrier's tracking reference and, optionally, its name.
struct Shipment {
  std::string tracking_reference;
  std::optional<std::string> carrier;
};

// Errc::invalid_argument for a status that does not exist; Errc::conflict naming both statuses for a
// transition the table does not allow, and naming both fulfilments for a status of the other one.
// `fulfilment` is the order's: pickup or ship_from_store.
[[nodiscard]] Result<TransitionVerdict> check_transition(std::string_view order_id,
                                                         std::string_view fulfilment, std::string_view from,
                                                         std::string_view to, StatusActor by);

// The status a till before payload version 4 meant: for a ship_from_store order ready_for_pickup is
// packed and collected is shipped; anything else is itself.
[[nodiscard]] std::string_view legacy_store_status(std::string_view fulfilment, std::string_view status);

}  // namespace storeedge::sync::hub
