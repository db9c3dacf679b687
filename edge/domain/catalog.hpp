#pragma once
// The catalog types the replica maps (edge/store) and the cart consumes. They are plain data: tax
// rates and promotions arrive from the hub as data, nothing here hard-codes a country's rules.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "edge/domain/money.hpp"
#include "platform/error.hpp"

namespace storeedge::domain {

// Unix milliseconds, the unit stored in the replica (storeedge::unix_millis).
using UnixMillis = std::int64_t;

enum class SoldBy { unit, weight };

struct Product {
  std::string sku{};
  std::vector<std::string> gtins{};
  std::string name{};
  std::string category{};
  std::string tax_class{};  // key into the TaxRate table, e.g. "general", "reduced", "super_reduced"
  SoldBy sold_by = SoldBy::unit;
  bool age_restricted = false;
};

struct Price {
  std::string sku{};
  std::string store{};
  Cents unit_price = 0;                    // VAT-inclusive; per unit, or per kg for SoldBy::weight
  std::optional<UnixMillis> valid_from{};  // inclusive
  std::optional<UnixMillis> valid_to{};    // exclusive
};

// True when `at` lies in [from, to); a missing bound is open.
bool in_window(std::optional<UnixMillis> from, std::optional<UnixMillis> to, UnixMillis at);

struct TaxRate {
  std::string tax_class{};
  std::int32_t rate_bp = 0;  // basis points: 2100 is 21 %

  friend bool operator==(const TaxRate&, const TaxRate&) = default;
};

struct CustomerRef {
  std::string id{};
  bool loyalty_member = false;

  friend bool operator==(const CustomerRef&, const CustomerRef&) = default;
};

enum class PromotionKind {
  percent_off,     // percent_bp off every eligible unit
  amount_off,      // amount_cents off every eligible unit (never below zero)
  group_discount,  // per group of group_size units, the discounted_units cheapest get percent_bp off
                   // (3x2: size 3, 1 unit, 100 %; second unit at 70 %: size 2, 1 unit, 7000)
  mix_and_match,   // any group_size units from `skus` for amount_cents together
  basket_amount,   // spend >= threshold_cents (after item promotions): amount_cents off the basket
  basket_percent,  // spend >= threshold_cents: percent_bp off the basket
};

struct Promotion {
  std::string id{};           // stable id from the hub; the tie-break between equal savings
  std::string description{};  // shown on the receipt, e.g. "3x2 Yogur natural"
  PromotionKind kind = PromotionKind::percent_off;
  std::vector<std::string> skus{};  // eligible SKUs for item promotions; unused for basket ones
  std::int32_t percent_bp = 0;
  Cents amount_cents = 0;
  std::int32_t group_size = 0;
  std::int32_t discounted_units = 0;
  Cents threshold_cents = 0;
  bool members_only = false;  // applies only with a loyalty member attached
  bool stackable = false;     // may apply on units another promotion already discounted
  std::optional<UnixMillis> valid_from{};
  std::optional<UnixMillis> valid_to{};

  friend bool operator==(const Promotion&, const Promotion&) = default;
};

bool is_basket(PromotionKind kind);

// Checks the fields the kind uses: a clear invalid_argument naming the promotion otherwise.
[[nodiscard]] Status validate(const Promotion& promotion);

// Convenience constructors for the common offers.
Promotion percent_off(std::string id, std::string description, std::vector<std::string> skus,
                      std::int32_t percent_bp);
Promotion amount_off(std::string id, std::string description, std::vector<std::string> skus, Cents amount);
// "n x m": pay m of every n units, the cheapest n - m free.
Promotion n_for_m(std::string id, std::string description, std::vector<std::string> skus, std::int32_t n,
                  std::int32_t m);
Promotion second_unit_percent(std::string id, std::string description, std::vector<std::string> skus,
                              std::int32_t percent_bp);
Promotion mix_and_match(std::string id, std::string description, std::vector<std::string> skus,
                        std::int32_t n, Cents price);
Promotion basket_amount_off(std::string id, std::string description, Cents threshold, Cents amount);
Promotion basket_percent_off(std::string id, std::string description, Cents threshold,
                             std::int32_t percent_bp);

}  // namespace storeedge::domain
