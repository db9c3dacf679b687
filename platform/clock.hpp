#pragma once
// Time as a dependency (STYLE.md, "Time, I/O and faults"): domain and sync code take a Clock&
// and never read the system clock themselves. Tests use ManualClock.
#include <chrono>
#include <cstdint>
#include <mutex>

namespace storeedge {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time: stamps on receipts, fiscal records and hybrid logical clocks.
  virtual std::chrono::system_clock::time_point now() const = 0;
  // Monotonic time: deadlines, backoff, latency. Never goes backwards.
  virtual std::chrono::steady_clock::time_point steady_now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override;
  std::chrono::steady_clock::time_point steady_now() const override;
};

// A clock that only moves when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::chrono::system_clock::time_point start = std::chrono::system_clock::time_point{
                           std::chrono::seconds{1'700'000'000}});
  std::chrono::system_clock::time_point now() const override;
  std::chrono::steady_clock::time_point steady_now() const override;
  void advance(std::chrono::nanoseconds by);
  // Moves wall time only (monotonic time is untouched), like an NTP step or a kiosk booting in 1970.
  void set_wall(std::chrono::system_clock::time_point to);

 private:
  mutable std::mutex mutex_;
  std::chrono::system_clock::time_point wall_;
  std::chrono::steady_clock::time_point steady_{};
};

// Milliseconds since the Unix epoch, the unit stored in the replica.
std::int64_t unix_millis(std::chrono::system_clock::time_point t);

}  // namespace storeedge
