// CloudWatch on the wire: the JSON protocol (X-Amz-Target GraniteServiceVersion20100801.<Op>,
// with the x-amzn-query-error header) and the query protocol (Action=<Op>, XML answers) that
// older SDKs, including Debian's boto3 1.26 and awscli 1.x, use. Bodies may be gzip-compressed
// (botocore compresses PutMetricData). Query parameters are converted to the JSON request
// shape so every operation is written once; each action's documented request rules are one
// table in wire_rules.cc, checked before the operation runs (docs/wire-validation.md).
//
// Operations: PutMetricData, GetMetricStatistics, GetMetricData, ListMetrics, PutMetricAlarm,
// DescribeAlarms, DescribeAlarmHistory, SetAlarmState, DeleteAlarms.
//
// DEVIATION: PutMetricData registers at most kMaxMetrics metrics in all (the models' own count
// towards it); beyond, it answers LimitExceeded and stores nothing. AWS has no such quota; the
// emulator needs one so that memory does not follow what clients invent (docs/memory.md).
#pragma once

#include <nlohmann/json.hpp>

#include "emulator/cloudwatch/alarm_engine.h"
#include "emulator/core/faults.h"
#include "emulator/core/random.h"
#include "emulator/http/aws_wire.h"
#include "emulator/http/json_shape.h"
#include "emulator/http/router.h"

namespace emu::cloudwatch {

class CloudWatchWire final : public http::Service {
 public:
  static constexpr std::size_t kMaxMetrics = 10000;

  CloudWatchWire(MetricStore& store, AlarmEngine& alarms, Random random)
      : store_(store), alarms_(alarms), random_(std::move(random)) {}
  std::string_view name() const override { return "cloudwatch"; }
  bool accepts(const http::HttpRequest& request) const override;
  http::HttpResponse handle(const http::HttpRequest& request, Micros now) override;

  Result<nlohmann::json> dispatch(const std::string& op, const nlohmann::json& in, Micros now);
  // Fault rules for "cloudwatch" PutMetricData (resource: the namespace); may be null.
  void set_fault_injector(FaultInjector* faults) { faults_ = faults; }

 private:
  http::HttpResponse answer(const http::HttpRequest& request, Micros now);
  Result<nlohmann::json> put_metric_data(const nlohmann::json& in, Micros now);
  Result<nlohmann::json> get_metric_statistics(const nlohmann::json& in);
  Result<nlohmann::json> get_metric_data(const nlohmann::json& in);
  Result<nlohmann::json> list_metrics(const nlohmann::json& in);
  Result<nlohmann::json> describe_alarms(const nlohmann::json& in);
  Result<nlohmann::json> describe_alarm_history(const nlohmann::json& in);
  Result<nlohmann::json> set_alarm_state(const nlohmann::json& in, Micros now);
  nlohmann::json render_alarm(const AlarmRecord& alarm) const;

  MetricStore& store_;
  AlarmEngine& alarms_;
  Random random_;
  FaultInjector* faults_ = nullptr;
  Micros fault_latency_ = 0;  // of the request being answered
};

// Query form -> JSON request: "A.member.N.B" -> {"A": [.., {"B": ..}]}, values stay strings;
// list members in index order. InvalidQueryParameter for an index that is not 1..1,000,000, a
// name that is both a value and a list or structure, or text that is not UTF-8.
Result<nlohmann::json> query_params_to_json(const http::QueryParams& params);
// The input shape of `operation` (nullptr for operations the emulator does not serve).
const http::Shape* input_shape(std::string_view operation);
// The first failure of a request of `operation` against the action's documented rules
// (wire_rules.cc), worded as CloudWatch words it; nullopt when it passes (or the action is not
// served).
std::optional<AwsError> check_request(std::string_view operation, const nlohmann::json& input);
// JSON result -> the query protocol's XML document for `operation`.
std::string result_to_xml(const std::string& operation, const nlohmann::json& result,
                          const std::string& request_id);
// Timestamps in requests: epoch seconds (JSON) or ISO-8601 (query). nullopt if neither.
std::optional<Micros> timestamp_of(const nlohmann::json& value);

}  // namespace emu::cloudwatch
