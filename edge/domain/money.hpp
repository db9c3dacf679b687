#pragma once
// Money arithmetic for the checkout domain: integer minor units (cents), never floating point.
// Every operation that could overflow int64 is checked and reports Errc::invalid_argument, so a
// caller's absurd price or quantity becomes a clear error instead of a wrapped total.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "platform/error.hpp"

namespace storeedge::domain {

using Cents = std::int64_t;

// An amount with its ISO 4217 currency, for values that leave the domain (receipts, API).
struct Money {
  Cents cents = 0;
  std::string currency = "EUR";

  friend bool operator==(const Money&, const Money&) = default;
};

[[nodiscard]] Result<Cents> checked_add(Cents a, Cents b);
[[nodiscard]] Result<Cents> checked_sub(Cents a, Cents b);
[[nodiscard]] Result<Cents> checked_mul(Cents a, std::int64_t b);

// round(a * num / den) with halves rounded away from zero; den > 0. Fails when the result does not
// fit in int64. Example: mul_div_round(199, 1234, 1000) == 246 (245.566 rounds up).
[[nodiscard]] Result<std::int64_t> mul_div_round(std::int64_t a, std::int64_t num, std::int64_t den);

// Plain decimal rendering of cents, independent of locale: 1235 -> "12.35", -5 -> "-0.05".
std::string to_decimal_string(Cents cents);
// "12.35 EUR"
std::string format_money(const Money& money);
// Parses "12.35", "12.3", "12", "-0.05" into cents; more than two decimals is an error.
[[nodiscard]] Result<Cents> parse_decimal(std::string_view text);

// Splits `total` over `weights` proportionally with the largest-remainder method: each part is
// floor(total * w / sum), and the cents left over go one each to the largest fractional remainders
// (ties: lower index first). The parts always sum exactly to `total`. Preconditions: weights >= 0,
// 0 <= total; if all weights are 0 the whole total goes to index 0 (or nothing when empty and 0).
// When total <= sum(weights) no part exceeds its weight.
std::vector<Cents> allocate_largest_remainder(Cents total, std::span<const Cents> weights);

}  // namespace storeedge::domain
