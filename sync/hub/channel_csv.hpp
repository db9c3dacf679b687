#pragma once
// The ERP's CSV loads (docs/channels.md): one file per load type, a header row naming the columns,
// fields quoted per RFC 4180 (read with Debian's libcsv in strict mode). Every error is
// Errc::invalid_argument naming the line and the column ("line 7, column 'level': 'ten' is not an
// integer"), so the ERP can fix its export; a bad row refuses the whole file.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "platform/error.hpp"
#include "sync/hub/storage.hpp"

namespace storeedge::sync::hub::channels {

struct CsvRecord {
  std::size_t line = 0;  // 1-based line of the file where the record starts
  std::vector<std::string> fields;
};

// All records of an RFC 4180 text, header included; blank lines are skipped.
[[nodiscard]] Result<std::vector<CsvRecord>> read_csv(std::string_view text);

// catalog: sku,name,category,tax_class,sold_by,age_restricted,active,gtins (gtins '|'-separated).
[[nodiscard]] Result<CatalogLoad> parse_catalog_csv(std::string_view text);
// prices: store_code,sku,unit_price_cents[,valid_from_ms][,valid_to_ms]
[[nodiscard]] Result<std::vector<Price>> parse_prices_csv(std::string_view text);
// promotions: promotion_id,kind[,description,percent_bp,amount_cents,group_size,discounted_units,
// threshold_cents,members_only,stackable,valid_from_ms,valid_to_ms,skus,withdrawn] (skus '|'-separated).
[[nodiscard]] Result<std::vector<Promotion>> parse_promotions_csv(std::string_view text);
// stock: store_code,sku,level
[[nodiscard]] Result<std::vector<StockLevel>> parse_stock_csv(std::string_view text);

}  // namespace storeedge::sync::hub::channels
