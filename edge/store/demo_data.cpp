// The demo store's catalog (tax rates, products, prices, scan templates, promotions) and the large
// benchmark catalog. Customers, stock and orders are in demo_people.cpp.
#include "edge/store/demo_data.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "edge/domain/scan/gtin.hpp"
#include "edge/store/catalog.hpp"
#include "edge/store/demo_internal.hpp"
#include "platform/sqlite/transaction.hpp"

namespace storeedge::store {
namespace {

using demo::DemoProduct;
using demo::kDayMs;
using demo::Random;
using domain::SoldBy;

struct Category {
  std::string_view name;
  std::string_view tax_class;
  SoldBy sold_by;
  bool age_restricted;
  std::int64_t share;       // relative frequency among products
  std::string_view prefix;  // variable-measure template for weighed items: "21" weight, "22" price
  std::int64_t price_lo;    // cents, per unit or per kg
  std::int64_t price_hi;
  std::vector<std::string_view> nouns;
  std::vector<std::string_view> sizes;  // unit products; weighed ones take a quality instead
};

const std::vector<Category>& categories() {
  static const std::vector<Category> kCategories{
      {"Refrescos",
       "general",
       SoldBy::unit,
       false,
       70,
       "",
       45,
       599,
       {"Refresco de cola", "Refresco de naranja", "Refresco de limón", "Tónica", "Gaseosa",
        "Bebida isotónica", "Té frío al limón", "Cola zero"},
       {"33 cl", "1 L", "2 L", "pack 6 x 33 cl", "pack 4 x 25 cl"}},
      {"Agua",
       "reduced",
       SoldBy::unit,
       false,
       25,
       "",
       25,
       450,
       {"Agua mineral natural", "Agua con gas", "Agua de manantial"},
       {"50 cl", "1,5 L", "pack 6 x 1,5 L", "5 L"}},
      {"Zumos",
       "reduced",
       SoldBy::unit,
       false,
       35,
       "",
       79,
       399,
       {"Zumo de naranja", "Zumo de piña", "Néctar de melocotón", "Zumo multifrutas", "Zumo de manzana"},
       {"1 L", "pack 3 x 200 ml", "1,5 L"}},
      {"Leche",
       "super_reduced",
       SoldBy::unit,
       false,
       35,
       "",
       69,
       649,
       {"Leche entera", "Leche semidesnatada", "Leche desnatada", "Leche sin lactosa", "Bebida de avena"},
       {"1 L", "pack 6 x 1 L", "1,5 L"}},
      {"Yogures y postres",
       "reduced",
       SoldBy::unit,
       false,
       60,
       "",
       59,
       349,
       {"Yogur natural", "Yogur griego", "Yogur de fresa", "Natillas de vainilla", "Flan de huevo",
        "Arroz con leche", "Cuajada", "Kéfir"},
       {"pack 4 x 125 g", "pack 2 x 125 g", "pack 8 x 125 g", "500 g"}},
      {"Quesos envasados",
       "super_reduced",
       SoldBy::unit,
       false,
       35,
       "",
       129,
       899,
       {"Queso manchego curado", "Queso tierno", "Queso de cabra", "Queso rallado", "Queso en lonchas",
        "Queso fresco de Burgos"},
       {"150 g", "200 g", "250 g", "400 g"}},
      {"Panadería",
       "super_reduced",
       SoldBy::unit,
       false,
       40,
       "",
       45,
       299,
       {"Barra de pan", "Pan de molde", "Pan integral", "Chapata", "Pan de centeno", "Picos de pan"},
       {"200 g", "250 g", "450 g", "700 g"}},
      {"Bollería",
       "reduced",
       SoldBy::unit,
       false,
       35,
       "",
       99,
       449,
       {"Cruasán", "Magdalenas", "Ensaimada", "Napolitana de chocolate", "Palmeras", "Rosquillas"},
       {"pack 4", "pack 6", "pack 12", "300 g"}},
      {"Despensa",
       "reduced",
       SoldBy::unit,
       false,
       170,
       "",
       59,
       1299,
       {"Aceite de oliva virgen extra", "Arroz redondo", "Lentejas pardinas", "Garbanzos cocidos",
        "Macarrones", "Espaguetis", "Tomate frito", "Atún en aceite de oliva", "Harina de trigo",
        "Azúcar blanco", "Café molido", "Galletas María", "Cacao soluble", "Mermelada de fresa", "Sal marina",
        "Aceitunas rellenas"},
       {"250 g", "500 g", "1 kg", "1 L", "pack 3 x 80 g", "400 g"}},
      {"Congelados",
       "reduced",
       SoldBy::unit,
       false,
       60,
       "",
       149,
       999,
       {"Guisantes congelados", "Pizza margarita", "Merluza congelada", "Croquetas de jamón",
        "Helado de vainilla", "Patatas prefritas", "Gambas peladas"},
       {"400 g", "750 g", "1 kg", "pack 2"}},
      {"Droguería",
       "general",
       SoldBy::unit,
       false,
       100,
       "",
       89,
       1499,
       {"Detergente líquido", "Suavizante", "Lavavajillas", "Lejía", "Papel higiénico", "Rollo de cocina",
        "Friegasuelos", "Bolsas de basura", "Limpiacristales"},
       {"1 L", "2 L", "3 L", "pack 12", "pack 6", "30 lavados"}},
      {"Higiene",
       "general",
       SoldBy::unit,
       false,
       70,
       "",
       99,
       999,
       {"Champú", "Gel de ducha", "Pasta de dientes", "Desodorante", "Crema hidratante", "Jabón de manos"},
       {"250 ml", "400 ml", "750 ml", "75 ml", "pack 2"}},
      {"Vinos y cervezas",
       "general",
       SoldBy::unit,
       true,
       80,
       "",
       59,
       2499,
       {"Cerveza rubia", "Cerveza tostada", "Vino tinto Rioja crianza", "Vino blanco Rueda verdejo",
        "Cava brut", "Vino rosado Navarra", "Sidra natural", "Vino tinto Ribera del Duero"},
       {"33 cl", "pack 6 x 33 cl", "75 cl", "1 L"}},
      {"Licores",
       "general",
       SoldBy::unit,
       true,
       25,
       "",
       699,
       3999,
       {"Ginebra", "Ron añejo", "Whisky", "Brandy de Jerez", "Vermut rojo", "Licor de hierbas", "Orujo"},
       {"70 cl", "1 L", "50 cl"}},
      {"Tabaco",
       "general",
       SoldBy::unit,
       true,
       10,
       "",
       450,
       1290,
       {"Cigarrillos rubio", "Tabaco de liar", "Puritos"},
       {"cajetilla 20", "30 g", "caja 10"}},
      {"Fruta y verdura",
       "super_reduced",
       SoldBy::weight,
       false,
       70,
       "21",
       89,
       699,
       {"Manzana golden",
        "Manzana fuji",
        "Plátano de Canarias",
        "Naranja de zumo",
        "Mandarina",
        "Pera conferencia",
        "Tomate pera",
        "Tomate en rama",
        "Patata",
        "Cebolla",
        "Pimiento rojo",
        "Calabacín",
        "Uva blanca",
        "Melón piel de sapo",
        "Fresón",
        "Kiwi",
        "Limón",
        "Zanahoria",
        "Pepino",
        "Berenjena"},
       {"", "ecológico", "de temporada", "extra", "de Almería"}},
      {"Carnicería",
       "reduced",
       SoldBy::weight,
       false,
       25,
       "21",
       499,
       2499,
       {"Pechuga de pollo", "Filete de ternera", "Carne picada mixta", "Lomo de cerdo", "Chuletas de cordero",
        "Costillas de cerdo"},
       {"", "de granja", "ecológico"}},
      {"Charcutería al corte",
       "reduced",
       SoldBy::weight,
       false,
       30,
       "22",
       699,
       8999,
       {"Jamón serrano", "Jamón ibérico de cebo", "Chorizo ibérico", "Salchichón", "Lomo embuchado",
        "Pechuga de pavo", "Jamón cocido extra", "Mortadela"},
       {"", "reserva", "de bellota"}},
      {"Quesería al corte",
       "super_reduced",
       SoldBy::weight,
       false,
       20,
       "22",
       999,
       3499,
       {"Queso manchego", "Queso curado de oveja", "Queso Idiazábal", "Queso tetilla", "Queso de cabra",
        "Queso azul"},
       {"", "artesano", "DOP"}},
      {"Servicios",
       "exempt",
       SoldBy::unit,
       false,
       2,
       "",
       80,
       190,
       {"Sello de correos nacional", "Sello de correos internacional"},
       {""}},
  };
  return kCategories;
}

constexpr std::array<std::string_view, 12> kBrands{
    "Sierra Clara", "El Molino",  "La Huerta",    "Campo Real",     "Doña Luz",      "Marisol",
    "Costa Verde",  "Los Olivos", "Valle Dorado", "Nuestra Tienda", "Montes Azules", "Alborada"};

struct TaxRow {
  std::string_view tax_class;
  std::int32_t rate_bp;
  std::string_view name;
};
constexpr std::array<TaxRow, 4> kTaxRates{{
    {"general", 2100, "IVA general"},
    {"reduced", 1000, "IVA reducido"},
    {"super_reduced", 400, "IVA superreducido"},
    {"exempt", 0, "Exento de IVA"},
}};

const Category& pick_category(Random& rng) {
  static const std::int64_t total = [] {
    std::int64_t sum = 0;
    for (const Category& c : categories()) sum += c.share;
    return sum;
  }();
  std::int64_t roll = rng.below(total);
  for (const Category& c : categories()) {
    if (roll < c.share) return c;
    roll -= c.share;
  }
  return categories().back();
}

std::string digits(std::int64_t value, int width) {
  std::string s = std::to_string(value);
  if (static_cast<int>(s.size()) < width) s.insert(0, static_cast<std::size_t>(width) - s.size(), '0');
  return s;
}

// Shelf prices end in 5 or 9 cents.
std::int64_t shelf_price(Random& rng, std::int64_t lo, std::int64_t hi) {
  const std::int64_t raw = rng.between(lo, hi);
  return std::max<std::int64_t>(5, raw - raw % 10 + (rng.chance(600) ? 9 : 5));
}

Status require_empty_catalog(sqlite::Database& db) {
  auto any = db.query_one<std::int64_t>("SELECT 1 FROM product LIMIT 1");
  if (!any) return fail(any.error());
  if (*any)
    return fail(Errc::conflict, "the catalog already has products; load demo data into an empty replica");
  return {};
}

// Product `i`: its category, name, EAN-13 (per-brand GS1 company prefix) or variable-measure key.
Result<DemoProduct> make_product(Random& rng, std::int64_t i,
                                 std::array<std::int64_t, kBrands.size()>& brand_items, std::int64_t& plu,
                                 std::int64_t& ean8) {
  const Category& c = pick_category(rng);
  DemoProduct d;
  domain::Product& p = d.product;
  p.sku = std::to_string(100000 + i);
  p.category = std::string(c.name);
  p.tax_class = std::string(c.tax_class);
  p.sold_by = c.sold_by;
  p.age_restricted = c.age_restricted;
  const std::string_view noun =
      c.nouns[static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(c.nouns.size())))];
  const std::string_view extra =
      c.sizes[static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(c.sizes.size())))];
  if (c.sold_by == SoldBy::weight) {
    p.name = std::string(noun) + (extra.empty() ? "" : " " + std::string(extra));
    auto key = variable_measure_gtin14(std::string(c.prefix) + digits(plu++, 5));
    if (!key) return fail(key.error());
    p.gtins.push_back(*key);
  } else {
    const std::size_t brand = static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(kBrands.size())));
    p.name = std::string(noun) + " " + std::string(kBrands[brand]) +
             (extra.empty() ? "" : " " + std::string(extra));
    auto ean = domain::scan::make_ean13("84" + digits(10'101 + static_cast<std::int64_t>(brand) * 7'919, 5) +
                                        digits(brand_items[brand]++, 5));
    if (!ean) return fail(ean.error());
    p.gtins.push_back(*ean);
    if (rng.chance(40)) {  // small items also carry an EAN-8
      const std::string body = "84" + digits(ean8++, 5);
      auto check = domain::scan::gs1_check_digit(body);
      if (!check) return fail(check.error());
      p.gtins.push_back(body + *check);
    }
  }
  d.active = !rng.chance(15);
  for (const TaxRow& t : kTaxRates) {
    if (t.tax_class == c.tax_class) d.rate_bp = t.rate_bp;
  }
  d.base_price = shelf_price(rng, c.price_lo, c.price_hi);
  return d;
}

