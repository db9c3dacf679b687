#include "edge/domain/money.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

namespace storeedge::domain {
namespace {

using Wide = __int128;

constexpr Wide kMax = std::numeric_limits<std::int64_t>::max();
constexpr Wide kMin = std::numeric_limits<std::int64_t>::min();

Result<std::int64_t> narrow(Wide value, std::string_view what) {
  if (value > kMax || value < kMin) {
    return fail(Errc::invalid_argument, std::string(what) + " overflows the money range");
  }
  return static_cast<std::int64_t>(value);
}

}  // namespace

Result<Cents> checked_add(Cents a, Cents b) {
  return narrow(static_cast<Wide>(a) + b, to_decimal_string(a) + " + " + to_decimal_string(b));
}

Result<Cents> checked_sub(Cents a, Cents b) {
  return narrow(static_cast<Wide>(a) - b, to_decimal_string(a) + " - " + to_decimal_string(b));
}

Result<Cents> checked_mul(Cents a, std::int64_t b) {
  return narrow(static_cast<Wide>(a) * b, to_decimal_string(a) + " x " + std::to_string(b));
}

Result<std::int64_t> mul_div_round(std::int64_t a, std::int64_t num, std::int64_t den) {
  if (den <= 0) return fail(Errc::invalid_argument, "divisor must be positive, got " + std::to_string(den));
  const Wide product = static_cast<Wide>(a) * num;
  const bool negative = product < 0;
  const Wide magnitude = negative ? -product : product;
  const Wide rounded = (magnitude + den / 2) / den;
  return narrow(negative ? -rounded : rounded, "rounded product");
}

std::string to_decimal_string(Cents cents) {
  const bool negative = cents < 0;
  // Work in unsigned so INT64_MIN does not overflow on negation.
  const std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(-(cents + 1)) + 1U : static_cast<std::uint64_t>(cents);
  const std::uint64_t units = magnitude / 100U;
  const std::uint64_t rest = magnitude % 100U;
  std::string out = negative ? "-" : "";
  out += std::to_string(units);
  out += '.';
  out += static_cast<char>('0' + rest / 10U);
  out += static_cast<char>('0' + rest % 10U);
  return out;
}

std::string format_money(const Money& money) {
  return to_decimal_string(money.cents) + " " + money.currency;
}

Result<Cents> parse_decimal(std::string_view text) {
  const std::string original(text);
  auto bad = [&] { return fail(Errc::invalid_argument, "not a decimal amount: '" + original + "'"); };
  bool negative = false;
  if (!text.empty() && text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty() || frac.size() > 2 || (dot != std::string_view::npos && frac.empty())) return bad();
  auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(whole) || !digits(frac) || whole.size() > 17) return bad();
  Wide value = 0;
  for (char c : whole) value = value * 10 + (c - '0');
  Wide cents = 0;
  for (std::size_t i = 0; i < 2; ++i) cents = cents * 10 + (i < frac.size() ? frac[i] - '0' : 0);
  return narrow((value * 100 + cents) * (negative ? -1 : 1), "amount '" + original + "'");
}

std::vector<Cents> allocate_largest_remainder(Cents total, std::span<const Cents> weights) {
  std::vector<Cents> parts(weights.size(), 0);
  if (weights.empty()) return parts;
  const Wide sum = std::accumulate(weights.begin(), weights.end(), Wide{0});
  if (sum == 0) {
    parts[0] = total;
    return parts;
  }
  std::vector<Wide> remainders(weights.size());
  Wide assigned = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const Wide share = static_cast<Wide>(total) * weights[i];
    parts[i] = static_cast<Cents>(share / sum);
    remainders[i] = share % sum;
    assigned += parts[i];
  }
  std::vector<std::size_t> order(weights.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t l, std::size_t r) { return remainders[l] > remainders[r]; });
  auto left = static_cast<std::size_t>(static_cast<Wide>(total) - assigned);
  for (std::size_t k = 0; k < left; ++k) parts[order[k % order.size()]] += 1;
  return parts;
}

}  // namespace storeedge::domain
