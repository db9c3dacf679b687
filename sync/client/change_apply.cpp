#include "sync/client/change_apply.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <cstddef>
#include <optional>
#include <utility>

#include <boost/json.hpp>

#include "edge/store/pickups.hpp"

namespace storeedge::sync::client {
namespace json = boost::json;
namespace {

// Field readers: a missing or mistyped field is Errc::invalid_argument naming it. The document's
// name is the concatenation of three parts, built only for an error (the hot path allocates nothing).
class Doc {
 public:
  Doc(const json::object& o, std::string_view a, std::string_view b = {}, std::string_view c = {})
      : o_(o), what_{a, b, c} {}

  Result<std::string> str(std::string_view key) const {
    const json::value* v = o_.if_contains(key);
    if (v == nullptr || !v->is_string()) return bad(key, "a string");
    return std::string(v->get_string());
  }
  Result<std::optional<std::string>> opt_str(std::string_view key) const {
    const json::value* v = o_.if_contains(key);
    if (v == nullptr || v->is_null()) return std::optional<std::string>();
    if (!v->is_string()) return bad(key, "a string or null");
    return std::optional<std::string>(std::string(v->get_string()));
  }
  Result<std::int64_t> i64(std::string_view key) const {
    const json::value* v = o_.if_contains(key);
    if (v == nullptr) return bad(key, "an integer");
    if (v->is_int64()) return v->get_int64();
    if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
      return static_cast<std::int64_t>(v->get_uint64());
    return bad(key, "an integer");
  }
  Result<std::optional<std::int64_t>> opt_i64(std::string_view key) const {
    const json::value* v = o_.if_contains(key);
    if (v == nullptr || v->is_null()) return std::optional<std::int64_t>();
    auto n = i64(key);
    if (!n) return fail(n.error());
    return std::optional<std::int64_t>(*n);
  }
  Result<bool> boolean(std::string_view key, std::optional<bool> fallback = std::nullopt) const {
    const json::value* v = o_.if_contains(key);
    if (v == nullptr && fallback) return *fallback;
    if (v == nullptr || !v->is_bool()) return bad(key, "true or false");
    return v->get_bool();
  }
  Result<std::vector<std::string>> strings(std::string_view key) const {
    const json::value* v = o_.if_contains(key);
    if (v == nullptr || v->is_null()) return std::vector<std::string>{};
    if (!v->is_array()) return bad(key, "an array of strings");
    std::vector<std::string> out;
    for (const auto& e : v->get_array()) {
      if (!e.is_string()) return bad(key, "an array of strings");
      out.emplace_back(e.get_string());
    }
    return out;
  }
  const json::object& object() const { return o_; }

