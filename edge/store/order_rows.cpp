#include "edge/store/order_rows.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include <boost/json.hpp>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

namespace storeedge::store {
namespace json = boost::json;

std::string new_uuid() {
  // One generator per thread: seeding reads the OS entropy source, which is too slow per sale.
  thread_local boost::uuids::random_generator generator;
  return boost::uuids::to_string(generator());
}

std::string new_uuid_v7(std::int64_t unix_ms) {
  thread_local boost::uuids::random_generator generator;
  thread_local std::int64_t last_ms = -1;
  thread_local std::uint32_t sequence = 0;
  boost::uuids::uuid id = generator();  // random bits for everything not set below
  if (unix_ms == last_ms && sequence < 0xFFF) {
    ++sequence;
  } else {
    sequence = static_cast<std::uint32_t>(id.data[6] & 0x03) << 8 | id.data[7];  // leaves room to count
  }
  last_ms = unix_ms;
  const auto ms = static_cast<std::uint64_t>(std::max<std::int64_t>(0, unix_ms));
  for (int i = 0; i < 6; ++i) id.data[i] = static_cast<std::uint8_t>(ms >> (40 - 8 * i));
  id.data[6] = static_cast<std::uint8_t>(0x70 | (sequence >> 8));
  id.data[7] = static_cast<std::uint8_t>(sequence & 0xFF);
  id.data[8] = static_cast<std::uint8_t>(0x80 | (id.data[8] & 0x3F));
  return boost::uuids::to_string(id);
}

Result<std::string> take_receipt_number(sqlite::Database& db, std::string_view store_code,
                                        std::string_view device_code) {
  for (const std::string_view code : {store_code, device_code}) {
    if (code.empty() || code.find('-') != std::string_view::npos) {
      return fail(
          Errc::invalid_argument,
          "store and device codes must be non-empty and contain no '-': got '" + std::string(code) + "'");
    }
  }
  const std::string series = std::string(store_code) + "-" + std::string(device_code);
  auto current =
      db.query_one<std::int64_t>("SELECT next_number FROM receipt_series WHERE series = ?", series);
  if (!current) return fail(current.error().with_context("reading receipt series " + series));
  const std::int64_t number = current->value_or(1);
  if (number > 99'999'999) return fail(Errc::conflict, "receipt series " + series + " is exhausted");
  auto upsert = db.cached(
      "INSERT INTO receipt_series (series, next_number) VALUES (?, ?) "
      "ON CONFLICT (series) DO UPDATE SET next_number = excluded.next_number");
  if (!upsert) return fail(upsert.error());
  if (auto s = (*upsert)->bind_all(series, number + 1); !s) return fail(s.error());
  if (auto s = (*upsert)->run(); !s)
    return fail(s.error().with_context("advancing receipt series " + series));
  char digits[32];
  std::snprintf(digits, sizeof digits, "%08lld", static_cast<long long>(number));
  return series + "-" + digits;
}

Result<bool> continue_receipt_series_after(sqlite::Database& db, std::string_view receipt_number) {
  const std::size_t dash = receipt_number.rfind('-');
  if (dash == std::string_view::npos || dash == 0) return false;
  const std::string series(receipt_number.substr(0, dash));
  const std::string_view digits = receipt_number.substr(dash + 1);
  std::int64_t number = 0;
  if (digits.empty() || digits.size() > 8 ||
      std::from_chars(digits.data(), digits.data() + digits.size(), number).ptr !=
          digits.data() + digits.size()) {
    return false;
  }
  auto up = db.cached(
      "INSERT INTO receipt_series (series, next_number) VALUES (?1, ?2) ON CONFLICT (series) DO UPDATE "
      "SET next_number = excluded.next_number WHERE next_number < excluded.next_number");
  if (!up) return fail(up.error());
  if (auto s = (*up)->bind_all(series, number + 1); !s) return fail(s.error());
  if (auto s = (*up)->run(); !s) return fail(s.error().with_context("continuing receipt series " + series));
  return db.changes() > 0;
}

std::vector<StockDelta> merge_stock(const std::vector<StockDelta>& deltas) {
  std::vector<StockDelta> out;
  for (const StockDelta& d : deltas) {
    auto it = std::find_if(out.begin(), out.end(), [&](const StockDelta& o) { return o.sku == d.sku; });
    if (it == out.end()) {
      out.push_back(d);
    } else {
      it->delta += d.delta;
    }
  }
  std::erase_if(out, [](const StockDelta& d) { return d.delta == 0; });
  return out;
}

namespace {

Status run(sqlite::Database& db, std::string_view sql, std::string_view what, const auto&... args) {
  auto stmt = db.cached(sql);
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(args...); !s) return fail(s.error().with_context(what));
  if (auto s = (*stmt)->run(); !s) return fail(s.error().with_context(what));
  return {};
}

std::optional<std::string> non_empty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

Status write_children(sqlite::Database& db, const OrderRecord& o) {
  for (const OrderLineRow& l : o.lines) {
    if (auto s = run(db,
                     "INSERT INTO order_line (order_id, line_no, sku, description, quantity, weight_grams, "
                     "unit_price_cents, gross_cents, discount_cents, net_cents, tax_class, rate_bp, "
                     "original_line_no) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     "writing line " + std::to_string(l.line_no), o.order_id, l.line_no, l.sku, l.description,
                     l.quantity, l.weight_grams, l.unit_price, l.gross, l.discount, l.net, l.tax_class,
                     std::int64_t{l.rate_bp}, l.original_line_no);
        !s) {
      return s;
    }
  }
  for (const OrderTenderRow& t : o.tenders) {
    if (auto s =
            run(db,
                "INSERT INTO order_tender (order_id, seq, kind, amount_cents, reference, given_cents, "
                "change_cents, last4, points) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                "writing tender " + std::to_string(t.seq) + " (" + t.kind + ")", o.order_id, t.seq, t.kind,
                t.amount, non_empty(t.reference), t.given, t.change, non_empty(t.last4), t.points);
        !s) {
      return s;
    }
  }
  return {};
}

Status write_effects(sqlite::Database& db, const OrderRecord& o) {
  const std::string reason = o.kind == "return" ? "return" : "sale";  // exchange: its new items
  for (const StockDelta& d : merge_stock(o.stock)) {
    if (auto s = run(db,
                     "INSERT INTO stock_move (store_code, sku, delta, reason, order_id, created_at_ms) "
                     "VALUES (?, ?, ?, ?, ?, ?)",
                     "writing stock move of " + d.sku, o.store_code, d.sku, d.delta, reason, o.order_id,
                     o.created_at_ms);
        !s) {
      return s;
    }
  }
  for (const LoyaltyRow& e : o.loyalty) {
    if (auto s = run(db,
                     "INSERT INTO loyalty_entry (entry_id, customer_id, points, kind, order_id, node_id, "
                     "created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     "writing loyalty " + e.kind + " of " + std::to_string(e.points) +
                         " points for customer " + e.customer_id,
                     e.entry_id, e.customer_id, e.points, e.kind, o.order_id, o.node_id, o.created_at_ms);
        !s) {
      return s;
    }
  }
  for (const StoreCreditRow& c : o.credits) {
    if (auto s =
            run(db,
                "INSERT INTO store_credit (credit_id, customer_id, amount_cents, order_id, created_at_ms) "
                "VALUES (?, ?, ?, ?, ?)",
                "writing store credit " + c.credit_id, c.credit_id, c.customer_id, c.amount, o.order_id,
                o.created_at_ms);
        !s) {
      return s;
    }
  }
  for (const GiftCardRow& g : o.gift_cards) {
    if (auto s = run(db,
                     "INSERT INTO gift_card_entry (entry_id, card_id, amount_cents, kind, order_id, node_id, "
                     "created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     "writing gift card " + g.kind + " of card " + g.card_id, g.entry_id, g.card_id, g.amount,
                     g.kind, o.order_id, o.node_id, o.created_at_ms);
        !s) {
      return s;
    }
  }
  return {};
}

}  // namespace

