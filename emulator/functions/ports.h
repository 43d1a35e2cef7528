// How the seed's functions reach AWS: one small port per SDK call the Node code makes. The
// pipeline adapts each port to the emulator's models (DynamoDB, S3, SQS, CloudWatch); tests use
// fakes. Every call takes `now`, the emulated time at which the function makes it.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/core/result.h"
#include "emulator/core/time.h"
#include "emulator/functions/aggregate_update.h"

namespace emu::functions {

// dynamodb.putItem({TableName, Item: {uuid: {S}, expdate: {N}, raw: {S}}}) (create_metrics).
class RawTablePort {
 public:
  virtual ~RawTablePort() = default;
  virtual Status put_item(const std::string& table, const std::string& uuid,
                          const std::string& expdate, const std::string& raw, Micros now) = 0;
};

// s3.putObject({Bucket, Key, Body}) (create_metrics' error samples).
class ObjectPort {
 public:
  virtual ~ObjectPort() = default;
  virtual Status put_object(const std::string& bucket, const std::string& key,
                            const std::string& body, Micros now) = 0;
};

// documentClient.update(params) with params exactly as the JS builds them (aggregate_metrics,
// backoff_retry). The adapter marshals them the way the DocumentClient does.
class DocumentUpdatePort {
 public:
  virtual ~DocumentUpdatePort() = default;
  virtual Status update(const nlohmann::ordered_json& params, Micros now) = 0;
  // aggregate_metrics' update: the same call as update(aggregate_params(u, table)). An
  // adapter may marshal `u` directly instead of going through the JSON params (the pipeline's
  // does: that JSON is the aggregator's largest cost), with the same result.
  virtual Status update_aggregate(const AggregateUpdate& u, const std::string& table, Micros now) {
    return update(aggregate_params(u, table), now);
  }
};

// sqs.sendMessage({QueueUrl, MessageBody, DelaySeconds, MessageAttributes}).
struct MessageAttribute {
  std::string data_type;     // "String" | "Number"
  std::string string_value;  // as sent
};
struct OutgoingMessage {
  std::string queue_url;
  std::string body;
  // The JS passes a JS number here, which may be NaN (the backoff_retry bug); SQS rejects
  // anything that is not an integer 0..900 with InvalidParameterValue.
  double delay_seconds = 0;
  std::map<std::string, MessageAttribute> attributes;
};
class QueuePort {
 public:
  virtual ~QueuePort() = default;
  virtual Status send_message(const OutgoingMessage& message, Micros now) = 0;
};

// cloudwatch.putMetricData for CovidAlertApp/Errors{Identifier} (aggregate_metrics).
class ErrorMetricPort {
 public:
  virtual ~ErrorMetricPort() = default;
  virtual void put_error_metric(const std::string& identifier, Micros now) = 0;
};

}  // namespace emu::functions
