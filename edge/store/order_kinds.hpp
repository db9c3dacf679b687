#pragma once
// What kind of order a sales_order row is, and the channel it came through. Shared by the sale
// commit, returns and the customer's history.
#include <string_view>

namespace storeedge::store {

enum class OrderKind { sale, return_, exchange };
// pos and kiosk orders are made on a store node; web and app orders arrive from the hub.
enum class Channel { pos, kiosk, web, app };

std::string_view to_string(OrderKind kind);
std::string_view to_string(Channel channel);

}  // namespace storeedge::store
