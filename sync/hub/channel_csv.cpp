#include "sync/hub/channel_csv.hpp"

#include <csv.h>

#include <charconv>
#include <map>
#include <optional>

namespace storeedge::sync::hub::channels {
namespace {

#define CSV_TRY(var, expr)                    \
  auto var##_r = (expr);                      \
  if (!var##_r) return fail(var##_r.error()); \
  auto var = std::move(*var##_r)

struct Collector {
  std::vector<CsvRecord> records;
  CsvRecord current;
  std::size_t line = 1;        // the line being fed to the parser
  std::size_t start_line = 1;  // where the record being read started
  bool between_records = true;
  bool in_record = false;
};

void on_field(void* data, std::size_t len, void* user) {
  auto& c = *static_cast<Collector*>(user);
  if (!c.in_record) {
    c.current.line = c.start_line;
    c.in_record = true;
  }
  c.current.fields.emplace_back(static_cast<const char*>(data), len);
}

void on_record(int, void* user) {
  auto& c = *static_cast<Collector*>(user);
  c.records.push_back(std::move(c.current));
  c.current = CsvRecord{};
  c.in_record = false;
  c.between_records = true;
}

// RFC 4180: spaces are part of a field.
int no_space(unsigned char) {
  return 0;
}

std::string parse_error(csv_parser& parser) {
  const int code = csv_error(&parser);
  if (code == CSV_EPARSE) {
    return "malformed quoting (a quote inside an unquoted field, text after a closing quote, or a quote "
           "never closed)";
  }
  return csv_strerror(code);
}

// A file whose columns are known: the header maps names to positions, and each cell is read with
// an error that names its line and column.
class Table {
 public:
  static Result<Table> read(std::string_view text, std::string_view what,
                            const std::vector<std::string_view>& required,
                            const std::vector<std::string_view>& optional) {
    auto read = read_csv(text);
    if (!read) return fail(Errc::invalid_argument, std::string(what) + " " + read.error().message());
    auto records = std::move(*read);
    if (records.empty()) return fail(Errc::invalid_argument, std::string(what) + " CSV: no header row");
    Table t;
    t.what_ = std::string(what);
    const auto& header = records.front().fields;
    for (std::size_t i = 0; i < header.size(); ++i) {
      const std::string& name = header[i];
      bool known = false;
      for (auto k : required) known = known || k == name;
      for (auto k : optional) known = known || k == name;
      if (!known) {
        return fail(Errc::invalid_argument, t.what_ + " CSV: line 1: unknown column '" + name + "' (column " +
                                                std::to_string(i + 1) + ")");
      }
      if (!t.columns_.emplace(name, i).second)
        return fail(Errc::invalid_argument, t.what_ + " CSV: line 1: column '" + name + "' appears twice");
    }
    for (auto k : required) {
      if (!t.columns_.contains(std::string(k)))
        return fail(Errc::invalid_argument,
                    t.what_ + " CSV: line 1: missing column '" + std::string(k) + "'");
    }
    t.width_ = header.size();
    records.erase(records.begin());
    t.rows_ = std::move(records);
    return t;
  }

  std::size_t size() const { return rows_.size(); }

  // Checks the shape of row `r` and makes it the current one.
  Status row(std::size_t r) {
    row_ = &rows_[r];
    if (row_->fields.size() != width_) {
      return fail(Errc::invalid_argument, where() + std::to_string(row_->fields.size()) +
                                              " fields, the header has " + std::to_string(width_));
    }
    return {};
  }

  // The cell of `column` in the current row; empty when the file has no such column.
  std::string cell(std::string_view column) const {
    auto it = columns_.find(std::string(column));
    return it == columns_.end() ? std::string() : row_->fields[it->second];
  }

  Result<std::string> text(std::string_view column) const {
    std::string v = cell(column);
    if (v.empty()) return bad(column, "is empty");
    return v;
  }

  Result<std::optional<std::int64_t>> opt_integer(std::string_view column) const {
    const std::string v = cell(column);
    if (v.empty()) return std::optional<std::int64_t>();
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || end != v.data() + v.size()) return bad(column, "'" + v + "' is not an integer");
    return std::optional<std::int64_t>(n);
  }

  Result<std::int64_t> integer(std::string_view column) const {
    CSV_TRY(n, opt_integer(column));
    if (!n) return bad(column, "is empty");
    return *n;
  }

  Result<bool> boolean(std::string_view column, bool fallback) const {
    const std::string v = cell(column);
    if (v.empty()) return fallback;
    if (v == "true" || v == "1") return true;
    if (v == "false" || v == "0") return false;
    return bad(column, "'" + v + "' is not true, false, 1 or 0");
  }

  Result<std::vector<std::string>> list(std::string_view column) const {
    std::vector<std::string> out;
    const std::string v = cell(column);
    if (v.empty()) return out;
    std::size_t start = 0;
    while (true) {
      const std::size_t bar = v.find('|', start);
      std::string item = v.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
      if (item.empty()) return bad(column, "has an empty item in '" + v + "'");
      out.push_back(std::move(item));
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
    return out;
  }

 private:
  std::string where() const { return what_ + " CSV: line " + std::to_string(row_->line) + ": "; }

  tl::unexpected<Error> bad(std::string_view column, const std::string& why) const {
    auto it = columns_.find(std::string(column));
    const std::string position =
        it == columns_.end() ? "" : " (column " + std::to_string(it->second + 1) + ")";
    return fail(Errc::invalid_argument, what_ + " CSV: line " + std::to_string(row_->line) + ", column '" +
                                            std::string(column) + "'" + position + ": " + why);
  }

  std::string what_;
  std::map<std::string, std::size_t> columns_;
  std::size_t width_ = 0;
  std::vector<CsvRecord> rows_;
  const CsvRecord* row_ = nullptr;
};

}  // namespace

Result<std::vector<CsvRecord>> read_csv(std::string_view text) {
  csv_parser parser{};
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
    return fail(Errc::internal, "CSV: cannot initialise the parser");
  csv_set_space_func(&parser, no_space);
  Collector c;
  // Fed line by line so that records and errors know their line.
  std::size_t pos = 0;
  std::optional<Error> error;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    end = end == std::string_view::npos ? text.size() : end + 1;
    const std::size_t len = end - pos;
    // A record starts on the first non-blank line after the previous one (a quoted field may span lines).
    const std::string_view chunk = text.substr(pos, len);
    if (c.between_records && chunk != "\n" && chunk != "\r\n") {
      c.start_line = c.line;
      c.between_records = false;
    }
    if (csv_parse(&parser, text.data() + pos, len, on_field, on_record, &c) != len) {
      error =
          Error(Errc::invalid_argument, "CSV: line " + std::to_string(c.line) + ": " + parse_error(parser));
      break;
    }
    pos = end;
    ++c.line;
  }
  if (!error && csv_fini(&parser, on_field, on_record, &c) != 0) {
    error =
        Error(Errc::invalid_argument, "CSV: line " + std::to_string(c.line - 1) + ": " + parse_error(parser));
  }
  csv_free(&parser);
  if (error) return fail(*error);
  return std::move(c.records);
}

Result<CatalogLoad> parse_catalog_csv(std::string_view text) {
  CSV_TRY(t, Table::read(text, "catalog", {"sku", "name", "tax_class"},
                         {"category", "sold_by", "age_restricted", "active", "gtins"}));
  CatalogLoad load;
  for (std::size_t r = 0; r < t.size(); ++r) {
    if (auto s = t.row(r); !s) return fail(s.error());
    Product p;
    CSV_TRY(sku, t.text("sku"));
    p.sku = sku;
    CSV_TRY(name, t.text("name"));
    p.name = name;
    p.category = t.cell("category");
    CSV_TRY(cls, t.text("tax_class"));
    p.tax_class = cls;
    if (auto sold_by = t.cell("sold_by"); !sold_by.empty()) p.sold_by = sold_by;
    CSV_TRY(age, t.boolean("age_restricted", false));
    p.age_restricted = age;
    CSV_TRY(active, t.boolean("active", true));
    p.active = active;
    CSV_TRY(gtins, t.list("gtins"));
    p.gtins = std::move(gtins);
    load.products.push_back(std::move(p));
  }
  return load;
}

Result<std::vector<Price>> parse_prices_csv(std::string_view text) {
  CSV_TRY(t, Table::read(text, "prices", {"store_code", "sku", "unit_price_cents"},
                         {"valid_from_ms", "valid_to_ms"}));
  std::vector<Price> out;
  for (std::size_t r = 0; r < t.size(); ++r) {
    if (auto s = t.row(r); !s) return fail(s.error());
    Price p;
    CSV_TRY(store, t.text("store_code"));
    p.store_code = store;
    CSV_TRY(sku, t.text("sku"));
    p.sku = sku;
    CSV_TRY(price, t.integer("unit_price_cents"));
    p.unit_price_cents = price;
    CSV_TRY(from, t.opt_integer("valid_from_ms"));
    p.valid_from_ms = from.value_or(0);
    CSV_TRY(to, t.opt_integer("valid_to_ms"));
    p.valid_to_ms = to;
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<Promotion>> parse_promotions_csv(std::string_view text) {
  CSV_TRY(t, Table::read(text, "promotions", {"promotion_id", "kind"},
                         {"description", "percent_bp", "amount_cents", "group_size", "discounted_units",
                          "threshold_cents", "members_only", "stackable", "valid_from_ms", "valid_to_ms",
                          "skus", "withdrawn"}));
  std::vector<Promotion> out;
  for (std::size_t r = 0; r < t.size(); ++r) {
    if (auto s = t.row(r); !s) return fail(s.error());
    Promotion p;
    CSV_TRY(id, t.text("promotion_id"));
    p.promotion_id = id;
    CSV_TRY(kind, t.text("kind"));
    p.kind = kind;
    p.description = t.cell("description");
    for (auto [column, field] :
         {std::pair{"percent_bp", &p.percent_bp}, std::pair{"amount_cents", &p.amount_cents},
          std::pair{"group_size", &p.group_size}, std::pair{"discounted_units", &p.discounted_units},
          std::pair{"threshold_cents", &p.threshold_cents}}) {
      CSV_TRY(v, t.opt_integer(column));
      *field = v.value_or(0);
    }
    CSV_TRY(members, t.boolean("members_only", false));
    p.members_only = members;
    CSV_TRY(stackable, t.boolean("stackable", false));
    p.stackable = stackable;
    CSV_TRY(from, t.opt_integer("valid_from_ms"));
    p.valid_from_ms = from;
    CSV_TRY(to, t.opt_integer("valid_to_ms"));
    p.valid_to_ms = to;
    CSV_TRY(skus, t.list("skus"));
    p.skus = std::move(skus);
    CSV_TRY(withdrawn, t.boolean("withdrawn", false));
    p.withdrawn = withdrawn;
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<StockLevel>> parse_stock_csv(std::string_view text) {
  CSV_TRY(t, Table::read(text, "stock", {"store_code", "sku", "level"}, {}));
  std::vector<StockLevel> out;
  for (std::size_t r = 0; r < t.size(); ++r) {
    if (auto s = t.row(r); !s) return fail(s.error());
    StockLevel l;
    CSV_TRY(store, t.text("store_code"));
    l.store_code = store;
    CSV_TRY(sku, t.text("sku"));
    l.sku = sku;
    CSV_TRY(level, t.integer("level"));
    l.level = level;
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace storeedge::sync::hub::channels
