#pragma once
// The sd_notify(3) protocol: readiness, reload, stop and watchdog pings. Every call is a no-op when
// the process was not started by systemd with NOTIFY_SOCKET set, so the daemon calls them unconditionally.
#include <chrono>
#include <optional>

namespace storeedge::systemd {

void notify_ready();
void notify_reloading();
void notify_stopping();
void notify_watchdog();
// The interval at which to ping, when the unit sets WatchdogSec= (half the configured timeout, as
// sd_watchdog_enabled(3) recommends), or nullopt when there is no watchdog.
std::optional<std::chrono::microseconds> watchdog_ping_interval();

}  // namespace storeedge::systemd
