// Scan-to-line: from the bytes a scanner sent (or a SKU the cashier keyed in) to a priced
// domain::LineRequest, with errors worded for the cashier's screen.
#include "edge/domain/line.hpp"
#include "edge/domain/scan/gtin.hpp"
#include "edge/store/catalog.hpp"

namespace storeedge::store {
namespace {

std::string label(const domain::Product& p) {
  return "'" + p.name + "' (SKU " + p.sku + ")";
}

// Weight and embedded price from the code (or the scale) on top of a priced request.
Status apply_measure(domain::LineRequest& line, const domain::scan::ScanResult& scan,
                     std::optional<std::int64_t> scale_grams) {
  const domain::Product& p = line.product;
  const bool weighed = p.sold_by == domain::SoldBy::weight;
  if (scan.price_cents) {
    if (*scan.price_cents <= 0) {
      return fail(Errc::invalid_argument, "the barcode of " + label(p) + " carries a price of 0");
    }
    line.embedded_price = *scan.price_cents;
    if (weighed) line.weight_grams = scan.weight_grams.value_or(0);
    return {};
  }
  if (!weighed) {
    if (scan.weight_grams) {
      return fail(Errc::invalid_argument,
                  "the barcode carries a weight but " + label(p) + " is sold by the unit");
    }
    return {};
  }
  const std::optional<std::int64_t> grams = scan.weight_grams ? scan.weight_grams : scale_grams;
  if (!grams) {
    return fail(Errc::invalid_argument,
                label(p) + " is sold by weight: put it on the scale or scan its weight label");
  }
  if (*grams <= 0 || *grams > domain::kMaxGramsPerLine) {
    return fail(Errc::invalid_argument, "weight of " + label(p) + " must be 1 to " +
                                            std::to_string(domain::kMaxGramsPerLine) + " g, got " +
                                            std::to_string(*grams) + " g");
  }
  line.weight_grams = *grams;
  return {};
}

}  // namespace

Result<domain::LineRequest> CatalogRepository::priced_line(Row row, std::string_view store_code,
                                                           domain::UnixMillis now_ms) {
  if (!row.active) {
    return fail(Errc::conflict, label(row.product) + " is no longer sold");
  }
  auto price = price_at(store_code, row.product.sku, now_ms);
  if (!price) return fail(price.error());
  if (!*price) {
    return fail(Errc::not_found,
                "no price in force for " + label(row.product) + " in store " + std::string(store_code));
  }
  return domain::LineRequest{.product = std::move(row.product), .price = std::move(**price)};
}

Result<domain::LineRequest> CatalogRepository::resolve_scan(std::string_view raw, std::string_view store_code,
                                                            domain::UnixMillis now_ms,
                                                            const domain::scan::DecodeOptions& options,
                                                            std::optional<std::int64_t> scale_grams) {
  auto scan = domain::scan::decode(raw, options);
  if (!scan) return fail(scan.error().with_context("invalid barcode"));

  std::string gtin14;
  std::string shown;
  if (scan->kind == domain::scan::ScanKind::variable_measure) {
    auto key = variable_measure_gtin14(scan->lookup_key);
    if (!key) return fail(key.error().with_context("invalid barcode"));
    gtin14 = std::move(*key);
    shown = "variable-measure item " + scan->lookup_key;
  } else {
    gtin14 = scan->gtin14.value_or(scan->lookup_key);
    shown = "barcode " + domain::scan::canonical_gtin(gtin14);
  }
  auto row = row_by_gtin14(gtin14);
  if (!row) return fail(row.error());
  if (!*row) return fail(Errc::not_found, "no product with " + shown);

  auto line = priced_line(std::move(**row), store_code, now_ms);
  if (!line) return fail(line.error());
  if (auto s = apply_measure(*line, *scan, scale_grams); !s) return fail(s.error());
  return line;
}

Result<domain::LineRequest> CatalogRepository::resolve_sku(std::string_view sku, std::int64_t amount,
                                                           std::string_view store_code,
                                                           domain::UnixMillis now_ms) {
  auto row = row_by_sku(sku);
  if (!row) return fail(row.error());
  if (!*row) return fail(Errc::not_found, "no product with SKU '" + std::string(sku) + "'");
  auto line = priced_line(std::move(**row), store_code, now_ms);
  if (!line) return fail(line.error());

  const bool weighed = line->product.sold_by == domain::SoldBy::weight;
  const std::int64_t max = weighed ? domain::kMaxGramsPerLine : domain::kMaxUnitsPerLine;
  if (amount <= 0 || amount > max) {
    return fail(Errc::invalid_argument, (weighed ? "weight" : "quantity") + std::string(" of ") +
                                            label(line->product) + " must be 1 to " + std::to_string(max) +
                                            (weighed ? " g" : "") + ", got " + std::to_string(amount));
  }
  if (weighed) {
    line->weight_grams = amount;
  } else {
    line->quantity = amount;
  }
  return line;
}

}  // namespace storeedge::store