// The product's price rows: a base price, and for a few a planned change, a temporary cut, or only a
// future listing price (so "no price in force" exists in the demo).
Status write_prices(CatalogRepository& repo, Random& rng, DemoProduct& d, const DemoOptions& o) {
  const std::int64_t roll = rng.below(1000);
  const domain::Cents base = *d.base_price;
  domain::Price price{.sku = d.product.sku, .store = o.store_code, .unit_price = base};
  if (roll < 5) {
    d.base_price.reset();
    price.valid_from = o.now_ms + 3 * kDayMs;
    return repo.upsert_price(price);
  }
  if (roll < 35) {  // planned change in a week
    price.valid_to = o.now_ms + 7 * kDayMs;
    if (auto s = repo.upsert_price(price); !s) return s;
    domain::Price next{
        .sku = d.product.sku, .store = o.store_code, .unit_price = base + base * rng.between(3, 10) / 100};
    next.valid_from = price.valid_to;
    return repo.upsert_price(next);
  }
  if (auto s = repo.upsert_price(price); !s) return s;
  if (roll < 65) {  // temporary cut over the base price
    domain::Price cut{.sku = d.product.sku, .store = o.store_code, .unit_price = base - base * 15 / 100};
    cut.valid_from = o.now_ms - 2 * kDayMs;
    cut.valid_to = o.now_ms + 5 * kDayMs;
    return repo.upsert_price(cut);
  }
  return {};
}

