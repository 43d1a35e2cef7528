// The seed's retry Lambda `backoff_retry` (MT backoff_retry.js), fed by the DLQ's SQS event
// source mapping. For each record in order: JSON.parse the body, await documentClient.update;
// on failure send a new DLQ message with the same body and a bigger delay.
//
// Three behaviours (config `backoff_retry`):
//   intended (default): d = 2 when n == 1, else n*n, capped at max_delay_seconds (900); the
//     message goes back to the queue (1 -> 2 -> 4 -> 16 -> 256 -> 900 -> 900 ...).
//   faithful_nan_bug: the reading of the bug: n is the attribute object, so n*n is NaN,
//     SQS rejects the send and the message is lost (the original is still deleted, because the
//     handler resolves).
//   faithful_event_shape: what the code really does with a real SQS event, whose records carry
//     `messageAttributes` (camelCase): `record.MessageAttributes.DelaySeconds` throws a
//     TypeError inside the awaited send, the invocation fails, and the whole batch returns to
//     the queue after its visibility timeout (updates already applied in that batch apply again
//     on redelivery).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/config.h"
#include "emulator/functions/ports.h"

namespace emu::functions {

struct BackoffSettings {
  enum class Mode { kIntended, kFaithfulNanBug, kFaithfulEventShape } mode = Mode::kIntended;
  std::int64_t max_delay_seconds = 900;
  std::string dead_letter_queue_url;

  static BackoffSettings from_config(const Config& config, const std::string& dlq_url);
};

// One SQS message as the Lambda event carries it.
struct SqsRecordView {
  std::string message_id;
  std::string body;
  // messageAttributes.DelaySeconds.stringValue, when present.
  std::optional<std::string> delay_seconds_attribute;
};

struct BackoffReport {
  struct Outcome {
    enum class Kind { kApplied, kRequeued, kLost, kNotProcessed } kind = Kind::kNotProcessed;
    double delay_seconds = 0;  // when requeued (or the rejected value when lost)
    std::string reason;
  };
  std::vector<Outcome> outcomes;  // one per record, in order
  bool function_error = false;    // the invocation failed: SQS keeps every message of the batch
  std::string error;
};

class BackoffRetry {
 public:
  BackoffRetry(BackoffSettings settings, DocumentUpdatePort& table, QueuePort& queue);
  BackoffReport handle(const std::vector<SqsRecordView>& records, Micros now);

  // calculateDelay(n) as intended: 2 for 1, else n*n, capped.
  double intended_delay(double n) const;

 private:
  BackoffSettings settings_;
  DocumentUpdatePort& table_;
  QueuePort& queue_;
};

}  // namespace emu::functions
