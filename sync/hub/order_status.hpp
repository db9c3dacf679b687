#pragma once
// Status transitions of hub-held online orders (web/app orders for pickup or ship-from-store), as a
// table a reader can scan. In-store sales are 'completed' at birth and never transition.
//
//   from              to                by       result
//   pending           ready_for_pickup  any      ready_for_pickup
//   pending           cancelled         any      cancelled
//   ready_for_pickup  collected         store    collected
//   ready_for_pickup  cancelled         any      cancelled
//   cancelled         collected         store    collected, flagged for review
//   X                 X                 any      unchanged (a repeated report is harmless)
//   anything else                                Errc::conflict
//
// Collected while cancelled: a store offline hands the goods over while the web shop cancels the
// order. The goods have left the store, so 'collected' wins (the payment stays captured, stock stays
// moved) and the order is flagged so that a person reverses whatever the cancellation triggered
// online (refund, customer e-mail). Ship-from-store orders use the same states until the replica
// has a 'shipped' status: ready_for_pickup means packed, collected means handed to the carrier.
#include <string>
#include <string_view>

#include "platform/error.hpp"

namespace storeedge::sync::hub {

enum class StatusActor { channel, store };

struct TransitionVerdict {
  std::string status;  // the status the order ends in
  bool changed = false;
  bool needs_review = false;
  std::string review_reason;
};

// Errc::invalid_argument for a status that does not exist; Errc::conflict naming both statuses for a
// transition the table does not allow.
[[nodiscard]] Result<TransitionVerdict> check_transition(std::string_view order_id, std::string_view from,
                                                         std::string_view to, StatusActor by);

}  // namespace storeedge::sync::hub