std::vector<std::string> sample_skus(Random& rng, const std::vector<DemoProduct>& products,
                                     std::string_view category, std::size_t count) {
  std::vector<std::string> pool;
  for (const DemoProduct& d : products) {
    if (d.active && d.base_price && d.product.category == category) pool.push_back(d.product.sku);
  }
  for (std::size_t i = 0; i < pool.size() && i < count; ++i) {  // partial Fisher-Yates
    const std::size_t j = i + static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(pool.size() - i)));
    std::swap(pool[i], pool[j]);
  }
  pool.resize(std::min(pool.size(), count));
  std::sort(pool.begin(), pool.end());
  return pool;
}

Status write_promotions(CatalogRepository& repo, Random& rng, const std::vector<DemoProduct>& products,
                        std::int64_t now) {
  using namespace domain;
  auto windowed = [](Promotion p, std::optional<UnixMillis> from, std::optional<UnixMillis> to) {
    p.valid_from = from;
    p.valid_to = to;
    return p;
  };
  std::vector<Promotion> promotions{
      windowed(n_for_m("PR-3X2-YOGUR", "3x2 en yogures y postres",
                       sample_skus(rng, products, "Yogures y postres", 12), 3, 2),
               now - 7 * kDayMs, now + 21 * kDayMs),
      windowed(second_unit_percent("PR-2UD50-REFRESCOS", "2ª unidad al 50 % en refrescos",
                                   sample_skus(rng, products, "Refrescos", 15), 5000),
               now - 3 * kDayMs, now + 11 * kDayMs),
      windowed(percent_off("PR-20-DROGUERIA", "20 % en droguería",
                           sample_skus(rng, products, "Droguería", 20), 2000),
               now - kDayMs, now + 6 * kDayMs),
      mix_and_match("PR-MIX-ZUMOS", "3 zumos por 5 €", sample_skus(rng, products, "Zumos", 10), 3, 500),
      amount_off("PR-1EUR-CONGELADOS", "1 € menos en congelados", sample_skus(rng, products, "Congelados", 8),
                 100),
      basket_amount_off("PR-CESTA-50", "5 € de descuento por compras desde 50 €", 5000, 500),
      windowed(percent_off("PR-VERANO", "Verano: 10 % en agua", sample_skus(rng, products, "Agua", 6), 1000),
               now - 60 * kDayMs, now - 30 * kDayMs),
      windowed(percent_off("PR-NAVIDAD", "Navidad: 15 % en licores", sample_skus(rng, products, "Licores", 6),
                           1500),
               now + 30 * kDayMs, now + 60 * kDayMs),
  };
  Promotion members = basket_percent_off("PR-SOCIOS-5", "Socios: 5 % desde 30 €", 3000, 500);
  members.members_only = true;
  promotions.push_back(members);
  Promotion cheese = percent_off("PR-SOCIOS-QUESOS", "Socios: 10 % en quesos",
                                 sample_skus(rng, products, "Quesos envasados", 10), 1000);
  cheese.members_only = true;
  cheese.stackable = true;
  promotions.push_back(cheese);
  for (const Promotion& p : promotions) {
    if (auto s = repo.upsert_promotion(p); !s) return s;
  }
  return {};
}

