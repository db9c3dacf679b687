#include "edge/domain/fiscal/madrid_time.hpp"

#include <chrono>

namespace storeedge::domain::fiscal {
namespace {

// 01:00 UTC on the last Sunday of `m` in `y`, in unix seconds.
std::int64_t last_sunday_0100_utc(std::chrono::year y, std::chrono::month m) {
  using namespace std::chrono;
  const sys_days day{year_month_weekday_last{y, m, weekday_last{Sunday}}};
  return static_cast<std::int64_t>(day.time_since_epoch().count()) * 86'400 + 3'600;
}

}  // namespace

int madrid_utc_offset_minutes(std::int64_t unix_seconds) {
  using namespace std::chrono;
  const sys_seconds t{seconds{unix_seconds}};
  const year y = year_month_day{floor<days>(t)}.year();
  const bool summer =
      unix_seconds >= last_sunday_0100_utc(y, March) && unix_seconds < last_sunday_0100_utc(y, October);
  return summer ? 120 : 60;
}

}  // namespace storeedge::domain::fiscal
