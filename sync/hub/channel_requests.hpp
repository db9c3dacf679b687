#pragma once
// The channel API's bodies (docs/channels.md): JSON requests read into the storage structs, and the
// JSON views sent back. Every error is Errc::invalid_argument naming the item and the field
// ("prices[3]: field 'unit_price_cents' must be an integer"); an unknown field is an error too, so a
// misspelt column never loads silently.
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "platform/error.hpp"
#include "sync/hub/storage.hpp"

namespace storeedge::sync::hub::channels {

struct StatusRequest {
  std::string order_id;
  std::string status;
};

[[nodiscard]] Result<OnlineOrder> parse_order(std::string_view body);
[[nodiscard]] Result<StatusRequest> parse_status(std::string_view body);
[[nodiscard]] Result<CustomerUpdate> parse_customer(std::string_view body);
[[nodiscard]] Result<LoyaltyEntry> parse_loyalty_entry(std::string_view body);
[[nodiscard]] Result<OfflineAllowance> parse_allowance(std::string_view body);

struct GiftCardStatusRequest {
  std::string card_id;
  std::string status;
};
// {card_id, currency, amount_cents}; the default offline limit is the caller's to set.
[[nodiscard]] Result<GiftCardIssue> parse_gift_card_issue(std::string_view body);
// {entry_id, card_id, amount_cents > 0} as a load entry.
[[nodiscard]] Result<GiftCardEntry> parse_gift_card_load(std::string_view body);
[[nodiscard]] Result<GiftCardStatusRequest> parse_gift_card_status(std::string_view body);
[[nodiscard]] Result<GiftCardAllowance> parse_gift_card_allowance(std::string_view body);
// {"subject": "order"|"gift_card", "id", "note"}
[[nodiscard]] Result<ReviewRequest> parse_review(std::string_view body);

// ERP loads as JSON.
[[nodiscard]] Result<CatalogLoad> parse_catalog_json(std::string_view body);
[[nodiscard]] Result<std::vector<Price>> parse_prices_json(std::string_view body);
[[nodiscard]] Result<std::vector<Promotion>> parse_promotions_json(std::string_view body);
[[nodiscard]] Result<std::vector<StockLevel>> parse_stock_json(std::string_view body);

boost::json::object order_json(const OrderView& o);
boost::json::object profile_json(const CustomerProfile& c);
// {card_id, currency, status, balance_cents, default_offline_limit_cents, issued_at_ms, needs_review,
// review_reason, entries:[{entry_id, amount_cents, kind, store_code, node_id, order_id, created_at_ms}]}
boost::json::object gift_card_json(const GiftCardView& card);

}  // namespace storeedge::sync::hub::channels
