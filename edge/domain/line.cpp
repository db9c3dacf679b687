#include "edge/domain/line.hpp"

namespace storeedge::domain {
namespace {

std::string line_label(const Line& line) {
  return "line " + std::to_string(line.id) + " (" + line.sku + ")";
}

bool approved(const std::optional<SupervisorApproval>& a) {
  return a && !a->supervisor_id.empty() && !a->token.empty();
}

Status check_measure(const Line& line) {
  auto bad = [&](const std::string& why) {
    return fail(Errc::invalid_argument, line_label(line) + ": " + why);
  };
  switch (line.basis) {
    case PricingBasis::per_unit:
      if (line.quantity <= 0 || line.quantity > kMaxUnitsPerLine) {
        return bad("quantity must be in [1, " + std::to_string(kMaxUnitsPerLine) + "], got " +
                   std::to_string(line.quantity));
      }
      if (line.weight_grams != 0) return bad("a unit-priced line carries no weight");
      break;
    case PricingBasis::per_kg:
      if (line.weight_grams <= 0 || line.weight_grams > kMaxGramsPerLine) {
        return bad("weight must be in [1, " + std::to_string(kMaxGramsPerLine) + "] grams, got " +
                   std::to_string(line.weight_grams));
      }
      if (line.quantity != 1) return bad("a weighed line has quantity 1");
      break;
    case PricingBasis::label_total:
      if (line.quantity != 1) return bad("a label-priced line has quantity 1");
      if (line.weight_grams < 0 || line.weight_grams > kMaxGramsPerLine) return bad("weight out of range");
      break;
  }
  if (line.list_price < 0 || line.price < 0) return bad("price must not be negative");
  return {};
}

// Lowering the basis price beyond either limit needs a supervisor; raising it never does.
bool override_needs_approval(const Line& line, const ApprovalPolicy& policy) {
  if (line.price >= line.list_price) return false;
  const Cents reduction = line.list_price - line.price;
  if (reduction > policy.max_override_reduction_cents) return true;
  return static_cast<__int128>(reduction) * 10000 >
         static_cast<__int128>(line.list_price) * policy.max_override_reduction_bp;
}

}  // namespace

Result<Cents> line_gross(const Line& line) {
  Result<Cents> gross = Cents{0};
  switch (line.basis) {
    case PricingBasis::per_unit: gross = checked_mul(line.price, line.quantity); break;
    case PricingBasis::per_kg: gross = mul_div_round(line.price, line.weight_grams, 1000); break;
    case PricingBasis::label_total: gross = line.price; break;
  }
  if (!gross) return fail(gross.error().with_context(line_label(line)));
  return gross;
}

Result<Cents> manual_discount_amount(const Line& line, Cents gross) {
  if (!line.discount) return Cents{0};
  const ManualDiscount& d = *line.discount;
  if (d.kind == ManualDiscount::Kind::percent) {
    if (d.value <= 0 || d.value > 10000) {
      return fail(Errc::invalid_argument, line_label(line) + ": discount must be in (0, 100 %], got " +
                                              std::to_string(d.value) + " bp");
    }
    return mul_div_round(gross, d.value, 10000);
  }
  if (d.value <= 0 || d.value > gross) {
    return fail(Errc::invalid_argument, line_label(line) + ": discount of " + to_decimal_string(d.value) +
                                            " must be positive and at most the line's " +
                                            to_decimal_string(gross));
  }
  return d.value;
}

Status validate_line(const Line& line, const ApprovalPolicy& policy) {
  if (line.sku.empty())
    return fail(Errc::invalid_argument, "line " + std::to_string(line.id) + " has no SKU");
  if (auto s = check_measure(line); !s) return s;
  auto gross = line_gross(line);
  if (!gross) return fail(gross.error());
  auto discount = manual_discount_amount(line, *gross);
  if (!discount) return fail(discount.error());
  if (override_needs_approval(line, policy) && !approved(line.override_approval)) {
    return fail(Errc::permission_denied, line_label(line) + ": lowering the price from " +
                                             to_decimal_string(line.list_price) + " to " +
                                             to_decimal_string(line.price) + " needs a supervisor approval");
  }
  const bool over_limit =
      static_cast<__int128>(*discount) * 10000 > static_cast<__int128>(*gross) * policy.max_discount_bp;
  if (over_limit && !approved(line.discount_approval)) {
    return fail(Errc::permission_denied,
                line_label(line) + ": a discount of " + to_decimal_string(*discount) + " on " +
                    to_decimal_string(*gross) + " exceeds the cashier limit of " +
                    to_decimal_string(policy.max_discount_bp) + " % and needs a supervisor approval");
  }
  return {};
}

}  // namespace storeedge::domain
