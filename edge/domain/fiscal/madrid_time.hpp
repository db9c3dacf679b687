#pragma once
// The UTC offset of mainland Spain (Europe/Madrid) from the EU summer-time rule, without the system
// time-zone database (kiosk images may not ship one): CEST (+02:00) from 01:00 UTC on the last Sunday
// of March until 01:00 UTC on the last Sunday of October, CET (+01:00) otherwise.
#include <cstdint>

#include "edge/domain/fiscal/fiscal_recorder.hpp"

namespace storeedge::domain::fiscal {

// +60 or +120.
int madrid_utc_offset_minutes(std::int64_t unix_seconds);

// The generation time of a record made at `unix_seconds` on the Spanish mainland.
inline GenerationTime madrid_generation_time(std::int64_t unix_seconds) {
  return GenerationTime{unix_seconds, madrid_utc_offset_minutes(unix_seconds)};
}

}  // namespace storeedge::domain::fiscal
