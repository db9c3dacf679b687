#include "edge/store/order_kinds.hpp"

namespace storeedge::store {

std::string_view to_string(OrderKind kind) {
  switch (kind) {
    case OrderKind::sale: return "sale";
    case OrderKind::return_: return "return";
    case OrderKind::exchange: return "exchange";
  }
  return "?";
}

std::string_view to_string(Channel channel) {
  switch (channel) {
    case Channel::pos: return "pos";
    case Channel::kiosk: return "kiosk";
    case Channel::web: return "web";
    case Channel::app: return "app";
  }
  return "?";
}

}  // namespace storeedge::store
