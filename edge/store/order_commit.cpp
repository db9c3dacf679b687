#include "edge/store/order_commit.hpp"

#include "edge/domain/fiscal/verifactu_format.hpp"
#include "edge/store/fiscal_rows.hpp"

namespace storeedge::store {

std::string local_time_text(const domain::fiscal::GenerationTime& t) {
  if (!domain::fiscal::validate_generation_time(t)) return {};
  return domain::fiscal::format_generation_time(t);
}

Status write_order_with_journals(sqlite::Database& db, OrderRecord& order, Receipt& receipt,
                                 const FiscalInput& fiscal, const AuditEntry& audit,
                                 const std::string& mutation_kind) {
  auto previous = last_fiscal_link(db);
  if (!previous) return fail(previous.error());
  const domain::fiscal::InvoiceFacts facts{.issuer_tax_id = fiscal.issuer_tax_id,
                                           .number = order.receipt_number,
                                           .issue_date = local_issue_date(fiscal.at),
                                           .type = fiscal.type,
                                           .total_tax_cents = order.tax,
                                           .total_cents = order.total,
                                           .generated_at = fiscal.at};
  auto record = fiscal.recorder.record_invoice(facts, *previous);
  if (!record) return fail(record.error());
  receipt.fiscal_hash = record->hash;
  receipt.fiscal_qr_url = record->qr_url;
  order.receipt_json = receipt.to_json();

  if (auto s = write_order(db, order); !s) return s;
  if (auto seq = append_fiscal_record(db, order.order_id, *record); !seq) return fail(seq.error());
  if (auto seq = append_audit(db, order.created_at_ms, audit); !seq) return fail(seq.error());
  auto mutation = enqueue_mutation(db, order.created_at_ms,
                                   Mutation{mutation_kind, order.order_id, order_payload(order)});
  if (!mutation) return fail(mutation.error());
  return {};
}

}  // namespace storeedge::store
