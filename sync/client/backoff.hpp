#pragma once
// Capped exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and
// Jitter"): after the n-th consecutive failure the next attempt waits a uniformly random time in
// [0, min(cap, base * 2^(n-1))]. Full jitter spreads a whole store's worth of tills that lost the
// hub at the same moment, so they do not all come back in the same second.
//
// The random source is injected (tests fix it) and time is read from a Clock's monotonic side.
// Not thread-safe.
#include <chrono>
#include <cstdint>
#include <functional>

#include "platform/clock.hpp"

namespace storeedge::sync::client {

struct BackoffOptions {
  std::chrono::milliseconds base{500};
  std::chrono::milliseconds cap{60'000};
};

class Backoff {
 public:
  // Returns a uniformly distributed value in [0, bound] for a bound >= 0.
  using Random = std::function<std::uint64_t(std::uint64_t bound)>;

  Backoff(const Clock& clock, Random random, BackoffOptions options = {});

  // Records a failure and schedules the next attempt; returns the chosen delay.
  std::chrono::milliseconds failed();
  // Records a success: the next attempt may run at once and the exponent starts over.
  void succeeded();

  // True when no retry is scheduled or its time has come.
  bool ready() const;
  std::chrono::steady_clock::time_point next_attempt() const { return next_; }
  std::int64_t consecutive_failures() const { return failures_; }
  // The upper bound of the delay that the next failure would draw from.
  std::chrono::milliseconds ceiling_after(std::int64_t failures) const;

 private:
  const Clock& clock_;
  Random random_;
  BackoffOptions options_;
  std::int64_t failures_ = 0;
  std::chrono::steady_clock::time_point next_{};
};

// A Random from a std::mt19937_64 seeded from std::random_device, for production.
Backoff::Random system_random();

}  // namespace storeedge::sync::client
