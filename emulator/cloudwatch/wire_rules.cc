// The request rules of each CloudWatch action, as the CloudWatch API reference documents them
// (lengths, counts, ranges, allowed values), checked by the generic validator
// (emulator/http/field_rules.h) before the action runs. A missing member is MissingParameter
// "The parameter <path> is required."; a constraint is Coral's ValidationError ("1 validation
// error detected: Value '0' at 'period' failed to satisfy constraint: ..."), except PutMetricData's
// collection limits, which CloudWatch words as InvalidParameterValue.
// ASSUMPTION: Coral's enum lists in the model's order (AWS prints them in no documented order).
#include "emulator/cloudwatch/wire.h"
#include "emulator/http/field_rules.h"

namespace emu::cloudwatch {

namespace {

using http::FieldRule;
using http::Violation;
using http::Wording;
namespace codes = errors::cloudwatch;

constexpr Wording kDefaults[] = {
    {Violation::kMissing, &codes::kMissingParameter, "The parameter {path} is required."}};
constexpr http::Dialect kCloudWatch{kDefaults, codes::kValidationError};

constexpr std::string_view kStatistics[] = {"SampleCount", "Average", "Sum", "Minimum", "Maximum"};
constexpr std::string_view kUnits[] = {"Seconds",
                                       "Microseconds",
                                       "Milliseconds",
                                       "Bytes",
                                       "Kilobytes",
                                       "Megabytes",
                                       "Gigabytes",
                                       "Terabytes",
                                       "Bits",
                                       "Kilobits",
                                       "Megabits",
                                       "Gigabits",
                                       "Terabits",
                                       "Percent",
                                       "Count",
                                       "Bytes/Second",
                                       "Kilobytes/Second",
                                       "Megabytes/Second",
                                       "Gigabytes/Second",
                                       "Terabytes/Second",
                                       "Bits/Second",
                                       "Kilobits/Second",
                                       "Megabits/Second",
                                       "Gigabits/Second",
                                       "Terabits/Second",
                                       "Count/Second",
                                       "None"};
// The comparisons of a static-threshold alarm (the anomaly-detection ones are not modelled).
constexpr std::string_view kComparisons[] = {"GreaterThanOrEqualToThreshold",
                                             "GreaterThanThreshold", "LessThanThreshold",
                                             "LessThanOrEqualToThreshold"};
constexpr std::string_view kStates[] = {"INSUFFICIENT_DATA", "ALARM", "OK"};
constexpr std::string_view kHistoryTypes[] = {"ConfigurationUpdate", "StateUpdate", "Action"};
constexpr std::string_view kScanBy[] = {"TimestampDescending", "TimestampAscending"};
constexpr std::string_view kAlarmTypes[] = {"CompositeAlarm", "MetricAlarm"};
constexpr std::string_view kRecentlyActive[] = {"PT3H"};

// PutMetricData words its collection limits as InvalidParameterValue.
constexpr Wording kCollection[] = {
    {Violation::kTooLong, &codes::kInvalidParameterValue,
     "The collection {path} must not have a size greater than {max}."}};

// Namespaces starting "AWS/" are AWS's own.
bool custom_namespace(const nlohmann::json& v) {
  return !v.is_string() || !v.get_ref<const std::string&>().starts_with("AWS/");
}
constexpr Wording kReservedNamespace[] = {
    {Violation::kRejected, &codes::kInvalidParameterValue,
     "The value {value} for parameter Namespace is invalid."}};

constexpr FieldRule kDimension[] = {
    {.name = "Name", .required = true, .min_length = 1, .max_length = 255},
    {.name = "Value", .required = true, .min_length = 1, .max_length = 1024}};
constexpr FieldRule kDimensionFilter[] = {
    {.name = "Name", .required = true, .min_length = 1, .max_length = 255},
    {.name = "Value", .min_length = 1, .max_length = 1024}};
constexpr FieldRule kNamespace{.name = "Namespace", .min_length = 1, .max_length = 255};
constexpr FieldRule kMetricName{.name = "MetricName", .min_length = 1, .max_length = 255};
constexpr FieldRule kDimensions{.name = "Dimensions", .max_length = 30, .members = kDimension};
constexpr FieldRule kUnit{.name = "Unit", .allowed = kUnits};
constexpr FieldRule kPeriod{.name = "Period", .min_value = 1};

constexpr FieldRule kMetricDatum[] = {
    {.name = "MetricName",
     .required = true,
     .empty_is_missing = true,
     .min_length = 1,
     .max_length = 255},
    {.name = "Dimensions", .max_length = 30, .members = kDimension, .wording = kCollection},
    {.name = "Values", .max_length = 150, .wording = kCollection},
    {.name = "Counts", .max_length = 150, .wording = kCollection},
    kUnit,
    {.name = "StorageResolution", .min_value = 1},
};

constexpr FieldRule kMetric[] = {kNamespace, kMetricName, kDimensions};
constexpr FieldRule kMetricStat[] = {
    {.name = "Metric", .required = true, .members = kMetric},
    {.name = "Period", .required = true, .min_value = 1},
    {.name = "Stat", .required = true},
    kUnit,
};
constexpr FieldRule kMetricDataQuery[] = {
    {.name = "Id", .required = true, .min_length = 1, .max_length = 255},
    {.name = "MetricStat", .members = kMetricStat},
    {.name = "Expression", .min_length = 1, .max_length = 2048},
    kPeriod,
};

// --- the actions ---

constexpr FieldRule kPutMetricData[] = {
    {.name = "Namespace",
     .required = true,
     .empty_is_missing = true,
     .min_length = 1,
     .max_length = 255,
     .accepts = custom_namespace,
     .wording = kReservedNamespace},
    {.name = "MetricData",
     .required = true,
     .empty_is_missing = true,
     .max_length = 1000,
     .members = kMetricDatum,
     .wording = kCollection},
};
constexpr FieldRule kGetMetricStatistics[] = {
    {.name = "Namespace", .required = true, .min_length = 1, .max_length = 255},
    {.name = "MetricName", .required = true, .min_length = 1, .max_length = 255},
    kDimensions,
    {.name = "StartTime", .required = true},
    {.name = "EndTime", .required = true},
    {.name = "Period", .required = true, .min_value = 1},
    {.name = "Statistics", .min_length = 1, .max_length = 5, .allowed = kStatistics},
    {.name = "ExtendedStatistics", .min_length = 1, .max_length = 10},
    kUnit,
};
constexpr FieldRule kGetMetricData[] = {
    {.name = "StartTime", .required = true},
    {.name = "EndTime", .required = true},
    {.name = "MetricDataQueries", .required = true, .max_length = 500, .members = kMetricDataQuery},
    {.name = "ScanBy", .allowed = kScanBy},
};
constexpr FieldRule kListMetrics[] = {
    kNamespace,
    kMetricName,
    {.name = "Dimensions", .max_length = 10, .members = kDimensionFilter},
    {.name = "RecentlyActive", .allowed = kRecentlyActive},
};
constexpr FieldRule kAlarmName{
    .name = "AlarmName", .required = true, .min_length = 1, .max_length = 255};
constexpr FieldRule kPutMetricAlarm[] = {
    kAlarmName,
    {.name = "AlarmDescription", .max_length = 1024},
    {.name = "OKActions", .max_length = 5},
    {.name = "AlarmActions", .max_length = 5},
    {.name = "InsufficientDataActions", .max_length = 5},
    kMetricName,
    kNamespace,
    {.name = "Statistic", .allowed = kStatistics},
    {.name = "ExtendedStatistic", .min_length = 1, .max_length = 255},
    kDimensions,
    kPeriod,
    kUnit,
    {.name = "EvaluationPeriods", .required = true, .min_value = 1},
    {.name = "DatapointsToAlarm", .min_value = 1},
    {.name = "ComparisonOperator", .required = true, .allowed = kComparisons},
    {.name = "TreatMissingData", .min_length = 1, .max_length = 255},
    {.name = "EvaluateLowSampleCountPercentile", .min_length = 1, .max_length = 255},
    {.name = "Metrics", .members = kMetricDataQuery},
    {.name = "ThresholdMetricId", .min_length = 1, .max_length = 255},
};
constexpr FieldRule kSetAlarmState[] = {
    kAlarmName,
    {.name = "StateValue", .required = true, .allowed = kStates},
    {.name = "StateReason", .required = true, .max_length = 1023},
    {.name = "StateReasonData", .max_length = 4000},
};
constexpr FieldRule kMaxRecords{.name = "MaxRecords", .min_value = 1, .max_value = 100};
constexpr FieldRule kAlarmTypesRule{.name = "AlarmTypes", .allowed = kAlarmTypes};
constexpr FieldRule kDescribeAlarms[] = {
    {.name = "AlarmNames", .max_length = 100},
    {.name = "AlarmNamePrefix", .min_length = 1, .max_length = 255},
    kAlarmTypesRule,
    {.name = "StateValue", .allowed = kStates},
    {.name = "ActionPrefix", .min_length = 1, .max_length = 1024},
    kMaxRecords,
};
constexpr FieldRule kDescribeAlarmHistory[] = {
    {.name = "AlarmName", .min_length = 1, .max_length = 255},
    kAlarmTypesRule,
    {.name = "HistoryItemType", .allowed = kHistoryTypes},
    kMaxRecords,
    {.name = "ScanBy", .allowed = kScanBy},
};
constexpr FieldRule kDeleteAlarms[] = {{.name = "AlarmNames", .required = true, .max_length = 100}};

struct ActionRules {
  std::string_view action;
  http::FieldRules request;
};

constexpr ActionRules kActions[] = {
    {"PutMetricData", kPutMetricData},
    {"GetMetricStatistics", kGetMetricStatistics},
    {"GetMetricData", kGetMetricData},
    {"ListMetrics", kListMetrics},
    {"PutMetricAlarm", kPutMetricAlarm},
    {"DescribeAlarms", kDescribeAlarms},
    {"DescribeAlarmHistory", kDescribeAlarmHistory},
    {"SetAlarmState", kSetAlarmState},
    {"DeleteAlarms", kDeleteAlarms},
};

}  // namespace

std::optional<AwsError> check_request(std::string_view operation, const nlohmann::json& input) {
  for (const ActionRules& a : kActions) {
    if (a.action == operation) return http::check_fields(input, a.request, kCloudWatch);
  }
  return std::nullopt;  // not served: dispatch answers
}

}  // namespace emu::cloudwatch
