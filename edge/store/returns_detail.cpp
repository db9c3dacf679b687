#include "edge/store/returns_detail.hpp"

#include <algorithm>
#include <set>

#include "edge/store/pickups.hpp"

namespace storeedge::store {
namespace {

using domain::Cents;

Status read_lines(sqlite::Database& db, OriginalOrder& o) {
  auto stmt = db.prepare(
      "SELECT line_no, sku, description, quantity, weight_grams, unit_price_cents, gross_cents, "
      "discount_cents, "
      "net_cents, tax_class, rate_bp FROM order_line WHERE order_id = ? ORDER BY line_no");
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_all(o.order_id); !s) return s;
  while (true) {
    auto row = stmt->step();
    if (!row) return fail(row.error().with_context("reading lines of " + o.receipt_number));
    if (!*row) break;
    OrderLineRow l{stmt->column_int64(0),
                   stmt->column_text(1),
                   stmt->column_text(2),
                   stmt->column_int64(3),
                   stmt->get<std::optional<std::int64_t>>(4),
                   stmt->column_int64(5),
                   stmt->column_int64(6),
                   stmt->column_int64(7),
                   stmt->column_int64(8),
                   stmt->column_text(9),
                   stmt->column_int(10),
                   std::nullopt};
    o.net_total += l.net;
    o.lines[l.line_no] = OriginalLine{std::move(l), 0};
  }
  auto returned = db.prepare(
      "SELECT l.original_line_no, -SUM(l.quantity), -SUM(l.net_cents) FROM order_line l JOIN sales_order r "
      "ON r.order_id = l.order_id WHERE r.original_order_id = ? AND l.original_line_no IS NOT NULL "
      "GROUP BY l.original_line_no");
  if (!returned) return fail(returned.error());
  if (auto s = returned->bind_all(o.order_id); !s) return s;
  while (true) {
    auto row = returned->step();
    if (!row) return fail(row.error().with_context("reading earlier returns of " + o.receipt_number));
    if (!*row) return {};
    auto it = o.lines.find(returned->column_int64(0));
    if (it != o.lines.end()) it->second.returned = returned->column_int64(1);
    o.returned_before += returned->column_int64(2);
  }
}

Status read_tenders(sqlite::Database& db, OriginalOrder& o) {
  auto stmt = db.prepare(
      "SELECT t.kind, t.amount_cents, COALESCE(t.reference, ''), COALESCE(t.last4, ''), COALESCE(t.points, "
      "0), "
      "s.order_id = ? FROM order_tender t JOIN sales_order s ON s.order_id = t.order_id "
      "WHERE s.order_id = ? OR s.original_order_id = ? ORDER BY s.created_at_ms, t.seq");
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_all(o.order_id, o.order_id, o.order_id); !s) return s;
  while (true) {
    auto row = stmt->step();
    if (!row) return fail(row.error().with_context("reading tenders of " + o.receipt_number));
    if (!*row) return {};
    if (stmt->column_int(5) != 0) {
      o.tenders.push_back(OriginalTender{stmt->column_text(0), stmt->column_int64(1), stmt->column_text(2),
                                         stmt->column_text(3), stmt->column_int64(4)});
    } else {
      o.refunded_by_kind[stmt->column_text(0)] -= stmt->column_int64(1);
    }
  }
}

}  // namespace

Result<OriginalOrder> load_original(sqlite::Database& db, const std::string& receipt_number) {
  auto stmt =
      db.prepare("SELECT order_id, kind, " + std::string(kOnlineStatusSql) +
                 ", customer_id, currency FROM sales_order WHERE receipt_number = ?1 OR order_id = ?1");
  if (!stmt) return fail(stmt.error());
  if (auto s = stmt->bind_all(receipt_number); !s) return fail(s.error());
  auto row = stmt->step();
  if (!row) return fail(row.error().with_context("looking up receipt " + receipt_number));
  if (!*row)
    return fail(Errc::not_found, "no order with receipt number or id " + receipt_number + " in this store");
  OriginalOrder o;
  o.order_id = stmt->column_text(0);
  o.receipt_number = receipt_number;
  const std::string kind = stmt->column_text(1);
  const std::string status = stmt->column_text(2);
  o.customer_id = stmt->get<std::optional<std::string>>(3);
  o.currency = stmt->column_text(4);
  // The new items of an exchange are a sale like any other and can be returned in turn.
  if (kind != "sale" && kind != "exchange")
    return fail(Errc::conflict, receipt_number + " is a " + kind + ", not a sale");
  if (status != "completed" && status != "collected" && status != "shipped") {
    return fail(Errc::conflict, "order " + receipt_number + " is " + status +
                                    ": only completed, collected or shipped orders can be returned");
  }
  if (auto s = read_lines(db, o); !s) return fail(s.error());
  if (auto s = read_tenders(db, o); !s) return fail(s.error());
  return o;
}

