#include "platform/systemd.hpp"

#include <systemd/sd-daemon.h>

namespace storeedge::systemd {

void notify_ready() {
  sd_notify(0, "READY=1\nSTATUS=serving");
}
void notify_reloading() {
  sd_notify(0, "RELOADING=1\nSTATUS=reloading configuration");
}
void notify_stopping() {
  sd_notify(0, "STOPPING=1\nSTATUS=stopping");
}
void notify_watchdog() {
  sd_notify(0, "WATCHDOG=1");
}

std::optional<std::chrono::microseconds> watchdog_ping_interval() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(static_cast<std::int64_t>(usec / 2));
}

}  // namespace storeedge::systemd
