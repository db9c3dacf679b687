// Park/resume: the cart as stable JSON (Boost.JSON keeps key order, so the text is reproducible).
#include <boost/json.hpp>

#include "edge/domain/cart.hpp"

namespace storeedge::domain {
namespace json = boost::json;
namespace {

constexpr std::int64_t kFormat = 1;

json::value approval_json(const std::optional<SupervisorApproval>& a) {
  if (!a) return nullptr;
  return json::object{{"supervisor_id", a->supervisor_id}, {"token", a->token}};
}

json::value line_json(const Line& l) {
  json::value discount = nullptr;
  if (l.discount) {
    discount =
        json::object{{"kind", l.discount->kind == ManualDiscount::Kind::percent ? "percent" : "amount"},
                     {"value", l.discount->value},
                     {"reason", l.discount->reason}};
  }
  return json::object{{"id", l.id},
                      {"sku", l.sku},
                      {"name", l.name},
                      {"category", l.category},
                      {"tax_class", l.tax_class},
                      {"rate_bp", l.rate_bp},
                      {"age_restricted", l.age_restricted},
                      {"basis", static_cast<std::int64_t>(l.basis)},
                      {"quantity", l.quantity},
                      {"weight_grams", l.weight_grams},
                      {"list_price", l.list_price},
                      {"price", l.price},
                      {"override_approval", approval_json(l.override_approval)},
                      {"discount", std::move(discount)},
                      {"discount_approval", approval_json(l.discount_approval)},
                      {"voided", l.voided}};
}

json::value tender_json(const TenderRecord& r) {
  return json::object{{"kind", static_cast<std::int64_t>(r.kind)},
                      {"amount", r.amount},
                      {"given", r.given},
                      {"change", r.change},
                      {"reference", r.reference},
                      {"last4", r.last4},
                      {"points", r.points}};
}

// Typed, non-throwing access to one JSON object; errors name the field.
class Reader {
 public:
  Reader(const json::object& o, std::string where) : o_(o), where_(std::move(where)) {}

  Result<std::int64_t> i64(std::string_view key) const {
    const json::value* v = o_.if_contains(key);
    if (v == nullptr || !v->is_int64()) return missing(key, "an integer");
    return v->get_int64();
  }
  Result<std::string> str(std::string_view key) const {
    const json::value* v = o_.if_contains(key);
    if (v == nullptr || !v->is_string()) return missing(key, "a string");
    return std::string(v->get_string());
  }
  Result<bool> boolean(std::string_view key) const {
    const json::value* v = o_.if_contains(key);
    if (v == nullptr || !v->is_bool()) return missing(key, "a boolean");
    return v->get_bool();
  }
  // nullptr for JSON null; an error when absent or not an object.
  Result<const json::object*> object_or_null(std::string_view key) const {
    const json::value* v = o_.if_contains(key);
    if (v != nullptr && v->is_null()) return static_cast<const json::object*>(nullptr);
    if (v == nullptr || !v->is_object()) return missing(key, "an object or null");
    return &v->get_object();
  }
  Result<const json::array*> array(std::string_view key) const {
    const json::value* v = o_.if_contains(key);
    if (v == nullptr || !v->is_array()) return missing(key, "an array");
    return &v->get_array();
  }
  const std::string& where() const { return where_; }

