#pragma once
// Returns at the till, committed like a sale: one transaction holding the return order (kind
// 'return', negative lines naming the lines they return), positive stock moves, the refund tenders
// (and store credit when refunded that way), the reversal of loyalty points earned on what comes
// back, a corrective fiscal record (R5), an audit entry and the outbox mutation "order.returned".
// On any failure nothing is written and the error says what.
//
// Exchanges (a return and the sale of other items, paying only the difference) are one commit:
// see edge/store/exchange.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "edge/domain/line.hpp"
#include "edge/domain/tender.hpp"
#include "edge/store/sales.hpp"

namespace storeedge::store {

enum class RefundMethod {
  original_tender,  // card back to the card (through the terminal), points back as points, cash as cash;
                    // gift card and store credit tenders come back as new store credit
  store_credit,     // one new store_credit row for the whole refund
  cash,
};

struct ReturnItem {
  std::int64_t line_no = 0;   // line of the original order
  std::int64_t quantity = 1;  // units; a weighed line is returned whole (quantity 1)
};

struct ReturnRequest {
  // Receipt number of the original in-store sale, or the order id of any order in the replica
  // (online orders collected here have no receipt number).
  std::string receipt_number;
  std::vector<ReturnItem> items;
  RefundMethod refund = RefundMethod::original_tender;
  std::string reason;
};

struct UnreceiptedItem {
  std::string sku;
  std::string description;
  std::string tax_class;
  std::int32_t rate_bp = 0;
  domain::Cents unit_price = 0;  // VAT-inclusive price refunded per unit
  std::int64_t quantity = 1;
};

struct UnreceiptedReturn {
  std::vector<UnreceiptedItem> items;
  RefundMethod refund = RefundMethod::store_credit;  // store_credit or cash only
  std::optional<std::string> customer_id;
  std::optional<domain::SupervisorApproval> approval;  // required
  std::string reason;
};

struct CompletedReturn {
  std::string order_id;
  std::string receipt_number;
  domain::Cents refunded = 0;  // positive: what the customer got back
  std::optional<std::string> store_credit_id;
  Receipt receipt;
};

// Errors (nothing written): unknown receipt (not_found); an order that is not a completed sale, or a
// quantity above sold minus already returned (conflict: "line 2 of 0001-01-00000042: 1 already
// returned of 1"); an unknown line, an empty or repeated item (invalid_argument); a card refund without
// a terminal (invalid_argument) or declined (conflict). `terminal` is needed only for card refunds.
[[nodiscard]] Result<CompletedReturn> return_with_receipt(Replica& replica, const ReturnRequest& request,
                                                          const SaleContext& ctx,
                                                          domain::PaymentTerminal* terminal,
                                                          const Clock& clock);

// Needs request.approval (permission_denied without it) and refunds to store credit or cash.
[[nodiscard]] Result<CompletedReturn> return_without_receipt(Replica& replica,
                                                             const UnreceiptedReturn& request,
                                                             const SaleContext& ctx, const Clock& clock);

}  // namespace storeedge::store
