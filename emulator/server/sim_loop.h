// The simulation thread. Every piece of emulator state is touched only here; HTTP threads
// hand requests over through a bounded inbox and wait for the reply.
//
// Each turn of the loop: run scheduler events that are due (real-time mode), run the queued
// work items, commit the storage transaction once for all of them (group commit), then release
// the replies. A reply whose response carries a modelled delay is released that much later in
// real-time mode (so clients see the modelled latency) and at once in virtual mode (where time
// stands still until POST /_emulator/clock moves it).
//
// Long operations (a response with `resume`, such as a clock advance) are done in slices: each
// turn runs the queued requests first, then slices of the long operation for up to
// kResumeBudget of wall time (less if requests are waiting), so that requests arriving meanwhile
// wait one slice, not the whole operation. They are served at the clock's current time. One
// long operation runs at a time; others wait in arrival order.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "emulator/core/clock.h"
#include "emulator/core/scheduler.h"
#include "emulator/core/storage.h"
#include "emulator/http/message.h"

namespace emu::server {

class SimLoop {
 public:
  using Handler = std::function<http::HttpResponse(Micros now)>;

  // `storage` may be null (no durable state). `inbox_capacity` bounds queued work items.
  SimLoop(Scheduler& scheduler, Storage* storage, std::size_t inbox_capacity);

  // Any thread: runs `handler` on the simulation thread and returns its response once it is
  // committed and its modelled delay has passed. nullopt if the inbox is full or the loop is
  // stopping (the edge answers 503).
  std::optional<http::HttpResponse> call(Handler handler);
  // Any thread: the same without blocking: `done` runs on the simulation thread with the
  // response when call() would return it (it must only hand the response over, e.g. post it to
  // an I/O thread). False (and `done` never runs) if the inbox is full or the loop is stopping.
  using Done = std::function<void(http::HttpResponse)>;
  bool call_async(Handler handler, Done done);

  // Any thread: queues `work` for the simulation thread. False if full or stopping.
  bool post(std::function<void()> work);

  // The simulation thread's body. Returns after stop() once queued work has been answered.
  void run();
  // Any thread: asks run() to finish.
  void stop();

  std::uint64_t turns() const { return turns_; }
  // Any thread: the emulated time at the end of the last turn or long-operation slice (what
  // GET /_emulator/health reports without waiting for the simulation thread).
  Micros published_now() const { return published_now_.load(std::memory_order_acquire); }

  // Wall time a turn spends on long-operation slices before it serves queued requests again.
  static constexpr Micros kResumeBudget = 10 * kMicrosPerMilli;
  // Called on the simulation thread at the end of every turn, after the commit (flush logs).
  void set_turn_end(std::function<void()> hook) { turn_end_ = std::move(hook); }

 private:
  struct PendingReply {
    // Exactly one of `promise` and `done` receives the response.
    std::shared_ptr<std::promise<std::optional<http::HttpResponse>>> promise;
    http::HttpResponse response;
    Micros arrived;
    Done done;
  };

  void run_turn(std::deque<std::function<void()>>& batch);
  void accept(PendingReply reply);
  void resume_long_operations();
  bool inbox_waiting();
  void abandon_long_operations();
  static void deliver(PendingReply& reply, http::HttpResponse response);
  void release(PendingReply reply);
  void wait_for_work(std::unique_lock<std::mutex>& lock);

  Scheduler& scheduler_;
  Storage* storage_;
  const std::size_t inbox_capacity_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> inbox_;
  bool stopping_ = false;

  std::vector<PendingReply> replies_;  // simulation thread only
  std::deque<PendingReply> resuming_;  // long operations, oldest first (simulation thread only)
  std::atomic<Micros> published_now_;
  void send_delayed(std::uint64_t id, std::optional<http::HttpResponse> response);
  void schedule_recheck(std::uint64_t id, Micros due);
  std::unordered_map<std::uint64_t, PendingReply> delayed_;  // waiting for modelled latency
  std::uint64_t next_delayed_id_ = 1;
  std::uint64_t turns_ = 0;
  std::function<void()> turn_end_;
};

}  // namespace emu::server
