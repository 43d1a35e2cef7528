#include "emulator/pipeline/queue_mapping.h"

#include <algorithm>

namespace emu {

QueueMappingSettings QueueMappingSettings::from_config(const Config& c, const std::string& name) {
  const std::string base = "/lambda/event_source_mappings/" + name;
  QueueMappingSettings s;
  s.function = c.string(base + "/function");
  s.batch_size = c.integer(base + "/batch_size");
  if (s.batch_size < 1 || s.batch_size > 10) {
    // DEVIATION: AWS allows up to 10,000 with a batching window; ReceiveMessage caps one
    // receive at 10, and the seed uses 10.
    throw ConfigError(base + "/batch_size", "1..10");
  }
  s.pollers = c.integer(base + "/pollers");
  if (s.pollers < 1 || s.pollers > 1000) throw ConfigError(base + "/pollers", "1..1000");
  return s;
}

QueueMapping::QueueMapping(QueueMappingSettings settings, sqs::SqsModel& sqs,
                           std::string queue_name, lambda::LambdaService& lambda,
                           Scheduler& scheduler, Handler handler)
    : settings_(std::move(settings)),
      sqs_(sqs),
      queue_name_(std::move(queue_name)),
      lambda_(lambda),
      scheduler_(scheduler),
      handler_(std::move(handler)) {
  schedule_next();  // messages persisted by an earlier run
}

void QueueMapping::on_send(Micros visible_at) { wake_at(visible_at); }

void QueueMapping::wake_at(Micros at) {
  at = std::max(at, scheduler_.now());
  if (wake_ && *wake_ <= at) return;  // an earlier wake-up will look again
  wake_ = at;
  scheduler_.at(at, [this, at] {
    if (wake_ == at) wake_.reset();
    poll();
  });
}

void QueueMapping::poll() {
  auto queue = sqs_.queue(queue_name_);
  if (!queue) return;
  const Micros now = scheduler_.now();
  while (in_flight_ < settings_.pollers) {
    auto received = sqs_.receive(**queue, settings_.batch_size, -1, now);
    if (!received) {
      // ReceiveMessage failed (a fault rule): the poller tries again a second later
      // (ASSUMPTION, as after a throttle) rather than spinning at the same instant.
      ++receive_failures_;
      wake_at(now + kMicrosPerSecond);
      return;
    }
    if (received->empty()) break;
    std::vector<std::string> handles;
    for (const auto& m : *received) handles.push_back(m.receipt_handle);
    ++invocations_;
    const auto result =
        lambda_.invoke(settings_.function, now, [&] { return handler_(*received, now); });
    using Outcome = lambda::InvokeResult::Outcome;
    if (result.outcome == Outcome::kThrottled) {
      // The messages stay in flight and return after their visibility timeout; the poller
      // backs off (ASSUMPTION: 1 s) rather than spinning on the throttle.
      ++throttles_;
      wake_at(now + kMicrosPerSecond);
      return;
    }
    ++in_flight_;
    const bool ok = result.outcome == Outcome::kOk;
    if (!ok) ++failures_;
    scheduler_.at(now + result.latency, [this, handles = std::move(handles), ok] {
      --in_flight_;
      if (ok) {
        if (auto q = sqs_.queue(queue_name_)) {
          for (const auto& h : handles) {
            // A failed DeleteMessage leaves the message to come back after its visibility
            // timeout and be applied again, as on AWS (the ledger counts it applied again).
            if (sqs_.delete_message(**q, h).ok()) {
              ++messages_deleted_;
            } else {
              ++delete_failures_;
            }
          }
        }
      }
      poll();
    });
  }
  schedule_next();
}

void QueueMapping::schedule_next() {
  auto queue = sqs_.queue(queue_name_);
  if (!queue) return;
  const auto next = (*queue)->next_visible_at();
  if (next && in_flight_ < settings_.pollers) wake_at(*next);  // long poll: no busy loop
}

nlohmann::json QueueMapping::state() const {
  return {{"function", settings_.function},
          {"queue", queue_name_},
          {"batches_in_flight", in_flight_},
          {"invocations", invocations_},
          {"throttled", throttles_},
          {"failed_invocations", failures_},
          {"messages_deleted", messages_deleted_},
          {"failed_receives", receive_failures_},
          {"failed_deletes", delete_failures_}};
}

}  // namespace emu
