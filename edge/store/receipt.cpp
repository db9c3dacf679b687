#include "edge/store/receipt.hpp"

#include <boost/json.hpp>

namespace storeedge::store {
namespace json = boost::json;

namespace {

template <class T>
json::value opt(const std::optional<T>& v) {
  if (!v) return nullptr;
  return json::value(*v);
}

json::array lines_json(const Receipt& r) {
  json::array out;
  for (const ReceiptLine& l : r.lines) {
    out.push_back(json::object{{"line_no", l.line_no},
                               {"sku", l.sku},
                               {"description", l.description},
                               {"quantity", l.quantity},
                               {"weight_grams", opt(l.weight_grams)},
                               {"unit_price", l.unit_price},
                               {"gross", l.gross},
                               {"manual_discount", l.manual_discount},
                               {"promotion_saving", l.promotion_saving},
                               {"amount", l.amount},
                               {"rate_bp", l.rate_bp},
                               {"original_line_no", opt(l.original_line_no)}});
  }
  return out;
}

json::array tenders_json(const Receipt& r) {
  json::array out;
  for (const ReceiptTender& t : r.tenders) {
    out.push_back(json::object{{"kind", t.kind},
                               {"amount", t.amount},
                               {"given", t.given},
                               {"change", t.change},
                               {"reference", t.masked_reference},
                               {"points", opt(t.points)}});
  }
  return out;
}

}  // namespace

std::string mask_card(const std::string& last4) {
  return last4.empty() ? std::string() : "**** " + last4;
}

std::string Receipt::to_json() const {
  json::array promos;
  for (const ReceiptPromotion& p : promotions) {
    promos.push_back(
        json::object{{"promotion_id", p.promotion_id}, {"description", p.description}, {"saving", p.saving}});
  }
  json::array tax;
  for (const domain::TaxLine& t : taxes) {
    tax.push_back(json::object{{"rate_bp", t.rate_bp}, {"base", t.base}, {"tax", t.tax}, {"gross", t.gross}});
  }
  json::object header{
      {"store_code", store_code},           {"device_code", device_code},
      {"receipt_number", receipt_number},   {"order_id", order_id},
      {"issued_at_ms", issued_at_ms},       {"issued_at_local", issued_at_local},
      {"cashier_id", cashier_id},           {"original_receipt_number", opt(original_receipt_number)},
      {"supervisor_id", opt(supervisor_id)}};
  json::object totals{{"subtotal_gross", subtotal_gross},
                      {"line_discounts", line_discounts},
                      {"promotion_savings", promotion_savings},
                      {"total", total},
                      {"rounding", rounding},
                      {"total_due", total_due},
                      {"tendered", tendered},
                      {"change", change}};
  json::object loyalty{{"customer_id", opt(customer_id)},
                       {"points_earned", points_earned},
                       {"points_redeemed", points_redeemed},
                       {"balance", opt(loyalty_balance)}};
  json::object doc{{"kind", kind},
                   {"currency", currency},
                   {"header", std::move(header)},
                   {"lines", lines_json(*this)},
                   {"promotions", std::move(promos)},
                   {"taxes", std::move(tax)},
                   {"totals", std::move(totals)},
                   {"tenders", tenders_json(*this)},
                   {"loyalty", std::move(loyalty)},
                   {"fiscal", json::object{{"qr_url", fiscal_qr_url}, {"hash", fiscal_hash}}}};
  return json::serialize(doc);
}

}  // namespace storeedge::store
