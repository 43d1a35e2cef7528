#include "emulator/faults/hooks.h"

#include <algorithm>

namespace emu::faults {

const std::vector<HookedService>& hooked_services() {
  static const std::vector<HookedService> services = {
      // Ops::begin (emulator/dynamodb/ops/common.cc), for the wire and the seed's functions.
      {"dynamodb",
       {"BatchGetItem", "BatchWriteItem", "CreateTable", "DeleteItem", "DeleteTable",
        "DescribeTable", "DescribeTimeToLive", "GetItem", "ListTables", "PutItem", "Query", "Scan",
        "UpdateItem", "UpdateTable", "UpdateTimeToLive"}},
      // The event source mapping's GetRecords on the table's stream (stream_mapping.cc).
      {"dynamodbstreams", {"GetRecords"}},
      // LambdaService::invoke.
      {"lambda", {"Invoke"}},
      // SqsModel (send, receive, delete_message, change_visibility; batch entries one by one).
      {"sqs", {"SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility"}},
      // S3Model::put_object / read_object, S3Wire's listing.
      {"s3", {"PutObject", "GetObject", "ListObjects", "ListObjectsV2"}},
      // CloudWatchWire::put_metric_data, the seed's putMetricData (ErrorMetrics), and the
      // alarm engine's actions (Pipeline::build_cloudwatch).
      {"cloudwatch", {"PutMetricData", "AlarmAction"}},
      // SnsModel::publish (the wire and alarm notifications); SnsModel::send, for each HTTP
      // delivery to a subscriber (decided when handed to HttpDelivery).
      {"sns", {"Publish", "HttpDelivery"}},
      // FrontDoor::decide, for every request the WAF lets through to API Gateway.
      {"apigateway", {"Invoke"}},
      // LambdaLogWriter::on_invocation: the Lambda runtime's log lines of one invocation.
      {"logs", {"PutLogEvents"}},
      // The storage seam (emulator/core/disk_faults.h).
      {"storage", {"Write", "Fsync", "ObjectWrite"}},
  };
  return services;
}

namespace {

std::string join(const std::vector<std::string_view>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

bool has(const HookedService& s, const std::string& operation) {
  return operation == "*" ||
         std::find(s.operations.begin(), s.operations.end(), operation) != s.operations.end();
}

}  // namespace

std::optional<std::string> unhooked(const std::string& service, const std::string& operation) {
  const auto& services = hooked_services();
  if (service == "*") {
    for (const auto& s : services) {
      if (has(s, operation)) return std::nullopt;
    }
    return "an operation some service has a fault hook for (\"" + operation + "\" has none)";
  }
  for (const auto& s : services) {
    if (s.service != service) continue;
    if (has(s, operation)) return std::nullopt;
    return "one of " + join(s.operations) + " or \"*\" (the " + service +
           " operations with a fault hook; \"" + operation + "\" has none)";
  }
  std::vector<std::string_view> names;
  for (const auto& s : services) names.push_back(s.service);
  return "one of " + join(names) + " or \"*\" (the services with a fault hook; \"" + service +
         "\" has none)";
}

}  // namespace emu::faults
