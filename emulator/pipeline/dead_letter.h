// The back half's failure path: aggregate_metrics' and backoff_retry's sqs.sendMessage into the
// SQS model, and the DLQ -> backoff_retry handler with its ledger accounting.
#pragma once

#include <memory>
#include <unordered_set>

#include "emulator/functions/backoff_retry.h"
#include "emulator/ledger/ledger.h"
#include "emulator/lambda/lambda_service.h"
#include "emulator/sqs/model.h"

namespace emu {

// sqs.sendMessage as the Node SDK makes it. DelaySeconds must be an integer 0..900: the JS
// NaN of the backoff_retry bug is rejected with InvalidParameterValue, as SQS does.
class SqsQueuePort final : public functions::QueuePort {
 public:
  using OnSend = std::function<void(const std::string& queue, Micros visible_at)>;
  SqsQueuePort(sqs::SqsModel& sqs, OnSend on_send) : sqs_(sqs), on_send_(std::move(on_send)) {}
  Status send_message(const functions::OutgoingMessage& message, Micros now) override;

 private:
  sqs::SqsModel& sqs_;
  OnSend on_send_;
};

// Runs backoff_retry on a batch received from the DLQ and accounts every message in the
// ledger: applied, applied again (the batch failed after applying it), re-enqueued, or lost.
class RetryHandler {
 public:
  RetryHandler(functions::BackoffRetry& function, ledger::Ledger& ledger)
      : function_(function), ledger_(ledger) {}
  lambda::HandlerOutcome operator()(const std::vector<sqs::ReceivedMessage>& batch, Micros now);

  // metricCount carried by an UpdateItem params body (the entries the message stands for).
  static std::int64_t entries_in(const std::string& body);

 private:
  functions::BackoffRetry& function_;
  ledger::Ledger& ledger_;
  // Messages applied by an invocation that then failed: SQS will deliver them again.
  std::unordered_set<std::string> applied_before_;
};

}  // namespace emu
