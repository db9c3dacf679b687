// The counter's endpoints of the local API beside the cart: online orders handed over at the store
// (pickups) or shipped from it (shipments), returns with a receipt or an order id, customer lookups
// and edits, and loyalty points as a tender. Each write is one replica transaction with its audit entry and
// outbox mutation.
#include <boost/json.hpp>

#include "edge/api/checkout_api.hpp"
#include "edge/api/json_io.hpp"
#include "edge/store/customers.hpp"
#include "edge/store/loyalty.hpp"
#include "edge/store/pickups.hpp"
#include "edge/store/returns.hpp"
#include "platform/log.hpp"

namespace storeedge::api {

namespace json = boost::json;

namespace {

constexpr std::size_t kShippedListed = 50;  // GET /api/v1/shipments?status=shipped

json::value optional_json(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}

json::object pickup_json(const store::Pickup& p) {
  json::array lines;
  for (const auto& l : p.lines) {
    lines.push_back(json::object{
        {"line_no", l.line_no}, {"sku", l.sku}, {"description", l.description}, {"quantity", l.quantity}});
  }
  return json::object{{"order_id", p.order_id},
                      {"channel", p.channel},
                      {"status", p.status},
                      {"fulfilment", p.fulfilment},
                      {"customer_id", optional_json(p.customer_id)},
                      {"currency", p.currency},
                      {"total_cents", p.total_cents},
                      {"created_at_ms", p.created_at_ms},
                      {"lines", std::move(lines)}};
}

json::object customer_json(const store::Customer& c, std::int64_t balance) {
  json::array cards;
  for (const auto& card : c.cards) cards.emplace_back(card);
  return json::object{{"customer_id", c.id},
                      {"name", c.name},
                      {"email", optional_json(c.email)},
                      {"phone", optional_json(c.phone)},
                      {"marketing_consent", c.marketing_consent},
                      {"cards", std::move(cards)},
                      {"loyalty_balance", balance}};
}

http::Response json_response(int status, const json::object& body) {
  return {status, "application/json", json::serialize(body)};
}

Result<store::RefundMethod> parse_refund(const json::object& body) {
  auto refund = optional_string(body, "refund");
  if (!refund) return fail(refund.error());
  if (!*refund || **refund == "original_tender") return store::RefundMethod::original_tender;
  if (**refund == "cash") return store::RefundMethod::cash;
  if (**refund == "store_credit") return store::RefundMethod::store_credit;
  return fail(Errc::invalid_argument,
              "\"refund\" must be original_tender, cash or store_credit, got \"" + **refund + "\"");
}

Result<std::vector<store::ReturnItem>> parse_return_items(const json::object& body) {
  const json::value* items = body.if_contains("items");
  if (items == nullptr || !items->is_array() || items->as_array().empty()) {
    return fail(Errc::invalid_argument, "\"items\" must be a non-empty array of {line_no, quantity}");
  }
  std::vector<store::ReturnItem> out;
  for (const json::value& v : items->as_array()) {
    if (!v.is_object()) return fail(Errc::invalid_argument, "each of \"items\" must be {line_no, quantity}");
    auto line = required_int(v.as_object(), "line_no");
    if (!line) return fail(line.error());
    auto quantity = optional_int(v.as_object(), "quantity");
    if (!quantity) return fail(quantity.error());
    out.push_back(store::ReturnItem{*line, quantity->value_or(1)});
  }
  return out;
}

// An email or phone field: absent keeps it, null or "" removes it, a string sets it.
Result<std::optional<std::string>> contact_field(const json::object& body, const char* field) {
  const json::value* v = body.if_contains(field);
  if (v == nullptr) return std::optional<std::string>();
  if (v->is_null()) return std::optional<std::string>(std::string());
  if (!v->is_string())
    return fail(Errc::invalid_argument, std::string("\"") + field + "\" must be a string or null");
  return std::optional<std::string>(std::string(v->as_string()));
}

}  // namespace

store::SaleContext CheckoutApi::sale_context() const {
  return store::SaleContext{
      .store_code = settings_.store_code,
      .device_code = settings_.device_code,
      .channel = settings_.channel == "kiosk" ? store::Channel::kiosk : store::Channel::pos,
      .cashier_id = actor(),
      .shift_id = std::nullopt,
      .issuer_tax_id = settings_.issuer_tax_id,
      .recorder = *recorder_,
      .loyalty = {}};
}

std::string CheckoutApi::actor() const {
  return settings_.channel == "kiosk" ? "kiosk" : "till-" + settings_.device_code;
}

http::Response CheckoutApi::list_pickups(const http::Request&) {
  auto pickups = store::open_pickups(replica_.db(), settings_.store_code);
  if (!pickups) return error_response(pickups.error());
  json::array out;
  for (const auto& p : *pickups) out.push_back(pickup_json(p));
  return json_response(200, json::object{{"pickups", std::move(out)}});
}

// ?status=open (the default): still to pack or ship, oldest first. ?status=shipped: the 50 most
// recently shipped, with the carrier's tracking reference, for a customer asking where their parcel is.
http::Response CheckoutApi::list_shipments(const http::Request& req) {
  const std::string status = query_param(req.target, "status").value_or("open");
  json::array out;
  if (status == "open") {
    auto shipments = store::open_shipments(replica_.db(), settings_.store_code);
    if (!shipments) return error_response(shipments.error());
    for (const auto& p : *shipments) out.push_back(pickup_json(p));
  } else if (status == "shipped") {
    auto shipped = store::shipped_orders(replica_.db(), settings_.store_code, kShippedListed);
    if (!shipped) return error_response(shipped.error());
    for (const auto& s : *shipped) {
      json::object o = pickup_json(s.order);
      o["tracking_reference"] = s.shipment ? json::value(s.shipment->tracking_reference) : nullptr;
      o["carrier"] = s.shipment && s.shipment->carrier ? json::value(*s.shipment->carrier) : nullptr;
      o["shipped_at_ms"] = s.shipped_at_ms ? json::value(*s.shipped_at_ms) : nullptr;
      out.push_back(std::move(o));
    }
  } else {
    return error_response(Error(Errc::invalid_argument,
                                "status '" + status + "' is not open or shipped (GET /api/v1/shipments)"));
  }
  return json_response(200, json::object{{"shipments", std::move(out)}});
}

http::Response CheckoutApi::ready_pickup(const http::Request& req) {
  auto body = parse_object(req.body);
  if (!body) return error_response(body.error());
  auto id = required_string(*body, "order_id");
  if (!id) return error_response(id.error());
  auto p = store::mark_pickup_ready(replica_.db(), settings_.store_code, *id, actor(), clock_);
  if (!p) return error_response(p.error());
  return json_response(200, pickup_json(*p));
}

http::Response CheckoutApi::collect_pickup(const http::Request& req) {
  auto body = parse_object(req.body);
  if (!body) return error_response(body.error());
  auto id = required_string(*body, "order_id");
  if (!id) return error_response(id.error());
  auto p = store::collect_pickup(replica_.db(), settings_.store_code, *id, actor(), clock_);
  if (!p) return error_response(p.error());
  log::info("pickup_collected", {{"order", p->order_id}});
  return json_response(200, pickup_json(*p));
}

http::Response CheckoutApi::pack_shipment(const http::Request& req) {
  auto body = parse_object(req.body);
  if (!body) return error_response(body.error());
  auto id = required_string(*body, "order_id");
  if (!id) return error_response(id.error());
  auto p = store::mark_shipment_packed(replica_.db(), settings_.store_code, *id, actor(), clock_);
  if (!p) return error_response(p.error());
  return json_response(200, pickup_json(*p));
}

// Handed to the carrier: {"order_id", "tracking_reference", "carrier"?}.
http::Response CheckoutApi::ship_shipment(const http::Request& req) {
  auto body = parse_object(req.body);
  if (!body) return error_response(body.error());
  auto id = required_string(*body, "order_id");
  if (!id) return error_response(id.error());
  auto tracking = required_string(*body, "tracking_reference");
  if (!tracking) return error_response(tracking.error());
  auto carrier = optional_string(*body, "carrier");
  if (!carrier) return error_response(carrier.error());
  const store::Shipment shipment{*tracking, *carrier};
  auto p = store::ship_shipment(replica_.db(), settings_.store_code, *id, shipment, actor(), clock_);
  if (!p) return error_response(p.error());
  log::info("shipment_shipped", {{"order", p->order_id}});
  json::object out = pickup_json(*p);
  out["tracking_reference"] = shipment.tracking_reference;
  out["carrier"] = shipment.carrier && !shipment.carrier->empty() ? json::value(*shipment.carrier) : nullptr;
  return json_response(200, out);
}

// A return with proof of purchase: `original` is the receipt number of an in-store sale or the id
// of any order in the replica (an online order collected here has no receipt number).
http::Response CheckoutApi::return_items(const http::Request& req) {
  auto body = parse_object(req.body);
  if (!body) return error_response(body.error());
  auto original = required_string(*body, "original");
  if (!original) return error_response(original.error());
  auto items = parse_return_items(*body);
  if (!items) return error_response(items.error());
  auto refund = parse_refund(*body);
  if (!refund) return error_response(refund.error());
  auto reason = optional_string(*body, "reason");
  if (!reason) return error_response(reason.error());
  store::ReturnRequest request{*original, std::move(*items), *refund, reason->value_or("")};
  auto done = store::return_with_receipt(replica_, request, sale_context(), &terminal_, clock_);
  if (!done) return error_response(done.error().with_context("the return was not recorded"));
  log::info("return_completed", {{"order", done->order_id}, {"receipt", done->receipt_number}});
  return json_response(201, json::object{{"order_id", done->order_id},
                                         {"receipt_number", done->receipt_number},
                                         {"refunded_cents", done->refunded},
                                         {"store_credit_id", optional_json(done->store_credit_id)},
                                         {"receipt", json::parse(done->receipt.to_json())}});
}

http::Response CheckoutApi::get_customer(const http::Request& req) {
  auto id = query_param(req.target, "id");
  if (!id || id->empty())
    return error_response(Error(Errc::invalid_argument, "missing ?id= of the customer"));
  store::CustomerRepository customers(replica_.db(), clock_);
  auto c = customers.find(*id);
  if (!c) return error_response(c.error());
  if (!*c) return error_response(Error(Errc::not_found, "no customer " + *id));
  auto balance = store::loyalty_balance(replica_.db(), *id);
  if (!balance) return error_response(balance.error());
  return json_response(200, customer_json(**c, *balance));
}

http::Response CheckoutApi::update_customer(const http::Request& req) {
  auto body = parse_object(req.body);
  if (!body) return error_response(body.error());
  auto id = required_string(*body, "customer_id");
  auto name = optional_string(*body, "name");
  auto email = contact_field(*body, "email");
  auto phone = contact_field(*body, "phone");
  if (!id || !name || !email || !phone) {
    return error_response(!id ? id.error() : !name ? name.error() : !email ? email.error() : phone.error());
  }
  store::CustomerEdit edit{*id, *name, *email, *phone, std::nullopt};
  if (const json::value* consent = body->if_contains("marketing_consent")) {
    if (!consent->is_bool()) {
      return error_response(Error(Errc::invalid_argument, "\"marketing_consent\" must be true or false"));
    }
    edit.marketing_consent = consent->as_bool();
  }
  store::CustomerRepository customers(replica_.db(), clock_);
  auto saved = customers.update(edit, actor());
  if (!saved) return error_response(saved.error());
  auto balance = store::loyalty_balance(replica_.db(), *id);
  if (!balance) return error_response(balance.error());
  return json_response(200, customer_json(*saved, *balance));
}

// Points of the attached member, within what this till may redeem (the offline allowance the hub
// granted; store/loyalty.hpp). Checked here so a refused redemption never reaches the cart.
http::Response CheckoutApi::tender_points(domain::Cart& cart, const json::object& body) {
  auto points = required_int(body, "points");
  if (!points) return error_response(points.error());
  if (!cart.customer()) {
    return error_response(Error(Errc::conflict, "attach the loyalty member before paying with points"));
  }
  const std::string customer = cart.customer()->id;
  const auto now = unix_millis(clock_.now());
  auto allowed = store::offline_redeemable(replica_.db(), customer, now);
  if (!allowed) return error_response(allowed.error());
  if (*points > allowed->redeemable) {
    return error_response(Error(
        Errc::conflict,
        "customer " + customer + " may redeem " + std::to_string(allowed->redeemable) +
            " points on this till (balance " + std::to_string(allowed->balance) + ", offline allowance " +
            std::to_string(allowed->allowance) + ", redeemed here and not yet at the hub " +
            std::to_string(allowed->redeemed_not_at_hub) + "), not " + std::to_string(*points)));
  }
  domain::Cart attempt = cart;
  if (attempt.state() == domain::CartState::open) {
    if (auto s = attempt.begin_tendering(now); !s) return error_response(s.error());
  }
  auto outcome =
      attempt.pay_loyalty_points({customer, *points, allowed->balance, sale_context().loyalty.rate});
  if (!outcome) return error_response(outcome.error());
  cart = std::move(attempt);
  return cart_response(cart);
}

}  // namespace storeedge::api