Status write_order(sqlite::Database& db, const OrderRecord& o) {
  if (auto s =
          run(db,
              "INSERT INTO sales_order (order_id, kind, channel, status, store_code, device_code, node_id, "
              "receipt_number, shift_id, customer_id, original_order_id, currency, total_cents, tax_cents, "
              "created_at_ms, receipt) VALUES (?, ?, ?, 'completed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              "writing order " + o.order_id, o.order_id, o.kind, o.channel, o.store_code, o.device_code,
              o.node_id, o.receipt_number, o.shift_id, o.customer_id, o.original_order_id, o.currency,
              o.total, o.tax, o.created_at_ms, o.receipt_json);
      !s) {
    return s;
  }
  if (auto s = write_children(db, o); !s) return s;
  return write_effects(db, o);
}

namespace {

json::value opt(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return json::value(*s);
}

json::array lines_json(const OrderRecord& o) {
  json::array lines;
  for (const OrderLineRow& l : o.lines) {
    json::object line{{"line_no", l.line_no},         {"sku", l.sku},
                      {"description", l.description}, {"quantity", l.quantity},
                      {"unit_price", l.unit_price},   {"gross", l.gross},
                      {"discount", l.discount},       {"net", l.net},
                      {"tax_class", l.tax_class},     {"rate_bp", l.rate_bp}};
    line["weight_grams"] = l.weight_grams ? json::value(*l.weight_grams) : json::value(nullptr);
    line["original_line_no"] = l.original_line_no ? json::value(*l.original_line_no) : json::value(nullptr);
    lines.push_back(std::move(line));
  }
  return lines;
}

json::array tenders_json(const OrderRecord& o) {
  json::array tenders;
  for (const OrderTenderRow& t : o.tenders) {
    json::object tender{{"seq", t.seq},     {"kind", t.kind},     {"amount", t.amount},
                        {"given", t.given}, {"change", t.change}, {"reference", t.reference}};
    if (!t.last4.empty()) tender["last4"] = t.last4;
    if (t.points) tender["points"] = *t.points;
    tenders.push_back(std::move(tender));
  }
  return tenders;
}

}  // namespace