 private:
  tl::unexpected<Error> missing(std::string_view key, std::string_view what) const {
    return fail(Errc::corrupt, where_ + ": field '" + std::string(key) + "' must be " + std::string(what));
  }
  const json::object& o_;
  std::string where_;
};

#define SE_TRY(var, expr)                     \
  auto var##_r = (expr);                      \
  if (!var##_r) return fail(var##_r.error()); \
  auto var = std::move(*var##_r)

Result<std::optional<SupervisorApproval>> read_approval(const Reader& r, std::string_view key) {
  SE_TRY(obj, r.object_or_null(key));
  if (obj == nullptr) return std::optional<SupervisorApproval>{};
  Reader a(*obj, r.where() + "." + std::string(key));
  SE_TRY(supervisor, a.str("supervisor_id"));
  SE_TRY(token, a.str("token"));
  return std::optional<SupervisorApproval>(SupervisorApproval{std::move(supervisor), std::move(token)});
}

Result<Line> read_line(const json::value& v, std::size_t index) {
  if (!v.is_object()) return fail(Errc::corrupt, "line " + std::to_string(index) + " is not an object");
  Reader r(v.get_object(), "line " + std::to_string(index));
  Line l;
  SE_TRY(id, r.i64("id"));
  SE_TRY(sku, r.str("sku"));
  SE_TRY(name, r.str("name"));
  SE_TRY(category, r.str("category"));
  SE_TRY(tax_class, r.str("tax_class"));
  SE_TRY(rate, r.i64("rate_bp"));
  SE_TRY(age, r.boolean("age_restricted"));
  SE_TRY(basis, r.i64("basis"));
  SE_TRY(quantity, r.i64("quantity"));
  SE_TRY(grams, r.i64("weight_grams"));
  SE_TRY(list_price, r.i64("list_price"));
  SE_TRY(price, r.i64("price"));
  SE_TRY(override_approval, read_approval(r, "override_approval"));
  SE_TRY(discount, r.object_or_null("discount"));
  SE_TRY(discount_approval, read_approval(r, "discount_approval"));
  SE_TRY(voided, r.boolean("voided"));
  if (rate < 0 || rate > 10000 || basis < 0 || basis > 2)
    return fail(Errc::corrupt, r.where() + ": bad rate or basis");
  l = Line{.id = id,
           .sku = std::move(sku),
           .name = std::move(name),
           .category = std::move(category),
           .tax_class = std::move(tax_class),
           .rate_bp = static_cast<std::int32_t>(rate),
           .age_restricted = age,
           .basis = static_cast<PricingBasis>(basis),
           .quantity = quantity,
           .weight_grams = grams,
           .list_price = list_price,
           .price = price,
           .override_approval = std::move(override_approval),
           .discount = std::nullopt,
           .discount_approval = std::move(discount_approval),
           .voided = voided};
  if (discount != nullptr) {
    Reader d(*discount, r.where() + ".discount");
    SE_TRY(kind, d.str("kind"));
    SE_TRY(value, d.i64("value"));
    SE_TRY(reason, d.str("reason"));
    if (kind != "percent" && kind != "amount")
      return fail(Errc::corrupt, d.where() + ": unknown kind '" + kind + "'");
    l.discount =
        ManualDiscount{kind == "percent" ? ManualDiscount::Kind::percent : ManualDiscount::Kind::amount,
                       value, std::move(reason)};
  }
  return l;
}

Result<TenderRecord> read_tender(const json::value& v, std::size_t index) {
  if (!v.is_object()) return fail(Errc::corrupt, "tender " + std::to_string(index) + " is not an object");
  Reader r(v.get_object(), "tender " + std::to_string(index));
  SE_TRY(kind, r.i64("kind"));
  SE_TRY(amount, r.i64("amount"));
  SE_TRY(given, r.i64("given"));
  SE_TRY(change, r.i64("change"));
  SE_TRY(reference, r.str("reference"));
  SE_TRY(last4, r.str("last4"));
  SE_TRY(points, r.i64("points"));
  if (kind < 0 || kind > 4) return fail(Errc::corrupt, r.where() + ": unknown tender kind");
  return TenderRecord{static_cast<TenderKind>(kind), amount,           given, change,
                      std::move(reference),          std::move(last4), points};
}

Result<CartState> read_state(const std::string& s) {
  for (CartState c :
       {CartState::open, CartState::parked, CartState::tendering, CartState::paid, CartState::voided}) {
    if (to_string(c) == s) return c;
  }
  return fail(Errc::corrupt, "unknown cart state '" + s + "'");
}

}  // namespace

std::string Cart::serialize() const {
  json::array lines;
  for (const Line& l : lines_) lines.push_back(line_json(l));
  json::value customer = nullptr;
  if (customer_)
    customer = json::object{{"id", customer_->id}, {"loyalty_member", customer_->loyalty_member}};
  json::value tender = nullptr;
  if (ledger_) {
    json::array records;
    for (const TenderRecord& r : ledger_->records()) records.push_back(tender_json(r));
    tender = json::object{
        {"total", ledger_->total()}, {"rounding", ledger_->rounding()}, {"records", std::move(records)}};
  }
  json::value priced_at = nullptr;
  if (priced_at_) priced_at = *priced_at_;
  const json::object doc{{"format", kFormat},
                         {"cart_id", id_},
                         {"state", to_string(state_)},
                         {"next_line_id", next_line_id_},
                         {"customer", std::move(customer)},
                         {"lines", std::move(lines)},
                         {"priced_at", std::move(priced_at)},
                         {"tender", std::move(tender)}};
  return json::serialize(doc);
}

Result<Cart> Cart::restore(std::string_view text, CartConfig config) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec) return fail(Errc::corrupt, "parked cart is not JSON: " + ec.message());
  if (!doc.is_object()) return fail(Errc::corrupt, "parked cart is not a JSON object");
  Reader r(doc.get_object(), "parked cart");
  SE_TRY(format, r.i64("format"));
  if (format != kFormat) return fail(Errc::unsupported, "parked cart format " + std::to_string(format));
  SE_TRY(id, r.str("cart_id"));
  SE_TRY(state_name, r.str("state"));
  SE_TRY(state, read_state(state_name));
  SE_TRY(next_id, r.i64("next_line_id"));
  SE_TRY(customer, r.object_or_null("customer"));
  SE_TRY(lines, r.array("lines"));
  SE_TRY(tender, r.object_or_null("tender"));
  auto cart = create(std::move(id), std::move(config));
  if (!cart) return cart;
  cart->state_ = state;
  cart->next_line_id_ = next_id;
  if (customer != nullptr) {
    Reader c(*customer, "customer");
    SE_TRY(cid, c.str("id"));
    SE_TRY(member, c.boolean("loyalty_member"));
    cart->customer_ = CustomerRef{std::move(cid), member};
  }
  for (std::size_t i = 0; i < lines->size(); ++i) {
    SE_TRY(line, read_line((*lines)[i], i));
    if (line.id <= 0 || line.id >= next_id)
      return fail(Errc::corrupt, "line id " + std::to_string(line.id) + " out of range");
    if (auto s = validate_line(line, cart->config_.approvals); !s)
      return fail(s.error().with_context("parked cart"));
    cart->lines_.push_back(std::move(line));
  }
  if (auto s = cart->check_bounds(cart->lines_); !s) return fail(s.error().with_context("parked cart"));
  const json::value* at = doc.get_object().if_contains("priced_at");
  if (at != nullptr && at->is_int64()) cart->priced_at_ = at->get_int64();
  const bool tendered = state == CartState::tendering || state == CartState::paid;
  if (tendered != (tender != nullptr) || tendered != cart->priced_at_.has_value()) {
    return fail(Errc::corrupt, "parked cart in state " + state_name + " has inconsistent tender data");
  }
  if (tender != nullptr) {
    Reader t(*tender, "tender");
    SE_TRY(total, t.i64("total"));
    SE_TRY(rounding, t.i64("rounding"));
    SE_TRY(records_json, t.array("records"));
    std::vector<TenderRecord> records;
    for (std::size_t i = 0; i < records_json->size(); ++i) {
      SE_TRY(rec, read_tender((*records_json)[i], i));
      records.push_back(std::move(rec));
    }
    if (cart->totals(*cart->priced_at_).total != total) {
      return fail(Errc::conflict, "cart " + cart->id_ + " was priced at " + to_decimal_string(total) +
                                      " under other pricing data; it cannot be restored with these rules");
    }
    auto ledger = TenderLedger::restore(total, cart->config_.cash_rounding_step, cart->config_.currency,
                                        rounding, std::move(records));
    if (!ledger) return fail(ledger.error().with_context("parked cart"));
    cart->ledger_ = std::move(*ledger);
  }
  return cart;
}

#undef SE_TRY

}  // namespace storeedge::domain
