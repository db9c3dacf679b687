#include "sync/hub/order_status.hpp"

#include <array>

namespace storeedge::sync::hub {
namespace {

enum class Who { any, store };

struct Row {
  std::string_view from;
  std::string_view to;
  Who by;
  bool review;
};

constexpr std::array kTable = {
    Row{"pending", "ready_for_pickup", Who::any, false},
    Row{"pending", "cancelled", Who::any, false},
    Row{"ready_for_pickup", "collected", Who::store, false},
    Row{"ready_for_pickup", "cancelled", Who::any, false},
    Row{"cancelled", "collected", Who::store, true},
};

constexpr std::array<std::string_view, 5> kStatuses = {"pending", "ready_for_pickup", "collected",
                                                       "cancelled", "completed"};

bool known(std::string_view s) {
  for (auto k : kStatuses)
    if (k == s) return true;
  return false;
}

}  // namespace

Result<TransitionVerdict> check_transition(std::string_view order_id, std::string_view from,
                                           std::string_view to, StatusActor by) {
  if (!known(to)) {
    return fail(Errc::invalid_argument, "order status '" + std::string(to) +
                                            "' is not pending, ready_for_pickup, collected or cancelled");
  }
  if (from == to) return TransitionVerdict{std::string(to), false, false, {}};
  for (const Row& row : kTable) {
    if (row.from != from || row.to != to) continue;
    if (row.by == Who::store && by != StatusActor::store) break;
    TransitionVerdict v{std::string(to), true, row.review, {}};
    if (row.review) v.review_reason = "collected in store while cancelled online: reverse the cancellation";
    return v;
  }
  return fail(Errc::conflict,
              "order " + std::string(order_id) + " cannot go from " + std::string(from) + " to " +
                  std::string(to) +
                  (by == StatusActor::store ? " (reported by a store)" : " (channel request)"));
}

}  // namespace storeedge::sync::hub