Status add_return_lines(const OriginalOrder& original, const std::vector<ReturnItem>& items, OrderRecord& o) {
  std::set<std::int64_t> seen;
  std::int64_t line_no = 0;
  for (const ReturnItem& item : items) {
    const std::string where = "line " + std::to_string(item.line_no) + " of " + original.receipt_number;
    auto it = original.lines.find(item.line_no);
    if (it == original.lines.end())
      return fail(Errc::invalid_argument,
                  original.receipt_number + " has no line " + std::to_string(item.line_no));
    if (!seen.insert(item.line_no).second) return fail(Errc::invalid_argument, where + " is listed twice");
    const OrderLineRow& l = it->second.row;
    const std::int64_t before = it->second.returned;
    if (item.quantity <= 0) {
      return fail(Errc::invalid_argument,
                  where + ": quantity to return must be positive, got " + std::to_string(item.quantity));
    }
    if (item.quantity > l.quantity - before) {
      return fail(Errc::conflict, where + ": " + std::to_string(before) + " already returned of " +
                                      std::to_string(l.quantity) + ", cannot return " +
                                      std::to_string(item.quantity));
    }
    // Cumulative shares: the refund of units [before, before + q) so that all units sum to the line.
    const auto share = [&](Cents amount, std::int64_t units) {
      return domain::mul_div_round(amount, units, l.quantity).value();
    };
    const std::int64_t after = before + item.quantity;
    const Cents gross = share(l.gross, after) - share(l.gross, before);
    const Cents net = share(l.net, after) - share(l.net, before);
    std::optional<std::int64_t> grams;
    if (l.weight_grams) grams = -*l.weight_grams;
    o.lines.push_back(OrderLineRow{++line_no, l.sku, l.description, -item.quantity, grams, l.unit_price,
                                   -gross, -(gross - net), -net, l.tax_class, l.rate_bp, l.line_no});
    o.stock.push_back(StockDelta{l.sku, l.weight_grams ? *l.weight_grams : item.quantity});
  }
  return {};
}

Status add_unreceipted_lines(const std::vector<UnreceiptedItem>& items, OrderRecord& o) {
  if (items.empty()) return fail(Errc::invalid_argument, "no items to return");
  std::int64_t line_no = 0;
  for (const UnreceiptedItem& item : items) {
    if (item.sku.empty())
      return fail(Errc::invalid_argument, "item " + std::to_string(line_no + 1) + " has no SKU");
    if (item.quantity <= 0 || item.quantity > domain::kMaxUnitsPerLine || item.unit_price < 0 ||
        item.rate_bp < 0 || item.rate_bp > 10000) {
      return fail(Errc::invalid_argument, "item " + item.sku + ": quantity " + std::to_string(item.quantity) +
                                              ", unit price " + domain::to_decimal_string(item.unit_price) +
                                              " or rate " + std::to_string(item.rate_bp) +
                                              " is out of range");
    }
    auto gross = domain::checked_mul(item.unit_price, item.quantity);
    if (!gross) return fail(gross.error().with_context("item " + item.sku));
    o.lines.push_back(OrderLineRow{++line_no, item.sku, item.description, -item.quantity, std::nullopt,
                                   item.unit_price, -*gross, 0, -*gross, item.tax_class, item.rate_bp,
                                   std::nullopt});
    o.stock.push_back(StockDelta{item.sku, item.quantity});
  }
  return {};
}

Status reverse_loyalty(sqlite::Database& db, const OriginalOrder& original, Cents refund, OrderRecord& o) {
  if (!original.customer_id || original.net_total <= 0) return {};
  auto earned = db.query_one<std::int64_t>(
      "SELECT COALESCE(SUM(points), 0) FROM loyalty_entry WHERE order_id = ? AND kind = 'earn'",
      original.order_id);
  if (!earned) return fail(earned.error());
  auto reversed = db.query_one<std::int64_t>(
      "SELECT COALESCE(-SUM(e.points), 0) FROM loyalty_entry e JOIN sales_order r ON r.order_id = e.order_id "
      "WHERE r.original_order_id = ? AND e.kind = 'refund' AND e.points < 0",
      original.order_id);
  if (!reversed) return fail(reversed.error());
  auto target =
      domain::mul_div_round(earned->value_or(0), original.returned_before + refund, original.net_total);
  if (!target) return fail(target.error());
  const std::int64_t points = std::min(*target, earned->value_or(0)) - reversed->value_or(0);
  if (points > 0)
    o.loyalty.push_back(LoyaltyRow{new_uuid_v7(o.created_at_ms), *original.customer_id, -points, "refund"});
  return {};
}

