// The input shapes of the CloudWatch operations the emulator serves, from the service model
// (botocore data/cloudwatch/2010-08-01/service-2.json), for the type checks of both protocols.
#include "emulator/cloudwatch/wire.h"

namespace emu::cloudwatch {

namespace {

using http::Shape;

const Shape& dimension() {
  static const Shape s = http::structure({{"Name", &http::string_shape()}, {"Value", &http::string_shape()}});
  return s;
}
const Shape& dimensions() {
  static const Shape s = http::list_of(dimension());
  return s;
}
const Shape& strings() {
  static const Shape s = http::list_of(http::string_shape());
  return s;
}
const Shape& doubles() {
  static const Shape s = http::list_of(http::double_shape());
  return s;
}

const Shape& metric_datum() {
  static const Shape statistic_set = http::structure({{"SampleCount", &http::double_shape()},
                                                     {"Sum", &http::double_shape()},
                                                     {"Minimum", &http::double_shape()},
                                                     {"Maximum", &http::double_shape()}});
  static const Shape s = http::structure({{"MetricName", &http::string_shape()},
                                          {"Dimensions", &dimensions()},
                                          {"Timestamp", &http::timestamp_shape()},
                                          {"Value", &http::double_shape()},
                                          {"StatisticValues", &statistic_set},
                                          {"Values", &doubles()},
                                          {"Counts", &doubles()},
                                          {"Unit", &http::string_shape()},
                                          {"StorageResolution", &http::integer_shape()}});
  return s;
}

const Shape& metric_data_queries() {
  static const Shape metric = http::structure({{"Namespace", &http::string_shape()},
                                               {"MetricName", &http::string_shape()},
                                               {"Dimensions", &dimensions()}});
  static const Shape metric_stat = http::structure({{"Metric", &metric},
                                                    {"Period", &http::integer_shape()},
                                                    {"Stat", &http::string_shape()},
                                                    {"Unit", &http::string_shape()}});
  static const Shape query = http::structure({{"Id", &http::string_shape()},
                                              {"MetricStat", &metric_stat},
                                              {"Expression", &http::string_shape()},
                                              {"Label", &http::string_shape()},
                                              {"ReturnData", &http::boolean_shape()},
                                              {"Period", &http::integer_shape()},
                                              {"AccountId", &http::string_shape()}});
  static const Shape s = http::list_of(query);
  return s;
}

}  // namespace

const http::Shape* input_shape(std::string_view operation) {
  static const Shape put_metric_data = http::structure(
      {{"Namespace", &http::string_shape()},
       {"MetricData", [] { static const Shape s = http::list_of(metric_datum()); return &s; }()},
       {"StrictEntityValidation", &http::boolean_shape()}});
  static const Shape get_metric_statistics = http::structure(
      {{"Namespace", &http::string_shape()}, {"MetricName", &http::string_shape()},
       {"Dimensions", &dimensions()}, {"StartTime", &http::timestamp_shape()},
       {"EndTime", &http::timestamp_shape()}, {"Period", &http::integer_shape()},
       {"Statistics", &strings()}, {"ExtendedStatistics", &strings()},
       {"Unit", &http::string_shape()}});
  static const Shape label_options = http::structure({{"Timezone", &http::string_shape()}});
  static const Shape get_metric_data = http::structure(
      {{"MetricDataQueries", &metric_data_queries()}, {"StartTime", &http::timestamp_shape()},
       {"EndTime", &http::timestamp_shape()}, {"NextToken", &http::string_shape()},
       {"ScanBy", &http::string_shape()}, {"MaxDatapoints", &http::integer_shape()},
       {"LabelOptions", &label_options}});
  static const Shape list_metrics = http::structure(
      {{"Namespace", &http::string_shape()}, {"MetricName", &http::string_shape()},
       {"Dimensions", &dimensions()}, {"NextToken", &http::string_shape()},
       {"RecentlyActive", &http::string_shape()}, {"IncludeLinkedAccounts", &http::boolean_shape()},
       {"OwningAccount", &http::string_shape()}});
  static const Shape tag = http::structure({{"Key", &http::string_shape()}, {"Value", &http::string_shape()}});
  static const Shape tags = http::list_of(tag);
  static const Shape put_metric_alarm = http::structure(
      {{"AlarmName", &http::string_shape()}, {"AlarmDescription", &http::string_shape()},
       {"ActionsEnabled", &http::boolean_shape()}, {"OKActions", &strings()},
       {"AlarmActions", &strings()}, {"InsufficientDataActions", &strings()},
       {"MetricName", &http::string_shape()}, {"Namespace", &http::string_shape()},
       {"Statistic", &http::string_shape()}, {"ExtendedStatistic", &http::string_shape()},
       {"Dimensions", &dimensions()}, {"Period", &http::integer_shape()},
       {"Unit", &http::string_shape()}, {"EvaluationPeriods", &http::integer_shape()},
       {"DatapointsToAlarm", &http::integer_shape()}, {"Threshold", &http::double_shape()},
       {"ComparisonOperator", &http::string_shape()}, {"TreatMissingData", &http::string_shape()},
       {"EvaluateLowSampleCountPercentile", &http::string_shape()},
       {"Metrics", &metric_data_queries()}, {"Tags", &tags},
       {"ThresholdMetricId", &http::string_shape()}});
  static const Shape describe_alarms = http::structure(
      {{"AlarmNames", &strings()}, {"AlarmNamePrefix", &http::string_shape()},
       {"AlarmTypes", &strings()}, {"ChildrenOfAlarmName", &http::string_shape()},
       {"ParentsOfAlarmName", &http::string_shape()}, {"StateValue", &http::string_shape()},
       {"ActionPrefix", &http::string_shape()}, {"MaxRecords", &http::integer_shape()},
       {"NextToken", &http::string_shape()}});
  static const Shape describe_alarm_history = http::structure(
      {{"AlarmName", &http::string_shape()}, {"AlarmTypes", &strings()},
       {"HistoryItemType", &http::string_shape()}, {"StartDate", &http::timestamp_shape()},
       {"EndDate", &http::timestamp_shape()}, {"MaxRecords", &http::integer_shape()},
       {"NextToken", &http::string_shape()}, {"ScanBy", &http::string_shape()}});
  static const Shape set_alarm_state = http::structure(
      {{"AlarmName", &http::string_shape()}, {"StateValue", &http::string_shape()},
       {"StateReason", &http::string_shape()}, {"StateReasonData", &http::string_shape()}});
  static const Shape delete_alarms = http::structure({{"AlarmNames", &strings()}});

  if (operation == "PutMetricData") return &put_metric_data;
  if (operation == "GetMetricStatistics") return &get_metric_statistics;
  if (operation == "GetMetricData") return &get_metric_data;
  if (operation == "ListMetrics") return &list_metrics;
  if (operation == "PutMetricAlarm") return &put_metric_alarm;
  if (operation == "DescribeAlarms") return &describe_alarms;
  if (operation == "DescribeAlarmHistory") return &describe_alarm_history;
  if (operation == "SetAlarmState") return &set_alarm_state;
  if (operation == "DeleteAlarms") return &delete_alarms;
  return nullptr;
}

}  // namespace emu::cloudwatch
