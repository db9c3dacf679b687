#include "sync/hub/order_status.hpp"

#include <array>

namespace storeedge::sync::hub {
namespace {

enum class Who { any, store };

struct Row {
  std::string_view fulfilment;
  std::string_view from;
  std::string_view to;
  Who by;
  bool review;
};

constexpr std::array kTable = {
    Row{"pickup", "pending", "ready_for_pickup", Who::any, false},
    Row{"pickup", "pending", "cancelled", Who::any, false},
    Row{"pickup", "ready_for_pickup", "collected", Who::store, false},
    Row{"pickup", "ready_for_pickup", "cancelled", Who::any, false},
    Row{"pickup", "cancelled", "collected", Who::store, true},
    Row{"ship_from_store", "pending", "packed", Who::any, false},
    Row{"ship_from_store", "pending", "cancelled", Who::any, false},
    Row{"ship_from_store", "packed", "shipped", Who::store, false},
    Row{"ship_from_store", "packed", "cancelled", Who::any, false},
    Row{"ship_from_store", "cancelled", "shipped", Who::store, true},
};

constexpr std::array<std::string_view, 7> kStatuses = {"pending", "ready_for_pickup", "collected", "packed",
                                                       "shipped", "cancelled",        "completed"};

bool known(std::string_view s) {
  for (auto k : kStatuses)
    if (k == s) return true;
  return false;
}

// The statuses only one fulfilment has.
std::string_view owner_of(std::string_view status) {
  if (status == "ready_for_pickup" || status == "collected") return "pickup";
  if (status == "packed" || status == "shipped") return "ship_from_store";
  return {};
}

std::string_view path_of(std::string_view fulfilment) {
  return fulfilment == "ship_from_store" ? "pending, packed, shipped or cancelled"
                                         : "pending, ready_for_pickup, collected or cancelled";
}

}  // namespace

Result<TransitionVerdict> check_transition(std::string_view order_id, std::string_view fulfilment,
                                           std::string_view from, std::string_view to, StatusActor by) {
  if (!known(to)) {
    return fail(Errc::invalid_argument,
                "order status '" + std::string(to) +
                    "' is not pending, ready_for_pickup, collected, packed, shipped or cancelled");
  }
  const std::string_view owner = owner_of(to);
  if (!owner.empty() && owner != fulfilment) {
    return fail(Errc::conflict, "order " + std::string(order_id) + " is a " + std::string(fulfilment) +
                                    " order: " + std::string(to) + " is a " + std::string(owner) +
                                    " status (a " + std::string(fulfilment) + " order is " +
                                    std::string(path_of(fulfilment)) + ")");
  }
  if (from == to) return TransitionVerdict{std::string(to), false, false, {}};
  for (const Row& row : kTable) {
    if (row.fulfilment != fulfilment || row.from != from || row.to != to) continue;
    if (row.by == Who::store && by != StatusActor::store) break;
    TransitionVerdict v{std::string(to), true, row.review, {}};
    if (row.review) {
      v.review_reason = std::string(to == "shipped" ? "shipped from the store" : "collected in store") +
                        " while cancelled online: reverse the cancellation";
    }
    return v;
  }
  return fail(Errc::conflict,
              "order " + std::string(order_id) + " cannot go from " + std::string(from) + " to " +
                  std::string(to) +
                  (by == StatusActor::store ? " (reported by a store)" : " (channel request)"));
}

std::string_view legacy_store_status(std::string_view fulfilment, std::string_view status) {
  if (fulfilment != "ship_from_store") return status;
  if (status == "ready_for_pickup") return "packed";
  if (status == "collected") return "shipped";
  return status;
}

}  // namespace storeedge::sync::hub
