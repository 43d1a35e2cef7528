// The one place allowed to read the operating system's clocks or sleep (see clock.h).
#include <atomic>
#include <chrono>
#include <thread>

#include "emulator/core/clock.h"

namespace emu {

namespace {
Micros system_micros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}
}  // namespace

Micros SystemClock::now() const {
  // The system clock can be stepped backwards (NTP); models assume time never decreases.
  static std::atomic<Micros> last{0};
  Micros t = system_micros();
  Micros prev = last.load(std::memory_order_relaxed);
  while (t > prev && !last.compare_exchange_weak(prev, t, std::memory_order_relaxed)) {
  }
  return t > prev ? t : prev;
}

namespace wall {

Micros monotonic_now() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

Micros utc_now() { return system_micros(); }

bool wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, Micros deadline) {
  using namespace std::chrono;
  const auto tp = steady_clock::time_point(microseconds(deadline));
  return cv.wait_until(lock, tp) == std::cv_status::no_timeout;
}

void sleep_for(Micros duration) {
  if (duration > 0) std::this_thread::sleep_for(std::chrono::microseconds(duration));
}

}  // namespace wall
}  // namespace emu
