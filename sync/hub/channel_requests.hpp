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

// ERP loads as JSON.
[[nodiscard]] Result<CatalogLoad> parse_catalog_json(std::string_view body);
[[nodiscard]] Result<std::vector<Price>> parse_prices_json(std::string_view body);
[[nodiscard]] Result<std::vector<Promotion>> parse_promotions_json(std::string_view body);
[[nodiscard]] Result<std::vector<StockLevel>> parse_stock_json(std::string_view body);

boost::json::object order_json(const OrderView& o);
boost::json::object profile_json(const CustomerProfile& c);

}  // namespace storeedge::sync::hub::channels
