#pragma once
// A cart line and the rules that keep it valid: how its gross is computed from its pricing basis,
// how much the cashier's discount takes off, and when a supervisor must approve.
#include <cstdint>
#include <optional>
#include <string>

#include "edge/domain/catalog.hpp"
#include "edge/domain/money.hpp"
#include "edge/domain/promotions.hpp"
#include "platform/error.hpp"

namespace storeedge::domain {

// What `price` on a line is the price of.
enum class PricingBasis {
  per_unit,     // price x quantity
  per_kg,       // round_half_up(price x grams / 1000)
  label_total,  // the line total, from a price-embedded variable-measure barcode
};

struct ManualDiscount {
  enum class Kind { percent, amount };
  Kind kind = Kind::percent;
  std::int64_t value = 0;  // basis points for percent (1000 = 10 %), cents for amount
  std::string reason{};

  friend bool operator==(const ManualDiscount&, const ManualDiscount&) = default;
};

// Proof that a supervisor allowed an action beyond the cashier's limits. The caller (edge/api) checks
// the supervisor's credentials and mints the token; the domain requires it and keeps it for the audit.
struct SupervisorApproval {
  std::string supervisor_id{};
  std::string token{};

  friend bool operator==(const SupervisorApproval&, const SupervisorApproval&) = default;
};

// The cashier's limits; beyond them an action needs a SupervisorApproval.
struct ApprovalPolicy {
  std::int32_t max_discount_bp = 1000;            // a manual discount above 10 % of the line
  Cents max_override_reduction_cents = 500;       // an override lowering the basis price by more than 5.00
  std::int32_t max_override_reduction_bp = 2000;  // ... or by more than 20 %

  friend bool operator==(const ApprovalPolicy&, const ApprovalPolicy&) = default;
};

inline constexpr std::int64_t kMaxUnitsPerLine = 9999;
inline constexpr std::int64_t kMaxGramsPerLine = 1'000'000;  // one tonne

struct Line {
  LineId id = 0;
  std::string sku{};
  std::string name{};
  std::string category{};
  std::string tax_class{};
  std::int32_t rate_bp = 0;  // resolved from the tax table when the line was added
  bool age_restricted = false;
  PricingBasis basis = PricingBasis::per_unit;
  std::int64_t quantity = 1;      // units; 1 for per_kg and label_total lines
  std::int64_t weight_grams = 0;  // per_kg lines only
  Cents list_price = 0;           // the basis price before any override (shelf or label price)
  Cents price = 0;                // the basis price in force (== list_price unless overridden)
  std::optional<SupervisorApproval> override_approval{};
  std::optional<ManualDiscount> discount{};
  std::optional<SupervisorApproval> discount_approval{};
  bool voided = false;

  friend bool operator==(const Line&, const Line&) = default;
};

// The line's value before discounts. Fails (invalid_argument) when it overflows.
[[nodiscard]] Result<Cents> line_gross(const Line& line);
// The cashier's discount in cents for a given gross (0 without one).
[[nodiscard]] Result<Cents> manual_discount_amount(const Line& line, Cents gross);

// All line invariants: quantity and weight bounds per basis, non-negative prices, no overflow,
// discount not above the gross (invalid_argument); an override or discount beyond `policy` without
// its approval (permission_denied). Every cart mutation builds the new line and runs this before
// committing, so a failed call leaves the cart unchanged.
[[nodiscard]] Status validate_line(const Line& line, const ApprovalPolicy& policy);

}  // namespace storeedge::domain
