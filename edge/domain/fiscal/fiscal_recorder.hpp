#pragma once
// The fiscal recorder of the checkout domain: every invoice (ticket) and every cancellation yields a
// fiscal record whose hash chains to the issuer's previous record, so that a removed, reordered or
// edited record is detectable. One implementation per country (Spain: VerifactuRecorder).
//
// Pure logic: no I/O, no clock. The caller passes the generation time and the previous record of the
// issuer's chain, and persists the returned record in the same transaction as the sale (DESIGN.md).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "platform/error.hpp"

namespace storeedge::domain::fiscal {

// A calendar date as printed on the invoice (no time zone).
struct CivilDate {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31
  friend bool operator==(const CivilDate&, const CivilDate&) = default;
};

// The instant a record is generated, and the UTC offset of the issuer's local time at that instant
// (Spain: +60 or +120 on the mainland; see madrid_utc_offset_minutes).
struct GenerationTime {
  std::int64_t unix_seconds = 0;
  int utc_offset_minutes = 0;
  friend bool operator==(const GenerationTime&, const GenerationTime&) = default;
};

// Invoice categories, named by their Spanish TipoFactura codes.
enum class InvoiceType {
  F1,  // full invoice
  F2,  // simplified invoice (ticket)
  F3,  // full invoice issued in substitution of simplified ones
  R1,  // corrective: legal error or art. 80.1, 80.2, 80.6 LIVA
  R2,  // corrective: art. 80.3 (insolvency)
  R3,  // corrective: art. 80.4 (bad debts)
  R4,  // corrective: other causes
  R5,  // corrective of simplified invoices (returns at the till)
};
std::string_view to_string(InvoiceType type);
Result<InvoiceType> parse_invoice_type(std::string_view code);

// What the checkout knows about an invoice it has just issued.
struct InvoiceFacts {
  std::string issuer_tax_id;  // Spain: the issuer's NIF
  std::string number;         // serie + number, e.g. "T01/000123"
  CivilDate issue_date;       // FechaExpedicionFactura
  InvoiceType type = InvoiceType::F2;
  std::int64_t total_tax_cents = 0;  // CuotaTotal
  std::int64_t total_cents = 0;      // ImporteTotal, tax included
  GenerationTime generated_at;
};

// Identity of an invoice: what a cancellation refers to.
struct InvoiceRef {
  std::string issuer_tax_id;
  std::string number;
  CivilDate issue_date;
  friend bool operator==(const InvoiceRef&, const InvoiceRef&) = default;
};

struct CancellationFacts {
  InvoiceRef invoice;  // the invoice being cancelled
  GenerationTime generated_at;
};

enum class RecordKind { alta, anulacion };
std::string_view to_string(RecordKind kind);

// The link to the previous record of the issuer's chain: what the next record needs of it.
struct ChainLink {
  InvoiceRef invoice;  // the invoice the previous record registered or cancelled
  std::string hash;
  friend bool operator==(const ChainLink&, const ChainLink&) = default;
};

// One fiscal record, as it is stored and sent. Values are normalised (trimmed, upper-case tax id)
// exactly as they entered the hash. For an anulacion, `invoice` is the cancelled invoice and type and
// amounts are unused (zero / F2).
struct FiscalRecord {
  RecordKind kind = RecordKind::alta;
  InvoiceRef invoice;
  InvoiceType type = InvoiceType::F2;
  std::int64_t total_tax_cents = 0;
  std::int64_t total_cents = 0;
  GenerationTime generated_at;
  std::string generated_at_text;      // as hashed, e.g. "2024-01-01T19:20:30+01:00"
  std::optional<ChainLink> previous;  // empty for the first record of the chain
  std::string hash_input;             // the exact string that was hashed
  std::string hash;                   // 64 upper-case hex digits
  std::string qr_url;                 // validation URL printed on the receipt (alta only)

  std::string_view previous_hash() const { return previous ? std::string_view(previous->hash) : ""; }
  ChainLink link() const { return ChainLink{invoice, hash}; }
};

// Why a chain does not verify, and where: `index` is the position in the span of the first record
// that is wrong.
enum class BreakReason {
  fields_tampered,    // the stored hash (or hash input) does not match the record's fields
  previous_mismatch,  // the record does not chain to the one before it (missing or reordered record)
  not_chain_start,    // the first record names a previous record
  foreign_issuer,     // the record belongs to another issuer's chain
  invalid_record,     // a field is malformed (bad date, amount out of range, ...)
};
std::string_view to_string(BreakReason reason);

struct ChainBreak {
  std::size_t index = 0;
  BreakReason reason = BreakReason::fields_tampered;
  std::string detail;
};

// Thread-safety: implementations are immutable after construction and safe to share.
class FiscalRecorder {
 public:
  virtual ~FiscalRecorder() = default;

  // Validates the facts and returns the record chained to `previous` (nullopt: first record of the
  // issuer's chain). Fails with invalid_argument on bad input, conflict if `previous` is another
  // issuer's record.
  [[nodiscard]] virtual Result<FiscalRecord> record_invoice(const InvoiceFacts& facts,
                                                            const std::optional<ChainLink>& previous) = 0;
  [[nodiscard]] virtual Result<FiscalRecord> record_cancellation(
      const CancellationFacts& facts, const std::optional<ChainLink>& previous) = 0;

  // Checks a complete chain, oldest first: the first record starts the chain, every hash is recomputed
  // from its fields, and every record names the one before it. Returns the first break, if any.
  [[nodiscard]] virtual std::optional<ChainBreak> find_chain_break(
      std::span<const FiscalRecord> records) const = 0;

  // find_chain_break as a Status: Errc::corrupt naming the index and the reason of the first break.
  [[nodiscard]] Status verify_chain(std::span<const FiscalRecord> records) const;

  // ISO 3166-1 alpha-2 code of the country whose rules this recorder applies.
  virtual std::string_view country() const = 0;
};

}  // namespace storeedge::domain::fiscal
