// The demo store's customers, loyalty balances, stock baseline and online orders.
#include <algorithm>
#include <array>

#include "edge/domain/cart.hpp"
#include "edge/domain/scan/gtin.hpp"
#include "edge/store/catalog.hpp"
#include "edge/store/demo_internal.hpp"

namespace storeedge::store::demo {
namespace {

constexpr std::array<std::string_view, 40> kFirstNames{
    "María",  "Carmen",   "Ana",    "Laura",   "Isabel",   "Lucía", "Marta",     "Elena",
    "Paula",  "Cristina", "Pilar",  "Sara",    "Raquel",   "Rocío", "Nuria",     "Sofía",
    "Inés",   "Alba",     "Irene",  "Beatriz", "Antonio",  "José",  "Manuel",    "Francisco",
    "David",  "Juan",     "Javier", "Daniel",  "Carlos",   "Jesús", "Alejandro", "Miguel",
    "Rafael", "Pablo",    "Sergio", "Álvaro",  "Fernando", "Jorge", "Íñigo",     "Adrián"};

constexpr std::array<std::string_view, 40> kSurnames{
    "García",  "Rodríguez", "González", "Fernández", "López",     "Martínez", "Sánchez",   "Pérez",
    "Gómez",   "Martín",    "Jiménez",  "Ruiz",      "Hernández", "Díaz",     "Moreno",    "Muñoz",
    "Álvarez", "Romero",    "Alonso",   "Gutiérrez", "Navarro",   "Torres",   "Domínguez", "Vázquez",
    "Ramos",   "Gil",       "Ramírez",  "Serrano",   "Blanco",    "Molina",   "Morales",   "Suárez",
    "Ortega",  "Delgado",   "Castro",   "Ortiz",     "Rubio",     "Marín",    "Sanz",      "Iglesias"};

constexpr std::array<std::string_view, 3> kMailDomains{"example.com", "example.net", "example.org"};

template <std::size_t N>
std::string_view pick(Random& rng, const std::array<std::string_view, N>& items) {
  return items[static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(N)))];
}

struct Customer {
  std::string id;
};

Status run(sqlite::Database& db, std::string_view sql, const auto&... args) {
  auto stmt = db.cached(sql);
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(args...); !s) return s;
  return (*stmt)->run();
}

