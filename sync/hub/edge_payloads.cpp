#include "sync/hub/edge_payloads.hpp"

#include <algorithm>
#include <array>

#include "sync/hub/json_read.hpp"

namespace storeedge::sync::hub {
namespace json = boost::json;
namespace {

// Try-style helper: evaluates a Result and returns its error from the enclosing function.
#define HUB_TRY(var, expr)                    \
  auto var##_r = (expr);                      \
  if (!var##_r) return fail(var##_r.error()); \
  auto var = std::move(*var##_r)

Result<std::vector<EdgeStockDelta>> parse_stock(const json::object& o, const std::string& what) {
  std::vector<EdgeStockDelta> out;
  HUB_TRY(items, jsonr::arr(o, "stock", what));
  for (const json::value& v : *items) {
    if (!v.is_object()) return fail(Errc::invalid_argument, what + ": a stock entry is not an object");
    HUB_TRY(sku, jsonr::str(v.as_object(), "sku", what + " stock"));
    HUB_TRY(delta, jsonr::i64(v.as_object(), "delta", what + " stock of " + sku));
    if (delta == 0) return fail(Errc::invalid_argument, what + ": stock delta of " + sku + " is zero");
    out.push_back({sku, delta});
  }
  return out;
}

Result<std::vector<LoyaltyEntry>> parse_loyalty(const json::object& o, const std::string& what) {
  std::vector<LoyaltyEntry> out;
  if (o.if_contains("loyalty") == nullptr) return out;
  HUB_TRY(items, jsonr::arr(o, "loyalty", what));
  for (const json::value& v : *items) {
    if (!v.is_object()) return fail(Errc::invalid_argument, what + ": a loyalty entry is not an object");
    HUB_TRY(entry, parse_loyalty_entry(json::serialize(v)));
    out.push_back(std::move(entry));
  }
  return out;
}

Result<std::vector<GiftCardEntry>> parse_gift_cards(const json::object& o, const std::string& what) {
  std::vector<GiftCardEntry> out;
  if (o.if_contains("gift_cards") == nullptr) return out;
  HUB_TRY(items, jsonr::arr(o, "gift_cards", what));
  for (const json::value& v : *items) {
    if (!v.is_object()) return fail(Errc::invalid_argument, what + ": a gift card entry is not an object");
    const json::object& g = v.as_object();
    GiftCardEntry e;
    HUB_TRY(id, jsonr::str(g, "entry_id", what + " gift card entry"));
    const std::string ctx = what + " gift card entry " + id;
    HUB_TRY(card, jsonr::str(g, "card_id", ctx));
    HUB_TRY(amount, jsonr::i64(g, "amount", ctx));
    HUB_TRY(kind, jsonr::str(g, "kind", ctx));
    e.entry_id = id;
    e.card_id = card;
    e.amount_cents = amount;
    e.kind = kind;
    if (e.kind == "issue" || e.kind == "load")
      return fail(Errc::invalid_argument, ctx + ": a till does not " + e.kind + " gift cards");
    if (auto s = validate_gift_card_entry(e); !s) return fail(s.error().with_context(what));
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

Status validate_gift_card_entry(const GiftCardEntry& e) {
  const std::string what = "gift card entry '" + e.entry_id + "'";
  if (e.entry_id.empty()) return fail(Errc::invalid_argument, "gift card entry id is empty");
  if (e.entry_id.size() > 64) return fail(Errc::invalid_argument, what + ": id is longer than 64 characters");
  if (e.card_id.empty() || e.card_id.size() > 64)
    return fail(Errc::invalid_argument, what + ": card id must have 1 to 64 characters");
  if (e.amount_cents == 0) return fail(Errc::invalid_argument, what + ": amount must not be zero");
  const bool adds = e.kind == "issue" || e.kind == "load" || e.kind == "refund";
  if (!adds && e.kind != "redeem" && e.kind != "adjust") {
    return fail(Errc::invalid_argument,
                what + ": kind '" + e.kind + "' is not issue, load, redeem, refund or adjust");
  }
  if ((adds && e.amount_cents < 0) || (e.kind == "redeem" && e.amount_cents > 0)) {
    return fail(Errc::invalid_argument,
                what + ": " + e.kind + " of " + std::to_string(e.amount_cents) + " cents has the wrong sign");
  }
  return {};
}

Result<EdgeOrder> parse_edge_order(std::string_view payload) {
  // The parsed document lives only in this call: its values come from one arena (a 10-line sale
  // took ~150 allocations from the heap).
  std::array<unsigned char, 16384> arena;
  json::monotonic_resource memory(arena.data(), arena.size());
  HUB_TRY(o, jsonr::parse_object(payload, "order", &memory));
  HUB_TRY(id, jsonr::str(o, "order_id", "order"));
  const std::string what = "order " + id;
  EdgeOrder e;
  e.order_id = id;
  HUB_TRY(kind, jsonr::str(o, "kind", what));
  if (kind != "sale" && kind != "return" && kind != "exchange") {
    return fail(Errc::invalid_argument, what + ": kind '" + kind + "' is not sale, return or exchange");
  }
  e.kind = kind;
  HUB_TRY(channel, jsonr::str(o, "channel", what));
  e.channel = channel;
  HUB_TRY(store, jsonr::str(o, "store_code", what));
  e.store_code = store;
  HUB_TRY(customer, jsonr::opt_str(o, "customer_id", what));
  e.customer_id = customer;
  HUB_TRY(original, jsonr::opt_str(o, "original_order_id", what));
  e.original_order_id = original;
  HUB_TRY(currency, jsonr::str(o, "currency", what));
  if (currency.size() != 3)
    return fail(Errc::invalid_argument, what + ": currency '" + currency + "' is not ISO 4217");
  e.currency = currency;
  HUB_TRY(total, jsonr::i64(o, "total", what));
  e.total_cents = total;
  HUB_TRY(created, jsonr::i64(o, "created_at_ms", what));
  e.created_at_ms = created;
  HUB_TRY(lines, jsonr::arr(o, "lines", what));
  if (lines->empty()) return fail(Errc::invalid_argument, what + ": has no lines");
  HUB_TRY(stock, parse_stock(o, what));
  e.stock = std::move(stock);
  HUB_TRY(loyalty, parse_loyalty(o, what));
  e.loyalty = std::move(loyalty);
  HUB_TRY(gift_cards, parse_gift_cards(o, what));
  for (GiftCardEntry& g : gift_cards) {
    g.store_code = e.store_code;
    g.order_id = e.order_id;
    g.created_at_ms = e.created_at_ms;
  }
  e.gift_cards = std::move(gift_cards);
  e.base = std::string(payload);  // re-serializing it cost a quarter of the parse again
  return e;
}

bool same_order_content(std::string_view stored, std::string_view pushed) {
  if (stored == pushed) return true;
  boost::system::error_code a, b;
  const json::value left = json::parse(stored, a);
  const json::value right = json::parse(pushed, b);
  return !a && !b && left == right;
}

Result<EdgeStatusChange> parse_status_change(std::string_view payload) {
  HUB_TRY(o, jsonr::parse_object(payload, "order status"));
  HUB_TRY(id, jsonr::str(o, "order_id", "order status"));
  const std::string what = "status of order " + id;
  HUB_TRY(status, jsonr::str(o, "status", what));
  HUB_TRY(at, jsonr::i64(o, "at_ms", what));
  HUB_TRY(tracking, jsonr::opt_str(o, "tracking_reference", what));
  HUB_TRY(carrier, jsonr::opt_str(o, "carrier", what));
  EdgeStatusChange change{id, status, at, std::nullopt};
  if (tracking) {
    if (tracking->empty() || tracking->size() > 100)
      return fail(Errc::invalid_argument, what + ": tracking_reference must have 1 to 100 characters");
    if (carrier && carrier->size() > 100)
      return fail(Errc::invalid_argument, what + ": carrier must have at most 100 characters");
    change.shipment = Shipment{*tracking, carrier};
  } else if (carrier) {
    return fail(Errc::invalid_argument, what + ": carrier without a tracking_reference");
  }
  return change;
}

Result<EdgeShiftEvent> parse_shift_event(std::string_view kind, std::string_view payload) {
  const std::string what(kind);
  HUB_TRY(o, jsonr::parse_object(payload, what));
  HUB_TRY(shift, jsonr::str(o, "shift_id", what));
  EdgeShiftEvent e;
  e.shift_id = shift;
  const std::string ctx = what + " of shift " + shift;
  if (kind == "shift.opened") {
    HUB_TRY(device, jsonr::str(o, "device_code", ctx));
    HUB_TRY(at, jsonr::i64(o, "opened_at_ms", ctx));
    e.device_code = device;
    e.at_ms = at;
  } else if (kind == "cash.movement") {
    HUB_TRY(id, jsonr::i64(o, "movement_id", ctx));
    HUB_TRY(amount, jsonr::i64(o, "amount_cents", ctx));
    HUB_TRY(at, jsonr::i64(o, "created_at_ms", ctx));
    if (amount <= 0) return fail(Errc::invalid_argument, ctx + ": amount_cents must be positive");
    e.movement_id = id;
    e.at_ms = at;
  } else {
    HUB_TRY(at, jsonr::i64(o, "closed_at_ms", ctx));
    e.at_ms = at;
  }
  e.canonical = json::serialize(o);
  return e;
}

Result<EdgeCustomer> parse_edge_customer(std::string_view payload) {
  static constexpr std::array<std::string_view, 5> kFields = {"name", "email", "phone", "marketing_consent",
                                                              "cards"};
  HUB_TRY(o, jsonr::parse_object(payload, "customer"));
  HUB_TRY(id, jsonr::str(o, "customer_id", "customer"));
  const std::string what = "customer " + id;
  std::vector<std::string> changed;
  if (o.if_contains("changed") != nullptr) {
    HUB_TRY(list, jsonr::arr(o, "changed", what));
    for (const json::value& v : *list) {
      if (!v.is_string()) return fail(Errc::invalid_argument, what + ": 'changed' must list field names");
      changed.emplace_back(v.as_string());
    }
  }
  EdgeCustomer c{id, {}};
  for (std::string_view f : kFields) {
    const json::value* v = o.if_contains(f);
    if (v == nullptr) continue;
    if (!changed.empty() && std::find(changed.begin(), changed.end(), f) == changed.end()) continue;
    const bool ok = (f == "marketing_consent") ? v->is_bool()
                    : (f == "cards")           ? v->is_array()
                    : (f == "name")            ? v->is_string()
                                               : (v->is_string() || v->is_null());
    if (!ok)
      return fail(Errc::invalid_argument, what + ": field '" + std::string(f) + "' has the wrong type");
    c.fields.emplace_back(std::string(f), json::serialize(*v));
  }
  return c;
}

Status validate_loyalty_entry(const LoyaltyEntry& e) {
  const std::string what = "loyalty entry '" + e.entry_id + "'";
  if (e.entry_id.empty()) return fail(Errc::invalid_argument, "loyalty entry id is empty");
  if (e.customer_id.empty()) return fail(Errc::invalid_argument, what + ": customer id is empty");
  if (e.points == 0) return fail(Errc::invalid_argument, what + ": points must not be zero");
  if (e.kind != "earn" && e.kind != "redeem" && e.kind != "refund" && e.kind != "adjust") {
    return fail(Errc::invalid_argument,
                what + ": kind '" + e.kind + "' is not earn, redeem, refund or adjust");
  }
  // A refund may give back redeemed points (+) or take back earned ones (-); adjust goes either way.
  if ((e.kind == "earn" && e.points < 0) || (e.kind == "redeem" && e.points > 0)) {
    return fail(Errc::invalid_argument,
                what + ": " + e.kind + " of " + std::to_string(e.points) + " points has the wrong sign");
  }
  return {};
}

Result<LoyaltyEntry> parse_loyalty_entry(std::string_view payload) {
  HUB_TRY(o, jsonr::parse_object(payload, "loyalty entry"));
  HUB_TRY(id, jsonr::str(o, "entry_id", "loyalty entry"));
  const std::string what = "loyalty entry " + id;
  HUB_TRY(customer, jsonr::str(o, "customer_id", what));
  HUB_TRY(points, jsonr::i64(o, "points", what));
  HUB_TRY(kind, jsonr::str(o, "kind", what));
  LoyaltyEntry e{id, customer, points, kind};
  if (auto s = validate_loyalty_entry(e); !s) return fail(s.error());
  return e;
}

}  // namespace storeedge::sync::hub
