#include "sync/hub/edge_payloads.hpp"

#include <algorithm>
#include <array>

#include <boost/json/basic_parser_impl.hpp>

#include "sync/hub/json_read.hpp"

namespace storeedge::sync::hub {
namespace json = boost::json;
namespace {

// A pushed order's document as json::parse builds it (same errors, same values, the last of
// duplicate keys kept), except for the contents of top-level arrays and objects parse_edge_order
// never reads: the lines, payments, totals, ... Each of those becomes a placeholder of its kind that
// keeps only whether it was empty (the lines must not be). Building the lines' values was most of
// the parse of a pushed order. "stock", "loyalty" and "gift_cards" are built in full.
class OrderDocumentHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  OrderDocumentHandler(json::storage_ptr storage, unsigned char* temp, std::size_t size)
      : stack_(json::storage_ptr(), temp, size) {
    stack_.reset(std::move(storage));
  }

  json::value release() { return stack_.release(); }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) { return begin(true); }
  bool on_object_end(std::size_t n, json::error_code&) { return end(true, n); }
  bool on_array_begin(json::error_code&) { return begin(false); }
  bool on_array_end(std::size_t n, json::error_code&) { return end(false, n); }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    if (skipping_ != 0) return true;
    if (depth_ == 1) key_.append(s.data(), s.size());
    stack_.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    if (skipping_ != 0) return true;
    if (depth_ == 1) {
      std::string_view key(s.data(), s.size());
      if (!key_.empty()) key = key_.append(key);  // the key came in parts
      read_in_full_ = key == "stock" || key == "loyalty" || key == "gift_cards";
      key_.clear();
    }
    stack_.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    if (skipping_ == 0) stack_.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    if (skipping_ == 0) stack_.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    if (skipping_ == 0) stack_.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    if (skipping_ == 0) stack_.push_uint64(u);
    return true;
  }
  bool on_double(double d, json::string_view, json::error_code&) {
    if (skipping_ == 0) stack_.push_double(d);
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    if (skipping_ == 0) stack_.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    if (skipping_ == 0) stack_.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  bool begin(bool object) {
    if (skipping_ != 0) {
      ++skipping_;
    } else if (depth_ == 1 && root_is_object_ && !read_in_full_) {
      skipping_ = 1;
    } else {
      if (depth_ == 0) root_is_object_ = object;
      ++depth_;
    }
    return true;
  }
  bool end(bool object, std::size_t n) {
    if (skipping_ != 0) {
      if (--skipping_ == 0) {  // the placeholder: empty, or holding one null
        if (n != 0) {
          if (object) stack_.push_key("");
          stack_.push_null();
        }
        push_container(object, n != 0 ? 1 : 0);
      }
      return true;
    }
    --depth_;
    push_container(object, n);
    return true;
  }
  void push_container(bool object, std::size_t n) {
    if (object) {
      stack_.push_object(n);
    } else {
      stack_.push_array(n);
    }
  }

  json::value_stack stack_;
  std::size_t depth_ = 0;     // containers open and built
  std::size_t skipping_ = 0;  // containers open inside one that becomes a placeholder
  bool root_is_object_ = false;
  bool read_in_full_ = false;  // the value of the last top-level key is built in full
  std::string key_;            // a top-level key while it arrives
};

// As jsonr::parse_object(payload, "order", storage), with OrderDocumentHandler's placeholders.
Result<json::object> parse_order_document(std::string_view payload, json::storage_ptr storage) {
  unsigned char temp[BOOST_JSON_STACK_BUFFER_SIZE];
  json::basic_parser<OrderDocumentHandler> parser(json::parse_options(), std::move(storage), temp,
                                                  sizeof(temp));
  json::error_code ec;
  const std::size_t n = parser.write_some(false, payload.data(), payload.size(), ec);
  if (!ec && n < payload.size()) ec = json::error::extra_data;
  if (ec) return fail(Errc::invalid_argument, "order: payload is not JSON (" + ec.message() + ")");
  json::value v = parser.handler().release();
  if (!v.is_object()) return fail(Errc::invalid_argument, "order: payload is not a JSON object");
  return std::move(v.as_object());
}

// Try-style helper: evaluates a Result and returns its error from the enclosing function.
#define HUB_TRY(var, expr)                    \
  auto var##_r = (expr);                      \
  if (!var##_r) return fail(var##_r.error()); \
  auto var = std::move(*var##_r)

// A well-formed entry is read without building the error contexts (two strings per sold line);
// anything else goes through the checks that name what is wrong.
Result<std::vector<EdgeStockDelta>> parse_stock(const json::object& o, const std::string& what) {
  std::vector<EdgeStockDelta> out;
  HUB_TRY(items, jsonr::arr(o, "stock", what));
  out.reserve(items->size());
  for (const json::value& v : *items) {
    if (!v.is_object()) return fail(Errc::invalid_argument, what + ": a stock entry is not an object");
    const json::value* sku = v.as_object().if_contains("sku");
    const json::value* delta = v.as_object().if_contains("delta");
    if (sku != nullptr && sku->is_string() && !sku->as_string().empty() && delta != nullptr &&
        delta->is_int64() && delta->get_int64() != 0) {
      out.push_back({std::string(sku->get_string()), delta->get_int64()});
      continue;
    }
    HUB_TRY(sku_text, jsonr::str(v.as_object(), "sku", what + " stock"));
    HUB_TRY(amount, jsonr::i64(v.as_object(), "delta", what + " stock of " + sku_text));
    if (amount == 0) return fail(Errc::invalid_argument, what + ": stock delta of " + sku_text + " is zero");
    out.push_back({std::move(sku_text), amount});
  }
  return out;
}

Result<LoyaltyEntry> loyalty_entry(const json::object& o) {
  HUB_TRY(id, jsonr::str(o, "entry_id", "loyalty entry"));
  const std::string what = "loyalty entry " + id;
  HUB_TRY(customer, jsonr::str(o, "customer_id", what));
  HUB_TRY(points, jsonr::i64(o, "points", what));
  HUB_TRY(kind, jsonr::str(o, "kind", what));
  LoyaltyEntry e{std::move(id), std::move(customer), points, std::move(kind)};
  if (auto s = validate_loyalty_entry(e); !s) return fail(s.error());
  return e;
}

Result<std::vector<LoyaltyEntry>> parse_loyalty(const json::object& o, const std::string& what) {
  std::vector<LoyaltyEntry> out;
  if (o.if_contains("loyalty") == nullptr) return out;
  HUB_TRY(items, jsonr::arr(o, "loyalty", what));
  for (const json::value& v : *items) {
    if (!v.is_object()) return fail(Errc::invalid_argument, what + ": a loyalty entry is not an object");
    HUB_TRY(entry, loyalty_entry(v.as_object()));
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
  HUB_TRY(o, parse_order_document(payload, &memory));
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
  return loyalty_entry(o);
}

}  // namespace storeedge::sync::hub
