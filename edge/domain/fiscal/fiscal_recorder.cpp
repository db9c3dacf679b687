#include "edge/domain/fiscal/fiscal_recorder.hpp"

#include <array>

namespace storeedge::domain::fiscal {
namespace {

constexpr std::array<std::string_view, 8> kTypeCodes = {"F1", "F2", "F3", "R1", "R2", "R3", "R4", "R5"};

}  // namespace

std::string_view to_string(InvoiceType type) {
  return kTypeCodes.at(static_cast<std::size_t>(type));
}

Result<InvoiceType> parse_invoice_type(std::string_view code) {
  for (std::size_t i = 0; i < kTypeCodes.size(); ++i) {
    if (kTypeCodes[i] == code) return static_cast<InvoiceType>(i);
  }
  return fail(Errc::invalid_argument, "unknown invoice type '" + std::string(code) + "' (F1-F3, R1-R5)");
}

std::string_view to_string(RecordKind kind) {
  return kind == RecordKind::alta ? "alta" : "anulacion";
}

std::string_view to_string(BreakReason reason) {
  switch (reason) {
    case BreakReason::fields_tampered: return "hash does not match the record's fields";
    case BreakReason::previous_mismatch: return "does not chain to the record before it";
    case BreakReason::not_chain_start: return "first record names a previous record";
    case BreakReason::foreign_issuer: return "belongs to another issuer's chain";
    case BreakReason::invalid_record: return "malformed field";
  }
  return "unknown";
}

Status FiscalRecorder::verify_chain(std::span<const FiscalRecord> records) const {
  const auto broken = find_chain_break(records);
  if (!broken) return {};
  std::string message = "fiscal chain broken at record " + std::to_string(broken->index) + ": " +
                        std::string(to_string(broken->reason));
  if (!broken->detail.empty()) message += " (" + broken->detail + ")";
  return fail(Errc::corrupt, std::move(message));
}

}  // namespace storeedge::domain::fiscal
