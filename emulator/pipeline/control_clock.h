// POST /_emulator/clock: moves the virtual clock, running every event due on the way.
//
// A long advance is done in slices of kEventsPerSlice events (HttpResponse::resume): the
// server's simulation loop serves queued requests between slices and sends the reply when the
// target is reached. Events still run in due-time order, exactly as in one go; a request that
// arrives mid-advance is served at the clock's current time, the due time of the last event run
// (as if it had arrived then). One advance at a time: another clock request meanwhile gets 409.
#pragma once

#include <optional>

#include "emulator/core/scheduler.h"
#include "emulator/http/message.h"

namespace emu {

// The largest advance one request may ask for (366 days, so a year fits in one call). It bounds
// how long one request runs; longer spans take several requests.
constexpr double kMaxClockAdvanceSeconds = 366.0 * 24 * 3600;

class ClockControl {
 public:
  static constexpr std::size_t kEventsPerSlice = 512;

  explicit ClockControl(Scheduler& scheduler) : scheduler_(scheduler) {}

  // The endpoint. Validation errors answer 400 at once; otherwise the response resumes.
  http::HttpResponse handle(const http::HttpRequest& request, Micros now);

 private:
  std::optional<http::HttpResponse> advance_slice();

  Scheduler& scheduler_;
  std::optional<Micros> target_;  // the advance in progress
  std::size_t events_run_ = 0;    // by the advance in progress
};

}  // namespace emu
