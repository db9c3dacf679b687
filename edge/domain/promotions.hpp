#pragma once
// The promotion engine: given the cart's priced lines and the active promotions, which promotions
// apply, to which lines, and for how much. Pure and deterministic.
//
// The rule (also in docs of Cart::totals):
//  1. A promotion is active when `now` is in its validity window and, if members_only, a loyalty
//     member is attached. Lines whose price the cashier overrode or discounted take no item promotion
//     (the manual intervention replaces the automatic offer) but still count towards basket offers.
//  2. Lines are put in a canonical order (sku, unit price, units, id) and exploded into units; weighed
//     and label-priced lines are one unit worth their line total. Nothing below depends on the order
//     in which lines were scanned.
//  3. Non-stackable item promotions compete for units, best for the customer first: every remaining
//     promotion is evaluated on the units no other non-stackable promotion has claimed, the one with
//     the largest saving wins (ties: smallest promotion id), claims the units it used (for group
//     offers every unit of each complete group, paid or not), and the loop repeats until nothing saves.
//  4. Stackable item promotions then apply in promotion-id order on the price left on each unit.
//  5. Basket offers look at the net after item promotions: the best non-stackable one whose threshold
//     is met applies (ties: smallest id), then stackable ones in id order. A basket saving is spread
//     over the lines in proportion to their net with the largest-remainder method.
// Group offers sort eligible units by price, most expensive first, and cut them into groups: the
// cheapest units of each group are the discounted ones (3x2 gives the cheapest of each three free).
// No promotion takes a unit below zero.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "edge/domain/catalog.hpp"
#include "edge/domain/money.hpp"

namespace storeedge::domain {

using LineId = std::int64_t;

struct PromoLine {
  LineId id = 0;
  std::string sku{};
  Cents unit_price = 0;    // per unit; for weighed and label-priced lines the line total
  std::int64_t units = 1;  // 1 for weighed and label-priced lines
  Cents net = 0;           // line value after the cashier's discount: the basket weight
  bool eligible = true;    // false after a price override or manual discount
};

struct LineSaving {
  LineId line_id = 0;
  Cents saving = 0;

  friend bool operator==(const LineSaving&, const LineSaving&) = default;
};

struct AppliedPromotion {
  std::string promotion_id{};
  std::string description{};
  Cents saving = 0;
  std::vector<LineSaving> lines{};  // every line the promotion touched, canonical order; sums to saving

  friend bool operator==(const AppliedPromotion&, const AppliedPromotion&) = default;
};

struct PromotionOutcome {
  std::vector<AppliedPromotion> applied{};  // in the order they were applied
  std::vector<Cents> line_savings{};        // parallel to the input lines
  Cents total_saving = 0;
};

// Preconditions: promotions passed validate(); unit_price * units and net fit the cart's bounds.
PromotionOutcome apply_promotions(std::span<const PromoLine> lines, std::span<const Promotion> promotions,
                                  bool loyalty_member, UnixMillis now);

}  // namespace storeedge::domain