Status write_catalog(sqlite::Database& db, const DemoOptions& o, Random& rng,
                     std::vector<DemoProduct>& products) {
  CatalogRepository repo(db);
  for (const TaxRow& t : kTaxRates) {
    if (auto s = repo.upsert_tax_rate({std::string(t.tax_class), t.rate_bp}, t.name); !s) return s;
  }
  using domain::scan::EmbeddedValue;
  for (const auto& t :
       {domain::scan::VariableMeasureTemplate{
            .prefix = "21", .value = EmbeddedValue::weight_grams, .check_offset = std::nullopt},
        domain::scan::VariableMeasureTemplate{.prefix = "22",
        .value = EmbeddedValue::price_cents,
        .value_offset = 8,
        .value_length = 4,
        .check_offset = 7}}) {
    if (auto s = repo.upsert_scan_template(t); !s) return s;
  }
  std::array<std::int64_t, kBrands.size()> brand_items{};
  std::int64_t plu = 10'000;
  std::int64_t ean8 = 10'000;
  products.reserve(static_cast<std::size_t>(o.products));
  for (std::int64_t i = 0; i < o.products; ++i) {
    auto d = make_product(rng, i, brand_items, plu, ean8);
    if (!d) return fail(d.error());
    if (auto s = repo.upsert_product(d->product, d->active); !s) return s;
    if (auto s = write_prices(repo, rng, *d, o); !s) return s;
    products.push_back(std::move(*d));
  }
  return write_promotions(repo, rng, products, o.now_ms);
}

}  // namespace

