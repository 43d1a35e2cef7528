// The only source of time for the emulator.
//
// Models never read the wall clock: they receive `now` from whoever drives them, and that comes
// from a Clock. VirtualClock moves only when told (tests, virtual-time scenario runs, and
// `emulator serve --clock virtual`); SystemClock follows the real UTC wall clock.
// A ctest (tests/core/ban_check) fails the build if any other file reads the wall clock, sleeps
// or calls rand().
#pragma once

#include <condition_variable>
#include <mutex>

#include "emulator/core/time.h"

namespace emu {

class Clock {
 public:
  virtual ~Clock() = default;
  // Current emulated time. Never decreases.
  virtual Micros now() const = 0;
  virtual bool is_virtual() const = 0;
};

// Time that moves only through advance_to(). Not thread-safe: owned by the simulation thread.
class VirtualClock final : public Clock {
 public:
  explicit VirtualClock(Micros start) : now_(start) {}
  Micros now() const override { return now_; }
  bool is_virtual() const override { return true; }
  // Moves time forward to `t`; a `t` in the past is ignored (time never goes backwards).
  void advance_to(Micros t) {
    if (t > now_) now_ = t;
  }

 private:
  Micros now_;
};

// Real UTC time. Thread-safe. Guarantees monotonic results even if the system clock steps back.
class SystemClock final : public Clock {
 public:
  Micros now() const override;
  bool is_virtual() const override { return false; }
};

// Wall-clock facilities for the real-time edge only (HTTP loop, benchmarks, loadgen's real
// mode). Everything here lives in clock_system.cc, the one file allowed to touch the OS clock.
namespace wall {
// Monotonic microseconds since an arbitrary origin, for measuring durations.
Micros monotonic_now();
// Real UTC time of day, for the ready line and uptime.
Micros utc_now();
// Waits on `cv` until notified or until the monotonic time reaches `deadline` (monotonic_now()
// units). Returns false on timeout.
bool wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, Micros deadline);
// Blocks the calling thread for `duration`. For the real-time loadgen pacer and tools only.
void sleep_for(Micros duration);
}  // namespace wall

}  // namespace emu
