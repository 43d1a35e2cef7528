// A CloudWatch metric alarm: its definition (the PutMetricAlarm fields, also the shape of the
// config's `cloudwatch.alarms`), its state, and the evaluation rule of aws-fidelity 6.3.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/metrics.h"
#include "emulator/core/result.h"

namespace emu::cloudwatch {

enum class AlarmState { kOk, kAlarm, kInsufficientData };
const char* state_name(AlarmState s);  // "OK" | "ALARM" | "INSUFFICIENT_DATA"

struct MetricDataQuery {
  std::string id;
  std::string expression;                // math, or "" for a MetricStat
  MetricKey metric;                      // MetricStat.Metric (+ Unit)
  std::string stat;                      // MetricStat.Stat
  Micros period = 0;                     // MetricStat.Period
  bool return_data = true;
};

struct AlarmDefinition {
  std::string name, description;
  MetricKey metric;                      // single-metric alarms
  std::string statistic;                 // "Sum" ... or an extended statistic ("p95")
  std::vector<MetricDataQuery> metrics;  // metric-math alarms
  Micros period = 60 * kMicrosPerSecond;
  int evaluation_periods = 1;
  int datapoints_to_alarm = 1;
  double threshold = 0;
  std::string comparison;                // GreaterThanThreshold, ...
  std::string treat_missing = "missing";
  bool actions_enabled = true;
  std::vector<std::string> alarm_actions, ok_actions, insufficient_data_actions;
  nlohmann::json source;                 // the fields as given (DescribeAlarms echoes them)

  // From PutMetricAlarm-shaped JSON. Errors are ValidationError with AWS-like messages.
  static Result<AlarmDefinition> from_json(const nlohmann::json& j);
  bool math() const { return !metrics.empty(); }
};

// One evaluation's input: the range's points, oldest first (nullopt = missing).
struct Evaluation {
  AlarmState state;
  bool keep_state = false;  // `ignore` with nothing to decide: stay as is
  std::string reason;
};

Evaluation evaluate_points(const AlarmDefinition& alarm,
                           const std::vector<std::pair<Micros, std::optional<double>>>& range,
                           bool ignore_missing_namespace);

bool breaches(const std::string& comparison, double value, double threshold);

}  // namespace emu::cloudwatch
