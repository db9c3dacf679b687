#include "edge/domain/promotions.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <tuple>

namespace storeedge::domain {
namespace {

struct Unit {
  std::size_t line = 0;  // index into the input lines
  Cents remaining = 0;   // price left after the promotions applied so far
  bool claimed = false;  // taken by a non-stackable promotion
};

struct Evaluation {
  Cents saving = 0;
  std::vector<std::pair<std::size_t, Cents>> unit_savings;  // (unit index, saving)
  std::vector<std::size_t> touched;                         // units the promotion used
};

class Engine {
 public:
  Engine(std::span<const PromoLine> lines) : lines_(lines), line_savings_(lines.size(), 0) {
    order_.resize(lines.size());
    std::iota(order_.begin(), order_.end(), std::size_t{0});
    std::sort(order_.begin(), order_.end(), [&](std::size_t l, std::size_t r) {
      const PromoLine& a = lines[l];
      const PromoLine& b = lines[r];
      return std::tie(a.sku, a.unit_price, a.units, a.net, a.eligible, a.id) <
             std::tie(b.sku, b.unit_price, b.units, b.net, b.eligible, b.id);
    });
    for (std::size_t idx : order_) {
      if (!lines[idx].eligible) continue;
      for (std::int64_t u = 0; u < lines[idx].units; ++u) units_.push_back(Unit{idx, lines[idx].unit_price});
    }
  }

  void run_item_promotions(std::vector<const Promotion*> candidates) {
    std::vector<const Promotion*> stackable;
    std::erase_if(candidates, [&](const Promotion* p) {
      if (p->stackable) stackable.push_back(p);
      return p->stackable;
    });
    while (!candidates.empty()) {
      std::size_t best = 0;
      Evaluation best_eval;
      for (std::size_t i = 0; i < candidates.size(); ++i) {
        Evaluation e = evaluate(*candidates[i], /*only_unclaimed=*/true);
        if (e.saving > best_eval.saving) {  // strict: the smaller id wins a tie (sorted by id)
          best = i;
          best_eval = std::move(e);
        }
      }
      if (best_eval.saving <= 0) break;
      commit(*candidates[best], best_eval, /*claim=*/true);
      candidates.erase(candidates.begin() + static_cast<std::ptrdiff_t>(best));
    }
    for (const Promotion* p : stackable) {
      Evaluation e = evaluate(*p, /*only_unclaimed=*/false);
      if (e.saving > 0) commit(*p, e, /*claim=*/false);
    }
  }

  void run_basket_promotions(const std::vector<const Promotion*>& candidates) {
    const Cents spend = current_net_total();
    const Promotion* best = nullptr;
    Cents best_saving = 0;
    for (const Promotion* p : candidates) {
      if (p->stackable || spend < p->threshold_cents) continue;
      const Cents s = basket_saving(*p, spend);
      if (s > best_saving) {
        best = p;
        best_saving = s;
      }
    }
    if (best != nullptr) commit_basket(*best, best_saving);
    for (const Promotion* p : candidates) {
      if (!p->stackable || spend < p->threshold_cents) continue;
      const Cents s = basket_saving(*p, current_net_total());
      if (s > 0) commit_basket(*p, s);
    }
  }

  PromotionOutcome finish() {
    PromotionOutcome out;
    out.applied = std::move(applied_);
    out.line_savings = std::move(line_savings_);
    out.total_saving = std::accumulate(out.line_savings.begin(), out.line_savings.end(), Cents{0});
    return out;
  }

 private:
  static bool covers(const Promotion& p, const std::string& sku) {
    return std::find(p.skus.begin(), p.skus.end(), sku) != p.skus.end();
  }

  std::vector<std::size_t> eligible_units(const Promotion& p, bool only_unclaimed) const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < units_.size(); ++i) {
      if (only_unclaimed && units_[i].claimed) continue;
      if (covers(p, lines_[units_[i].line].sku)) out.push_back(i);
    }
    return out;
  }

  // Most expensive first; equal prices keep the canonical unit order.
  void sort_for_groups(std::vector<std::size_t>& ids) const {
    std::stable_sort(ids.begin(), ids.end(),
                     [&](std::size_t l, std::size_t r) { return units_[l].remaining > units_[r].remaining; });
  }

  void spread(Evaluation& e, Cents saving, const std::vector<std::size_t>& ids) const {
    std::vector<Cents> weights;
    for (std::size_t id : ids) weights.push_back(units_[id].remaining);
    const std::vector<Cents> parts = allocate_largest_remainder(saving, weights);
    for (std::size_t k = 0; k < ids.size(); ++k) e.unit_savings.emplace_back(ids[k], parts[k]);
    e.saving += saving;
  }

