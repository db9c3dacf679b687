#pragma once
// The receipt of a sale or return as a structured document. It is stored in sales_order.receipt at
// commit and is what printers (ESC/POS) and UIs render later, so it carries every figure they print
// and nothing they would have to recompute. Amounts are cents; return receipts carry negative lines.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "edge/domain/money.hpp"
#include "edge/domain/tax.hpp"

namespace storeedge::store {

struct ReceiptLine {
  std::int64_t line_no = 0;
  std::string sku;
  std::string description;
  std::int64_t quantity = 0;                 // units (1 on weighed lines)
  std::optional<std::int64_t> weight_grams;  // weighed lines
  domain::Cents unit_price = 0;              // per unit, per kg, or the label total
  domain::Cents gross = 0;
  domain::Cents manual_discount = 0;
  domain::Cents promotion_saving = 0;
  domain::Cents amount = 0;  // gross - discounts
  std::int32_t rate_bp = 0;
  std::optional<std::int64_t> original_line_no;  // return lines
};

struct ReceiptPromotion {
  std::string promotion_id;
  std::string description;
  domain::Cents saving = 0;
};

struct ReceiptTender {
  std::string kind;
  domain::Cents amount = 0;  // applied (negative: refunded)
  domain::Cents given = 0;
  domain::Cents change = 0;
  std::string masked_reference;  // "**** 4242" for cards; never the token
  std::optional<std::int64_t> points;
};

struct Receipt {
  std::string kind = "sale";  // sale, return
  std::string order_id;
  std::string store_code;
  std::string device_code;
  std::string receipt_number;
  std::int64_t issued_at_ms = 0;
  std::string issued_at_local;  // "2023-11-14T23:13:20+01:00", the store's local time
  std::string cashier_id;
  std::string currency = "EUR";
  std::optional<std::string> original_receipt_number;  // returns

  std::vector<ReceiptLine> lines;
  std::vector<ReceiptPromotion> promotions;
  std::vector<domain::TaxLine> taxes;  // per rate: base + tax == gross

  domain::Cents subtotal_gross = 0;
  domain::Cents line_discounts = 0;
  domain::Cents promotion_savings = 0;
  domain::Cents total = 0;
  domain::Cents rounding = 0;  // cash rounding
  domain::Cents total_due = 0;
  domain::Cents tendered = 0;
  domain::Cents change = 0;
  std::vector<ReceiptTender> tenders;

  std::optional<std::string> customer_id;
  std::int64_t points_earned = 0;
  std::int64_t points_redeemed = 0;
  std::optional<std::int64_t> loyalty_balance;  // after this order; members only

  std::string fiscal_qr_url;
  std::string fiscal_hash;
  std::optional<std::string> supervisor_id;  // returns without receipt

  // A stable JSON document with every field above (keys as named here).
  std::string to_json() const;
};

// "**** 1234" for a card's last four digits; empty for other tenders.
std::string mask_card(const std::string& last4);

}  // namespace storeedge::store
