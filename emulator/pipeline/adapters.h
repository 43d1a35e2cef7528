// Adapters from the seed functions' and the ETL's ports to the emulator's models: the same
// calls the Node code makes through aws-sdk, landing on the same state the AWS wire layers
// serve ("one state, two doors").
#pragma once

#include <filesystem>
#include <string>

#include "emulator/core/faults.h"
#include "emulator/core/metrics.h"
#include "emulator/dynamodb/model.h"
#include "emulator/etl/ports.h"
#include "emulator/functions/ports.h"
#include "emulator/s3/model.h"

namespace emu {

// dynamodb.putItem for create_metrics.
class DynamoRawTable final : public functions::RawTablePort {
 public:
  explicit DynamoRawTable(dynamodb::Database& db) : db_(db) {}
  Status put_item(const std::string& table, const std::string& uuid, const std::string& expdate,
                  const std::string& raw, Micros now) override;

 private:
  dynamodb::Database& db_;
};

// documentClient.update for aggregate_metrics and backoff_retry. The aggregator's params
// (scalar values only) are converted straight to a typed request; anything else goes through
// the full DocumentClient conversion. Both give the same request.
class DynamoDocuments final : public functions::DocumentUpdatePort {
 public:
  explicit DynamoDocuments(dynamodb::Database& db) : db_(db) {}
  Status update(const nlohmann::ordered_json& params, Micros now) override;
  // Marshals the values straight into one UpdateItem request that is refilled in place on
  // every call (its maps keep their nodes and buffers; the model sees the same expression text
  // and names each time). Anything but plain scalars takes the JSON route, as update() would.
  Status update_aggregate(const functions::AggregateUpdate& u, const std::string& table,
                          Micros now) override;

 private:
  bool fill_aggregate_request(const functions::AggregateUpdate& u, const std::string& table);

  dynamodb::Database& db_;
  dynamodb::UpdateItemRequest aggregate_request_;
  // Which slots aggregate_request_'s values hold, and where (valid until the set changes:
  // inserting into an item moves its entries).
  std::array<bool, functions::AggregateUpdate::kSlots> slot_present_{};
  std::array<dynamodb::AttributeValue*, functions::AggregateUpdate::kSlots> slot_values_{};
};

Result<dynamodb::UpdateItemRequest> update_request_from_params(
    const nlohmann::ordered_json& params);

// CovidAlertApp/Errors{Identifier} for aggregate_metrics.
class ErrorMetrics final : public functions::ErrorMetricPort {
 public:
  // `faults` (may be null): "cloudwatch" PutMetricData rules for the namespace. The seed's
  // putMetricData callback only logs a failure, so a failed put is a missing data point.
  ErrorMetrics(MetricSink& sink, std::string name_space, FaultInjector* faults = nullptr)
      : sink_(sink), namespace_(std::move(name_space)), faults_(faults) {}
  void put_error_metric(const std::string& identifier, Micros now) override;
  std::uint64_t failed_puts() const { return failed_puts_; }

 private:
  MetricSink& sink_;
  std::string namespace_;
  FaultInjector* faults_;
  std::uint64_t failed_puts_ = 0;
};

// The ETL's Scan of aggregate_metrics, read straight from the table (a parallel Scan in two
// segments by partition key). Values are viewed, not copied.
class AggregateTableRows final : public etl::RowSource {
 public:
  AggregateTableRows(dynamodb::Database& db, std::string table) : db_(db), table_(std::move(table)) {}
  Status scan(const std::function<void(const etl::AggregateRow&)>& visit) override;
  // One: the rows are read through the model's one SQLite connection and row cache.
  int max_segments() const override { return 1; }
  Status scan_segment(int segment, int total,
                      const std::function<void(const etl::AggregateRow&)>& visit) override;

 private:
  dynamodb::Database& db_;
  std::string table_;
};

// The sum of metricCount over the aggregate table (for the ledger's check of the table itself).
std::int64_t aggregate_metric_count_sum(dynamodb::Database& db, const std::string& table);

}  // namespace emu

namespace emu {

// s3.putObject for the error samples and the ETL's CSVs, into the S3 model (so the objects
// are visible through the S3 API and as files under <data_dir>/s3/<bucket>/<key>).
class S3Objects final : public functions::ObjectPort, public etl::ObjectSink {
 public:
  explicit S3Objects(s3::S3Model& s3) : s3_(s3) {}
  Status put_object(const std::string& bucket, const std::string& key, const std::string& body,
                    Micros now) override;
  Status put_object(const std::string& bucket, const std::string& key, const std::string& body,
                    const std::string& content_type, Micros now) override;

 private:
  s3::S3Model& s3_;
};

}  // namespace emu