Result<std::vector<RefundPart>> plan_refund(const OriginalOrder& original, RefundMethod method,
                                            Cents refund) {
  if (method == RefundMethod::cash) return std::vector<RefundPart>{{"cash", refund, nullptr}};
  if (method == RefundMethod::store_credit) return std::vector<RefundPart>{{"store_credit", refund, nullptr}};
  std::vector<RefundPart> plan;
  std::map<std::string, Cents> used = original.refunded_by_kind;
  Cents left = refund;
  for (const std::string_view kind : {"card", "loyalty_points", "gift_card", "store_credit", "cash"}) {
    for (const OriginalTender& t : original.tenders) {
      if (t.kind != kind || left == 0) continue;
      // Earlier refunds to this kind consume the first tenders of the kind first.
      Cents room = t.amount;
      Cents& consumed = used[t.kind];
      const Cents take_used = std::min(room, consumed);
      room -= take_used;
      consumed -= take_used;
      const Cents part = std::min(room, left);
      if (part <= 0) continue;
      const bool to_credit = t.kind == "gift_card" || t.kind == "store_credit";
      plan.push_back(RefundPart{to_credit ? "store_credit" : t.kind, part, &t});
      left -= part;
    }
  }
  if (left > 0) plan.push_back(RefundPart{"cash", left, nullptr});
  return plan;
}

Result<std::optional<std::string>> apply_refund(const std::vector<RefundPart>& plan,
                                                const OriginalOrder& original,
                                                domain::PaymentTerminal* terminal, OrderRecord& o) {
  std::optional<std::string> credit_id;
  for (const RefundPart& p : plan) {
    if (p.kind == "store_credit" || p.kind == "cash") {
      const RefundMethod method = p.kind == "cash" ? RefundMethod::cash : RefundMethod::store_credit;
      if (auto id = refund_plainly(method, original.customer_id, p.amount, o)) credit_id = id;
      continue;
    }
    OrderTenderRow t{static_cast<std::int64_t>(o.tenders.size()) + 1,
                     p.kind,
                     -p.amount,
                     -p.amount,
                     0,
                     {},
                     {},
                     std::nullopt};
    if (p.kind == "card") {
      if (!terminal) return fail(Errc::invalid_argument, "refunding to the card needs a payment terminal");
      // A negative authorization is a refund to the card (PaymentTerminal contract for refunds).
      auto auth = terminal->authorize(-p.amount, original.currency);
      if (!auth)
        return fail(
            auth.error().with_context("refunding " + domain::to_decimal_string(p.amount) + " to card"));
      if (!auth->approved) return fail(Errc::conflict, "card refund declined: " + auth->decline_reason);
      t.reference = auth->token;
      t.last4 = auth->last4.empty() ? p.source->last4 : auth->last4;
    } else if (p.kind == "loyalty_points") {
      const std::int64_t points = domain::mul_div_round(p.source->points, p.amount, p.source->amount).value();
      t.reference = p.source->reference;
      t.points = points;
      if (points > 0)
        o.loyalty.push_back(LoyaltyRow{new_uuid_v7(o.created_at_ms), p.source->reference, points, "refund"});
    }
    o.tenders.push_back(std::move(t));
  }
  return credit_id;
}

std::optional<std::string> refund_plainly(RefundMethod method, const std::optional<std::string>& customer,
                                          Cents refund, OrderRecord& o) {
  const std::int64_t seq = static_cast<std::int64_t>(o.tenders.size()) + 1;
  if (method == RefundMethod::cash) {
    o.tenders.push_back(OrderTenderRow{seq, "cash", -refund, -refund, 0, {}, {}, std::nullopt});
    return std::nullopt;
  }
  const std::string credit_id = new_uuid();
  o.credits.push_back(StoreCreditRow{credit_id, customer, refund});
  o.tenders.push_back(OrderTenderRow{seq, "store_credit", -refund, -refund, 0, credit_id, {}, std::nullopt});
  return credit_id;
}

}  // namespace storeedge::store
