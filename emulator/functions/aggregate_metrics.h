// The seed's aggregation Lambda `aggregate_metrics` (MT aggregate_values.js, final 2021-07-12),
// reproduced decision for decision:
//   - only INSERT records; each record's NewImage.raw.S is JSON.parse'd; any exception while
//     processing a record is caught, logged with the item uuid, and the rest of that record is
//     skipped (entries already pre-aggregated from it stay);
//   - ExposureNotificationCheck entries are skipped; identifiers starting with "error"
//     (case-insensitive) emit CovidAlertApp/Errors{Identifier} and are still aggregated;
//   - date = UTC date of pl.timestamp; count/duration bucketed with parseInt/parseFloat
//     semantics; region "" or missing -> "None";
//   - the 17-field sort key with p() rendering; in-batch pre-aggregation by sort key (the first
//     entry's attributes win, later ones add 1 to metricCount);
//   - one DocumentClient update per aggregate (SET of descriptive attributes, version = 6,
//     metricCount = if_not_exists(metricCount, :start) + :metricCount), dispatched in order;
//   - a failed update goes to the dead-letter queue with the whole params as body,
//     DelaySeconds 1 and attributes ErrorMsg / DelaySeconds; a failed send is only logged.
//   - the handler never reports failure to Lambda.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/config.h"
#include "emulator/functions/ports.h"

namespace emu::functions {

// The parts of a DynamoDB stream record the function reads.
struct StreamRecordView {
  std::string event_name;         // "INSERT", "MODIFY", "REMOVE"
  const std::string* raw = nullptr;  // NewImage.raw.S, or null when absent
  std::string uuid;               // NewImage.uuid.S (for the error log)
};

struct AggregateSettings {
  std::string table_name = "aggregate_metrics";  // the JS hard-codes "aggregate_metrics"
  std::string dead_letter_queue_url;

  static AggregateSettings from_config(const Config& config, const std::string& dlq_url);
};

struct AggregateReport {
  std::int64_t records = 0;
  std::int64_t records_not_insert = 0;
  std::int64_t records_failed = 0;             // parse or processing error (caught per record)
  std::int64_t entries_seen = 0;               // entries of records whose payload was iterable
  std::int64_t entries_skipped_debug = 0;      // ExposureNotificationCheck
  std::int64_t entries_aggregated = 0;         // counted into some aggregate's metricCount
  std::int64_t entries_lost_in_failed_records = 0;  // the failing entry and those after it
  std::int64_t error_metrics = 0;

  struct Update {
    std::int64_t metric_count = 0;
    bool applied = false;
    bool sent_to_dlq = false;  // when not applied: did the DLQ send succeed?
    std::string error;
  };
  std::vector<Update> updates;
  std::vector<std::string> errors;  // console.error lines (at most kMaxLoggedErrors)
  static constexpr std::size_t kMaxLoggedErrors = 100;
};

class AggregateMetrics {
 public:
  AggregateMetrics(AggregateSettings settings, DocumentUpdatePort& table, QueuePort& queue,
                   ErrorMetricPort& metrics);
  ~AggregateMetrics();

  AggregateReport handle(const std::vector<StreamRecordView>& records, Micros now);

  // Exposed for golden tests (same names as the JS exports). generate_payload takes the JS
  // aggregate object; the handler itself keeps aggregates typed (see Aggregate).
  static std::string bucket_count(const nlohmann::ordered_json* count, bool* defined);
  static std::string bucket_duration(const nlohmann::ordered_json* duration, bool* defined);
  nlohmann::ordered_json generate_payload(const nlohmann::ordered_json& aggregate) const;
  nlohmann::ordered_json build_dead_letter_message(const nlohmann::ordered_json& params,
                                                   const std::string& error_json) const;

 private:
  struct Aggregate;
  struct Batch;
  void aggregate_record(const StreamRecordView& record, Batch& batch, AggregateReport& report,
                        Micros now);
  void dispatch(const Aggregate& aggregate, AggregateReport& report, Micros now);

  AggregateSettings settings_;
  DocumentUpdatePort& table_;
  QueuePort& queue_;
  ErrorMetricPort& metrics_;
  // The working memory of a batch (parsed bodies, aggregates, their index), kept for the next
  // batch: records of one stream have nearly the same shape, so parsing and aggregating over
  // the last batch's memory saves most of the allocations.
  std::unique_ptr<Batch> batch_;
};

// JSON.stringify of an AWS SDK v2 error object (what ErrorMsg carries).
std::string sdk_error_json(const AwsError& error, Micros now);

}  // namespace emu::functions
