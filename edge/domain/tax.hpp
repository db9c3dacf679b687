#pragma once
// VAT on VAT-inclusive shelf prices. Rates are data (TaxRate rows from the hub); this file only knows
// how to split an inclusive gross into base and tax without losing a cent.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "edge/domain/catalog.hpp"
#include "edge/domain/money.hpp"
#include "platform/error.hpp"

namespace storeedge::domain {

// The tax classes a store knows, with their rates. Immutable once built.
class TaxTable {
 public:
  TaxTable() = default;
  // Rejects empty or duplicate classes and rates outside [0, 100 %].
  [[nodiscard]] static Result<TaxTable> create(std::vector<TaxRate> rates);

  // Errc::invalid_argument naming the class when it is unknown.
  [[nodiscard]] Result<std::int32_t> rate_for(std::string_view tax_class) const;
  const std::vector<TaxRate>& rates() const { return rates_; }

 private:
  std::vector<TaxRate> rates_;  // sorted by tax_class
};

// One row of the receipt's tax summary. Invariant: base + tax == gross.
struct TaxLine {
  std::int32_t rate_bp = 0;
  Cents gross = 0;
  Cents base = 0;
  Cents tax = 0;

  friend bool operator==(const TaxLine&, const TaxLine&) = default;
};

// base = round_half_up(gross * 10000 / (10000 + rate)), tax = gross - base.
// Example: 10.00 at 21 % -> base 8.26 (826.446...), tax 1.74.
TaxLine split_inclusive(std::int32_t rate_bp, Cents gross);

struct TaxableAmount {
  std::int32_t rate_bp = 0;
  Cents gross = 0;
};

// Groups amounts by rate (ascending) and splits each group's total once, so rounding happens per rate
// and never per line.
std::vector<TaxLine> tax_breakdown(std::span<const TaxableAmount> amounts);

}  // namespace storeedge::domain
