#include "edge/store/shifts.hpp"

#include <ctime>
#include <map>

#include <boost/json.hpp>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include "edge/domain/money.hpp"
#include "edge/domain/tax.hpp"
#include "edge/store/journal.hpp"
#include "platform/sqlite/transaction.hpp"

namespace storeedge::store {
namespace json = boost::json;
namespace {

constexpr std::string_view kShiftColumns =
    "SELECT shift_id, device_code, cashier_id, opened_at_ms, opening_float_cents, closed_at_ms, "
    "counted_cash_cents FROM shift ";

// "2023-11-14 22:13:20 UTC": for messages a cashier or technician reads.
std::string utc_text(std::int64_t ms) {
  const std::int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  const auto t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return std::string(buf, n);
}

Result<std::optional<Shift>> read_shift(sqlite::Database& db, std::string_view where, std::string_view key) {
  auto stmt = db.cached(std::string(kShiftColumns) + std::string(where));
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(key); !s) return fail(s.error());
  auto row = (*stmt)->step();
  if (!row) return fail(row.error().with_context("reading shift"));
  if (!*row) return std::optional<Shift>();
  Shift s;
  s.shift_id = (*stmt)->get<std::string>(0);
  s.device_code = (*stmt)->get<std::string>(1);
  s.cashier_id = (*stmt)->get<std::string>(2);
  s.opened_at_ms = (*stmt)->get<std::int64_t>(3);
  s.opening_float_cents = (*stmt)->get<std::int64_t>(4);
  s.closed_at_ms = (*stmt)->get<std::optional<std::int64_t>>(5);
  s.counted_cash_cents = (*stmt)->get<std::optional<std::int64_t>>(6);
  return std::optional<Shift>(std::move(s));
}

Result<Shift> open_shift_named(sqlite::Database& db, std::string_view shift_id, std::string_view action) {
  auto shift = find_shift(db, shift_id);
  if (!shift) return fail(shift.error());
  if (!shift->open()) {
    return fail(Errc::conflict, "shift " + shift->shift_id + " on till " + shift->device_code +
                                    " was closed at " + utc_text(*shift->closed_at_ms) + "; " +
                                    std::string(action) + " needs an open shift");
  }
  return shift;
}

// Runs `sql` (one parameter: the shift id) and hands each row to `row_fn`.
template <class RowFn>
Status for_each_row(sqlite::Database& db, std::string_view sql, std::string_view shift_id, RowFn row_fn) {
  auto stmt = db.cached(sql);
  if (!stmt) return fail(stmt.error());
  if (auto s = (*stmt)->bind_all(shift_id); !s) return fail(s.error());
  while (true) {
    auto row = (*stmt)->step();
    if (!row) return fail(row.error().with_context("computing the report of shift " + std::string(shift_id)));
    if (!*row) return {};
    if (auto s = row_fn(**stmt); !s) return s;
  }
}

Status add_order_totals(sqlite::Database& db, XReport& x) {
  return for_each_row(db,
                      "SELECT kind, COUNT(*), SUM(total_cents), SUM(tax_cents) FROM sales_order "
                      "WHERE shift_id = ? AND status = 'completed' GROUP BY kind",
                      x.shift_id, [&](const sqlite::Statement& r) -> Status {
                        const std::string kind = r.get<std::string>(0);
                        const std::int64_t count = r.get<std::int64_t>(1);
                        const std::int64_t total = r.get<std::int64_t>(2);
                        if (kind == "sale") {
                          x.sales_count = count;
                          x.sales_total_cents = total;
                        } else if (kind == "return") {
                          x.returns_count = count;
                          x.returns_total_cents = total;
                        } else {
                          x.exchanges_count = count;
                          x.exchanges_total_cents = total;
                        }
                        auto net = domain::checked_add(x.net_total_cents, total);
                        auto tax = domain::checked_add(x.tax_total_cents, r.get<std::int64_t>(3));
                        if (!net || !tax) return fail(Errc::invalid_argument, "shift totals overflow");
                        x.net_total_cents = *net;
                        x.tax_total_cents = *tax;
                        return {};
                      });
}

Status add_tender_totals(sqlite::Database& db, XReport& x) {
  return for_each_row(
      db,
      "SELECT t.kind, COUNT(*), SUM(CASE WHEN t.amount_cents > 0 THEN t.amount_cents ELSE 0 END), "
      "SUM(CASE WHEN t.amount_cents < 0 THEN -t.amount_cents ELSE 0 END), SUM(t.amount_cents) "
      "FROM order_tender t JOIN sales_order o ON o.order_id = t.order_id "
      "WHERE o.shift_id = ? AND o.status = 'completed' GROUP BY t.kind ORDER BY t.kind",
      x.shift_id, [&](const sqlite::Statement& r) -> Status {
        x.tenders.push_back(TenderTotal{r.get<std::string>(0), r.get<std::int64_t>(1), r.get<std::int64_t>(2),
                                        r.get<std::int64_t>(3), r.get<std::int64_t>(4)});
        return {};
      });
}

// Split per order and rate, as each receipt's tax summary was, so the report matches the receipts.
Status add_tax_totals(sqlite::Database& db, XReport& x) {
  std::map<std::int32_t, TaxRateTotal> by_rate;
  auto s = for_each_row(db,
                        "SELECT l.rate_bp, SUM(l.net_cents) FROM order_line l "
                        "JOIN sales_order o ON o.order_id = l.order_id "
                        "WHERE o.shift_id = ? AND o.status = 'completed' GROUP BY l.order_id, l.rate_bp",
                        x.shift_id, [&](const sqlite::Statement& r) -> Status {
                          const std::int32_t rate = r.get<int>(0);
                          const domain::TaxLine line = domain::split_inclusive(rate, r.get<std::int64_t>(1));
                          TaxRateTotal& t = by_rate[rate];
                          t.rate_bp = rate;
                          t.gross_cents += line.gross;
                          t.base_cents += line.base;
                          t.tax_cents += line.tax;
                          return {};
                        });
  if (!s) return s;
  for (const auto& [rate, total] : by_rate) x.taxes.push_back(total);
  return {};
}

Status add_cash(sqlite::Database& db, XReport& x) {
  auto s = for_each_row(
      db, "SELECT kind, COUNT(*), SUM(amount_cents) FROM cash_movement WHERE shift_id = ? GROUP BY kind",
      x.shift_id, [&](const sqlite::Statement& r) -> Status {
        const std::int64_t sum = r.get<std::int64_t>(2);
        (r.get<std::string>(0) == "in" ? x.cash_in_cents : x.cash_out_cents) = sum;
        x.cash_movement_count += r.get<std::int64_t>(1);
        return {};
      });
  if (!s) return s;
  std::int64_t cash_tenders = 0;
  for (const auto& t : x.tenders) {
    if (t.kind == "cash") cash_tenders = t.net_cents;
  }
  auto a = domain::checked_add(x.opening_float_cents, cash_tenders);
  if (a) a = domain::checked_add(*a, x.cash_in_cents);
  if (a) a = domain::checked_sub(*a, x.cash_out_cents);
  if (!a) return fail(Errc::invalid_argument, "expected cash of shift " + x.shift_id + " overflows");
  x.expected_cash_cents = *a;
  return {};
}

Result<XReport> compute_x(sqlite::Database& db, const Shift& shift, std::int64_t now_ms) {
  XReport x;
  x.shift_id = shift.shift_id;
  x.device_code = shift.device_code;
  x.cashier_id = shift.cashier_id;
  x.opened_at_ms = shift.opened_at_ms;
  x.generated_at_ms = now_ms;
  x.opening_float_cents = shift.opening_float_cents;
  for (auto step : {add_order_totals, add_tender_totals, add_tax_totals, add_cash}) {
    if (auto s = step(db, x); !s) return fail(s.error());
  }
  return x;
}

json::object x_json(const XReport& x) {
  json::array tenders;
  for (const auto& t : x.tenders) {
    tenders.push_back(json::object{{"kind", t.kind},
                                   {"count", t.count},
                                   {"taken_cents", t.taken_cents},
                                   {"refunded_cents", t.refunded_cents},
                                   {"net_cents", t.net_cents}});
  }
  json::array taxes;
  for (const auto& t : x.taxes) {
    taxes.push_back(json::object{{"rate_bp", t.rate_bp},
                                 {"gross_cents", t.gross_cents},
                                 {"base_cents", t.base_cents},
                                 {"tax_cents", t.tax_cents}});
  }
  return json::object{{"shift_id", x.shift_id},
                      {"device_code", x.device_code},
                      {"cashier_id", x.cashier_id},
                      {"opened_at_ms", x.opened_at_ms},
                      {"generated_at_ms", x.generated_at_ms},
                      {"opening_float_cents", x.opening_float_cents},
                      {"sales_count", x.sales_count},
                      {"sales_total_cents", x.sales_total_cents},
                      {"returns_count", x.returns_count},
                      {"returns_total_cents", x.returns_total_cents},
                      {"exchanges_count", x.exchanges_count},
                      {"exchanges_total_cents", x.exchanges_total_cents},
                      {"net_total_cents", x.net_total_cents},
                      {"tax_total_cents", x.tax_total_cents},
                      {"tenders", std::move(tenders)},
                      {"taxes", std::move(taxes)},
                      {"cash_in_cents", x.cash_in_cents},
                      {"cash_out_cents", x.cash_out_cents},
                      {"cash_movement_count", x.cash_movement_count},
                      {"expected_cash_cents", x.expected_cash_cents}};
}

enum class CashKind { in, out };

Result<std::int64_t> move_cash(sqlite::Database& db, const Clock& clock, std::string_view shift_id,
                               CashKind kind, std::int64_t amount, std::string_view reason) {
  const std::string_view kind_text = kind == CashKind::in ? "in" : "out";
  const std::string action = "cash " + std::string(kind_text);
  if (amount <= 0) {
    return fail(Errc::invalid_argument,
                action + " amount " + domain::to_decimal_string(amount) + " must be positive");
  }
  if (reason.empty()) return fail(Errc::invalid_argument, action + " needs a reason");
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) return fail(tx.error());
  auto shift = open_shift_named(db, shift_id, action);
  if (!shift) return fail(shift.error());
  const std::int64_t now = unix_millis(clock.now());
  auto x = compute_x(db, *shift, now);
  if (!x) return fail(x.error());
  if (kind == CashKind::out && amount > x->expected_cash_cents) {
    return fail(Errc::conflict, "cash out of " + domain::to_decimal_string(amount) + " exceeds the " +
                                    domain::to_decimal_string(x->expected_cash_cents) +
                                    " expected in the drawer of till " + shift->device_code);
  }
  if (kind == CashKind::in && !domain::checked_add(x->expected_cash_cents, amount)) {
    return fail(Errc::invalid_argument, "cash in of " + domain::to_decimal_string(amount) + " is too large");
  }
  auto ins = db.cached(
      "INSERT INTO cash_movement (shift_id, kind, amount_cents, reason, created_at_ms) VALUES (?, ?, ?, ?, "
      "?)");
  if (!ins) return fail(ins.error());
  if (auto s = (*ins)->bind_all(shift->shift_id, kind_text, amount, reason, now); !s) return fail(s.error());
  if (auto s = (*ins)->run(); !s) return fail(s.error().with_context(action));
  const std::int64_t id = db.last_insert_rowid();
  const std::string payload = json::serialize(json::object{{"movement_id", id},
                                                           {"shift_id", shift->shift_id},
                                                           {"device_code", shift->device_code},
                                                           {"kind", kind_text},
                                                           {"amount_cents", amount},
                                                           {"reason", reason},
                                                           {"created_at_ms", now}});
  if (auto s = append_audit(db, now,
                            {shift->cashier_id, "cash." + std::string(kind_text), shift->shift_id, payload});
      !s) {
    return fail(s.error());
  }
  if (auto s =
          enqueue_mutation(db, now, {"cash.movement", shift->shift_id + "/" + std::to_string(id), payload});
      !s) {
    return fail(s.error());
  }
  if (auto s = tx->commit(); !s) return fail(s.error().with_context(action));
  return id;
}

}  // namespace

