#include "emulator/core/scheduler.h"

#include <algorithm>
#include <limits>

#include "emulator/core/assert.h"

namespace emu {

Scheduler::Scheduler(Clock& clock) : clock_(clock) {}

EventId Scheduler::at(Micros due, Task task) {
  const EventId id = next_id_++;
  heap_.push_back(Event{std::max(due, now()), id, std::move(task)});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
  return id;
}

bool Scheduler::cancel(EventId id) {
  if (id == 0 || id >= next_id_) return false;
  const bool queued = std::any_of(heap_.begin(), heap_.end(),
                                  [id](const Event& e) { return e.id == id; });
  if (!queued) return false;
  return cancelled_.insert(id).second;
}

void Scheduler::drop_cancelled_top() {
  while (!heap_.empty() && !cancelled_.empty()) {
    const auto it = cancelled_.find(heap_.front().id);
    if (it == cancelled_.end()) return;
    cancelled_.erase(it);
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    heap_.pop_back();
  }
}

std::optional<Micros> Scheduler::next_due() const {
  const_cast<Scheduler*>(this)->drop_cancelled_top();
  if (heap_.empty()) return std::nullopt;
  return heap_.front().due;
}

Scheduler::Event Scheduler::pop() {
  std::pop_heap(heap_.begin(), heap_.end(), Later{});
  Event event = std::move(heap_.back());
  heap_.pop_back();
  return event;
}

std::size_t Scheduler::run_due() {
  std::size_t ran = 0;
  for (auto due = next_due(); due && *due <= now(); due = next_due()) {
    Event event = pop();
    ++events_run_;
    ++ran;
    event.task();
  }
  return ran;
}

VirtualClock& Scheduler::virtual_clock() const {
  EMU_ASSERT(clock_.is_virtual());
  return static_cast<VirtualClock&>(clock_);
}

std::size_t Scheduler::run_until(Micros t) {
  return run_until(t, std::numeric_limits<std::size_t>::max());
}

std::size_t Scheduler::run_until(Micros t, std::size_t max_events) {
  VirtualClock& clock = virtual_clock();
  std::size_t ran = 0;
  for (auto due = next_due(); due && *due <= t; due = next_due()) {
    if (ran == max_events) return ran;
    clock.advance_to(*due);
    Event event = pop();
    ++events_run_;
    ++ran;
    event.task();
  }
  clock.advance_to(t);
  return ran;
}

bool Scheduler::run_next() {
  VirtualClock& clock = virtual_clock();
  const auto due = next_due();
  if (!due) return false;
  clock.advance_to(*due);
  Event event = pop();
  ++events_run_;
  event.task();
  return true;
}

}  // namespace emu