  Evaluation evaluate(const Promotion& p, bool only_unclaimed) const {
    Evaluation e;
    std::vector<std::size_t> ids = eligible_units(p, only_unclaimed);
    switch (p.kind) {
      case PromotionKind::percent_off: {
        // Rounded once per line, not per unit: 3 x 1.99 at 15 % saves 0.90, not 3 x 0.30.
        std::map<std::size_t, std::vector<std::size_t>> by_line;
        for (std::size_t id : ids) by_line[units_[id].line].push_back(id);
        for (const auto& [line, members] : by_line) {
          Cents sum = 0;
          for (std::size_t id : members) sum += units_[id].remaining;
          spread(e, mul_div_round(sum, p.percent_bp, 10000).value(), members);
        }
        e.touched = ids;
        break;
      }
      case PromotionKind::amount_off:
        for (std::size_t id : ids) {
          const Cents s = std::min(p.amount_cents, units_[id].remaining);
          e.unit_savings.emplace_back(id, s);
          e.saving += s;
        }
        e.touched = ids;
        break;
      case PromotionKind::group_discount: evaluate_groups(p, ids, e); break;
      case PromotionKind::mix_and_match: evaluate_mix(p, ids, e); break;
      case PromotionKind::basket_amount:
      case PromotionKind::basket_percent: break;
    }
    return e;
  }

  void evaluate_groups(const Promotion& p, std::vector<std::size_t> ids, Evaluation& e) const {
    sort_for_groups(ids);
    const auto n = static_cast<std::size_t>(p.group_size);
    const auto k = static_cast<std::size_t>(p.discounted_units);
    for (std::size_t start = 0; start + n <= ids.size(); start += n) {
      for (std::size_t j = 0; j < n; ++j) {
        const std::size_t id = ids[start + j];
        e.touched.push_back(id);
        if (j < n - k) continue;
        const Cents s = mul_div_round(units_[id].remaining, p.percent_bp, 10000).value();
        e.unit_savings.emplace_back(id, s);
        e.saving += s;
      }
    }
  }

  void evaluate_mix(const Promotion& p, std::vector<std::size_t> ids, Evaluation& e) const {
    sort_for_groups(ids);
    const auto n = static_cast<std::size_t>(p.group_size);
    for (std::size_t start = 0; start + n <= ids.size(); start += n) {
      std::vector<std::size_t> group(ids.begin() + static_cast<std::ptrdiff_t>(start),
                                     ids.begin() + static_cast<std::ptrdiff_t>(start + n));
      Cents sum = 0;
      for (std::size_t id : group) sum += units_[id].remaining;
      // Groups are cut from the most expensive units down, so once a group is not worth the fixed
      // price no later group is.
      if (sum <= p.amount_cents) break;
      spread(e, sum - p.amount_cents, group);
      e.touched.insert(e.touched.end(), group.begin(), group.end());
    }
  }

  void commit(const Promotion& p, const Evaluation& e, bool claim) {
    std::map<std::size_t, Cents> by_line;
    for (std::size_t id : e.touched) {
      by_line.emplace(units_[id].line, 0);
      if (claim) units_[id].claimed = true;
    }
    for (const auto& [id, s] : e.unit_savings) {
      units_[id].remaining -= s;
      by_line[units_[id].line] += s;
    }
    record(p, e.saving, by_line);
  }

  Cents line_net(std::size_t line) const { return lines_[line].net - line_savings_[line]; }

  Cents current_net_total() const {
    Cents total = 0;
    for (std::size_t i = 0; i < lines_.size(); ++i) total += line_net(i);
    return total;
  }

  static Cents basket_saving(const Promotion& p, Cents net) {
    if (p.kind == PromotionKind::basket_amount) return std::min(p.amount_cents, net);
    return mul_div_round(net, p.percent_bp, 10000).value();
  }

  void commit_basket(const Promotion& p, Cents saving) {
    std::vector<Cents> weights;
    for (std::size_t idx : order_) weights.push_back(line_net(idx));
    const std::vector<Cents> parts = allocate_largest_remainder(saving, weights);
    std::map<std::size_t, Cents> by_line;
    for (std::size_t k = 0; k < order_.size(); ++k) {
      if (parts[k] > 0) by_line[order_[k]] = parts[k];
    }
    record(p, saving, by_line);
  }

  void record(const Promotion& p, Cents saving, const std::map<std::size_t, Cents>& by_line) {
    AppliedPromotion applied{
        .promotion_id = p.id, .description = p.description, .saving = saving, .lines = {}};
    for (std::size_t idx : order_) {
      auto it = by_line.find(idx);
      if (it == by_line.end()) continue;
      applied.lines.push_back(LineSaving{lines_[idx].id, it->second});
      line_savings_[idx] += it->second;
    }
    applied_.push_back(std::move(applied));
  }

  std::span<const PromoLine> lines_;
  std::vector<std::size_t> order_;  // canonical line order
  std::vector<Unit> units_;         // eligible units in canonical order
  std::vector<Cents> line_savings_;
  std::vector<AppliedPromotion> applied_;
};

}  // namespace

PromotionOutcome apply_promotions(std::span<const PromoLine> lines, std::span<const Promotion> promotions,
                                  bool loyalty_member, UnixMillis now) {
  std::vector<const Promotion*> active;
  for (const Promotion& p : promotions) {
    if (!in_window(p.valid_from, p.valid_to, now)) continue;
    if (p.members_only && !loyalty_member) continue;
    active.push_back(&p);
  }
  std::stable_sort(active.begin(), active.end(),
                   [](const Promotion* l, const Promotion* r) { return l->id < r->id; });
  std::vector<const Promotion*> items;
  std::vector<const Promotion*> baskets;
  for (const Promotion* p : active) (is_basket(p->kind) ? baskets : items).push_back(p);

  Engine engine(lines);
  engine.run_item_promotions(std::move(items));
  engine.run_basket_promotions(baskets);
  return engine.finish();
}

}  // namespace storeedge::domain