// One customer: profile, loyalty card, and for most an opening balance with an offline allowance.
Result<Customer> write_customer(sqlite::Database& db, const DemoOptions& o, Random& rng, std::int64_t index) {
  Customer c{rng.uuid()};
  const std::string_view first = pick(rng, kFirstNames);
  const std::string_view last1 = pick(rng, kSurnames);
  const std::string_view last2 = pick(rng, kSurnames);
  const std::string name = std::string(first) + " " + std::string(last1) + " " + std::string(last2);
  std::optional<std::string> email;
  if (rng.chance(850)) {
    email = ascii_slug(first) + "." + ascii_slug(last1) + std::to_string(index) + "@" +
            std::string(pick(rng, kMailDomains));
  }
  std::optional<std::string> phone;
  if (rng.chance(750)) phone = "+346" + std::to_string(10'000'000 + rng.below(90'000'000));
  const int consent = rng.chance(450) ? 1 : 0;
  if (auto s = run(db,
                   "INSERT INTO customer (customer_id, name, email, phone, marketing_consent, updated_at_ms) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   c.id, name, email, phone, consent, o.now_ms - rng.below(365 * kDayMs));
      !s) {
    return fail(s.error());
  }
  // Card numbers are EAN-13 with prefix 299: restricted circulation without a scan template, so the
  // till tells a card from a product.
  auto card = domain::scan::make_ean13("299" + std::to_string(100'000'000 + index));
  if (!card) return fail(card.error());
  if (auto s = run(db, "INSERT INTO loyalty_card (card_id, customer_id) VALUES (?, ?)", *card, c.id); !s) {
    return fail(s.error());
  }
  if (!rng.chance(900)) return c;
  const std::int64_t points = rng.between(50, 5000);
  if (auto s = run(
          db,
          "INSERT INTO loyalty_entry (entry_id, customer_id, points, kind, order_id, node_id, created_at_ms) "
          "VALUES (?, ?, ?, 'hub', NULL, 'hub', ?)",
          rng.uuid(), c.id, points, o.now_ms - kDayMs);
      !s) {
    return fail(s.error());
  }
  if (auto s = run(
          db,
          "INSERT INTO loyalty_allowance (customer_id, offline_limit_points, granted_at_ms) VALUES (?, ?, ?)",
          c.id, std::min<std::int64_t>(points / 2, 1500), o.now_ms - kDayMs);
      !s) {
    return fail(s.error());
  }
  return c;
}

// Gift cards the hub lets this store accept: 16-digit numbers "6280 0000 0000 NNNN", each issued
// (and some topped up) at the hub, with an offline limit for this node; the last one is blocked.
Status write_gift_cards(sqlite::Database& db, const DemoOptions& o, Random& rng) {
  constexpr int kCards = 50;
  for (int i = 1; i <= kCards; ++i) {
    const std::string number = std::to_string(6'280'000'000'000'000LL + i);
    const std::int64_t issued = 500 * rng.between(2, 20);  // 10.00 to 100.00
    const char* status = i == kCards ? "blocked" : "active";
    if (auto s = run(db,
                     "INSERT INTO gift_card (card_id, currency, status, offline_limit_cents, granted_at_ms) "
                     "VALUES (?, 'EUR', ?, ?, ?)",
                     number, status, std::int64_t{5000}, o.now_ms - kDayMs);
        !s) {
      return s;
    }
    const auto entry = [&](std::int64_t amount, std::string_view kind, std::int64_t at) {
      return run(db,
                 "INSERT INTO gift_card_entry (entry_id, card_id, amount_cents, kind, order_id, node_id, "
                 "created_at_ms) VALUES (?, ?, ?, ?, NULL, 'hub', ?)",
                 rng.uuid(), number, amount, kind, at);
    };
    if (auto s = entry(issued, "issue", o.now_ms - 30 * kDayMs); !s) return s;
    if (i % 5 == 0) {
      if (auto s = entry(2500, "load", o.now_ms - 2 * kDayMs); !s) return s;
    }
  }
  return {};
}

Status write_stock(sqlite::Database& db, const DemoOptions& o, Random& rng,
                   const std::vector<DemoProduct>& products) {
  for (const DemoProduct& d : products) {
    if (!d.active) continue;
    const std::int64_t delta =
        d.product.sold_by == domain::SoldBy::weight ? rng.between(5'000, 50'000) : rng.between(6, 200);
    if (auto s = run(db,
                     "INSERT INTO stock_move (store_code, sku, delta, reason, order_id, created_at_ms) "
                     "VALUES (?, ?, ?, 'hub', NULL, ?)",
                     o.store_code, d.product.sku, delta, o.now_ms - 3'600'000);
        !s) {
      return s;
    }
  }
  return {};
}

// A web order priced by the domain's cart (no promotions online), so its totals follow the till's
// rounding rules exactly.
Status write_order(sqlite::Database& db, const DemoOptions& o, Random& rng,
                   const std::vector<const DemoProduct*>& pool, const std::vector<domain::TaxRate>& rates,
                   const Customer& customer, std::string_view status, std::int64_t created_at) {
  const std::string order_id = rng.uuid();
  auto cart = domain::Cart::create(
      order_id, domain::CartConfig{.store = o.store_code, .tax_rates = rates, .approvals = {}});
  if (!cart) return fail(cart.error());
  const std::int64_t lines = rng.between(1, 6);
  for (std::int64_t i = 0; i < lines; ++i) {
    const DemoProduct& d = *pool[static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(pool.size())))];
    domain::LineRequest request{
        .product = d.product,
        .price = {.sku = d.product.sku, .store = o.store_code, .unit_price = *d.base_price},
        .quantity = rng.between(1, 3)};
    if (auto id = cart->add_line(request, created_at); !id) return fail(id.error());
  }
  const domain::Totals totals = cart->totals(created_at);
  domain::Cents tax = 0;
  for (const domain::TaxLine& t : totals.taxes) tax += t.tax;
  if (auto s =
          run(db,
              "INSERT INTO sales_order (order_id, kind, channel, status, store_code, customer_id, currency, "
              "total_cents, tax_cents, created_at_ms) VALUES (?, 'sale', 'web', ?, ?, ?, 'EUR', ?, ?, ?)",
              order_id, status, o.store_code, customer.id, totals.total, tax, created_at);
      !s) {
    return s;
  }
  for (std::size_t i = 0; i < totals.lines.size(); ++i) {
    const domain::Line& line = cart->lines()[i];
    const domain::LinePricing& priced = totals.lines[i];
    if (auto s = run(db,
                     "INSERT INTO order_line (order_id, line_no, sku, description, quantity, weight_grams, "
                     "unit_price_cents, gross_cents, discount_cents, net_cents, tax_class, rate_bp) "
                     "VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)",
                     order_id, static_cast<std::int64_t>(i + 1), line.sku, line.name, line.quantity,
                     line.price, priced.gross, priced.manual_discount + priced.promotion_saving, priced.net,
                     line.tax_class, priced.rate_bp);
        !s) {
      return s;
    }
  }
  return {};
}

