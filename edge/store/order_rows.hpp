#pragma once
// The rows one order (sale, return) writes, as plain data, and the functions that write them. Shared by
// sales.cpp and returns.cpp so both commit the same shapes. Every function runs inside the caller's
// open transaction and never begins or commits one.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edge/domain/money.hpp"
#include "platform/error.hpp"
#include "platform/sqlite/database.hpp"

namespace storeedge::store {

struct OrderLineRow {
  std::int64_t line_no = 0;
  std::string sku;
  std::string description;
  std::int64_t quantity = 0;  // negative on return lines
  std::optional<std::int64_t> weight_grams;
  domain::Cents unit_price = 0;
  domain::Cents gross = 0;
  domain::Cents discount = 0;  // manual discount + promotion savings
  domain::Cents net = 0;
  std::string tax_class;
  std::int32_t rate_bp = 0;
  std::optional<std::int64_t> original_line_no;
};

struct OrderTenderRow {
  std::int64_t seq = 0;
  std::string kind;                    // cash, card, gift_card, loyalty_points, store_credit
  domain::Cents amount = 0;            // applied to the order (negative: refunded)
  domain::Cents given = 0;             // handed over (cash), == amount otherwise
  domain::Cents change = 0;            // cash only
  std::string reference;               // card token, gift card id, credit id, loyalty customer id
  std::string last4;                   // card only
  std::optional<std::int64_t> points;  // loyalty only
};

struct StockDelta {
  std::string sku;
  std::int64_t delta = 0;  // units, or grams for weighed products
};

struct LoyaltyRow {
  std::string entry_id;
  std::string customer_id;
  std::int64_t points = 0;
  std::string kind;  // earn, redeem, refund
};

struct StoreCreditRow {
  std::string credit_id;
  std::optional<std::string> customer_id;
  domain::Cents amount = 0;
};

struct GiftCardRow {
  std::string entry_id;
  std::string card_id;
  domain::Cents amount = 0;  // negative: redeemed
  std::string kind;          // redeem
};

struct OrderRecord {
  std::string order_id;
  std::string kind;     // sale, return
  std::string channel;  // pos, kiosk
  std::string store_code;
  std::string device_code;
  std::string node_id;
  std::string receipt_number;
  std::optional<std::string> shift_id;
  std::optional<std::string> customer_id;
  std::optional<std::string> original_order_id;
  std::string currency;
  domain::Cents total = 0;
  domain::Cents tax = 0;
  std::int64_t created_at_ms = 0;
  std::string receipt_json;
  std::vector<OrderLineRow> lines;
  std::vector<OrderTenderRow> tenders;
  std::vector<StockDelta> stock;
  std::vector<LoyaltyRow> loyalty;
  std::vector<StoreCreditRow> credits;
  std::vector<GiftCardRow> gift_cards;
};

// A random (v4) UUID in its 36-character text form.
std::string new_uuid();

// A time-ordered (v7, RFC 9562) UUID for `unix_ms`: 48 bits of milliseconds, a 12-bit sequence that
// increases within a millisecond on this thread, 62 random bits. Ids minted in time order sort in
// time order, so rows keyed by them (sales_order, order_line, order_tender, loyalty_entry) are
// appended at the right edge of their b-trees instead of splitting a random page per sale.
std::string new_uuid_v7(std::int64_t unix_ms);

// Takes the next number of the device's series "STORE-DEVICE" and advances it:
// "0001-01-00000042". Store and device codes must be non-empty and free of '-'.
[[nodiscard]] Result<std::string> take_receipt_number(sqlite::Database& db, std::string_view store_code,
                                                      std::string_view device_code);

// Moves the series of `receipt_number` (one take_receipt_number gave out, possibly on another copy of
// this replica) past it, unless the series is already past it. True when the series moved; false,
// with nothing written, for a number of another form. A till restored from an older backup calls it
// with the last number the hub holds from it, so it does not give those numbers out again.
[[nodiscard]] Result<bool> continue_receipt_series_after(sqlite::Database& db,
                                                         std::string_view receipt_number);

// Writes the order row and every row it owns (lines, tenders, stock moves, loyalty entries, store
// credit, gift card entries). Stock is kept per SKU (one row per SKU, deltas summed).
[[nodiscard]] Status write_order(sqlite::Database& db, const OrderRecord& order);

// The outbox payload of an order: the order with lines, tenders, stock deltas and loyalty entries.
std::string order_payload(const OrderRecord& order);

// Sums the deltas of equal SKUs, dropping zeros, in first-seen order.
std::vector<StockDelta> merge_stock(const std::vector<StockDelta>& deltas);

}  // namespace storeedge::store