std::string order_payload(const OrderRecord& o) {
  json::array stock;
  for (const StockDelta& d : merge_stock(o.stock))
    stock.push_back(json::object{{"sku", d.sku}, {"delta", d.delta}});
  json::array loyalty;
  for (const LoyaltyRow& e : o.loyalty) {
    loyalty.push_back(json::object{
        {"entry_id", e.entry_id}, {"customer_id", e.customer_id}, {"points", e.points}, {"kind", e.kind}});
  }
  json::array credits;
  for (const StoreCreditRow& c : o.credits) {
    credits.push_back(
        json::object{{"credit_id", c.credit_id}, {"customer_id", opt(c.customer_id)}, {"amount", c.amount}});
  }
  json::array gift_cards;
  for (const GiftCardRow& g : o.gift_cards) {
    gift_cards.push_back(json::object{
        {"entry_id", g.entry_id}, {"card_id", g.card_id}, {"amount", g.amount}, {"kind", g.kind}});
  }
  json::object doc{{"order_id", o.order_id},
                   {"kind", o.kind},
                   {"channel", o.channel},
                   {"store_code", o.store_code},
                   {"device_code", o.device_code},
                   {"node_id", o.node_id},
                   {"receipt_number", o.receipt_number},
                   {"shift_id", opt(o.shift_id)},
                   {"customer_id", opt(o.customer_id)},
                   {"original_order_id", opt(o.original_order_id)},
                   {"currency", o.currency},
                   {"total", o.total},
                   {"tax", o.tax},
                   {"created_at_ms", o.created_at_ms},
                   {"lines", lines_json(o)},
                   {"tenders", tenders_json(o)},
                   {"stock", std::move(stock)},
                   {"loyalty", std::move(loyalty)},
                   {"store_credit", std::move(credits)}};
  if (!gift_cards.empty()) doc["gift_cards"] = std::move(gift_cards);
  return json::serialize(doc);
}

}  // namespace storeedge::store
