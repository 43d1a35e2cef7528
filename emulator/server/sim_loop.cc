#include "emulator/server/sim_loop.h"

namespace emu::server {

SimLoop::SimLoop(Scheduler& scheduler, Storage* storage, std::size_t inbox_capacity)
    : scheduler_(scheduler),
      storage_(storage),
      inbox_capacity_(inbox_capacity),
      published_now_(scheduler.now()) {}

bool SimLoop::post(std::function<void()> work) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || inbox_.size() >= inbox_capacity_) return false;
    inbox_.push_back(std::move(work));
  }
  wake_.notify_one();
  return true;
}

std::optional<http::HttpResponse> SimLoop::call(Handler handler) {
  auto promise = std::make_shared<std::promise<std::optional<http::HttpResponse>>>();
  auto future = promise->get_future();
  const bool queued = post([this, promise, handler = std::move(handler)]() mutable {
    const Micros now = scheduler_.now();
    accept(PendingReply{promise, handler(now), now, nullptr});
  });
  if (!queued) return std::nullopt;
  return future.get();
}

bool SimLoop::call_async(Handler handler, Done done) {
  return post([this, handler = std::move(handler), done = std::move(done)]() mutable {
    const Micros now = scheduler_.now();
    accept(PendingReply{nullptr, handler(now), now, std::move(done)});
  });
}

void SimLoop::accept(PendingReply reply) {
  if (reply.response.resume) {
    resuming_.push_back(std::move(reply));
  } else {
    replies_.push_back(std::move(reply));
  }
}

void SimLoop::deliver(PendingReply& reply, http::HttpResponse response) {
  if (reply.promise) {
    reply.promise->set_value(std::move(response));
  } else if (reply.done) {
    reply.done(std::move(response));
  }
}

void SimLoop::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
}

void SimLoop::wait_for_work(std::unique_lock<std::mutex>& lock) {
  while (inbox_.empty() && !stopping_ && resuming_.empty()) {
    const auto due = scheduler_.clock().is_virtual() ? std::nullopt : scheduler_.next_due();
    if (!due) {
      wake_.wait(lock);
      continue;
    }
    const Micros wait = *due - scheduler_.now();
    if (wait <= 0) return;
    wall::wait_until(wake_, lock, wall::monotonic_now() + wait);
  }
}

void SimLoop::run() {
  std::deque<std::function<void()>> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wait_for_work(lock);
      if (stopping_ && inbox_.empty()) break;
      batch.swap(inbox_);
    }
    run_turn(batch);
    batch.clear();
  }
  run_turn(batch);  // answer anything queued before stopping
  abandon_long_operations();
  // Replies still waiting for their modelled delay are released now: shutting down must not
  // leave a client hanging.
  for (auto& [id, reply] : delayed_) deliver(reply, std::move(reply.response));
  delayed_.clear();
}

void SimLoop::run_turn(std::deque<std::function<void()>>& batch) {
  ++turns_;
  if (!scheduler_.clock().is_virtual()) scheduler_.run_due();
  for (auto& work : batch) work();
  resume_long_operations();
  if (storage_ != nullptr) storage_->commit();
  if (turn_end_) turn_end_();
  published_now_.store(scheduler_.now(), std::memory_order_release);
  std::vector<PendingReply> ready;
  ready.swap(replies_);
  for (auto& reply : ready) release(std::move(reply));
}

bool SimLoop::inbox_waiting() {
  std::lock_guard lock(mutex_);
  return !inbox_.empty() || stopping_;
}

void SimLoop::resume_long_operations() {
  const Micros deadline = wall::monotonic_now() + kResumeBudget;
  while (!resuming_.empty()) {
    PendingReply& operation = resuming_.front();
    auto finished = operation.response.resume(scheduler_.now());
    published_now_.store(scheduler_.now(), std::memory_order_release);
    if (finished) {
      PendingReply reply = std::move(operation);
      resuming_.pop_front();
      reply.response = std::move(*finished);
      accept(std::move(reply));
    }
    if (wall::monotonic_now() >= deadline || inbox_waiting()) return;
  }
}

// Shutting down mid-operation: the state is consistent (events ran in order up to the clock's
// time), so the operation stops there and its client hears so rather than waiting.
void SimLoop::abandon_long_operations() {
  for (auto& operation : resuming_) {
    deliver(operation, http::HttpResponse::with_body(
                           503, "application/json",
                           "{\"error\": \"the emulator is shutting down; stopped at " +
                               format_iso8601(scheduler_.now()) + "\"}\n"));
  }
  resuming_.clear();
}

void SimLoop::release(PendingReply reply) {
  const Micros delay = reply.response.delay;
  if (delay <= 0 || scheduler_.clock().is_virtual()) {
    deliver(reply, std::move(reply.response));
    return;
  }
  // Committed already; only the client's view of the modelled latency is deferred.
  const std::uint64_t id = next_delayed_id_++;
  const Micros due = reply.arrived + delay;
  const bool rechecks = static_cast<bool>(reply.response.recheck);
  delayed_.emplace(id, std::move(reply));
  scheduler_.at(due, [this, id]() { send_delayed(id, std::nullopt); });
  if (rechecks) schedule_recheck(id, due);
}

void SimLoop::send_delayed(std::uint64_t id, std::optional<http::HttpResponse> response) {
  const auto it = delayed_.find(id);
  if (it == delayed_.end()) return;
  deliver(it->second, response ? std::move(*response) : std::move(it->second.response));
  delayed_.erase(it);
}

void SimLoop::schedule_recheck(std::uint64_t id, Micros due) {
  constexpr Micros kRecheckInterval = 20 * kMicrosPerMilli;
  const Micros at = scheduler_.clock().now() + kRecheckInterval;
  if (at >= due) return;
  scheduler_.at(at, [this, id, due]() {
    const auto it = delayed_.find(id);
    if (it == delayed_.end()) return;
    auto early = it->second.response.recheck(scheduler_.clock().now());
    if (early) {
      send_delayed(id, std::move(early));
    } else {
      schedule_recheck(id, due);
    }
  });
}

}  // namespace emu::server
