// The accounting that proves nothing is lost or counted twice (architecture section 3).
//
// Requests are counted by how they were answered. Payload entries are followed from the raw
// table to the aggregates:
//
//   stored  = entries in raw_metrics items written by create_metrics (counted independently of
//             the function, with count_payload_entries)
//   stored  -> delivered to aggregate_metrics by the stream event source mapping
//   delivered -> aggregated (pre-aggregated into UpdateItems carrying metricCount n)
//              | skipped, with a reason (ExposureNotificationCheck, parse error, ...)
//   aggregated -> applied by UpdateItem | sent to the DLQ | lost (DLQ send failed)
//   DLQ     -> applied by backoff_retry | re-enqueued (still in the DLQ) | lost (reason)
//
// The invariant: every stored entry is counted exactly once in the aggregates, or is accounted
// for by a named reason (skipped, lost, or still in flight); and the sum of metricCount in the
// aggregate table equals the entries applied. Stream batches that Lambda re-delivers after a
// function error or timeout are aggregated again (at-least-once delivery, as on AWS); the
// ledger names those entries as duplicates.
//
// Thread rules: simulation thread only. Counters only; memory does not grow with traffic.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace emu::ledger {

class Ledger {
 public:
  // --- front door: exactly one call per request ---
  // `outcome` is the reason the request ended as it did: "created", "dropped", "upload-failed",
  // or a refusal such as "waf:metrics_collection_rate_limit", "apigateway:throttled",
  // "lambda:throttled", "lambda:timeout".
  void request_answered(const std::string& outcome, int status);

  // --- create_metrics ---
  void raw_item_stored(std::int64_t entries);
  // RECORD DROPPED: the body went to the error-samples bucket instead of the table.
  void body_dropped_to_error_samples(std::int64_t entries);

  // --- stream -> aggregate_metrics ---
  void records_delivered(std::int64_t items, std::int64_t entries, bool redelivery);
  void entries_skipped(const std::string& reason, std::int64_t entries);
  void entries_aggregated(std::int64_t entries);
  void update_applied(std::int64_t entries);
  void update_sent_to_dlq(std::int64_t entries);
  void entries_lost(const std::string& reason, std::int64_t entries);

  // --- DLQ -> backoff_retry ---
  void retry_applied(std::int64_t entries);
  void retry_requeued(std::int64_t entries);
  // A DLQ message re-enqueued again because SQS redelivered the batch whose invocation had
  // re-enqueued it and then failed: one more copy in the queue (the seed's amplification).
  void retry_requeued_again(std::int64_t entries);
  // A DLQ message applied again after its batch failed (SQS redelivers the whole batch, so an
  // update already applied in it is applied twice: at-least-once, as on AWS).
  void retry_applied_again(std::int64_t entries);

  // --- TTL: a raw item expired before the stream delivered it ---
  void raw_item_expired_undelivered(std::int64_t entries);

  struct Totals {
    std::int64_t requests = 0;
    std::int64_t items_stored = 0;
    std::int64_t entries_stored = 0;
    std::int64_t entries_dropped_to_error_samples = 0;
    std::int64_t items_delivered = 0;
    std::int64_t entries_delivered = 0;
    std::int64_t entries_redelivered = 0;
    std::int64_t entries_aggregated = 0;
    std::int64_t entries_skipped = 0;
    std::int64_t entries_applied_directly = 0;
    std::int64_t entries_sent_to_dlq = 0;
    std::int64_t entries_applied_by_retry = 0;
    std::int64_t entries_requeued = 0;
    std::int64_t entries_requeued_again = 0;
    std::int64_t entries_applied_again_by_retry = 0;
    std::int64_t entries_lost = 0;
    std::int64_t entries_expired_undelivered = 0;
  };
  const Totals& totals() const { return totals_; }

  std::int64_t entries_applied() const {
    return totals_.entries_applied_directly + totals_.entries_applied_by_retry;
  }
  // Entries stored but not yet delivered by the stream (in the raw table / stream).
  std::int64_t entries_awaiting_delivery() const;
  // Entries sitting in the DLQ (sent or re-enqueued, not yet applied or lost).
  std::int64_t entries_in_dlq() const;

  // The report served at /_emulator/ledger. `aggregate_metric_count_sum` is the sum of
  // metricCount over the aggregate table, read by the caller, to check the table itself.
  nlohmann::json report(std::int64_t aggregate_metric_count_sum) const;
  // True when the invariant holds and nothing is in flight or lost.
  bool nothing_lost(std::int64_t aggregate_metric_count_sum) const;

  // Every counter, to keep with the state it describes (durable_state.h), and back. restore()
  // throws std::invalid_argument naming what is wrong when `saved` is not a saved ledger.
  nlohmann::json save() const;
  void restore(const nlohmann::json& saved);
  // Changes whenever a counter does.
  std::uint64_t version() const { return version_; }

 private:
  Totals totals_;
  std::map<std::string, std::int64_t> answers_by_outcome_;
  std::map<int, std::int64_t> answers_by_status_;
  std::map<std::string, std::int64_t> skipped_by_reason_;
  std::map<std::string, std::int64_t> lost_by_reason_;
  std::uint64_t version_ = 0;
};

}  // namespace emu::ledger
