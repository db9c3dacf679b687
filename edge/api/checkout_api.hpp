#pragma once
// The local checkout API of storeedged (loopback HTTP, JSON), used by the POS and kiosk pages and by
// integration tests. Carts live in memory on the daemon's io thread until they are completed (then
// the sale is committed to the replica before the 201 answer) or parked (then they are stored).
// Every endpoint and error is listed in docs/api.md.
//
// Thread-safety: none; all calls run on the io_context thread that drives the http::Server.
#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "edge/domain/cart.hpp"
#include "edge/domain/fiscal/fiscal_recorder.hpp"
#include "edge/domain/tender.hpp"
#include "edge/store/replica.hpp"
#include "edge/store/sales.hpp"
#include "platform/clock.hpp"
#include "platform/http/server.hpp"

namespace storeedge::api {

struct CheckoutSettings {
  std::string store_code;
  std::string device_code;
  std::string channel = "pos";  // pos | kiosk
  std::string issuer_tax_id;    // the store's NIF, printed on every fiscal record
  std::size_t max_open_carts = 64;
};

class CheckoutApi {
 public:
  CheckoutApi(store::Replica& replica, const Clock& clock, CheckoutSettings settings);
  ~CheckoutApi();

  void register_routes(http::Server& server);

  // Exposed for /health.
  std::size_t open_carts() const { return carts_.size(); }

 private:
  http::Response create_cart(const http::Request& req);
  http::Response get_cart(const http::Request& req);
  http::Response scan(const http::Request& req);
  http::Response add_item(const http::Request& req);
  http::Response attach_customer(const http::Request& req);
  http::Response void_line(const http::Request& req);
  http::Response tender(const http::Request& req);
  http::Response complete(const http::Request& req);
  http::Response get_order(const http::Request& req);
  http::Response search_products(const http::Request& req);
  // counter_api.cpp: pickups, returns, customers at the counter.
  http::Response list_pickups(const http::Request& req);
  http::Response list_shipments(const http::Request& req);
  http::Response ready_pickup(const http::Request& req);
  http::Response collect_pickup(const http::Request& req);
  http::Response pack_shipment(const http::Request& req);
  http::Response ship_shipment(const http::Request& req);
  http::Response return_items(const http::Request& req);
  http::Response get_customer(const http::Request& req);
  http::Response update_customer(const http::Request& req);
  http::Response tender_points(domain::Cart& cart, const boost::json::object& body);

  store::SaleContext sale_context() const;
  std::string actor() const;

  Result<domain::Cart*> find_cart(const std::string& id);
  Result<domain::CartConfig> cart_config();
  http::Response cart_response(const domain::Cart& cart, int status = 200) const;

  store::Replica& replica_;
  const Clock& clock_;
  CheckoutSettings settings_;
  std::unique_ptr<domain::fiscal::FiscalRecorder> recorder_;
  domain::SimulatedPaymentTerminal terminal_;
  std::map<std::string, domain::Cart> carts_;
};

}  // namespace storeedge::api