std::string XReport::to_json() const {
  return json::serialize(x_json(*this));
}

std::string ZReport::to_json() const {
  json::object o = x_json(x);
  o["closed_at_ms"] = closed_at_ms;
  o["counted_cash_cents"] = counted_cash_cents;
  o["difference_cents"] = difference_cents;
  return json::serialize(o);
}

Result<Shift> find_shift(sqlite::Database& db, std::string_view shift_id) {
  auto s = read_shift(db, "WHERE shift_id = ?", shift_id);
  if (!s) return fail(s.error());
  if (!*s) return fail(Errc::not_found, "no shift " + std::string(shift_id));
  return std::move(**s);
}

Result<std::optional<Shift>> current_shift(sqlite::Database& db, std::string_view device_code) {
  return read_shift(db, "WHERE device_code = ? AND closed_at_ms IS NULL", device_code);
}

Result<Shift> open_shift(sqlite::Database& db, const Clock& clock, std::string_view device_code,
                         std::string_view cashier_id, std::int64_t opening_float_cents) {
  if (device_code.empty()) return fail(Errc::invalid_argument, "device code is empty");
  if (cashier_id.empty()) return fail(Errc::invalid_argument, "cashier id is empty");
  if (opening_float_cents < 0) {
    return fail(Errc::invalid_argument,
                "opening float " + domain::to_decimal_string(opening_float_cents) + " is negative");
  }
  Shift shift{boost::uuids::to_string(boost::uuids::random_generator()()),
              std::string(device_code),
              std::string(cashier_id),
              unix_millis(clock.now()),
              opening_float_cents,
              std::nullopt,
              std::nullopt};
  const std::string ctx = "opening a shift on till " + shift.device_code;
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) return fail(tx.error().with_context(ctx));
  auto ins = db.cached(
      "INSERT INTO shift (shift_id, device_code, cashier_id, opened_at_ms, opening_float_cents) VALUES (?, "
      "?, ?, ?, ?)");
  if (!ins) return fail(ins.error());
  if (auto s = (*ins)->bind_all(shift.shift_id, shift.device_code, shift.cashier_id, shift.opened_at_ms,
                                shift.opening_float_cents);
      !s) {
    return fail(s.error());
  }
  if (auto s = (*ins)->run(); !s) {
    // The partial unique index one_open_shift_per_device: say who holds the till.
    auto holder = current_shift(db, device_code);
    if (s.error().kind() == Errc::already_exists && holder && *holder) {
      return fail(Errc::conflict, "till " + shift.device_code +
                                      " already has an open shift opened by cashier " +
                                      (*holder)->cashier_id + " at " + utc_text((*holder)->opened_at_ms));
    }
    return fail(s.error().with_context(ctx));
  }
  const std::string payload =
      json::serialize(json::object{{"shift_id", shift.shift_id},
                                   {"device_code", shift.device_code},
                                   {"cashier_id", shift.cashier_id},
                                   {"opened_at_ms", shift.opened_at_ms},
                                   {"opening_float_cents", shift.opening_float_cents}});
  if (auto s =
          append_audit(db, shift.opened_at_ms, {shift.cashier_id, "shift.opened", shift.shift_id, payload});
      !s) {
    return fail(s.error().with_context(ctx));
  }
  if (auto s = enqueue_mutation(db, shift.opened_at_ms, {"shift.opened", shift.shift_id, payload}); !s) {
    return fail(s.error().with_context(ctx));
  }
  if (auto s = tx->commit(); !s) return fail(s.error().with_context(ctx));
  return shift;
}