Status write_orders(sqlite::Database& db, const DemoOptions& o, Random& rng,
                    const std::vector<DemoProduct>& products, const std::vector<Customer>& customers) {
  if (customers.empty()) return {};
  std::vector<const DemoProduct*> pool;
  for (const DemoProduct& d : products) {
    if (d.active && d.base_price && d.product.sold_by == domain::SoldBy::unit) pool.push_back(&d);
  }
  auto rates = CatalogRepository(db).tax_rates();
  if (!rates) return fail(rates.error());
  auto customer = [&]() -> const Customer& {
    return customers[static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(customers.size())))];
  };
  for (int i = 0; i < 6; ++i) {  // ready for pickup in this store
    const Customer& c = customer();
    if (auto s =
            write_order(db, o, rng, pool, *rates, c, "ready_for_pickup", o.now_ms - rng.below(2 * kDayMs));
        !s) {
      return s;
    }
  }
  const std::int64_t history = std::max<std::int64_t>(1, static_cast<std::int64_t>(customers.size()) * 2 / 5);
  for (std::int64_t i = 0; i < history; ++i) {  // customers' past online orders
    const Customer& c = customer();
    if (auto s =
            write_order(db, o, rng, pool, *rates, c, "completed", o.now_ms - rng.between(1, 180) * kDayMs);
        !s) {
      return s;
    }
  }
  return {};
}

}  // namespace

std::string Random::uuid() {
  const std::uint64_t hi = (next() & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  const std::uint64_t lo = (next() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
    const std::uint64_t word = i < 16 ? hi : lo;
    out += kHex[(word >> (60 - 4 * (i % 16))) & 0xF];
  }
  return out;
}

std::string ascii_slug(std::string_view utf8) {
  static constexpr std::array<std::pair<std::string_view, char>, 14> kFolds{{
      {"á", 'a'},
      {"é", 'e'},
      {"í", 'i'},
      {"ó", 'o'},
      {"ú", 'u'},
      {"ü", 'u'},
      {"ñ", 'n'},
      {"Á", 'a'},
      {"É", 'e'},
      {"Í", 'i'},
      {"Ó", 'o'},
      {"Ú", 'u'},
      {"Ü", 'u'},
      {"Ñ", 'n'},
  }};
  std::string out;
  for (std::size_t i = 0; i < utf8.size();) {
    const char c = utf8[i];
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out += c;
    } else if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      bool folded = false;
      for (const auto& [from, to] : kFolds) {
        if (utf8.substr(i).starts_with(from)) {
          out += to;
          i += from.size();
          folded = true;
          break;
        }
      }
      if (folded) continue;
    }
    ++i;
  }
  return out;
}

Status load_people_and_orders(sqlite::Database& db, const DemoOptions& o, Random& rng,
                              const std::vector<DemoProduct>& products) {
  std::vector<Customer> customers;
  customers.reserve(static_cast<std::size_t>(o.customers));
  for (std::int64_t i = 0; i < o.customers; ++i) {
    auto c = write_customer(db, o, rng, i);
    if (!c) return fail(c.error());
    customers.push_back(std::move(*c));
  }
  if (auto s = write_stock(db, o, rng, products); !s) return s;
  if (auto s = write_orders(db, o, rng, products, customers); !s) return s;
  return write_gift_cards(db, o, rng);
}

}  // namespace storeedge::store::demo
