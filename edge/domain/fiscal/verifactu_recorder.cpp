#include "edge/domain/fiscal/verifactu_recorder.hpp"

#include <algorithm>
#include <chrono>

#include "edge/domain/fiscal/spanish_tax_id.hpp"
#include "edge/domain/fiscal/verifactu_format.hpp"

namespace storeedge::domain::fiscal {
namespace {

// Characters, not bytes: UTF-8 continuation bytes do not start a character.
std::size_t utf8_length(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

Result<std::string> normalise_number(std::string_view text) {
  const std::string_view v = trim_spaces(text);
  if (v.empty()) return fail(Errc::invalid_argument, "invoice serie+number is empty");
  for (char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) {
      return fail(Errc::invalid_argument, "invoice serie+number '" + std::string(v) +
                                              "' contains control character " + std::to_string(c));
    }
  }
  if (utf8_length(v) > kMaxNumberChars) {
    return fail(Errc::invalid_argument, "invoice serie+number '" + std::string(v) + "' is longer than " +
                                            std::to_string(kMaxNumberChars) + " characters");
  }
  return std::string(v);
}

// The invoice identity in the normal form it is hashed in: NIF trimmed and upper case, number trimmed.
Result<InvoiceRef> normalise_ref(const InvoiceRef& ref) {
  auto nif = parse_spanish_tax_id(ref.issuer_tax_id);
  if (!nif) return fail(nif.error().with_context("issuer"));
  auto number = normalise_number(ref.number);
  if (!number) return fail(number.error());
  if (auto ok = validate_date(ref.issue_date); !ok) return fail(ok.error().with_context("issue date"));
  return InvoiceRef{std::move(nif->value), std::move(*number), ref.issue_date};
}

bool is_upper_hex64(std::string_view h) {
  return h.size() == 64 && std::all_of(h.begin(), h.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
         });
}

// The previous record must be a well-formed link of the same issuer's chain.
Status check_previous(const std::optional<ChainLink>& previous, const std::string& issuer) {
  if (!previous) return {};
  if (!is_upper_hex64(previous->hash)) {
    return fail(Errc::invalid_argument,
                "previous hash '" + previous->hash + "' is not 64 upper-case hexadecimal digits");
  }
  auto prev_issuer = parse_spanish_tax_id(previous->invoice.issuer_tax_id);
  if (!prev_issuer || prev_issuer->value != issuer) {
    return fail(Errc::conflict, "previous record belongs to issuer '" + previous->invoice.issuer_tax_id +
                                    "', not to '" + issuer + "': chains are per issuer");
  }
  return {};
}

// The local calendar date of a generation time.
CivilDate local_date(const GenerationTime& t) {
  using namespace std::chrono;
  const sys_seconds local{seconds{t.unix_seconds + std::int64_t{t.utc_offset_minutes} * 60}};
  const year_month_day ymd{floor<days>(local)};
  return CivilDate{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
                   static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

bool before(const CivilDate& a, const CivilDate& b) {
  if (a.year != b.year) return a.year < b.year;
  if (a.month != b.month) return a.month < b.month;
  return a.day < b.day;
}

Status validate_invoice_amounts(const InvoiceFacts& facts) {
  if (auto ok = validate_amount("CuotaTotal", facts.total_tax_cents); !ok) return ok;
  return validate_amount("ImporteTotal", facts.total_cents);
}

// Seals a record whose fields are set: hash input, hash and, for an alta, the QR URL.
FiscalRecord seal(FiscalRecord r, AeatEnvironment env) {
  r.generated_at_text = format_generation_time(r.generated_at);
  r.hash_input = verifactu_hash_input(r);
  r.hash = sha256_hex(r.hash_input);
  if (r.kind == RecordKind::alta) {
    r.qr_url = validation_qr_url(env, r.invoice.issuer_tax_id, r.invoice.number, r.invoice.issue_date,
                                 r.total_cents);
  }
  return r;
}

}  // namespace

std::string verifactu_hash_input(const FiscalRecord& r) {
  const std::string date = format_date(r.invoice.issue_date);
  const std::string generated = format_generation_time(r.generated_at);
  if (r.kind == RecordKind::anulacion) {
    return anulacion_hash_input(
        {r.invoice.issuer_tax_id, r.invoice.number, date, r.previous_hash(), generated});
  }
  const std::string tax = format_amount(r.total_tax_cents);
  const std::string total = format_amount(r.total_cents);
  return alta_hash_input({r.invoice.issuer_tax_id, r.invoice.number, date, to_string(r.type), tax, total,
                          r.previous_hash(), generated});
}

Result<FiscalRecord> VerifactuRecorder::record_invoice(const InvoiceFacts& facts,
                                                       const std::optional<ChainLink>& previous) {
  auto ref = normalise_ref(InvoiceRef{facts.issuer_tax_id, facts.number, facts.issue_date});
  if (!ref) return fail(ref.error().with_context("recording invoice"));
  const std::string context = "recording invoice " + ref->number;
  if (auto ok = validate_invoice_amounts(facts); !ok) return fail(ok.error().with_context(context));
  if (auto ok = validate_generation_time(facts.generated_at); !ok)
    return fail(ok.error().with_context(context));
  if (before(local_date(facts.generated_at), ref->issue_date)) {
    return fail(Errc::invalid_argument, context + ": issue date " + format_date(ref->issue_date) +
                                            " is after the generation time " +
                                            format_generation_time(facts.generated_at));
  }
  if (auto ok = check_previous(previous, ref->issuer_tax_id); !ok)
    return fail(ok.error().with_context(context));

  FiscalRecord r;
  r.kind = RecordKind::alta;
  r.invoice = std::move(*ref);
  r.type = facts.type;
  r.total_tax_cents = facts.total_tax_cents;
  r.total_cents = facts.total_cents;
  r.generated_at = facts.generated_at;
  r.previous = previous;
  return seal(std::move(r), environment_);
}

Result<FiscalRecord> VerifactuRecorder::record_cancellation(const CancellationFacts& facts,
                                                            const std::optional<ChainLink>& previous) {
  if (trim_spaces(facts.invoice.number).empty() && trim_spaces(facts.invoice.issuer_tax_id).empty()) {
    return fail(Errc::invalid_argument, "recording cancellation: it names no invoice to cancel");
  }
  auto ref = normalise_ref(facts.invoice);
  if (!ref) return fail(ref.error().with_context("recording cancellation"));
  const std::string context = "recording cancellation of " + ref->number;
  if (auto ok = validate_generation_time(facts.generated_at); !ok)
    return fail(ok.error().with_context(context));
  if (auto ok = check_previous(previous, ref->issuer_tax_id); !ok)
    return fail(ok.error().with_context(context));

  FiscalRecord r;
  r.kind = RecordKind::anulacion;
  r.invoice = std::move(*ref);
  r.generated_at = facts.generated_at;
  r.previous = previous;
  return seal(std::move(r), environment_);
}

Result<CancellationFacts> cancellation_of(const FiscalRecord& invoice, GenerationTime at) {
  if (invoice.kind != RecordKind::alta) {
    return fail(Errc::invalid_argument, "record of " + invoice.invoice.number +
                                            " is a cancellation, not an invoice: nothing to cancel");
  }
  return CancellationFacts{invoice.invoice, at};
}

namespace {

// A record's own fields: well formed, and hashing to the stored hash input, hash and QR URL.
std::optional<ChainBreak> check_record(const FiscalRecord& r, std::size_t i, AeatEnvironment env) {
  const auto invalid = [i](std::string detail) {
    return ChainBreak{i, BreakReason::invalid_record, std::move(detail)};
  };
  auto ref = normalise_ref(r.invoice);
  if (!ref) return invalid(ref.error().what());
  if (*ref != r.invoice) return invalid("invoice identity is not in normal form");
  if (auto ok = validate_generation_time(r.generated_at); !ok) return invalid(ok.error().what());
  if (r.kind == RecordKind::alta) {
    if (auto ok = validate_amount("CuotaTotal", r.total_tax_cents); !ok) return invalid(ok.error().what());
    if (auto ok = validate_amount("ImporteTotal", r.total_cents); !ok) return invalid(ok.error().what());
  } else if (r.total_cents != 0 || r.total_tax_cents != 0) {
    return invalid("a cancellation carries no amounts");
  }
  const FiscalRecord expected = seal(r, env);
  if (expected.hash != r.hash || expected.hash_input != r.hash_input ||
      expected.generated_at_text != r.generated_at_text) {
    return ChainBreak{i, BreakReason::fields_tampered,
                      "stored hash " + r.hash + ", fields hash to " + expected.hash};
  }
  if (expected.qr_url != r.qr_url) return ChainBreak{i, BreakReason::fields_tampered, "QR URL " + r.qr_url};
  return std::nullopt;
}

}  // namespace

std::optional<ChainBreak> VerifactuRecorder::find_chain_break(std::span<const FiscalRecord> records) const {
  for (std::size_t i = 0; i < records.size(); ++i) {
    const FiscalRecord& r = records[i];
    if (auto broken = check_record(r, i, environment_)) return broken;
    if (r.invoice.issuer_tax_id != records.front().invoice.issuer_tax_id) {
      return ChainBreak{i, BreakReason::foreign_issuer, r.invoice.issuer_tax_id};
    }
    if (i == 0) {
      if (r.previous)
        return ChainBreak{i, BreakReason::not_chain_start, "names " + r.previous->invoice.number};
      continue;
    }
    const ChainLink want = records[i - 1].link();
    if (!r.previous || *r.previous != want) {
      const std::string named = r.previous ? r.previous->invoice.number + " " + r.previous->hash : "nothing";
      return ChainBreak{i, BreakReason::previous_mismatch,
                        "names " + named + ", record before is " + want.invoice.number + " " + want.hash};
    }
  }
  return std::nullopt;
}

}  // namespace storeedge::domain::fiscal
