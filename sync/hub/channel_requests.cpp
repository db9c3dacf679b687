#include "sync/hub/channel_requests.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <optional>
#include <set>

#include <boost/json.hpp>

#include "sync/hub/json_read.hpp"

namespace storeedge::sync::hub::channels {
namespace json = boost::json;
namespace {

#define CH_TRY(var, expr)                     \
  auto var##_r = (expr);                      \
  if (!var##_r) return fail(var##_r.error()); \
  auto var = std::move(*var##_r)

// Reads the fields of one JSON object, remembering which were read so that the rest can be refused.
class Fields {
 public:
  Fields(const json::object& o, std::string what) : o_(o), what_(std::move(what)) {}

  const std::string& what() const { return what_; }
  // A field read by other means (an array of objects).
  void mark(std::string_view key) { asked_.emplace(key); }

  Result<std::string> str(std::string_view key) {
    asked_.emplace(key);
    return jsonr::str(o_, key, what_);
  }
  Result<std::optional<std::string>> opt_str(std::string_view key) {
    asked_.emplace(key);
    return jsonr::opt_str(o_, key, what_);
  }
  Result<std::int64_t> i64(std::string_view key) {
    asked_.emplace(key);
    return jsonr::i64(o_, key, what_);
  }
  Result<std::optional<std::int64_t>> opt_i64(std::string_view key) {
    asked_.emplace(key);
    const json::value* v = o_.if_contains(key);
    if (v == nullptr || v->is_null()) return std::optional<std::int64_t>();
    auto n = jsonr::i64(o_, key, what_);
    if (!n) return fail(n.error());
    return std::optional<std::int64_t>(*n);
  }
  Result<std::optional<bool>> opt_bool(std::string_view key) {
    asked_.emplace(key);
    const json::value* v = o_.if_contains(key);
    if (v == nullptr || v->is_null()) return std::optional<bool>();
    if (!v->is_bool()) return bad(key, "must be true or false");
    return std::optional<bool>(v->as_bool());
  }
  Result<bool> boolean(std::string_view key, bool fallback) {
    auto b = opt_bool(key);
    if (!b) return fail(b.error());
    return b->value_or(fallback);
  }
  // Missing or null: nullopt; otherwise an array of non-empty strings.
  Result<std::optional<std::vector<std::string>>> opt_strings(std::string_view key) {
    asked_.emplace(key);
    const json::value* v = o_.if_contains(key);
    if (v == nullptr || v->is_null()) return std::optional<std::vector<std::string>>();
    if (!v->is_array()) return bad(key, "must be an array of strings");
    std::vector<std::string> out;
    for (const auto& item : v->as_array()) {
      if (!item.is_string() || item.as_string().empty())
        return bad(key, "must be an array of non-empty strings");
      out.emplace_back(item.as_string());
    }
    return std::optional<std::vector<std::string>>(std::move(out));
  }
  // Readers into a destination. The first failure is kept and later reads do nothing, so a parser
  // reads every field in turn and asks `done()` once.
  void into(std::string_view key, std::string& out) { keep(str(key), out); }
  void into(std::string_view key, std::optional<std::string>& out) { keep(opt_str(key), out); }
  void into(std::string_view key, std::optional<bool>& out) { keep(opt_bool(key), out); }
  void into(std::string_view key, std::optional<std::vector<std::string>>& out) {
    keep(opt_strings(key), out);
  }
  // An integer no smaller than `min`.
  void into(std::string_view key, std::int64_t& out, std::int64_t min) {
    keep(i64(key), out);
    if (!error_ && out < min)
      error_ =
          bad(key, min == 0 ? "must not be negative" : "must be at least " + std::to_string(min)).value();
  }
  // A string that is one of `allowed`.
  void one_of(std::string_view key, std::string& out, std::initializer_list<std::string_view> allowed) {
    keep(str(key), out);
    if (error_ || std::find(allowed.begin(), allowed.end(), out) != allowed.end()) return;
    std::string list;  // "a, b or c"
    std::size_t i = 0;
    for (auto a : allowed) {
      if (i > 0) list += i + 1 == allowed.size() ? " or " : ", ";
      list += a;
      ++i;
    }
    error_ = bad(key, "must be " + list + ", got '" + out + "'").value();
  }
  // The first failure of the readers above, or else no_others().
  Status done() const {
    if (error_) return fail(*error_);
    return no_others();
  }

  // Fails naming the first field that no reader asked for.
  Status no_others() const {
    for (const auto& [k, v] : o_) {
      if (!asked_.contains(std::string_view(k)))
        return fail(Errc::invalid_argument, what_ + ": unknown field '" + std::string(k) + "'");
    }
    return {};
  }

 private:
  tl::unexpected<Error> bad(std::string_view key, std::string_view must) const {
    return fail(Errc::invalid_argument, what_ + ": field '" + std::string(key) + "' " + std::string(must));
  }

  template <class T>
  void keep(Result<T> r, T& out) {
    if (error_) return;
    if (r) {
      out = std::move(*r);
    } else {
      error_ = r.error();
    }
  }

  const json::object& o_;
  std::string what_;
  std::set<std::string, std::less<>> asked_;
  std::optional<Error> error_;
};

// The objects of the array `key` of a load body, which has no other fields.
Result<std::vector<const json::object*>> items(const json::object& body, std::string_view key,
                                               std::string_view what, bool optional = false) {
  std::vector<const json::object*> out;
  const json::value* v = body.if_contains(key);
  if (v == nullptr && optional) return out;
  auto array = jsonr::arr(body, key, what);
  if (!array) return fail(array.error());
  for (std::size_t i = 0; i < (*array)->size(); ++i) {
    const auto& item = (**array)[i];
    if (!item.is_object()) {
      return fail(Errc::invalid_argument,
                  std::string(key) + "[" + std::to_string(i) + "]: must be a JSON object");
    }
    out.push_back(&item.as_object());
  }
  return out;
}

Status only_keys(const json::object& body, std::initializer_list<std::string_view> keys,
                 std::string_view what) {
  for (const auto& [k, v] : body) {
    bool known = false;
    for (auto key : keys) known = known || key == std::string_view(k);
    if (!known)
      return fail(Errc::invalid_argument, std::string(what) + ": unknown field '" + std::string(k) + "'");
  }
  return {};
}

std::string item_name(std::string_view key, std::size_t i) {
  return std::string(key) + "[" + std::to_string(i) + "]";
}

}  // namespace

Result<OnlineOrder> parse_order(std::string_view body) {
  CH_TRY(o, jsonr::parse_object(body, "order"));
  Fields f(o, "order");
  OnlineOrder order;
  CH_TRY(id, f.opt_str("order_id"));
  order.order_id = id.value_or("");
  CH_TRY(fulfilment, f.str("fulfilment"));
  if (fulfilment == "pickup") {
    order.fulfilment = Fulfilment::pickup;
  } else if (fulfilment == "ship_from_store") {
    order.fulfilment = Fulfilment::ship_from_store;
  } else {
    return fail(Errc::invalid_argument,
                "order: field 'fulfilment' must be pickup or ship_from_store, got '" + fulfilment + "'");
  }
  CH_TRY(store, f.str("store_code"));
  order.store_code = store;
  CH_TRY(customer, f.opt_str("customer_id"));
  order.customer_id = customer;
  CH_TRY(currency, f.opt_str("currency"));
  if (currency) order.currency = *currency;
  CH_TRY(total, f.i64("total_cents"));
  order.total_cents = total;
  CH_TRY(tax, f.i64("tax_cents"));
  order.tax_cents = tax;
  CH_TRY(lines, items(o, "lines", "order"));
  f.mark("lines");
  if (lines.empty()) return fail(Errc::invalid_argument, "order: field 'lines' is empty");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    Fields l(*lines[i], "order: " + item_name("lines", i));
    OnlineOrderLine line;
    CH_TRY(sku, l.str("sku"));
    line.sku = sku;
    CH_TRY(qty, l.i64("quantity"));
    line.quantity = qty;
    CH_TRY(price, l.i64("unit_price_cents"));
    line.unit_price_cents = price;
    if (auto s = l.no_others(); !s) return fail(s.error());
    order.lines.push_back(std::move(line));
  }
  if (auto s = f.no_others(); !s) return fail(s.error());
  return order;
}

Result<StatusRequest> parse_status(std::string_view body) {
  CH_TRY(o, jsonr::parse_object(body, "status change"));
  Fields f(o, "status change");
  StatusRequest r;
  f.into("order_id", r.order_id);
  f.into("status", r.status);
  if (auto s = f.done(); !s) return fail(s.error());
  return r;
}

Result<CustomerUpdate> parse_customer(std::string_view body) {
  CH_TRY(o, jsonr::parse_object(body, "customer"));
  Fields f(o, "customer");
  CustomerUpdate u;
  f.into("customer_id", u.customer_id);
  f.into("name", u.name);
  f.into("email", u.email);
  f.into("phone", u.phone);
  f.into("marketing_consent", u.marketing_consent);
  f.into("cards", u.cards);
  f.into("home_region", u.home_region);
  if (auto s = f.done(); !s) return fail(s.error());
  return u;
}

Result<LoyaltyEntry> parse_loyalty_entry(std::string_view body) {
  CH_TRY(o, jsonr::parse_object(body, "loyalty entry"));
  Fields f(o, "loyalty entry");
  LoyaltyEntry e;
  f.into("entry_id", e.entry_id);
  f.into("customer_id", e.customer_id);
  f.into("points", e.points, INT64_MIN);
  f.one_of("kind", e.kind, {"earn", "redeem", "refund", "adjust"});
  if (auto s = f.done(); !s) return fail(s.error());
  return e;
}

Result<OfflineAllowance> parse_allowance(std::string_view body) {
  CH_TRY(o, jsonr::parse_object(body, "allowance"));
  Fields f(o, "allowance");
  OfflineAllowance a;
  f.into("store_code", a.store_code);
  f.into("customer_id", a.customer_id);
  f.into("limit_points", a.limit_points, 0);
  if (auto s = f.done(); !s) return fail(s.error());
  return a;
}

Result<GiftCardIssue> parse_gift_card_issue(std::string_view body) {
  CH_TRY(o, jsonr::parse_object(body, "gift card"));
  Fields f(o, "gift card");
  GiftCardIssue g;
  f.into("card_id", g.card_id);
  f.into("currency", g.currency);
  f.into("amount_cents", g.amount_cents, 0);
  if (auto s = f.done(); !s) return fail(s.error());
  return g;
}

Result<GiftCardEntry> parse_gift_card_load(std::string_view body) {
  CH_TRY(o, jsonr::parse_object(body, "gift card load"));
  Fields f(o, "gift card load");
  GiftCardEntry e;
  f.into("entry_id", e.entry_id);
  f.into("card_id", e.card_id);
  f.into("amount_cents", e.amount_cents, 1);
  e.kind = "load";
  if (auto s = f.done(); !s) return fail(s.error());
  return e;
}

Result<GiftCardStatusRequest> parse_gift_card_status(std::string_view body) {
  CH_TRY(o, jsonr::parse_object(body, "gift card status"));
  Fields f(o, "gift card status");
  GiftCardStatusRequest r;
  f.into("card_id", r.card_id);
  f.one_of("status", r.status, {"active", "blocked"});
  if (auto s = f.done(); !s) return fail(s.error());
  return r;
}

Result<ReviewRequest> parse_review(std::string_view body) {
  CH_TRY(o, jsonr::parse_object(body, "review"));
  Fields f(o, "review");
  std::string subject;
  ReviewRequest r;
  f.one_of("subject", subject, {"order", "gift_card"});
  f.into("id", r.id);
  f.into("note", r.note);
  if (auto s = f.done(); !s) return fail(s.error());
  r.subject = subject == "order" ? ReviewSubject::order : ReviewSubject::gift_card;
  return r;
}

Result<GiftCardAllowance> parse_gift_card_allowance(std::string_view body) {
  CH_TRY(o, jsonr::parse_object(body, "gift card allowance"));
  Fields f(o, "gift card allowance");
  GiftCardAllowance a;
  f.into("store_code", a.store_code);
  f.into("card_id", a.card_id);
  f.into("limit_cents", a.limit_cents, 0);
  if (auto s = f.done(); !s) return fail(s.error());
  return a;
}

Result<CatalogLoad> parse_catalog_json(std::string_view body) {
  CH_TRY(o, jsonr::parse_object(body, "catalog"));
  if (auto s = only_keys(o, {"products", "tax_rates"}, "catalog"); !s) return fail(s.error());
  CatalogLoad load;
  CH_TRY(rates, items(o, "tax_rates", "catalog", true));
  for (std::size_t i = 0; i < rates.size(); ++i) {
    Fields f(*rates[i], item_name("tax_rates", i));
    TaxRate t;
    CH_TRY(cls, f.str("tax_class"));
    t.tax_class = cls;
    CH_TRY(bp, f.i64("rate_bp"));
    if (bp < 0 || bp > 10000)
      return fail(Errc::invalid_argument, f.what() + ": field 'rate_bp' must be between 0 and 10000");
    t.rate_bp = static_cast<std::int32_t>(bp);
    CH_TRY(name, f.opt_str("name"));
    t.name = name.value_or("");
    if (auto s = f.no_others(); !s) return fail(s.error());
    load.tax_rates.push_back(std::move(t));
  }
  CH_TRY(products, items(o, "products", "catalog", true));
  for (std::size_t i = 0; i < products.size(); ++i) {
    Fields f(*products[i], item_name("products", i));
    Product p;
    CH_TRY(sku, f.str("sku"));
    p.sku = sku;
    CH_TRY(name, f.str("name"));
    p.name = name;
    CH_TRY(category, f.opt_str("category"));
    p.category = category.value_or("");
    CH_TRY(cls, f.str("tax_class"));
    p.tax_class = cls;
    CH_TRY(sold_by, f.opt_str("sold_by"));
    p.sold_by = sold_by.value_or("unit");
    CH_TRY(age, f.boolean("age_restricted", false));
    p.age_restricted = age;
    CH_TRY(active, f.boolean("active", true));
    p.active = active;
    CH_TRY(gtins, f.opt_strings("gtins"));
    if (gtins) p.gtins = std::move(*gtins);
    if (auto s = f.no_others(); !s) return fail(s.error());
    load.products.push_back(std::move(p));
  }
  return load;
}

Result<std::vector<Price>> parse_prices_json(std::string_view body) {
  CH_TRY(o, jsonr::parse_object(body, "prices"));
  if (auto s = only_keys(o, {"prices"}, "prices"); !s) return fail(s.error());
  CH_TRY(list, items(o, "prices", "prices"));
  std::vector<Price> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    Fields f(*list[i], item_name("prices", i));
    Price p;
    CH_TRY(store, f.str("store_code"));
    p.store_code = store;
    CH_TRY(sku, f.str("sku"));
    p.sku = sku;
    CH_TRY(price, f.i64("unit_price_cents"));
    p.unit_price_cents = price;
    CH_TRY(from, f.opt_i64("valid_from_ms"));
    p.valid_from_ms = from.value_or(0);
    CH_TRY(to, f.opt_i64("valid_to_ms"));
    p.valid_to_ms = to;
    if (auto s = f.no_others(); !s) return fail(s.error());
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<Promotion>> parse_promotions_json(std::string_view body) {
  CH_TRY(o, jsonr::parse_object(body, "promotions"));
  if (auto s = only_keys(o, {"promotions"}, "promotions"); !s) return fail(s.error());
  CH_TRY(list, items(o, "promotions", "promotions"));
  std::vector<Promotion> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    Fields f(*list[i], item_name("promotions", i));
    Promotion p;
    CH_TRY(id, f.str("promotion_id"));
    p.promotion_id = id;
    CH_TRY(description, f.opt_str("description"));
    p.description = description.value_or("");
    CH_TRY(kind, f.str("kind"));
    p.kind = kind;
    for (auto [key, field] :
         {std::pair{"percent_bp", &p.percent_bp}, std::pair{"amount_cents", &p.amount_cents},
          std::pair{"group_size", &p.group_size}, std::pair{"discounted_units", &p.discounted_units},
          std::pair{"threshold_cents", &p.threshold_cents}}) {
      CH_TRY(v, f.opt_i64(key));
      *field = v.value_or(0);
    }
    CH_TRY(members, f.boolean("members_only", false));
    p.members_only = members;
    CH_TRY(stackable, f.boolean("stackable", false));
    p.stackable = stackable;
    CH_TRY(from, f.opt_i64("valid_from_ms"));
    p.valid_from_ms = from;
    CH_TRY(to, f.opt_i64("valid_to_ms"));
    p.valid_to_ms = to;
    CH_TRY(skus, f.opt_strings("skus"));
    if (skus) p.skus = std::move(*skus);
    CH_TRY(withdrawn, f.boolean("withdrawn", false));
    p.withdrawn = withdrawn;
    if (auto s = f.no_others(); !s) return fail(s.error());
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<StockLevel>> parse_stock_json(std::string_view body) {
  CH_TRY(o, jsonr::parse_object(body, "stock"));
  if (auto s = only_keys(o, {"levels"}, "stock"); !s) return fail(s.error());
  CH_TRY(list, items(o, "levels", "stock"));
  std::vector<StockLevel> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    Fields f(*list[i], item_name("levels", i));
    StockLevel l;
    CH_TRY(store, f.str("store_code"));
    l.store_code = store;
    CH_TRY(sku, f.str("sku"));
    l.sku = sku;
    CH_TRY(level, f.i64("level"));
    l.level = level;
    if (auto s = f.no_others(); !s) return fail(s.error());
    out.push_back(std::move(l));
  }
  return out;
}

json::object order_json(const OrderView& o) {
  return json::object{{"order_id", o.order_id},
                      {"channel", o.channel},
                      {"fulfilment", o.fulfilment},
                      {"store_code", o.store_code},
                      {"kind", o.kind},
                      {"status", o.status},
                      {"needs_review", o.needs_review},
                      {"review_reason", o.review_reason},
                      {"total_cents", o.total_cents},
                      {"updated_at_ms", o.updated_at_ms},
                      {"tracking_reference", jsonr::opt(o.tracking_reference)},
                      {"carrier", jsonr::opt(o.carrier)}};
}

json::object profile_json(const CustomerProfile& c) {
  json::array cards;
  for (const auto& card : c.cards) cards.emplace_back(card);
  return json::object{{"customer_id", c.customer_id},
                      {"name", c.name},
                      {"email", jsonr::opt(c.email)},
                      {"phone", jsonr::opt(c.phone)},
                      {"marketing_consent", c.marketing_consent},
                      {"cards", std::move(cards)},
                      {"home_region", jsonr::opt(c.home_region)},
                      {"updated_at_ms", c.updated_at_ms}};
}

json::object gift_card_json(const GiftCardView& card) {
  json::array entries;
  for (const GiftCardEntry& e : card.entries) {
    entries.push_back(json::object{{"entry_id", e.entry_id},
                                   {"amount_cents", e.amount_cents},
                                   {"kind", e.kind},
                                   {"store_code", jsonr::opt(e.store_code)},
                                   {"node_id", jsonr::opt(e.origin_node)},
                                   {"order_id", jsonr::opt(e.order_id)},
                                   {"created_at_ms", e.created_at_ms}});
  }
  return json::object{{"card_id", card.card_id},
                      {"currency", card.currency},
                      {"status", card.status},
                      {"balance_cents", card.balance_cents},
                      {"default_offline_limit_cents", card.default_offline_limit_cents},
                      {"issued_at_ms", card.issued_at_ms},
                      {"needs_review", card.needs_review},
                      {"review_reason", card.review_reason},
                      {"entries", std::move(entries)}};
}

}  // namespace storeedge::sync::hub::channels