Result<std::int64_t> cash_in(sqlite::Database& db, const Clock& clock, std::string_view shift_id,
                             std::int64_t amount_cents, std::string_view reason) {
  return move_cash(db, clock, shift_id, CashKind::in, amount_cents, reason);
}

Result<std::int64_t> cash_out(sqlite::Database& db, const Clock& clock, std::string_view shift_id,
                              std::int64_t amount_cents, std::string_view reason) {
  return move_cash(db, clock, shift_id, CashKind::out, amount_cents, reason);
}

Result<XReport> x_report(sqlite::Database& db, const Clock& clock, std::string_view shift_id) {
  auto shift = find_shift(db, shift_id);
  if (!shift) return fail(shift.error());
  return compute_x(db, *shift, unix_millis(clock.now()));
}

Result<ZReport> close_shift(sqlite::Database& db, const Clock& clock, std::string_view shift_id,
                            std::int64_t counted_cash_cents) {
  if (counted_cash_cents < 0) {
    return fail(Errc::invalid_argument,
                "counted cash " + domain::to_decimal_string(counted_cash_cents) + " is negative");
  }
  const std::string ctx = "closing shift " + std::string(shift_id);
  auto tx = sqlite::Transaction::begin(db);
  if (!tx) return fail(tx.error().with_context(ctx));
  auto shift = open_shift_named(db, shift_id, "closing");
  if (!shift) return fail(shift.error());
  const std::int64_t now = unix_millis(clock.now());
  auto x = compute_x(db, *shift, now);
  if (!x) return fail(x.error().with_context(ctx));
  auto diff = domain::checked_sub(counted_cash_cents, x->expected_cash_cents);
  if (!diff) return fail(diff.error().with_context(ctx));
  ZReport z{std::move(*x), now, counted_cash_cents, *diff};
  const std::string z_json = z.to_json();

  auto upd = db.cached(
      "UPDATE shift SET closed_at_ms = ?, counted_cash_cents = ?, z_report = ? "
      "WHERE shift_id = ? AND closed_at_ms IS NULL");
  if (!upd) return fail(upd.error());
  if (auto s = (*upd)->bind_all(now, counted_cash_cents, z_json, shift->shift_id); !s) return fail(s.error());
  if (auto s = (*upd)->run(); !s) return fail(s.error().with_context(ctx));
  const std::string details = json::serialize(json::object{{"expected_cash_cents", z.x.expected_cash_cents},
                                                           {"counted_cash_cents", counted_cash_cents},
                                                           {"difference_cents", z.difference_cents}});
  if (auto s = append_audit(db, now, {shift->cashier_id, "shift.closed", shift->shift_id, details}); !s) {
    return fail(s.error().with_context(ctx));
  }
  if (auto s = enqueue_mutation(db, now, {"shift.closed", shift->shift_id, z_json}); !s) {
    return fail(s.error().with_context(ctx));
  }
  if (auto s = tx->commit(); !s) return fail(s.error().with_context(ctx));
  return z;
}

}  // namespace storeedge::store
