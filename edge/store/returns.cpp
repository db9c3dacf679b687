#include "edge/store/returns.hpp"

#include <boost/json.hpp>
#include <map>

#include "edge/domain/fiscal/madrid_time.hpp"
#include "edge/store/order_commit.hpp"
#include "edge/store/returns_detail.hpp"
#include "platform/sqlite/transaction.hpp"

namespace storeedge::store {

using domain::Cents;

std::string return_audit_details(const OrderRecord& o, Cents refunded, const std::string& reason,
                                 const std::optional<std::string>& supervisor) {
  boost::json::array kinds;
  for (const OrderTenderRow& t : o.tenders) kinds.push_back(boost::json::value(t.kind));
  return boost::json::serialize(
      boost::json::object{{"receipt_number", o.receipt_number},
                          {"original_order_id", o.original_order_id ? *o.original_order_id : ""},
                          {"refunded", refunded},
                          {"lines", o.lines.size()},
                          {"tenders", std::move(kinds)},
                          {"reason", reason},
                          {"supervisor_id", supervisor ? *supervisor : ""}});
}

OrderRecord return_order(Replica& replica, const SaleContext& ctx, std::int64_t now_ms) {
  OrderRecord o;
  o.order_id = new_uuid_v7(now_ms);
  o.kind = "return";
  o.channel = std::string(to_string(ctx.channel));
  o.store_code = ctx.store_code;
  o.device_code = ctx.device_code;
  o.node_id = replica.node_id();
  o.shift_id = ctx.shift_id;
  o.created_at_ms = now_ms;
  return o;
}

Receipt return_receipt(const OrderRecord& o, const SaleContext& ctx,
                       const domain::fiscal::GenerationTime& at) {
  Receipt r;
  r.kind = "return";
  r.order_id = o.order_id;
  r.store_code = o.store_code;
  r.device_code = o.device_code;
  r.receipt_number = o.receipt_number;
  r.issued_at_ms = o.created_at_ms;
  r.issued_at_local = local_time_text(at);
  r.cashier_id = ctx.cashier_id;
  r.currency = o.currency;
  r.customer_id = o.customer_id;
  for (const OrderLineRow& l : o.lines) {
    r.lines.push_back(ReceiptLine{l.line_no, l.sku, l.description, l.quantity, l.weight_grams, l.unit_price,
                                  l.gross, 0, l.discount, l.net, l.rate_bp, l.original_line_no});
    r.subtotal_gross += l.gross;
    r.promotion_savings += l.discount;
  }
  r.total = o.total;
  r.total_due = o.total;
  for (const OrderTenderRow& t : o.tenders) {
    r.tenders.push_back(ReceiptTender{t.kind, t.amount, t.given, 0, mask_card(t.last4), t.points});
    r.tendered += t.amount;
  }
  return r;
}

// Lines are set; fills totals and tax (negated per-rate breakdown of what comes back).
void set_totals(OrderRecord& o) {
  std::vector<domain::TaxableAmount> amounts;
  for (const OrderLineRow& l : o.lines) amounts.push_back({l.rate_bp, -l.net});
  o.total = 0;
  o.tax = 0;
  for (const domain::TaxLine& t : domain::tax_breakdown(amounts)) {
    o.total -= t.gross;
    o.tax -= t.tax;
  }
}

std::vector<domain::TaxLine> negated_taxes(const OrderRecord& o) {
  std::vector<domain::TaxableAmount> amounts;
  for (const OrderLineRow& l : o.lines) amounts.push_back({l.rate_bp, -l.net});
  std::vector<domain::TaxLine> out = domain::tax_breakdown(amounts);
  for (domain::TaxLine& t : out) t = {t.rate_bp, -t.gross, -t.base, -t.tax};
  return out;
}

namespace {

Status check_context(const SaleContext& ctx) {
  if (ctx.cashier_id.empty()) return fail(Errc::invalid_argument, "return context needs a cashier id");
  if (ctx.issuer_tax_id.empty())
    return fail(Errc::invalid_argument, "return context needs the issuer's tax id (NIF)");
  return {};
}

Result<CompletedReturn> commit_return(sqlite::Database& db, sqlite::Transaction& tx, OrderRecord& o,
                                      Receipt& r, const SaleContext& ctx,
                                      const domain::fiscal::GenerationTime& at, const std::string& details,
                                      std::optional<std::string> credit_id) {
  const FiscalInput fiscal{ctx.recorder, ctx.issuer_tax_id, domain::fiscal::InvoiceType::R5, at};
  const AuditEntry audit{ctx.cashier_id, "sale.returned", o.order_id, details};
  if (auto s = write_order_with_journals(db, o, r, fiscal, audit, "order.returned"); !s)
    return fail(s.error());
  if (auto s = tx.commit(); !s) return fail(s.error().with_context("commit"));
  return CompletedReturn{o.order_id, o.receipt_number, -o.total, std::move(credit_id), std::move(r)};
}

Result<CompletedReturn> write_with_receipt(Replica& replica, sqlite::Transaction& tx,
                                           const ReturnRequest& req, const SaleContext& ctx,
                                           domain::PaymentTerminal* terminal, std::int64_t now_ms) {
  sqlite::Database& db = replica.db();
  auto original = load_original(db, req.receipt_number);
  if (!original) return fail(original.error());
  OrderRecord o = return_order(replica, ctx, now_ms);
  o.original_order_id = original->order_id;
  o.customer_id = original->customer_id;
  o.currency = original->currency;
  if (auto s = add_return_lines(*original, req.items, o); !s) return fail(s.error());
  set_totals(o);
  if (auto s = reverse_loyalty(db, *original, -o.total, o); !s) return fail(s.error());

  auto plan = plan_refund(*original, req.refund, -o.total);
  if (!plan) return fail(plan.error());
  auto number = take_receipt_number(db, ctx.store_code, ctx.device_code);
  if (!number) return fail(number.error());
  o.receipt_number = *number;
  // The card refund is the last step that can fail before the writes: every check above has passed.
  auto credit = apply_refund(*plan, *original, terminal, o);
  if (!credit) return fail(credit.error());

  const auto at = domain::fiscal::madrid_generation_time(now_ms / 1000);
  Receipt r = return_receipt(o, ctx, at);
  r.taxes = negated_taxes(o);
  r.original_receipt_number = req.receipt_number;
  for (const LoyaltyRow& e : o.loyalty) {
    if (e.kind == "refund" && e.points < 0) r.points_earned += e.points;
    if (e.kind == "refund" && e.points > 0) r.points_redeemed -= e.points;
  }
  if (o.customer_id && !o.loyalty.empty()) {
    auto balance = loyalty_balance(db, *o.customer_id);
    if (!balance) return fail(balance.error());
    std::int64_t after = *balance;
    for (const LoyaltyRow& e : o.loyalty) after += e.points;
    r.loyalty_balance = after;
  }
  return commit_return(db, tx, o, r, ctx, at, return_audit_details(o, -o.total, req.reason, std::nullopt),
                       *credit);
}

}  // namespace

Result<CompletedReturn> return_with_receipt(Replica& replica, const ReturnRequest& request,
                                            const SaleContext& ctx, domain::PaymentTerminal* terminal,
                                            const Clock& clock) {
  const std::string what = "returning items of receipt " + request.receipt_number;
  if (auto s = check_context(ctx); !s) return fail(s.error().with_context(what));
  if (request.items.empty()) return fail(Errc::invalid_argument, what + ": no items to return");
  const std::int64_t now_ms = unix_millis(clock.now());
  auto tx = sqlite::Transaction::begin(replica.db(), sqlite::Transaction::Mode::immediate);
  if (!tx) return fail(tx.error().with_context(what));
  auto done = write_with_receipt(replica, *tx, request, ctx, terminal, now_ms);
  if (!done) return fail(done.error().with_context(what));
  return done;
}

Result<CompletedReturn> return_without_receipt(Replica& replica, const UnreceiptedReturn& request,
                                               const SaleContext& ctx, const Clock& clock) {
  const std::string what = "returning items without receipt";
  if (auto s = check_context(ctx); !s) return fail(s.error().with_context(what));
  if (!request.approval || request.approval->supervisor_id.empty() || request.approval->token.empty()) {
    return fail(Errc::permission_denied, what + ": a return without receipt needs a supervisor approval");
  }
  if (request.refund == RefundMethod::original_tender) {
    return fail(Errc::invalid_argument, what + ": without a receipt the refund goes to store credit or cash");
  }
  const std::int64_t now_ms = unix_millis(clock.now());
  auto tx = sqlite::Transaction::begin(replica.db(), sqlite::Transaction::Mode::immediate);
  if (!tx) return fail(tx.error().with_context(what));
  sqlite::Database& db = replica.db();

  OrderRecord o = return_order(replica, ctx, now_ms);
  o.customer_id = request.customer_id;
  o.currency = "EUR";
  if (auto s = add_unreceipted_lines(request.items, o); !s) return fail(s.error().with_context(what));
  set_totals(o);
  auto number = take_receipt_number(db, ctx.store_code, ctx.device_code);
  if (!number) return fail(number.error().with_context(what));
  o.receipt_number = *number;
  const std::optional<std::string> credit_id =
      refund_plainly(request.refund, request.customer_id, -o.total, o);

  const auto at = domain::fiscal::madrid_generation_time(now_ms / 1000);
  Receipt r = return_receipt(o, ctx, at);
  r.taxes = negated_taxes(o);
  r.supervisor_id = request.approval->supervisor_id;
  auto done = commit_return(
      db, *tx, o, r, ctx, at,
      return_audit_details(o, -o.total, request.reason, request.approval->supervisor_id), credit_id);
  if (!done) return fail(done.error().with_context(what));
  return done;
}

}  // namespace storeedge::store
