#pragma once
// Facts shared by the fiscal tests. The AEAT examples are the three worked examples of the AEAT
// document "Veri*factu - Detalle de las especificaciones técnicas para la generación de la huella o hash
// de los registros de facturación" (v0.1.2, 27-08-2024).
#include <cstdint>
#include <string>

#include "edge/domain/fiscal/fiscal_recorder.hpp"

namespace storeedge::domain::fiscal::testing {

// 2024-01-01T19:20:30+01:00 = 2024-01-01T18:20:30Z.
inline constexpr std::int64_t kAeatExampleUnix = 1'704'133'230;

// AEAT example 1: first alta of the chain.
inline InvoiceFacts aeat_example_invoice_1() {
  return InvoiceFacts{"89890001K",
                      "12345678/G33",
                      CivilDate{2024, 1, 1},
                      InvoiceType::F1,
                      1235,
                      12345,
                      GenerationTime{kAeatExampleUnix, 60}};
}

// AEAT example 2: second alta, five seconds later.
inline InvoiceFacts aeat_example_invoice_2() {
  InvoiceFacts f = aeat_example_invoice_1();
  f.number = "12345679/G34";
  f.generated_at.unix_seconds += 5;
  return f;
}

// A till ticket (F2) of a made-up company with a valid CIF, in summer time.
inline InvoiceFacts ticket(std::string number, std::int64_t unix_seconds, std::int64_t total_cents = 1210,
                           std::int64_t tax_cents = 210) {
  return InvoiceFacts{"B12345674", std::move(number), CivilDate{2024, 7, 15},           InvoiceType::F2,
                      tax_cents,   total_cents,       GenerationTime{unix_seconds, 120}};
}

// 2024-07-15T10:00:00+02:00.
inline constexpr std::int64_t kSummerMorningUnix = 1'721'030'400;

}  // namespace storeedge::domain::fiscal::testing
