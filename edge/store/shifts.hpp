#pragma once
// Till sessions: a cashier opens a shift on a device with a float, moves cash in and out, reads an
// X report at any time and closes the shift with a counted amount, which freezes the Z report.
//
// How the figures are derived (also in docs/schema.md, "Shift reports"):
// - A shift's orders are the sales_order rows with its shift_id and status 'completed'.
// - order_tender.amount_cents is the amount APPLIED to the order (the domain's TenderRecord::amount),
//   signed: positive when the store takes money, negative when it pays money back on a return.
//   Cash change is never stored: what the customer handed over minus the change is the applied
//   amount, so the cash an order leaves in the drawer is exactly its cash tender amounts.
// - expected cash = opening float + sum(cash tenders) + cash in - cash out.
//
// Every write is one transaction with an audit entry (actor: the shift's cashier) and an outbox
// mutation ("shift.opened", "cash.movement", "shift.closed"). Functions borrow the connection; not
// thread-safe.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/clock.hpp"
#include "platform/error.hpp"
#include "platform/sqlite/database.hpp"

namespace storeedge::store {

struct Shift {
  std::string shift_id{};
  std::string device_code{};
  std::string cashier_id{};
  std::int64_t opened_at_ms = 0;
  std::int64_t opening_float_cents = 0;
  std::optional<std::int64_t> closed_at_ms{};
  std::optional<std::int64_t> counted_cash_cents{};

  bool open() const { return !closed_at_ms; }
};

// One tender kind over the shift's orders. net == taken - refunded.
struct TenderTotal {
  std::string kind{};  // cash, card, gift_card, loyalty_points, store_credit
  std::int64_t count = 0;
  std::int64_t taken_cents = 0;     // sum of positive amounts
  std::int64_t refunded_cents = 0;  // sum of negative amounts, as a positive number
  std::int64_t net_cents = 0;
};

// One VAT rate over the shift's order lines (VAT-inclusive). gross == base + tax. Tax is split per
// order and rate (domain::split_inclusive), as the receipts did, then summed.
struct TaxRateTotal {
  std::int32_t rate_bp = 0;
  std::int64_t gross_cents = 0;
  std::int64_t base_cents = 0;
  std::int64_t tax_cents = 0;
};

// A mid-shift reading; nothing is written.
struct XReport {
  std::string shift_id{};
  std::string device_code{};
  std::string cashier_id{};
  std::int64_t opened_at_ms = 0;
  std::int64_t generated_at_ms = 0;
  std::int64_t opening_float_cents = 0;

  std::int64_t sales_count = 0;
  std::int64_t sales_total_cents = 0;  // kind 'sale'
  std::int64_t returns_count = 0;
  std::int64_t returns_total_cents = 0;  // kind 'return', as stored (negative)
  std::int64_t exchanges_count = 0;
  std::int64_t exchanges_total_cents = 0;  // kind 'exchange', signed
  std::int64_t net_total_cents = 0;        // all three
  std::int64_t tax_total_cents = 0;        // sum of sales_order.tax_cents

  std::vector<TenderTotal> tenders{};  // by kind, alphabetical
  std::vector<TaxRateTotal> taxes{};   // ascending rate

  std::int64_t cash_in_cents = 0;
  std::int64_t cash_out_cents = 0;
  std::int64_t cash_movement_count = 0;
  std::int64_t expected_cash_cents = 0;  // float + net cash tenders + cash in - cash out

  std::string to_json() const;
};

// The closing report: the X figures at close plus the count. difference > 0 is over, < 0 short.
struct ZReport {
  XReport x{};
  std::int64_t closed_at_ms = 0;
  std::int64_t counted_cash_cents = 0;
  std::int64_t difference_cents = 0;  // counted - expected

  std::string to_json() const;
};

// Errc::conflict naming the cashier and the time when the device already has an open shift;
// invalid_argument for an empty device or cashier or a negative float.
[[nodiscard]] Result<Shift> open_shift(sqlite::Database& db, const Clock& clock, std::string_view device_code,
                                       std::string_view cashier_id, std::int64_t opening_float_cents);

[[nodiscard]] Result<Shift> find_shift(sqlite::Database& db, std::string_view shift_id);  // not_found
[[nodiscard]] Result<std::optional<Shift>> current_shift(sqlite::Database& db, std::string_view device_code);

// Amounts must be positive and the reason non-empty (invalid_argument); the shift must exist
// (not_found) and be open (conflict). cash_out refuses more than the expected cash in the drawer
// (conflict). Returns the movement id.
[[nodiscard]] Result<std::int64_t> cash_in(sqlite::Database& db, const Clock& clock,
                                           std::string_view shift_id, std::int64_t amount_cents,
                                           std::string_view reason);
[[nodiscard]] Result<std::int64_t> cash_out(sqlite::Database& db, const Clock& clock,
                                            std::string_view shift_id, std::int64_t amount_cents,
                                            std::string_view reason);

// Open or closed shifts alike (a closed shift's X equals its Z figures unless data changed since).
[[nodiscard]] Result<XReport> x_report(sqlite::Database& db, const Clock& clock, std::string_view shift_id);

// Closes an open shift: computes the Z report, stores it as JSON in shift.z_report with the count
// and the close time. Errc::conflict if already closed; invalid_argument for a negative count.
[[nodiscard]] Result<ZReport> close_shift(sqlite::Database& db, const Clock& clock, std::string_view shift_id,
                                          std::int64_t counted_cash_cents);

}  // namespace storeedge::store
