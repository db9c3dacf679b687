#include "edge/domain/tax.hpp"

#include <algorithm>
#include <map>

namespace storeedge::domain {

Result<TaxTable> TaxTable::create(std::vector<TaxRate> rates) {
  std::sort(rates.begin(), rates.end(),
            [](const TaxRate& l, const TaxRate& r) { return l.tax_class < r.tax_class; });
  for (std::size_t i = 0; i < rates.size(); ++i) {
    const TaxRate& rate = rates[i];
    if (rate.tax_class.empty()) return fail(Errc::invalid_argument, "tax rate without a tax class");
    if (rate.rate_bp < 0 || rate.rate_bp > 10000) {
      return fail(Errc::invalid_argument, "tax class '" + rate.tax_class + "' has rate " +
                                              std::to_string(rate.rate_bp) + " bp, outside [0, 10000]");
    }
    if (i > 0 && rates[i - 1].tax_class == rate.tax_class) {
      return fail(Errc::invalid_argument, "tax class '" + rate.tax_class + "' is listed twice");
    }
  }
  TaxTable table;
  table.rates_ = std::move(rates);
  return table;
}

Result<std::int32_t> TaxTable::rate_for(std::string_view tax_class) const {
  auto it = std::lower_bound(rates_.begin(), rates_.end(), tax_class,
                             [](const TaxRate& r, std::string_view c) { return r.tax_class < c; });
  if (it == rates_.end() || it->tax_class != tax_class) {
    return fail(Errc::invalid_argument, "unknown tax class '" + std::string(tax_class) + "'");
  }
  return it->rate_bp;
}

TaxLine split_inclusive(std::int32_t rate_bp, Cents gross) {
  // gross and rate are bounded by the cart (int64 cents, rate <= 100 %), so the rounded base fits.
  const Cents base = mul_div_round(gross, 10000, 10000 + rate_bp).value();
  return TaxLine{.rate_bp = rate_bp, .gross = gross, .base = base, .tax = gross - base};
}

std::vector<TaxLine> tax_breakdown(std::span<const TaxableAmount> amounts) {
  std::map<std::int32_t, Cents> by_rate;
  for (const TaxableAmount& a : amounts) by_rate[a.rate_bp] += a.gross;
  std::vector<TaxLine> out;
  out.reserve(by_rate.size());
  for (const auto& [rate, gross] : by_rate) out.push_back(split_inclusive(rate, gross));
  return out;
}

}  // namespace storeedge::domain
