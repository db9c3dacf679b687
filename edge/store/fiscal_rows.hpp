#pragma once
// The fiscal_record table: the issuer's chain as stored rows. Records are appended inside the
// transaction of the order they register, chained to the last stored row.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edge/domain/fiscal/fiscal_recorder.hpp"
#include "platform/error.hpp"
#include "platform/sqlite/database.hpp"

namespace storeedge::store {

// The link to the last stored record, or nullopt when the table is empty.
[[nodiscard]] Result<std::optional<domain::fiscal::ChainLink>> last_fiscal_link(sqlite::Database& db);

// Stores `record` (made by a FiscalRecorder) for `order_id`; returns its seq.
[[nodiscard]] Result<std::int64_t> append_fiscal_record(sqlite::Database& db, std::string_view order_id,
                                                        const domain::fiscal::FiscalRecord& record);

// Every stored record, oldest first, rebuilt field by field so a recorder can verify the chain.
[[nodiscard]] Result<std::vector<domain::fiscal::FiscalRecord>> read_fiscal_chain(sqlite::Database& db);

// The local calendar date of a generation time (the invoice's issue date).
domain::fiscal::CivilDate local_issue_date(const domain::fiscal::GenerationTime& t);

}  // namespace storeedge::store
