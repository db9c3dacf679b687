#pragma once
// The tail every order commit shares (sales, returns): register the order with the fiscal recorder
// chained to the last stored record, put the fiscal hash and QR on the receipt, store the order with
// its receipt, and append the fiscal record, the audit entry and the outbox mutation. Runs inside the
// caller's transaction.
#include <string>

#include "edge/domain/fiscal/fiscal_recorder.hpp"
#include "edge/store/journal.hpp"
#include "edge/store/order_rows.hpp"
#include "edge/store/receipt.hpp"
#include "platform/error.hpp"
#include "platform/sqlite/database.hpp"

namespace storeedge::store {

struct FiscalInput {
  domain::fiscal::FiscalRecorder& recorder;
  std::string issuer_tax_id;
  domain::fiscal::InvoiceType type = domain::fiscal::InvoiceType::F2;
  domain::fiscal::GenerationTime at{};
};

// `order.receipt_json` is filled here from `receipt` once the fiscal fields are known.
// The mutation kind is "order.completed" for sales and "order.returned" for returns.
[[nodiscard]] Status write_order_with_journals(sqlite::Database& db, OrderRecord& order, Receipt& receipt,
                                               const FiscalInput& fiscal, const AuditEntry& audit,
                                               const std::string& mutation_kind);

// "2023-11-14T23:13:20+01:00" in the issuer's local time.
std::string local_time_text(const domain::fiscal::GenerationTime& t);

}  // namespace storeedge::store
