// Orders: web shop placements, status transitions of hub-held online orders, and the store_orders stream.
#include <boost/json.hpp>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include "platform/sqlite/transaction.hpp"
#include "sync/hub/json_read.hpp"
#include "sync/hub/sqlite/sql_util.hpp"
#include "sync/hub/sqlite/sqlite_storage.hpp"

namespace storeedge::sync::hub {
namespace json = boost::json;
namespace {

constexpr std::string_view kOrderColumns =
    "SELECT order_id, channel, fulfilment, store_code, status, needs_review, review_reason, total_cents, "
    "updated_at_ms, COALESCE(json_extract(base, '$.kind'), 'sale'), tracking_reference, carrier FROM "
    "hub_order ";

OrderView order_view(const sqlite::Statement& r) {
  return OrderView{r.get<std::string>(0),
                   r.get<std::string>(1),
                   r.get<std::string>(2),
                   r.get<std::string>(3),
                   r.get<std::string>(4),
                   r.get<bool>(5),
                   r.get<std::string>(6),
                   r.get<std::int64_t>(7),
                   r.get<std::int64_t>(8),
                   r.get<std::string>(9),
                   r.get<std::optional<std::string>>(10),
                   r.get<std::optional<std::string>>(11)};
}

json::object request_json(const OnlineOrder& o, const std::string& order_id) {
  json::array lines;
  for (const auto& l : o.lines) {
    lines.push_back(
        json::object{{"sku", l.sku}, {"quantity", l.quantity}, {"unit_price", l.unit_price_cents}});
  }
  return json::object{{"order_id", order_id},
                      {"fulfilment", o.fulfilment == Fulfilment::pickup ? "pickup" : "ship_from_store"},
                      {"store_code", o.store_code},
                      {"customer_id", jsonr::opt(o.customer_id)},
                      {"currency", o.currency},
                      {"total", o.total_cents},
                      {"tax", o.tax_cents},
                      {"lines", std::move(lines)}};
}

Status validate_online_order(const OnlineOrder& o, const std::string& what) {
  if (o.store_code.empty()) return fail(Errc::invalid_argument, what + ": no store");
  if (o.currency.size() != 3)
    return fail(Errc::invalid_argument, what + ": currency '" + o.currency + "' is not ISO 4217");
  if (o.lines.empty()) return fail(Errc::invalid_argument, what + ": has no lines");
  if (o.tax_cents < 0 || o.tax_cents > o.total_cents) {
    return fail(Errc::invalid_argument,
                what + ": tax " + std::to_string(o.tax_cents) + " is not within the total");
  }
  for (const auto& l : o.lines) {
    if (l.quantity <= 0)
      return fail(Errc::invalid_argument, what + ": quantity of " + l.sku + " must be positive");
    if (l.unit_price_cents < 0)
      return fail(Errc::invalid_argument, what + ": unit price of " + l.sku + " is negative");
  }
  return {};
}

}  // namespace

// The order lines as the store replica stores them, priced from the request and described from the
// catalog; the sum is checked against the order's total.
static Result<json::array> priced_lines(sqlite::Database& db, const OnlineOrder& o, const std::string& what) {
  json::array lines;
  std::int64_t sum = 0;
  std::int64_t line_no = 0;
  for (const auto& l : o.lines) {
    std::optional<json::object> line;
    auto s = sql::each(
        db,
        "SELECT p.name, p.tax_class, t.rate_bp FROM product p JOIN tax_rate t ON t.tax_class = p.tax_class "
        "WHERE p.sku = ? AND p.active = 1",
        "pricing " + l.sku,
        [&](const sqlite::Statement& r) -> Status {
          std::int64_t gross = 0;
          if (__builtin_mul_overflow(l.quantity, l.unit_price_cents, &gross) ||
              __builtin_add_overflow(sum, gross, &sum)) {
            return fail(Errc::invalid_argument, what + ": line amounts overflow");
          }
          line = json::object{{"line_no", ++line_no},
                              {"sku", l.sku},
                              {"description", r.get<std::string>(0)},
                              {"quantity", l.quantity},
                              {"unit_price", l.unit_price_cents},
                              {"gross", gross},
                              {"discount", 0},
                              {"net", gross},
                              {"tax_class", r.get<std::string>(1)},
                              {"rate_bp", r.get<std::int64_t>(2)}};
          return {};
        },
        l.sku);
    if (!s) return fail(s.error());
    if (!line) return fail(Errc::invalid_argument, what + ": SKU " + l.sku + " is not an active product");
    lines.push_back(std::move(*line));
  }
  if (sum != o.total_cents) {
    return fail(Errc::invalid_argument, what + ": total " + std::to_string(o.total_cents) +
                                            " is not the sum of its lines " + std::to_string(sum));
  }
  return lines;
}

Result<OrderView> SqliteStorage::place_online_order(const OnlineOrder& o) {
  const std::string order_id =
      o.order_id.empty() ? boost::uuids::to_string(boost::uuids::random_generator()()) : o.order_id;
  const std::string what = "online order " + order_id;
  if (auto s = validate_online_order(o, what); !s) return fail(s.error());
  const std::string request = json::serialize(request_json(o, order_id));
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  auto existing =
      db_.query_one<std::string>("SELECT COALESCE(request, '') FROM hub_order WHERE order_id = ?", order_id);
  if (!existing) return fail(existing.error());
  if (*existing) {
    if (**existing == request) return read_order(order_id);
    return fail(Errc::already_exists, what + " already exists with other content");
  }
  auto store = db_.query_one<std::int64_t>("SELECT 1 FROM store WHERE store_code = ?", o.store_code);
  if (!store) return fail(store.error());
  if (!*store) return fail(Errc::not_found, what + ": no store '" + o.store_code + "'");
  if (o.customer_id) {
    auto c = db_.query_one<std::int64_t>("SELECT 1 FROM customer WHERE customer_id = ?", *o.customer_id);
    if (!c) return fail(c.error());
    if (!*c) return fail(Errc::not_found, what + ": no customer '" + *o.customer_id + "'");
  }
  auto lines = priced_lines(db_, o, what);
  if (!lines) return fail(lines.error());
  const std::int64_t now = now_ms();
  const std::string fulfilment = o.fulfilment == Fulfilment::pickup ? "pickup" : "ship_from_store";
  const std::string base = json::serialize(json::object{{"order_id", order_id},
                                                        {"kind", "sale"},
                                                        {"channel", "web"},
                                                        {"store_code", o.store_code},
                                                        {"customer_id", jsonr::opt(o.customer_id)},
                                                        {"currency", o.currency},
                                                        {"total", o.total_cents},
                                                        {"tax", o.tax_cents},
                                                        {"created_at_ms", now},
                                                        {"lines", std::move(*lines)}});
  if (auto s = sql::run(
          db_,
          "INSERT INTO hub_order (order_id, channel, fulfilment, store_code, customer_id, status, "
          "total_cents, base, request, created_at_ms, updated_at_ms) "
          "VALUES (?, 'web', ?, ?, ?, 'pending', ?, ?, ?, ?, ?)",
          what, order_id, fulfilment, o.store_code, o.customer_id, o.total_cents, base, request, now, now);
      !s) {
    return fail(s.error());
  }
  if (o.customer_id) {
    if (auto s = add_customer_ref(*o.customer_id, CustomerRefKind::order, now, order_id); !s)
      return fail(s.error());
    if (auto s = relate_customer_to_store(*o.customer_id, o.store_code); !s) return fail(s.error());
  }
  if (auto s = publish_order(order_id); !s) return fail(s.error());
  if (auto s = tx->commit(); !s) return fail(s.error().with_context(what));
  return read_order(order_id);
}

Result<OrderView> SqliteStorage::read_order(std::string_view order_id) {
  std::optional<OrderView> out;
  auto s = sql::each(
      db_, std::string(kOrderColumns) + "WHERE order_id = ?", "reading order",
      [&](const sqlite::Statement& r) -> Status {
        out = order_view(r);
        return {};
      },
      order_id);
  if (!s) return fail(s.error());
  if (!out) return fail(Errc::not_found, "no order " + std::string(order_id));
  return *out;
}

Result<OrderView> SqliteStorage::order_status(std::string_view order_id) {
  return read_order(order_id);
}

Result<std::string> order_document(std::string_view base, std::string_view status,
                                   std::string_view fulfilment, bool needs_review,
                                   std::string_view review_reason, std::int64_t updated_at_ms,
                                   const std::optional<std::string>& tracking_reference,
                                   const std::optional<std::string>& carrier) {
  auto doc = jsonr::parse_object(base, "stored order");
  if (!doc) return fail(Error(Errc::corrupt, doc.error().message()));
  doc->emplace("type", "order");
  // The store replica keeps the pickup words for a ship-from-store order's progress (every till in the
  // field reads them; docs/schema.md, "Online order status"): packed is sent as ready_for_pickup,
  // shipped as collected, and the hub's own word as channel_status.
  if (fulfilment == "ship_from_store") {
    (*doc)["status"] = status == "packed" ? "ready_for_pickup" : status == "shipped" ? "collected" : status;
    (*doc)["channel_status"] = status;
  } else {
    (*doc)["status"] = status;
  }
  (*doc)["fulfilment"] = fulfilment;
  (*doc)["needs_review"] = needs_review;
  (*doc)["review_reason"] = review_reason;
  (*doc)["updated_at_ms"] = updated_at_ms;
  if (tracking_reference) {
    (*doc)["tracking_reference"] = *tracking_reference;
    (*doc)["carrier"] = carrier ? json::value(*carrier) : json::value(nullptr);
  }
  return json::serialize(*doc);
}

// Moves the order to the head of the store_orders stream of its store; pull sends its current
// document from the row.
Status SqliteStorage::publish_order(std::string_view order_id) {
  auto seq = next_seq("store_orders");
  if (!seq) return fail(seq.error());
  if (auto s = sql::run(db_, "UPDATE hub_order SET stream_seq = ? WHERE order_id = ?",
                        "publishing order " + std::string(order_id), *seq, order_id);
      !s) {
    return s;
  }
  if (db_.changes() == 0) return fail(Errc::not_found, "no order " + std::string(order_id));
  return {};
}

Status SqliteStorage::change_order_status(std::string_view order_id, std::string_view to, StatusActor by,
                                          const std::optional<Shipment>& shipment) {
  auto order = read_order(order_id);
  if (!order) return fail(order.error());
  if (order->fulfilment == "in_store") {
    return fail(Errc::conflict, "order " + std::string(order_id) + " is an in-store " + order->status +
                                    " order; only online orders change status");
  }
  auto verdict = check_transition(order_id, order->fulfilment, order->status, to, by);
  if (!verdict) return fail(verdict.error());
  if (!verdict->changed) return {};
  // The shipment is recorded with the move to shipped (which happens once); a repeated report changes
  // nothing.
  std::optional<std::string> tracking, carrier;
  if (verdict->status == "shipped" && shipment) {
    tracking = shipment->tracking_reference;
    carrier = shipment->carrier;
  }
  if (auto s = sql::run(
          db_,
          "UPDATE hub_order SET status = ?, needs_review = MAX(needs_review, ?), review_reason = "
          "CASE WHEN ? = '' THEN review_reason ELSE ? END, updated_at_ms = ?, "
          "tracking_reference = COALESCE(?, tracking_reference), carrier = COALESCE(?, carrier) "
          "WHERE order_id = ?",
          "changing status of order " + std::string(order_id), verdict->status, verdict->needs_review ? 1 : 0,
          verdict->review_reason, verdict->review_reason, now_ms(), tracking, carrier, order_id);
      !s) {
    return s;
  }
  return publish_order(order_id);
}

Result<OrderView> SqliteStorage::set_online_order_status(std::string_view order_id, std::string_view status) {
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  if (auto s = change_order_status(order_id, status, StatusActor::channel); !s) return fail(s.error());
  if (auto s = tx->commit(); !s) return fail(s.error());
  return read_order(order_id);
}

Result<std::vector<OrderView>> SqliteStorage::customer_orders(std::string_view customer_id,
                                                              std::size_t limit) {
  std::vector<OrderView> out;
  // The newest `limit` references first, then their rows (customer_refs.cpp).
  auto s = sql::each(
      db_,
      std::string(kOrderColumns) + "JOIN (" + customer_refs_sql(CustomerRefKind::order) +
          " ORDER BY at_ms DESC, ref LIMIT ?2) r ON hub_order.order_id = r.ref "
          "ORDER BY hub_order.created_at_ms DESC, hub_order.order_id",
      "listing orders of customer " + std::string(customer_id),
      [&](const sqlite::Statement& r) -> Status {
        out.push_back(order_view(r));
        return {};
      },
      customer_id, static_cast<std::int64_t>(limit));
  if (!s) return fail(s.error());
  return out;
}

Result<std::vector<OrderView>> SqliteStorage::orders_for_review() {
  std::vector<OrderView> out;
  auto s =
      sql::each(db_, std::string(kOrderColumns) + "WHERE needs_review = 1 ORDER BY updated_at_ms, order_id",
                "listing orders for review", [&](const sqlite::Statement& r) -> Status {
                  out.push_back(order_view(r));
                  return {};
                });
  if (!s) return fail(s.error());
  return out;
}

Result<ReviewResolution> SqliteStorage::resolve_review(const ReviewRequest& request) {
  const bool order = request.subject == ReviewSubject::order;
  const std::string what = std::string(order ? "order " : "gift card ") + request.id;
  if (request.id.empty()) return fail(Errc::invalid_argument, "review: no id");
  if (request.note.empty() || request.note.size() > 500)
    return fail(Errc::invalid_argument, what + ": the note must have 1 to 500 characters");
  auto tx = sqlite::Transaction::begin(db_);
  if (!tx) return fail(tx.error());
  const std::string table = order ? "hub_order" : "gift_card";
  const std::string key = order ? "order_id" : "card_id";
  std::optional<std::pair<bool, std::string>> flag;
  auto s = sql::each(
      db_, "SELECT needs_review, review_reason FROM " + table + " WHERE " + key + " = ?", "reading " + what,
      [&](const sqlite::Statement& r) -> Status {
        flag.emplace(r.get<bool>(0), r.get<std::string>(1));
        return {};
      },
      request.id);
  if (!s) return fail(s.error());
  if (!flag) return fail(Errc::not_found, "no " + what);
  if (!flag->first) return fail(Errc::conflict, what + " is not flagged for review");
  ReviewResolution out{request.subject, request.id, flag->second, request.note, now_ms()};
  if (auto u =
          sql::run(db_, "UPDATE " + table + " SET needs_review = 0, review_reason = '' WHERE " + key + " = ?",
                   "clearing the review of " + what, request.id);
      !u) {
    return fail(u.error());
  }
  if (auto i = sql::run(db_,
                        "INSERT INTO review_resolution (subject, subject_id, reason, note, resolved_at_ms) "
                        "VALUES (?, ?, ?, ?, ?)",
                        "recording the resolution of " + what, order ? "order" : "gift_card", out.id,
                        out.reason, out.note, out.resolved_at_ms);
      !i) {
    return fail(i.error());
  }
  if (order) {
    if (auto p = publish_order(request.id); !p) return fail(p.error());
  }
  if (auto c = tx->commit(); !c) return fail(c.error().with_context("resolving the review of " + what));
  return out;
}

Result<std::vector<ReviewResolution>> SqliteStorage::resolved_reviews(std::size_t limit) {
  std::vector<ReviewResolution> out;
  auto s = sql::each(
      db_,
      "SELECT subject, subject_id, reason, note, resolved_at_ms FROM review_resolution "
      "ORDER BY resolution_id DESC LIMIT ?",
      "listing resolved reviews",
      [&](const sqlite::Statement& r) -> Status {
        out.push_back({r.get<std::string>(0) == "order" ? ReviewSubject::order : ReviewSubject::gift_card,
                       r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3),
                       r.get<std::int64_t>(4)});
        return {};
      },
      static_cast<std::int64_t>(limit));
  if (!s) return fail(s.error());
  return out;
}

}  // namespace storeedge::sync::hub
