// A token bucket as API Gateway documents its throttling: `rate` tokens per second refill a
// bucket of `burst` tokens; each request takes one; an empty bucket means 429. The bucket
// starts full. Refill is computed from `now` on each call (no timers).
#pragma once

#include <algorithm>

#include "emulator/core/time.h"

namespace emu::capacity {

class TokenBucket {
 public:
  TokenBucket(double rate_per_second, double burst)
      : rate_(rate_per_second), burst_(burst), tokens_(burst) {}

  // Takes `n` tokens at `now` if available.
  bool try_take(Micros now, double n = 1) {
    refill(now);
    if (tokens_ < n) return false;
    tokens_ -= n;
    return true;
  }
  // Tokens available at `now` (refilled, nothing taken).
  double available(Micros now) {
    refill(now);
    return tokens_;
  }
  // New limits from `now` on; keeps the current tokens (capped at the new burst).
  void reconfigure(double rate_per_second, double burst, Micros now) {
    refill(now);
    rate_ = rate_per_second;
    burst_ = burst;
    tokens_ = std::min(tokens_, burst_);
  }
  double rate() const { return rate_; }
  double burst() const { return burst_; }

 private:
  void refill(Micros now) {
    if (now > last_) {
      tokens_ = std::min(burst_, tokens_ + rate_ * to_seconds(now - last_));
      last_ = now;
    }
  }

  double rate_;
  double burst_;
  double tokens_;
  Micros last_ = INT64_MIN / 2;  // the first call refills nothing: the bucket is already full
};

}  // namespace emu::capacity