 private:
  tl::unexpected<Error> bad(std::string_view key, std::string_view expected) const {
    return fail(Errc::invalid_argument, std::string(what_[0]) + std::string(what_[1]) +
                                            std::string(what_[2]) + ": field '" + std::string(key) +
                                            "' must be " + std::string(expected));
  }
  const json::object& o_;
  std::array<std::string_view, 3> what_;
};

// Unwraps a Result into `var` or returns its error from the enclosing function.
#define SE_TRY(var, expr)                     \
  auto var##_r = (expr);                      \
  if (!var##_r) return fail(var##_r.error()); \
  auto var = std::move(*var##_r)

constexpr std::array<std::pair<domain::PromotionKind, std::string_view>, 6> kKinds{{
    {domain::PromotionKind::percent_off, "percent_off"},
    {domain::PromotionKind::amount_off, "amount_off"},
    {domain::PromotionKind::group_discount, "group_discount"},
    {domain::PromotionKind::mix_and_match, "mix_and_match"},
    {domain::PromotionKind::basket_amount, "basket_amount"},
    {domain::PromotionKind::basket_percent, "basket_percent"},
}};

Result<std::int32_t> to_i32(std::int64_t v, std::string_view what) {
  if (v < INT32_MIN || v > INT32_MAX)
    return fail(Errc::invalid_argument, std::string(what) + " " + std::to_string(v) + " is out of range");
  return static_cast<std::int32_t>(v);
}

Status run(sqlite::Database& db, std::string_view sql, const auto&... args) {
  auto stmt = db.cached(sql);
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(args...); !s) return fail(s.error());
  return (*stmt)->run();
}

}  // namespace

ChangeApplier::ChangeApplier(sqlite::Database& db, const Clock& clock, std::string store_code)
    : db_(db), store_code_(std::move(store_code)), catalog_(db), customers_(db, clock) {}

namespace {

Result<ApplyOutcome> apply_product(store::CatalogRepository& catalog, const Doc& d) {
  SE_TRY(sku, d.str("sku"));
  SE_TRY(name, d.str("name"));
  SE_TRY(category, d.str("category"));
  SE_TRY(tax_class, d.str("tax_class"));
  SE_TRY(sold_by, d.str("sold_by"));
  SE_TRY(age, d.boolean("age_restricted", false));
  SE_TRY(active, d.boolean("active", true));
  SE_TRY(gtins, d.strings("gtins"));
  if (sold_by != "unit" && sold_by != "weight")
    return fail(Errc::invalid_argument,
                "product " + sku + ": sold_by '" + sold_by + "' is not unit or weight");
  const auto unit = sold_by == "unit" ? domain::SoldBy::unit : domain::SoldBy::weight;
  domain::Product p{std::move(sku),
                    std::move(gtins),
                    std::move(name),
                    std::move(category),
                    std::move(tax_class),
                    unit,
                    age};
  if (auto s = catalog.upsert_product(p, active); !s) return fail(s.error());
  return ApplyOutcome::applied;
}

Result<ApplyOutcome> apply_promotion(sqlite::Database& db, store::CatalogRepository& catalog, const Doc& d) {
  SE_TRY(id, d.str("promotion_id"));
  SE_TRY(withdrawn, d.boolean("withdrawn", false));
  if (withdrawn) {
    if (auto s = run(db, "DELETE FROM promotion WHERE promotion_id = ?", id); !s) return fail(s.error());
    return ApplyOutcome::applied;
  }
  domain::Promotion p;
  p.id = id;
  SE_TRY(description, d.str("description"));
  SE_TRY(kind, d.str("kind"));
  p.description = description;
  const auto* k = std::find_if(kKinds.begin(), kKinds.end(), [&](const auto& e) { return e.second == kind; });
  if (k == kKinds.end())
    return fail(Errc::invalid_argument, "promotion " + id + ": unknown kind '" + kind + "'");
  p.kind = k->first;
  SE_TRY(percent, d.i64("percent_bp"));
  SE_TRY(group, d.i64("group_size"));
  SE_TRY(units, d.i64("discounted_units"));
  SE_TRY(percent32, to_i32(percent, "percent_bp"));
  SE_TRY(group32, to_i32(group, "group_size"));
  SE_TRY(units32, to_i32(units, "discounted_units"));
  SE_TRY(amount, d.i64("amount_cents"));
  SE_TRY(threshold, d.i64("threshold_cents"));
  SE_TRY(members, d.boolean("members_only", false));
  SE_TRY(stackable, d.boolean("stackable", false));
  SE_TRY(from, d.opt_i64("valid_from_ms"));
  SE_TRY(to, d.opt_i64("valid_to_ms"));
  SE_TRY(skus, d.strings("skus"));
  p.percent_bp = percent32;
  p.group_size = group32;
  p.discounted_units = units32;
  p.amount_cents = amount;
  p.threshold_cents = threshold;
  p.members_only = members;
  p.stackable = stackable;
  p.valid_from = from;
  p.valid_to = to;
  p.skus = std::move(skus);
  if (auto s = catalog.upsert_promotion(p); !s) return fail(s.error());
  return ApplyOutcome::applied;
}

Result<ApplyOutcome> apply_stock_move(sqlite::Database& db, const Doc& d) {
  SE_TRY(hub_id, d.i64("hub_move_id"));
  const std::string hub_move_id = std::to_string(hub_id);
  auto seen = db.query_one<std::int64_t>("SELECT 1 FROM hub_stock_move WHERE hub_move_id = ?", hub_move_id);
  if (!seen) return fail(seen.error());
  if (*seen) return ApplyOutcome::ignored;  // a replayed change
  SE_TRY(store, d.str("store_code"));
  SE_TRY(sku, d.str("sku"));
  SE_TRY(delta, d.i64("delta"));
  SE_TRY(order_id, d.opt_str("order_id"));
  SE_TRY(created, d.i64("created_at_ms"));
  if (delta == 0) return ApplyOutcome::ignored;  // a level that was already right
  if (auto s = run(db,
                   "INSERT INTO stock_move (store_code, sku, delta, reason, order_id, created_at_ms) "
                   "VALUES (?, ?, ?, 'hub', ?, ?)",
                   store, sku, delta, order_id, created);
      !s) {
    return fail(s.error());
  }
  if (auto s = run(db, "INSERT INTO hub_stock_move (hub_move_id, move_id) VALUES (?, ?)", hub_move_id,
                   db.last_insert_rowid());
      !s) {
    return fail(s.error());
  }
  return ApplyOutcome::applied;
}

Result<ApplyOutcome> apply_customer(store::CustomerRepository& customers, const Doc& d) {
  store::Customer c;
  SE_TRY(id, d.str("customer_id"));
  SE_TRY(name, d.str("name"));
  SE_TRY(email, d.opt_str("email"));
  SE_TRY(phone, d.opt_str("phone"));
  SE_TRY(consent, d.boolean("marketing_consent", false));
  SE_TRY(cards, d.strings("cards"));
  c.id = id;
  c.name = name;
  c.email = email;
  c.phone = phone;
  c.marketing_consent = consent;
  c.cards = std::move(cards);
  std::sort(c.cards.begin(), c.cards.end());
  if (auto s = customers.upsert(c, "hub", store::Origin::hub); !s) return fail(s.error());
  return ApplyOutcome::applied;
}

Result<ApplyOutcome> apply_loyalty_entry(sqlite::Database& db, const Doc& d) {
  static constexpr std::array<std::string_view, 5> kKnownKinds = {"earn", "redeem", "refund", "adjust",
                                                                  "hub"};
  SE_TRY(entry, d.str("entry_id"));
  SE_TRY(customer, d.str("customer_id"));
  SE_TRY(points, d.i64("points"));
  SE_TRY(kind, d.str("kind"));
  SE_TRY(order_id, d.opt_str("order_id"));
  SE_TRY(node, d.str("node_id"));
  SE_TRY(created, d.i64("created_at_ms"));
  if (points == 0) return ApplyOutcome::ignored;
  // Kinds the replica does not know (a newer hub) are kept as 'hub': the sum stays right.
  const bool known = std::find(kKnownKinds.begin(), kKnownKinds.end(), kind) != kKnownKinds.end();
  if (auto s = run(db,
                   "INSERT INTO loyalty_entry (entry_id, customer_id, points, kind, order_id, node_id, "
                   "created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (entry_id) DO NOTHING",
                   entry, customer, points, known ? kind : std::string("hub"), order_id, node, created);
      !s) {
    return fail(s.error());
  }
  return db.changes() > 0 ? ApplyOutcome::applied : ApplyOutcome::ignored;
}

// A card this store may accept, with the offline limit the hub grants it (the card's default; an
// allowance for this store follows it in the stream and overrides it).
Result<ApplyOutcome> apply_gift_card(sqlite::Database& db, const Doc& d) {
  SE_TRY(card, d.str("card_id"));
  SE_TRY(currency, d.str("currency"));
  SE_TRY(status, d.str("status"));
  SE_TRY(limit, d.i64("offline_limit_cents"));
  SE_TRY(granted, d.i64("granted_at_ms"));
  if (status != "active" && status != "blocked")
    return fail(Errc::invalid_argument, "gift card " + card + ": unknown status '" + status + "'");
  if (auto s = run(db,
                   "INSERT INTO gift_card (card_id, currency, status, offline_limit_cents, granted_at_ms) "
                   "VALUES (?, ?, ?, ?, ?) ON CONFLICT (card_id) DO UPDATE SET currency = excluded.currency, "
                   "status = excluded.status, offline_limit_cents = excluded.offline_limit_cents, "
                   "granted_at_ms = excluded.granted_at_ms",
                   card, currency, status, limit, granted);
      !s) {
    return fail(s.error());
  }
  return ApplyOutcome::applied;
}

Result<ApplyOutcome> apply_gift_card_allowance(sqlite::Database& db, const Doc& d) {
  SE_TRY(card, d.str("card_id"));
  SE_TRY(limit, d.i64("offline_limit_cents"));
  SE_TRY(granted, d.i64("granted_at_ms"));
  if (auto s = run(db, "UPDATE gift_card SET offline_limit_cents = ?, granted_at_ms = ? WHERE card_id = ?",
                   limit, granted, card);
      !s) {
    return fail(s.error());
  }
  // The hub sends a card before its allowances; a card this replica lacks cannot be spent anyway.
  return db.changes() > 0 ? ApplyOutcome::applied : ApplyOutcome::ignored;
}

// A ledger entry made at the hub or at another till, inserted once by its UUID: this node's own
// redeems are already here (the hub does not send them back, and the id would match if it did).
Result<ApplyOutcome> apply_gift_card_entry(sqlite::Database& db, const Doc& d) {
  static constexpr std::array<std::string_view, 5> kKnownKinds = {"issue", "load", "redeem", "refund",
                                                                  "adjust"};
  SE_TRY(entry, d.str("entry_id"));
  SE_TRY(card, d.str("card_id"));
  SE_TRY(currency, d.str("currency"));
  SE_TRY(amount, d.i64("amount_cents"));
  SE_TRY(kind, d.str("kind"));
  SE_TRY(order_id, d.opt_str("order_id"));
  SE_TRY(node, d.str("node_id"));
  SE_TRY(created, d.i64("created_at_ms"));
  if (amount == 0) return ApplyOutcome::ignored;
  // An entry may come before its card's latest document (a card re-sent after a status change): hold
  // its place as a blocked card with no limit until the card arrives.
  if (auto s = run(db,
                   "INSERT INTO gift_card (card_id, currency, status, offline_limit_cents, granted_at_ms) "
                   "VALUES (?, ?, 'blocked', 0, 0) ON CONFLICT (card_id) DO NOTHING",
                   card, currency);
      !s) {
    return fail(s.error());
  }
  // Kinds the replica does not know (a newer hub) are kept as 'adjust': the sum stays right.
  const bool known = std::find(kKnownKinds.begin(), kKnownKinds.end(), kind) != kKnownKinds.end();
  if (auto s = run(db,
                   "INSERT INTO gift_card_entry (entry_id, card_id, amount_cents, kind, order_id, node_id, "
                   "created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (entry_id) DO NOTHING",
                   entry, card, amount, known ? kind : std::string("adjust"), order_id, node, created);
      !s) {
    return fail(s.error());
  }
  return db.changes() > 0 ? ApplyOutcome::applied : ApplyOutcome::ignored;
}

Status apply_order_lines(sqlite::Database& db, const std::string& order_id, const json::object& order) {
  const json::value* lines = order.if_contains("lines");
  if (lines == nullptr || !lines->is_array())
    return fail(Errc::invalid_argument, "order " + order_id + ": field 'lines' must be an array");
  for (const auto& v : lines->get_array()) {
    if (!v.is_object())
      return fail(Errc::invalid_argument, "order " + order_id + ": a line is not an object");
    const Doc l(v.get_object(), "order ", order_id, " line");
    SE_TRY(line_no, l.i64("line_no"));
    SE_TRY(sku, l.str("sku"));
    SE_TRY(description, l.str("description"));
    SE_TRY(quantity, l.i64("quantity"));
    SE_TRY(unit, l.i64("unit_price"));
    SE_TRY(gross, l.i64("gross"));
    SE_TRY(discount, l.i64("discount"));
    SE_TRY(net, l.i64("net"));
    SE_TRY(tax_class, l.str("tax_class"));
    SE_TRY(rate, l.i64("rate_bp"));
    if (auto s =
            run(db,
                "INSERT INTO order_line (order_id, line_no, sku, description, quantity, unit_price_cents, "
                "gross_cents, discount_cents, net_cents, tax_class, rate_bp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?) ON CONFLICT (order_id, line_no) DO NOTHING",
                order_id, line_no, sku, description, quantity, unit, gross, discount, net, tax_class, rate);
        !s) {
      return fail(s.error());
    }
  }
  return {};
}

// An online order for this store: inserted once with its lines; later changes move its status.
Result<ApplyOutcome> apply_order(sqlite::Database& db, const Doc& d) {
  static constexpr std::array<std::string_view, 5> kStatuses = {"completed", "cancelled", "pending",
                                                                "ready_for_pickup", "collected"};
  SE_TRY(channel, d.str("channel"));
  if (channel != "web" && channel != "app") return ApplyOutcome::ignored;
  SE_TRY(order_id, d.str("order_id"));
  SE_TRY(status_field, d.str("status"));
  // The replica keeps a ship-from-store order's progress in the pickup words (edge/store/pickups.hpp);
  // the hub sends those, and a hub that sent its own words would be read the same.
  const std::string status = status_field == "packed"    ? "ready_for_pickup"
                             : status_field == "shipped" ? "collected"
                                                         : status_field;
  if (std::find(kStatuses.begin(), kStatuses.end(), status) == kStatuses.end())
    return fail(Errc::invalid_argument, "order " + order_id + ": unknown status '" + status + "'");
  SE_TRY(store, d.str("store_code"));
  SE_TRY(customer, d.opt_str("customer_id"));
  SE_TRY(currency, d.str("currency"));
  SE_TRY(total, d.i64("total"));
  SE_TRY(tax, d.i64("tax"));
  SE_TRY(created, d.i64("created_at_ms"));
  // A hub older than the field sent only pickups.
  SE_TRY(fulfilment_field, d.opt_str("fulfilment"));
  const std::string fulfilment = fulfilment_field.value_or("pickup");
  if (fulfilment != "pickup" && fulfilment != "ship_from_store") {
    return fail(Errc::invalid_argument, "order " + order_id + ": unknown fulfilment '" + fulfilment +
                                            "' for an online order (expected pickup or ship_from_store)");
  }
  auto existed = db.query_one<std::int64_t>("SELECT 1 FROM sales_order WHERE order_id = ?", order_id);
  if (!existed) return fail(existed.error());
  // The hub moves an online order only forward (sync/hub/order_status.cpp), so a document with an
  // earlier status than the replica's is stale: this till's own change (ready, collected, shipped) is
  // still on its way to the hub, or a re-sync sends the order again. Applying it would put a
  // collected or shipped order back in the counter's queue; the hub's next document catches up.
  if (auto s = run(
          db,
          "INSERT INTO sales_order (order_id, kind, channel, status, store_code, customer_id, currency, "
          "total_cents, tax_cents, created_at_ms, fulfilment) VALUES (?, 'sale', ?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT (order_id) DO UPDATE SET fulfilment = excluded.fulfilment, status = CASE WHEN "
          "(CASE excluded.status WHEN 'pending' THEN 0 WHEN 'ready_for_pickup' THEN 1 WHEN 'cancelled' THEN "
          "2 "
          "ELSE 3 END) >= (CASE status WHEN 'pending' THEN 0 WHEN 'ready_for_pickup' THEN 1 WHEN 'cancelled' "
          "THEN 2 ELSE 3 END) THEN excluded.status ELSE status END",
          order_id, channel, status, store, customer, currency, total, tax, created, fulfilment);
      !s) {
    return fail(s.error());
  }
  if (!*existed) {
    if (auto s = apply_order_lines(db, order_id, d.object()); !s) return fail(s.error());
  }
  // A shipped order carries what it left the store with (whichever till shipped it).
  SE_TRY(tracking, d.opt_str("tracking_reference"));
  if (tracking && fulfilment == "ship_from_store" && status == "collected") {
    SE_TRY(carrier, d.opt_str("carrier"));
    SE_TRY(updated, d.i64("updated_at_ms"));
    if (auto s = store::record_shipment(db, order_id, store::Shipment{*tracking, carrier}, updated); !s)
      return fail(s.error().with_context("order " + order_id));
  }
  return ApplyOutcome::applied;
}

}  // namespace

Result<ApplyOutcome> ChangeApplier::apply(const proto::Change& change) {
  const auto what = [&] {
    return std::string(proto::stream_name(change.stream())) + " change " + change.key();
  };
  if (change.op() != proto::Change::UPSERT) return ApplyOutcome::ignored;
  // The parsed document lives in a stack buffer (a catalog row needs well under 4 KiB): no heap
  // allocation per change on a bootstrap of a million rows.
  alignas(std::max_align_t) unsigned char buffer[4096];
  json::monotonic_resource memory(buffer, sizeof buffer);
  json::error_code ec;
  json::value parsed = json::parse(change.payload(), ec, &memory);
  if (ec || !parsed.is_object())
    return fail(Errc::invalid_argument, what() + ": payload is not a JSON object");
  const Doc d(parsed.get_object(), proto::stream_name(change.stream()), " change ", change.key());
  SE_TRY(type, d.str("type"));
  Result<ApplyOutcome> out = ApplyOutcome::ignored;
  if (type == "tax_rate") {
    SE_TRY(tax_class, d.str("tax_class"));
    SE_TRY(rate, d.i64("rate_bp"));
    SE_TRY(name, d.str("name"));
    SE_TRY(rate32, to_i32(rate, "rate_bp"));
    auto s = catalog_.upsert_tax_rate({tax_class, rate32}, name);
    out = s ? Result<ApplyOutcome>(ApplyOutcome::applied) : fail(s.error());
  } else if (type == "product") {
    out = apply_product(catalog_, d);
  } else if (type == "price") {
    SE_TRY(sku, d.str("sku"));
    SE_TRY(from, d.i64("valid_from_ms"));
    SE_TRY(to, d.opt_i64("valid_to_ms"));
    SE_TRY(cents, d.i64("unit_price_cents"));
    SE_TRY(store, d.str("store_code"));
    auto s = catalog_.upsert_price({sku, store, cents, from, to});
    out = s ? Result<ApplyOutcome>(ApplyOutcome::applied) : fail(s.error());
  } else if (type == "promotion") {
    out = apply_promotion(db_, catalog_, d);
  } else if (type == "stock_move") {
    out = apply_stock_move(db_, d);
  } else if (type == "customer") {
    out = apply_customer(customers_, d);
  } else if (type == "loyalty_entry") {
    out = apply_loyalty_entry(db_, d);
  } else if (type == "loyalty_allowance") {
    SE_TRY(customer, d.str("customer_id"));
    SE_TRY(limit, d.i64("offline_limit_points"));
    SE_TRY(granted, d.i64("granted_at_ms"));
    auto s = run(
        db_,
        "INSERT INTO loyalty_allowance (customer_id, offline_limit_points, granted_at_ms) VALUES (?, ?, ?) "
        "ON CONFLICT (customer_id) DO UPDATE SET offline_limit_points = excluded.offline_limit_points, "
        "granted_at_ms = excluded.granted_at_ms",
        customer, limit, granted);
    out = s ? Result<ApplyOutcome>(ApplyOutcome::applied) : fail(s.error());
  } else if (type == "order") {
    out = apply_order(db_, d);
  } else if (type == "gift_card") {
    out = apply_gift_card(db_, d);
  } else if (type == "gift_card_allowance") {
    out = apply_gift_card_allowance(db_, d);
  } else if (type == "gift_card_entry") {
    out = apply_gift_card_entry(db_, d);
  }
  if (!out) return fail(out.error().with_context("applying " + what()));
  return out;
}

Status ChangeApplier::forget_pulled_events() {
  if (auto s = run(db_, "DELETE FROM stock_move WHERE move_id IN (SELECT move_id FROM hub_stock_move)"); !s)
    return s;
  return run(db_, "DELETE FROM hub_stock_move");
}

#undef SE_TRY

}  // namespace storeedge::sync::client
