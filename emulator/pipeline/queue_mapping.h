// The event source mapping from an SQS queue (the DLQ) to a function (backoff_retry), driven by
// the Scheduler (aws-fidelity 2.x / 4.3):
//   - `pollers` batches may be in flight at once (AWS starts with 5 long-polling pollers);
//   - a poller receives up to `batch_size` messages with the queue's visibility timeout and
//     invokes the function synchronously through the Lambda model;
//   - when the invocation succeeds, every message of the batch is deleted (the seed's handler
//     resolves even when a record failed: it re-sends those itself); when it fails, times out
//     or is throttled the messages stay and reappear after the visibility timeout, with their
//     receive count raised (the whole batch is redelivered, as on AWS);
//   - pollers long-poll: a message is picked up as soon as it becomes visible (no spinning while
//     the queue is idle or every message is delayed).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/config.h"
#include "emulator/core/scheduler.h"
#include "emulator/lambda/lambda_service.h"
#include "emulator/sqs/model.h"

namespace emu {

struct QueueMappingSettings {
  std::string function = "backoff_retry";
  std::int64_t batch_size = 10;
  std::int64_t pollers = 5;

  static QueueMappingSettings from_config(const Config& config, const std::string& name);
};

class QueueMapping {
 public:
  using Handler = std::function<lambda::HandlerOutcome(
      const std::vector<sqs::ReceivedMessage>& batch, Micros now)>;

  QueueMapping(QueueMappingSettings settings, sqs::SqsModel& sqs, std::string queue_name,
               lambda::LambdaService& lambda, Scheduler& scheduler, Handler handler);

  // A message was sent to the queue, receivable from `visible_at`.
  void on_send(Micros visible_at);
  nlohmann::json state() const;

 private:
  void wake_at(Micros at);
  void poll();
  void schedule_next();

  QueueMappingSettings settings_;
  sqs::SqsModel& sqs_;
  std::string queue_name_;
  lambda::LambdaService& lambda_;
  Scheduler& scheduler_;
  Handler handler_;
  std::optional<Micros> wake_;
  std::int64_t in_flight_ = 0;
  std::uint64_t invocations_ = 0, throttles_ = 0, failures_ = 0, messages_deleted_ = 0;
  std::uint64_t receive_failures_ = 0, delete_failures_ = 0;  // by fault rules
};

}  // namespace emu
