#include "edge/store/fiscal_rows.hpp"

#include <chrono>
#include <cstdio>

#include "edge/domain/fiscal/verifactu_format.hpp"

namespace storeedge::store {
namespace fiscal = domain::fiscal;

namespace {

std::string iso_date(const fiscal::CivilDate& d) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

Result<fiscal::CivilDate> parse_iso_date(const std::string& text) {
  fiscal::CivilDate d;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &d.year, &d.month, &d.day, &tail) != 3) {
    return fail(Errc::corrupt, "fiscal record date '" + text + "' is not YYYY-MM-DD");
  }
  return d;
}

constexpr std::string_view kColumns =
    "seq, kind, issuer_tax_id, invoice_number, issue_date, invoice_type, total_tax_cents, total_cents, "
    "generated_unix, utc_offset_min, prev_number, prev_issue_date, prev_hash, hash_input, hash, qr_url";

Result<fiscal::FiscalRecord> record_from_row(const sqlite::Statement& s) {
  const std::string where = "fiscal record " + std::to_string(s.column_int64(0));
  fiscal::FiscalRecord r;
  r.kind = s.column_text(1) == "anulacion" ? fiscal::RecordKind::anulacion : fiscal::RecordKind::alta;
  r.invoice.issuer_tax_id = s.column_text(2);
  r.invoice.number = s.column_text(3);
  auto date = parse_iso_date(s.column_text(4));
  if (!date) return fail(date.error().with_context(where));
  r.invoice.issue_date = *date;
  auto type = fiscal::parse_invoice_type(s.column_text(5));
  if (!type) return fail(Errc::corrupt, where + ": " + type.error().message());
  r.type = *type;
  r.total_tax_cents = s.column_int64(6);
  r.total_cents = s.column_int64(7);
  r.generated_at = fiscal::GenerationTime{s.column_int64(8), s.column_int(9)};
  if (!s.column_is_null(12)) {
    auto prev_date = parse_iso_date(s.column_text(11));
    if (!prev_date) return fail(prev_date.error().with_context(where));
    r.previous = fiscal::ChainLink{fiscal::InvoiceRef{r.invoice.issuer_tax_id, s.column_text(10), *prev_date},
                                   s.column_text(12)};
  }
  if (fiscal::validate_generation_time(r.generated_at)) {
    r.generated_at_text = fiscal::format_generation_time(r.generated_at);
  }
  r.hash_input = s.column_text(13);
  r.hash = s.column_text(14);
  r.qr_url = s.column_text(15);
  return r;
}

}  // namespace

fiscal::CivilDate local_issue_date(const fiscal::GenerationTime& t) {
  using namespace std::chrono;
  const sys_seconds local{seconds{t.unix_seconds + std::int64_t{t.utc_offset_minutes} * 60}};
  const year_month_day ymd{floor<days>(local)};
  return fiscal::CivilDate{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
                           static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

Result<std::optional<fiscal::ChainLink>> last_fiscal_link(sqlite::Database& db) {
  auto stmt = db.cached("SELECT " + std::string(kColumns) + " FROM fiscal_record ORDER BY seq DESC LIMIT 1");
  if (!stmt) return fail(stmt.error());
  auto row = (*stmt)->step();
  if (!row) return fail(row.error().with_context("reading the last fiscal record"));
  if (!*row) return std::optional<fiscal::ChainLink>();
  auto record = record_from_row(**stmt);
  if (!record) return fail(record.error());
  return std::optional<fiscal::ChainLink>(record->link());
}

Result<std::int64_t> append_fiscal_record(sqlite::Database& db, std::string_view order_id,
                                          const fiscal::FiscalRecord& r) {
  auto stmt = db.cached(
      "INSERT INTO fiscal_record (order_id, kind, issuer_tax_id, invoice_number, issue_date, invoice_type, "
      "total_tax_cents, total_cents, generated_unix, utc_offset_min, prev_number, prev_issue_date, "
      "prev_hash, "
      "hash_input, hash, qr_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!stmt) return fail(stmt.error());
  std::optional<std::string> prev_number, prev_date, prev_hash;
  if (r.previous) {
    prev_number = r.previous->invoice.number;
    prev_date = iso_date(r.previous->invoice.issue_date);
    prev_hash = r.previous->hash;
  }
  if (auto s = (*stmt)->bind_all(order_id, std::string(fiscal::to_string(r.kind)), r.invoice.issuer_tax_id,
                                 r.invoice.number, iso_date(r.invoice.issue_date),
                                 std::string(fiscal::to_string(r.type)), r.total_tax_cents, r.total_cents,
                                 r.generated_at.unix_seconds, r.generated_at.utc_offset_minutes, prev_number,
                                 prev_date, prev_hash, r.hash_input, r.hash, r.qr_url);
      !s) {
    return fail(s.error());
  }
  if (auto s = (*stmt)->run(); !s)
    return fail(s.error().with_context("writing fiscal record " + r.invoice.number));
  return db.last_insert_rowid();
}

Result<std::vector<fiscal::FiscalRecord>> read_fiscal_chain(sqlite::Database& db) {
  auto stmt = db.prepare("SELECT " + std::string(kColumns) + " FROM fiscal_record ORDER BY seq");
  if (!stmt) return fail(stmt.error());
  std::vector<fiscal::FiscalRecord> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return fail(row.error().with_context("reading the fiscal chain"));
    if (!*row) return out;
    auto record = record_from_row(*stmt);
    if (!record) return fail(record.error());
    out.push_back(std::move(*record));
  }
}

}  // namespace storeedge::store
