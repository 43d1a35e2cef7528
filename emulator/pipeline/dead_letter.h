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
  explicit SqsQueuePort(sqs::SqsModel& sqs) : sqs_(sqs) {}
  Status send_message(const functions::OutgoingMessage& message, Micros now) override;

 private:
  sqs::SqsModel& sqs_;
};

// Runs backoff_retry on a batch received from the DLQ and accounts every message in the
// ledger: applied, applied again (the batch failed after applying it), re-enqueued, or lost.
//
// A message re-enqueued by an invocation that then fails stays in the queue as well, so SQS
// delivers it again and the seed's code re-enqueues it again: each failed redelivery adds a
// copy. That amplification is kept (it is what the seed does); the ledger counts the copies
// (`requeued_again_duplicates`) and the queue's retention and message cap
// (`sqs.max_messages_per_queue`) bound them.
class RetryHandler {
 public:
  // `still_queued(id)`: whether the DLQ still holds the message (to forget ids of messages
  // that left it without a successful invocation).
  RetryHandler(functions::BackoffRetry& function, ledger::Ledger& ledger,
               std::function<bool(const std::string&)> still_queued)
      : function_(function), ledger_(ledger), still_queued_(std::move(still_queued)) {}
  lambda::HandlerOutcome operator()(const std::vector<sqs::ReceivedMessage>& batch, Micros now);

  // metricCount carried by an UpdateItem params body (the entries the message stands for).
  static std::int64_t entries_in(const std::string& body);

  // What must survive a restart with the queue (durable_state.h); restore() throws
  // std::invalid_argument when `saved` is damaged.
  nlohmann::json save() const;
  void restore(const nlohmann::json& saved);
  std::uint64_t version() const { return version_; }

 private:
  void forget_gone_messages();

  functions::BackoffRetry& function_;
  ledger::Ledger& ledger_;
  std::function<bool(const std::string&)> still_queued_;
  // Messages applied by an invocation that then failed: SQS will deliver them again.
  std::unordered_set<std::string> applied_before_;
  std::size_t size_after_last_pass_ = 0;
  std::uint64_t version_ = 0;
};

}  // namespace emu
