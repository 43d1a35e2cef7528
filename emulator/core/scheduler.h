// The simulation's event queue: callbacks ordered by due time, then by the order in which they
// were scheduled (so two events due at the same microsecond run first-come first-served, as
// FoundationDB's orderedDelay does).
//
// Thread rules: not thread-safe. Only the simulation thread schedules and runs events; other
// threads hand work to it through the server's inbox (server/sim_loop.h).
//
// Virtual mode: run_until()/run_next() jump the VirtualClock straight to each event's due time.
// Real-time mode: the sim loop calls run_due() whenever the SystemClock has reached next_due().
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_set>
#include <vector>

#include "emulator/core/clock.h"

namespace emu {

using EventId = std::uint64_t;

class Scheduler {
 public:
  using Task = std::function<void()>;

  // `clock` must outlive the scheduler. If it is a VirtualClock, run_until/run_next may be used.
  explicit Scheduler(Clock& clock);

  Clock& clock() const { return clock_; }
  Micros now() const { return clock_.now(); }

  // Runs `task` at `due` (or at the current time if `due` is in the past).
  EventId at(Micros due, Task task);
  EventId after(Micros delay, Task task) { return at(now() + delay, std::move(task)); }
  // Cancels a pending event. Returns false if it already ran or was cancelled.
  bool cancel(EventId id);

  // Due time of the earliest pending event.
  std::optional<Micros> next_due() const;
  std::size_t pending() const { return heap_.size() - cancelled_.size(); }
  // Total events run since construction (for benchmarks and the event-log digest).
  std::uint64_t events_run() const { return events_run_; }

  // Runs every event due at or before clock().now(), including events those events schedule
  // for a time not after now. Returns how many ran.
  std::size_t run_due();

  // Virtual clock only: runs events in order up to and including time `t`, moving the clock to
  // each event's due time, then leaves the clock at `t`. Returns how many ran.
  std::size_t run_until(Micros t);
  // Virtual clock only: the same, but stops after `max_events` events, so that a long advance
  // can be done in slices with other work in between. The clock ends at `t` only when every
  // event due by `t` has run (then now() == t); otherwise at the due time of the last event run.
  // Running the slices back to back runs exactly the events run_until(t) would, in the same order.
  std::size_t run_until(Micros t, std::size_t max_events);
  // Virtual clock only: moves the clock to the next event and runs it. False if none pending.
  bool run_next();

 private:
  struct Event {
    Micros due;
    EventId id;
    Task task;
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.due != b.due ? a.due > b.due : a.id > b.id;
    }
  };

  VirtualClock& virtual_clock() const;
  void drop_cancelled_top();
  Event pop();

  Clock& clock_;
  std::vector<Event> heap_;
  std::unordered_set<EventId> cancelled_;
  EventId next_id_ = 1;
  std::uint64_t events_run_ = 0;
};

}  // namespace emu
