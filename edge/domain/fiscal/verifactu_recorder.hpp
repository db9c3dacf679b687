#pragma once
// Spain's fiscal recorder: VERI*FACTU registros de alta and de anulación (RD 1007/2023, Orden
// HAC/1177/2024). Each record's huella is the SHA-256 of the string the AEAT hash specification
// defines, chained to the issuer's previous record; altas carry the validation QR URL.
// Thread-safety: immutable; share one instance freely.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "edge/domain/fiscal/fiscal_recorder.hpp"
#include "edge/domain/fiscal/verifactu_qr.hpp"

namespace storeedge::domain::fiscal {

// NumSerieFactura is at most 60 characters (XSD TextMax60Type).
inline constexpr std::size_t kMaxNumberChars = 60;

class VerifactuRecorder final : public FiscalRecorder {
 public:
  explicit VerifactuRecorder(AeatEnvironment environment) : environment_(environment) {}

  [[nodiscard]] Result<FiscalRecord> record_invoice(const InvoiceFacts& facts,
                                                    const std::optional<ChainLink>& previous) override;
  [[nodiscard]] Result<FiscalRecord> record_cancellation(const CancellationFacts& facts,
                                                         const std::optional<ChainLink>& previous) override;
  [[nodiscard]] std::optional<ChainBreak> find_chain_break(
      std::span<const FiscalRecord> records) const override;
  std::string_view country() const override { return "ES"; }

  AeatEnvironment environment() const { return environment_; }

 private:
  AeatEnvironment environment_;
};

// The exact string a record's huella is computed over, from its fields.
std::string verifactu_hash_input(const FiscalRecord& record);

// The facts of a cancellation of `invoice`, which must be an alta record.
[[nodiscard]] Result<CancellationFacts> cancellation_of(const FiscalRecord& invoice, GenerationTime at);

}  // namespace storeedge::domain::fiscal
