#pragma once
// Internals of returns.cpp: reading the original order, pricing the returned part, reversing loyalty
// and planning the refund. Not a public interface.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "edge/store/order_rows.hpp"
#include "edge/store/returns.hpp"

namespace storeedge::store {

struct OriginalLine {
  OrderLineRow row;
  std::int64_t returned = 0;  // units already returned by earlier returns
};

struct OriginalTender {
  std::string kind;
  domain::Cents amount = 0;
  std::string reference;
  std::string last4;
  std::int64_t points = 0;
};

struct OriginalOrder {
  std::string order_id;
  std::string receipt_number;
  std::optional<std::string> customer_id;
  std::string currency;
  domain::Cents net_total = 0;        // sum of line nets
  domain::Cents returned_before = 0;  // net refunded by earlier returns (positive)
  std::map<std::int64_t, OriginalLine> lines;
  std::vector<OriginalTender> tenders;
  std::map<std::string, domain::Cents> refunded_by_kind;  // by earlier returns (positive)
};

// A completed sale (any channel) by receipt number, with what earlier returns took back.
[[nodiscard]] Result<OriginalOrder> load_original(sqlite::Database& db, const std::string& receipt_number);

// Negative lines for the items (cumulative rounding: returning every unit refunds exactly the line net).
[[nodiscard]] Status add_return_lines(const OriginalOrder& original, const std::vector<ReturnItem>& items,
                                      OrderRecord& o);
[[nodiscard]] Status add_unreceipted_lines(const std::vector<UnreceiptedItem>& items, OrderRecord& o);

// Takes back the points the original earned, in proportion to the net returned so far.
[[nodiscard]] Status reverse_loyalty(sqlite::Database& db, const OriginalOrder& original,
                                     domain::Cents refund, OrderRecord& o);

struct RefundPart {
  std::string kind;  // card, loyalty_points, cash, store_credit
  domain::Cents amount = 0;
  const OriginalTender* source = nullptr;
};
// Original tender: card first, then points, then gift card and store credit (as new store credit),
// then cash, each up to what it paid minus what earlier returns refunded to it.
[[nodiscard]] Result<std::vector<RefundPart>> plan_refund(const OriginalOrder& original, RefundMethod method,
                                                          domain::Cents refund);
// Runs card refunds through the terminal and adds refund tenders, store credit and point refunds to
// `o`. Returns the store credit id when one was issued.
[[nodiscard]] Result<std::optional<std::string>> apply_refund(const std::vector<RefundPart>& plan,
                                                              const OriginalOrder& original,
                                                              domain::PaymentTerminal* terminal,
                                                              OrderRecord& o);
// Cash or a new store credit for `refund`; returns the credit id for store credit.
std::optional<std::string> refund_plainly(RefundMethod method, const std::optional<std::string>& customer,
                                          domain::Cents refund, OrderRecord& o);

// The shared shape of a return order (kind 'return', this node and context, no lines yet).
OrderRecord return_order(Replica& replica, const SaleContext& ctx, std::int64_t now_ms);
// Lines are set; fills total and tax (negative: what goes back).
void set_totals(OrderRecord& o);
// The per-rate breakdown of the returned part, negative, as the return receipt prints it.
std::vector<domain::TaxLine> negated_taxes(const OrderRecord& o);
// The receipt of a return order whose lines and tenders are set.
Receipt return_receipt(const OrderRecord& o, const SaleContext& ctx,
                       const domain::fiscal::GenerationTime& at);
std::string return_audit_details(const OrderRecord& o, domain::Cents refunded, const std::string& reason,
                                 const std::optional<std::string>& supervisor);

}  // namespace storeedge::store