Status load_demo_data(sqlite::Database& db, const DemoOptions& o) {
  if (o.store_code.empty()) return fail(Errc::invalid_argument, "demo data needs a store code");
  if (o.products < 100 || o.products > 200'000) {
    return fail(Errc::invalid_argument,
                "demo products must be 100..200000, got " + std::to_string(o.products));
  }
  if (o.customers < 0 || o.customers > 1'000'000) {
    return fail(Errc::invalid_argument,
                "demo customers must be 0..1000000, got " + std::to_string(o.customers));
  }
  if (o.now_ms < 365 * kDayMs) {
    return fail(Errc::invalid_argument,
                "demo 'now' must be after 1971, got " + std::to_string(o.now_ms) + " ms");
  }
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) return fail(tx.error());
  if (auto s = require_empty_catalog(db); !s) return s;
  Random rng(o.seed);
  std::vector<DemoProduct> products;
  if (auto s = write_catalog(db, o, rng, products); !s)
    return fail(s.error().with_context("loading demo catalog"));
  if (auto s = demo::load_people_and_orders(db, o, rng, products); !s) {
    return fail(s.error().with_context("loading demo customers and orders"));
  }
  return tx->commit();
}

std::string large_catalog_ean13(std::int64_t index) {
  return *domain::scan::make_ean13("84" + digits(index, 10));
}

std::string large_catalog_sku(std::int64_t index) {
  return "L" + digits(index, 8);
}

Status load_large_catalog(sqlite::Database& db, std::int64_t products, const std::string& store_code,
                          std::uint64_t seed) {
  if (products < 0 || products >= 100'000'000) {
    return fail(Errc::invalid_argument,
                "large catalog size must be 0..99999999, got " + std::to_string(products));
  }
  if (store_code.empty()) return fail(Errc::invalid_argument, "large catalog needs a store code");
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) return fail(tx.error());
  if (auto s = require_empty_catalog(db); !s) return s;
  for (const TaxRow& t : kTaxRates) {
    if (auto s = db.exec("INSERT OR IGNORE INTO tax_rate (tax_class, rate_bp, name) VALUES ('" +
                         std::string(t.tax_class) + "', " + std::to_string(t.rate_bp) + ", '" +
                         std::string(t.name) + "')");
        !s) {
      return s;
    }
  }
  auto product = db.prepare(
      "INSERT INTO product (sku, name, category, tax_class, sold_by, age_restricted, active) "
      "VALUES (?, ?, ?, ?, 'unit', ?, 1)");
  auto gtin = db.prepare("INSERT INTO product_gtin (gtin14, sku) VALUES (?, ?)");
  auto price =
      db.prepare("INSERT INTO price (store_code, sku, valid_from_ms, unit_price_cents) VALUES (?, ?, 0, ?)");
  if (!product || !gtin || !price) {
    return fail((!product ? product.error()
                 : !gtin  ? gtin.error()
                          : price.error())
                    .with_context("large catalog"));
  }
  Random rng(seed);
  for (std::int64_t i = 0; i < products; ++i) {
    const Category* category = &pick_category(rng);
    while (category->sold_by == SoldBy::weight)
      category = &pick_category(rng);  // every product has an EAN-13
    const Category& c = *category;
    const std::string sku = large_catalog_sku(i);
    const std::string name = std::string(c.nouns[static_cast<std::size_t>(i) % c.nouns.size()]) + " " + sku;
    Status s = product->bind_all(sku, name, c.name, c.tax_class, int{c.age_restricted});
    if (s) s = product->run();
    if (s) s = gtin->bind_all("0" + large_catalog_ean13(i), sku);
    if (s) s = gtin->run();
    if (s) s = price->bind_all(store_code, sku, shelf_price(rng, c.price_lo, c.price_hi));
    if (s) s = price->run();
    if (!s) return fail(s.error().with_context("large catalog product " + std::to_string(i)));
  }
  return tx->commit();
}

}  // namespace storeedge::store
