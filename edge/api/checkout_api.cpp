#include "edge/api/checkout_api.hpp"

#include <boost/json.hpp>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include "edge/api/json_io.hpp"
#include "edge/domain/fiscal/verifactu_recorder.hpp"
#include "edge/store/catalog.hpp"
#include "edge/store/customers.hpp"
#include "edge/store/gift_cards.hpp"
#include "edge/store/sales.hpp"
#include "platform/log.hpp"

namespace storeedge::api {

namespace json = boost::json;
using domain::Cart;

namespace {

json::object line_json(const domain::Line& line, const domain::Totals& totals) {
  json::object o{{"line_id", line.id},        {"sku", line.sku},           {"name", line.name},
                 {"quantity", line.quantity}, {"price_cents", line.price}, {"voided", line.voided}};
  if (line.weight_grams > 0) o["weight_grams"] = line.weight_grams;
  for (const auto& p : totals.lines) {
    if (p.line_id != line.id) continue;
    o["gross_cents"] = p.gross;
    o["discount_cents"] = p.manual_discount;
    o["promotion_saving_cents"] = p.promotion_saving;
    o["net_cents"] = p.net;
    o["rate_bp"] = p.rate_bp;
  }
  return o;
}

json::object totals_json(const domain::Totals& t) {
  json::array taxes;
  for (const auto& tax : t.taxes) {
    taxes.push_back(json::object{{"rate_bp", tax.rate_bp},
                                 {"base_cents", tax.base},
                                 {"tax_cents", tax.tax},
                                 {"gross_cents", tax.gross}});
  }
  return json::object{{"currency", t.currency},
                      {"subtotal_cents", t.subtotal_gross},
                      {"line_discounts_cents", t.line_discounts},
                      {"promotion_savings_cents", t.promotion_savings},
                      {"total_cents", t.total},
                      {"rounding_cents", t.rounding},
                      {"total_due_cents", t.total_due},
                      {"paid_cents", t.paid},
                      {"remaining_cents", t.remaining},
                      {"change_cents", t.change},
                      {"taxes", std::move(taxes)}};
}

}  // namespace

CheckoutApi::CheckoutApi(store::Replica& replica, const Clock& clock, CheckoutSettings settings)
    : replica_(replica),
      clock_(clock),
      settings_(std::move(settings)),
      recorder_(
          std::make_unique<domain::fiscal::VerifactuRecorder>(domain::fiscal::AeatEnvironment::production)) {}

CheckoutApi::~CheckoutApi() = default;

void CheckoutApi::register_routes(http::Server& server) {
  const auto bind = [this](http::Response (CheckoutApi::*fn)(const http::Request&)) {
    return [this, fn](const http::Request& req) { return (this->*fn)(req); };
  };
  server.route("POST", "/api/v1/carts", bind(&CheckoutApi::create_cart));
  server.route("GET", "/api/v1/cart", bind(&CheckoutApi::get_cart));
  server.route("POST", "/api/v1/cart/scan", bind(&CheckoutApi::scan));
  server.route("POST", "/api/v1/cart/items", bind(&CheckoutApi::add_item));
  server.route("POST", "/api/v1/cart/customer", bind(&CheckoutApi::attach_customer));
  server.route("POST", "/api/v1/cart/void-line", bind(&CheckoutApi::void_line));
  server.route("POST", "/api/v1/cart/tender", bind(&CheckoutApi::tender));
  server.route("POST", "/api/v1/cart/complete", bind(&CheckoutApi::complete));
  server.route("GET", "/api/v1/order", bind(&CheckoutApi::get_order));
  server.route("GET", "/api/v1/products", bind(&CheckoutApi::search_products));
  server.route("GET", "/api/v1/pickups", bind(&CheckoutApi::list_pickups));
  server.route("GET", "/api/v1/shipments", bind(&CheckoutApi::list_shipments));
  server.route("POST", "/api/v1/pickups/ready", bind(&CheckoutApi::ready_pickup));
  server.route("POST", "/api/v1/pickups/collect", bind(&CheckoutApi::collect_pickup));
  server.route("POST", "/api/v1/shipments/pack", bind(&CheckoutApi::pack_shipment));
  server.route("POST", "/api/v1/shipments/ship", bind(&CheckoutApi::ship_shipment));
  server.route("POST", "/api/v1/returns", bind(&CheckoutApi::return_items));
  server.route("GET", "/api/v1/customer", bind(&CheckoutApi::get_customer));
  server.route("POST", "/api/v1/customers/update", bind(&CheckoutApi::update_customer));
}

Result<domain::CartConfig> CheckoutApi::cart_config() {
  store::CatalogRepository catalog(replica_.db());
  domain::CartConfig config;
  config.store = settings_.store_code;
  auto rates = catalog.tax_rates();
  if (!rates) return fail(rates.error());
  if (rates->empty())
    return fail(Errc::not_found, "the replica has no tax rates yet: load the catalog first");
  config.tax_rates = std::move(*rates);
  auto promotions = catalog.promotions_at(unix_millis(clock_.now()));
  if (!promotions) return fail(promotions.error());
  config.promotions = std::move(*promotions);
  return config;
}

Result<Cart*> CheckoutApi::find_cart(const std::string& id) {
  auto it = carts_.find(id);
  if (it == carts_.end()) return fail(Errc::not_found, "no open cart " + id);
  return &it->second;
}

http::Response CheckoutApi::cart_response(const Cart& cart, int status) const {
  const auto totals = cart.totals(unix_millis(clock_.now()));
  json::array lines;
  for (const auto& line : cart.lines()) lines.push_back(line_json(line, totals));
  json::array promotions;
  for (const auto& p : totals.promotions) {
    promotions.push_back(json::object{
        {"promotion_id", p.promotion_id}, {"description", p.description}, {"saving_cents", p.saving}});
  }
  json::object body{
      {"cart_id", cart.id()},
      {"state", std::string(domain::to_string(cart.state()))},
      {"customer_id", cart.customer() ? json::value(cart.customer()->id) : json::value(nullptr)},
      {"lines", std::move(lines)},
      {"promotions", std::move(promotions)},
      {"totals", totals_json(totals)}};
  return {status, "application/json", json::serialize(body)};
}

http::Response CheckoutApi::create_cart(const http::Request&) {
  if (carts_.size() >= settings_.max_open_carts) {
    return error_response(Error(Errc::conflict, "too many open carts on this till (" +
                                                    std::to_string(carts_.size()) +
                                                    "); complete or void one first"));
  }
  auto config = cart_config();
  if (!config) return error_response(config.error());
  auto cart = Cart::create(boost::uuids::to_string(boost::uuids::random_generator()()), std::move(*config));
  if (!cart) return error_response(cart.error());
  const std::string id = cart->id();
  auto [it, _] = carts_.emplace(id, std::move(*cart));
  return cart_response(it->second, 201);
}

http::Response CheckoutApi::get_cart(const http::Request& req) {
  auto id = query_param(req.target, "id");
  if (!id) return error_response(Error(Errc::invalid_argument, "missing ?id= of the cart"));
  auto cart = find_cart(*id);
  if (!cart) return error_response(cart.error());
  return cart_response(**cart);
}

// Resolving then adding is all-or-nothing: a bad code or a refused line leaves the cart unchanged.
http::Response CheckoutApi::scan(const http::Request& req) {
  auto body = parse_object(req.body);
  if (!body) return error_response(body.error());
  auto id = required_string(*body, "cart_id");
  auto code = required_string(*body, "code");
  auto grams = optional_int(*body, "scale_grams");
  if (!id || !code || !grams) return error_response(!id ? id.error() : !code ? code.error() : grams.error());
  auto cart = find_cart(*id);
  if (!cart) return error_response(cart.error());
  store::CatalogRepository catalog(replica_.db());
  auto templates = catalog.scan_templates();
  if (!templates) return error_response(templates.error());
  domain::scan::DecodeOptions options;
  options.variable_measure_templates = std::move(*templates);
  const auto now = unix_millis(clock_.now());
  auto line = catalog.resolve_scan(*code, settings_.store_code, now, options, *grams);
  if (!line) return error_response(line.error());
  if (auto added = (*cart)->add_line(*line, now); !added) return error_response(added.error());
  return cart_response(**cart);
}

http::Response CheckoutApi::add_item(const http::Request& req) {
  auto body = parse_object(req.body);
  if (!body) return error_response(body.error());
  auto id = required_string(*body, "cart_id");
  auto sku = required_string(*body, "sku");
  auto amount = required_int(*body, "amount");
  if (!id || !sku || !amount) return error_response(!id ? id.error() : !sku ? sku.error() : amount.error());
  auto cart = find_cart(*id);
  if (!cart) return error_response(cart.error());
  store::CatalogRepository catalog(replica_.db());
  const auto now = unix_millis(clock_.now());
  auto line = catalog.resolve_sku(*sku, *amount, settings_.store_code, now);
  if (!line) return error_response(line.error());
  if (auto added = (*cart)->add_line(*line, now); !added) return error_response(added.error());
  return cart_response(**cart);
}

http::Response CheckoutApi::attach_customer(const http::Request& req) {
  auto body = parse_object(req.body);
  if (!body) return error_response(body.error());
  auto id = required_string(*body, "cart_id");
  auto card = required_string(*body, "card");
  if (!id || !card) return error_response(!id ? id.error() : card.error());
  auto cart = find_cart(*id);
  if (!cart) return error_response(cart.error());
  store::CustomerRepository customers(replica_.db(), clock_);
  auto customer = customers.find_by_card(*card);
  if (!customer) return error_response(customer.error());
  if (!*customer) return error_response(Error(Errc::not_found, "no customer with loyalty card " + *card));
  if (auto s = (*cart)->attach_customer({(*customer)->id, true}); !s) return error_response(s.error());
  return cart_response(**cart);
}

http::Response CheckoutApi::void_line(const http::Request& req) {
  auto body = parse_object(req.body);
  if (!body) return error_response(body.error());
  auto id = required_string(*body, "cart_id");
  auto line = required_int(*body, "line_id");
  if (!id || !line) return error_response(!id ? id.error() : line.error());
  auto cart = find_cart(*id);
  if (!cart) return error_response(cart.error());
  if (*line <= 0) return error_response(Error(Errc::invalid_argument, "\"line_id\" must be positive"));
  if (auto s = (*cart)->void_line(static_cast<domain::LineId>(*line)); !s) return error_response(s.error());
  return cart_response(**cart);
}

// Cash, card, gift card or loyalty points. The first tender freezes the cart's totals
// (begin_tendering). A gift card pays at most what this till may spend from it offline
// (store/gift_cards.hpp); the sale's commit checks that again inside its transaction.
http::Response CheckoutApi::tender(const http::Request& req) {
  auto body = parse_object(req.body);
  if (!body) return error_response(body.error());
  auto id = required_string(*body, "cart_id");
  auto kind = required_string(*body, "kind");
  if (!id || !kind) return error_response(!id ? id.error() : kind.error());
  auto cart = find_cart(*id);
  if (!cart) return error_response(cart.error());
  Cart& c = **cart;
  if (*kind == "points") return tender_points(c, *body);
  if (*kind != "cash" && *kind != "card" && *kind != "gift_card") {
    return error_response(Error(Errc::invalid_argument,
                                "\"kind\" must be cash, card, gift_card or points, got \"" + *kind + "\""));
  }
  auto amount = required_int(*body, "amount_cents");
  if (!amount) return error_response(amount.error());
  const std::int64_t now_ms = unix_millis(clock_.now());
  std::optional<domain::GiftCardTender> gift;
  if (*kind == "gift_card") {
    auto card = required_string(*body, "card_id");
    if (!card) return error_response(card.error());
    auto funds = store::gift_card_funds(replica_.db(), *card, now_ms);
    if (!funds) return error_response(funds.error());
    gift = domain::GiftCardTender{*card, funds->spendable, *amount};
  }
  Cart attempt = c;  // a refused tender must not leave the cart half-way into tendering
  if (attempt.state() == domain::CartState::open) {
    if (auto s = attempt.begin_tendering(now_ms); !s) return error_response(s.error());
  }
  auto outcome = *kind == "cash"   ? attempt.pay_cash(*amount)
                 : *kind == "card" ? attempt.pay_card(terminal_, *amount)
                                   : attempt.pay_gift_card(*gift);
  if (!outcome) return error_response(outcome.error());
  if (!outcome->accepted) {
    return http::error_response(402, "declined", "card declined: " + outcome->decline_reason);
  }
  c = std::move(attempt);
  return cart_response(c);
}

// The sale is committed before the answer: a 201 means the order is in the replica for good.
http::Response CheckoutApi::complete(const http::Request& req) {
  auto body = parse_object(req.body);
  if (!body) return error_response(body.error());
  auto id = required_string(*body, "cart_id");
  if (!id) return error_response(id.error());
  auto cart = find_cart(*id);
  if (!cart) return error_response(cart.error());
  auto sale = store::complete_sale(replica_, **cart, sale_context(), clock_);
  if (!sale) {
    log::error("sale_not_recorded", {{"cart", *id}, {"reason", sale.error().what()}});
    return error_response(sale.error().with_context("the sale was not recorded"));
  }
  carts_.erase(*id);
  log::info("sale_completed", {{"order", sale->order_id}, {"receipt", sale->receipt_number}});
  json::object out{{"order_id", sale->order_id},
                   {"receipt_number", sale->receipt_number},
                   {"receipt", json::parse(sale->receipt.to_json())}};
  return {201, "application/json", json::serialize(out)};
}

http::Response CheckoutApi::get_order(const http::Request& req) {
  auto id = query_param(req.target, "id");
  if (!id) return error_response(Error(Errc::invalid_argument, "missing ?id= (order id or receipt number)"));
  auto receipt = replica_.db().query_one<std::string>(
      "SELECT receipt FROM sales_order WHERE order_id = ?1 OR receipt_number = ?1", *id);
  if (!receipt) return error_response(receipt.error());
  if (!*receipt) return error_response(Error(Errc::not_found, "no order " + *id));
  return {200, "application/json", **receipt};
}

// The cashier's SKU search: ?q= matches a SKU prefix or a name substring, at most 20 products,
// each with the price in force now.
http::Response CheckoutApi::search_products(const http::Request& req) {
  auto q = query_param(req.target, "q");
  if (!q || q->empty())
    return error_response(Error(Errc::invalid_argument, "missing ?q= (SKU or part of a name)"));
  store::CatalogRepository catalog(replica_.db());
  auto found = catalog.search(*q, 20);
  if (!found) return error_response(found.error());
  const auto now = unix_millis(clock_.now());
  json::array products;
  for (const auto& p : *found) {
    auto price = catalog.price_at(settings_.store_code, p.sku, now);
    if (!price) return error_response(price.error());
    json::object o{{"sku", p.sku},
                   {"name", p.name},
                   {"category", p.category},
                   {"sold_by", p.sold_by == domain::SoldBy::weight ? "weight" : "unit"}};
    o["unit_price_cents"] = *price ? json::value((*price)->unit_price) : json::value(nullptr);
    products.push_back(std::move(o));
  }
  return {200, "application/json", json::serialize(json::object{{"products", std::move(products)}})};
}

}  // namespace storeedge::api
