#include "edge/domain/catalog.hpp"

#include <utility>

namespace storeedge::domain {

bool in_window(std::optional<UnixMillis> from, std::optional<UnixMillis> to, UnixMillis at) {
  if (from && at < *from) return false;
  if (to && at >= *to) return false;
  return true;
}

bool is_basket(PromotionKind kind) {
  return kind == PromotionKind::basket_amount || kind == PromotionKind::basket_percent;
}

Status validate(const Promotion& p) {
  auto bad = [&](const std::string& why) {
    return fail(Errc::invalid_argument, "promotion '" + p.id + "': " + why);
  };
  if (p.id.empty()) return fail(Errc::invalid_argument, "promotion without id");
  if (!is_basket(p.kind) && p.skus.empty()) return bad("no eligible SKUs");
  if (p.valid_from && p.valid_to && *p.valid_to <= *p.valid_from) return bad("validity window is empty");
  const bool uses_percent = p.kind == PromotionKind::percent_off || p.kind == PromotionKind::group_discount ||
                            p.kind == PromotionKind::basket_percent;
  if (uses_percent && (p.percent_bp <= 0 || p.percent_bp > 10000)) {
    return bad("percent must be in (0, 100 %], got " + std::to_string(p.percent_bp) + " bp");
  }
  const bool uses_amount = p.kind == PromotionKind::amount_off || p.kind == PromotionKind::basket_amount;
  if (uses_amount && p.amount_cents <= 0) return bad("amount must be positive");
  if (p.kind == PromotionKind::mix_and_match && p.amount_cents < 0)
    return bad("group price must not be negative");
  if (p.kind == PromotionKind::group_discount || p.kind == PromotionKind::mix_and_match) {
    if (p.group_size < 1 || p.group_size > 100) return bad("group size must be in [1, 100]");
  }
  if (p.kind == PromotionKind::group_discount &&
      (p.discounted_units < 1 || p.discounted_units > p.group_size)) {
    return bad("discounted units must be in [1, group size]");
  }
  if (is_basket(p.kind) && p.threshold_cents < 0) return bad("threshold must not be negative");
  return {};
}

Promotion percent_off(std::string id, std::string description, std::vector<std::string> skus,
                      std::int32_t percent_bp) {
  Promotion p{.id = std::move(id), .description = std::move(description), .kind = PromotionKind::percent_off};
  p.skus = std::move(skus);
  p.percent_bp = percent_bp;
  return p;
}

Promotion amount_off(std::string id, std::string description, std::vector<std::string> skus, Cents amount) {
  Promotion p{.id = std::move(id), .description = std::move(description), .kind = PromotionKind::amount_off};
  p.skus = std::move(skus);
  p.amount_cents = amount;
  return p;
}

Promotion n_for_m(std::string id, std::string description, std::vector<std::string> skus, std::int32_t n,
                  std::int32_t m) {
  Promotion p{
      .id = std::move(id), .description = std::move(description), .kind = PromotionKind::group_discount};
  p.skus = std::move(skus);
  p.group_size = n;
  p.discounted_units = n - m;
  p.percent_bp = 10000;
  return p;
}

Promotion second_unit_percent(std::string id, std::string description, std::vector<std::string> skus,
                              std::int32_t percent_bp) {
  Promotion p{
      .id = std::move(id), .description = std::move(description), .kind = PromotionKind::group_discount};
  p.skus = std::move(skus);
  p.group_size = 2;
  p.discounted_units = 1;
  p.percent_bp = percent_bp;
  return p;
}

Promotion mix_and_match(std::string id, std::string description, std::vector<std::string> skus,
                        std::int32_t n, Cents price) {
  Promotion p{
      .id = std::move(id), .description = std::move(description), .kind = PromotionKind::mix_and_match};
  p.skus = std::move(skus);
  p.group_size = n;
  p.amount_cents = price;
  return p;
}

Promotion basket_amount_off(std::string id, std::string description, Cents threshold, Cents amount) {
  Promotion p{
      .id = std::move(id), .description = std::move(description), .kind = PromotionKind::basket_amount};
  p.threshold_cents = threshold;
  p.amount_cents = amount;
  return p;
}

Promotion basket_percent_off(std::string id, std::string description, Cents threshold,
                             std::int32_t percent_bp) {
  Promotion p{
      .id = std::move(id), .description = std::move(description), .kind = PromotionKind::basket_percent};
  p.threshold_cents = threshold;
  p.percent_bp = percent_bp;
  return p;
}

}  // namespace storeedge::domain
