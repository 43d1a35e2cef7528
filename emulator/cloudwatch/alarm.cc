#include "emulator/cloudwatch/alarm.h"

#include <fmt/format.h>

#include "emulator/cloudwatch/json_fields.h"
#include "emulator/core/errors.h"

namespace emu::cloudwatch {

namespace {

AwsError invalid_alarm(const std::string& message) {
  return errors::cloudwatch::kValidationError(message);
}

const char* relation(const std::string& comparison) {
  if (comparison == "GreaterThanThreshold") return "greater than";
  if (comparison == "GreaterThanOrEqualToThreshold") return "greater than or equal to";
  if (comparison == "LessThanThreshold") return "less than";
  return "less than or equal to";
}

std::string reason_date(Micros t) {
  // "dd/MM/yy HH:mm:ss" as CloudWatch writes it in state reasons.
  const std::string iso = format_iso8601_seconds(t);  // 2021-06-27T00:01:00Z
  return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(2, 2) + " " +
         iso.substr(11, 8);
}

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// A metric-math alarm's Metrics list into `a` (its queries and the period of their MetricStat).
Status read_metric_queries(const nlohmann::json& metrics, AlarmDefinition& a) {
  int returned = 0;
  for (const auto& m : metrics) {
    MetricDataQuery q;
    q.id = m.value("Id", "");
    q.expression = m.value("Expression", "");
    q.return_data =
        !m.contains("ReturnData") || m["ReturnData"] == true || m["ReturnData"] == "true";
    if (m.contains("MetricStat")) {
      const auto& ms = m["MetricStat"];
      const auto& metric = ms.value("Metric", nlohmann::json::object());
      q.metric = {metric.value("Namespace", ""), metric.value("MetricName", ""),
                  dimensions_of(metric.value("Dimensions", nlohmann::json::array())),
                  ms.value("Unit", "")};
      q.stat = ms.value("Stat", "");
      q.period = static_cast<Micros>(number_of(ms, "Period").value_or(60)) * kMicrosPerSecond;
      a.period = q.period;
    } else if (q.expression.empty()) {
      return invalid_alarm("Each MetricDataQuery needs an Expression or a MetricStat (" + q.id +
                           ")");
    }
    returned += q.return_data ? 1 : 0;
    a.metrics.push_back(std::move(q));
  }
  if (returned != 1)
    return invalid_alarm("Exactly one element of the metrics list should return data.");
  return ok_status();
}

// A single-metric alarm's Period, metric and statistic into `a`.
Status read_single_metric(const nlohmann::json& j, const std::optional<double>& period,
                          AlarmDefinition& a) {
  if (!period || *period < 10)
    return invalid_alarm("Period must be 10, 20, 30 or a multiple of 60");
  const auto p = static_cast<std::int64_t>(*period);
  if (p != 10 && p != 20 && p != 30 && p % 60 != 0) {
    return invalid_alarm("Period must be 10, 20, 30 or a multiple of 60");
  }
  if (p * a.evaluation_periods > (p < 3600 ? 86400 : 604800)) {
    return invalid_alarm(
        "Metrics cannot be checked across more than a day (EvaluationPeriods * "
        "Period must be <= 86400)");
  }
  a.period = p * kMicrosPerSecond;
  a.metric = {j.value("Namespace", ""), j.value("MetricName", ""),
              dimensions_of(j.value("Dimensions", nlohmann::json::array())), j.value("Unit", "")};
  if (a.metric.name_space.empty() || a.metric.name.empty()) {
    return invalid_alarm("Namespace and MetricName are required (or Metrics for a math alarm)");
  }
  const std::string stat = j.value("Statistic", ""), extended = j.value("ExtendedStatistic", "");
  if (stat.empty() == extended.empty()) {
    return invalid_alarm("Exactly one of Statistic and ExtendedStatistic must be specified");
  }
  a.statistic = stat.empty() ? extended : stat;
  return ok_status();
}

}  // namespace

const char* state_name(AlarmState s) {
  switch (s) {
    case AlarmState::kOk: return "OK";
    case AlarmState::kAlarm: return "ALARM";
    default: return "INSUFFICIENT_DATA";
  }
}

bool breaches(const std::string& c, double v, double t) {
  if (c == "GreaterThanThreshold") return v > t;
  if (c == "GreaterThanOrEqualToThreshold") return v >= t;
  if (c == "LessThanThreshold") return v < t;
  return v <= t;
}

Result<AlarmDefinition> AlarmDefinition::from_json(const nlohmann::json& j) {
  AlarmDefinition a;
  a.source = j;
  a.name = j.value("AlarmName", "");
  if (a.name.empty() || a.name.size() > 255) {
    return invalid_alarm(
        "1 validation error detected: Value at 'alarmName' failed to satisfy "
        "constraint: Member must have length between 1 and 255");
  }
  a.description = j.value("AlarmDescription", "");
  const auto period = number_of(j, "Period");
  const auto evaluation = number_of(j, "EvaluationPeriods");
  const auto threshold = number_of(j, "Threshold");
  a.comparison = j.value("ComparisonOperator", "");
  if (!evaluation || *evaluation < 1) return invalid_alarm("EvaluationPeriods must be at least 1");
  a.evaluation_periods = static_cast<int>(*evaluation);
  a.datapoints_to_alarm = static_cast<int>(number_of(j, "DatapointsToAlarm").value_or(*evaluation));
  if (a.datapoints_to_alarm < 1 || a.datapoints_to_alarm > a.evaluation_periods) {
    return invalid_alarm("DatapointsToAlarm must be between 1 and EvaluationPeriods");
  }
  if (!threshold) return invalid_alarm("Threshold is required for this alarm");
  a.threshold = *threshold;
  static const char* const kComparisons[] = {"GreaterThanThreshold", "GreaterThanOrEqualToThreshold",
                                             "LessThanThreshold", "LessThanOrEqualToThreshold"};
  bool comparison_ok = false;
  for (const char* c : kComparisons) comparison_ok = comparison_ok || a.comparison == c;
  if (!comparison_ok) {
    return invalid_alarm(
        "1 validation error detected: Value '" + a.comparison +
        "' at 'comparisonOperator' failed to satisfy constraint: Member must satisfy "
        "enum value set: [GreaterThanOrEqualToThreshold, GreaterThanThreshold, "
        "LessThanThreshold, LessThanOrEqualToThreshold]");
  }
  a.treat_missing = j.value("TreatMissingData", "missing");
  if (a.treat_missing != "missing" && a.treat_missing != "ignore" &&
      a.treat_missing != "breaching" && a.treat_missing != "notBreaching") {
    return invalid_alarm("Invalid value for TreatMissingData: " + a.treat_missing);
  }
  a.actions_enabled = !j.contains("ActionsEnabled") || j["ActionsEnabled"] == true ||
                      j["ActionsEnabled"] == "true";
  a.alarm_actions = strings_of(j, "AlarmActions");
  a.ok_actions = strings_of(j, "OKActions");
  a.insufficient_data_actions = strings_of(j, "InsufficientDataActions");
  if (j.contains("Metrics") && j["Metrics"].is_array() && !j["Metrics"].empty()) {
    if (auto s = read_metric_queries(j["Metrics"], a); !s) return s.error();
    if (period) a.period = static_cast<Micros>(*period) * kMicrosPerSecond;
    return a;
  }
  if (auto s = read_single_metric(j, period, a); !s) return s.error();
  return a;
}

Evaluation evaluate_points(const AlarmDefinition& a,
                           const std::vector<std::pair<Micros, std::optional<double>>>& range,
                           bool ignore_missing_namespace) {
  const std::string treat = ignore_missing_namespace ? "ignore" : a.treat_missing;
  const std::size_t n = static_cast<std::size_t>(a.evaluation_periods);
  const std::size_t m = static_cast<std::size_t>(a.datapoints_to_alarm);
  std::vector<std::pair<Micros, double>> real;
  for (const auto& [t, v] : range) {
    if (v) real.emplace_back(t, *v);
  }
  const std::string threshold = fmt::format("{:.1f}", a.threshold);
  if (real.empty()) {
    // Every point missing (aws-fidelity 6.3 step 5).
    const std::string text = "no datapoints were received for " + plural(n, "period") + " and " +
                             plural(n, "missing datapoint") + " were treated as [";
    if (treat == "breaching") return {AlarmState::kAlarm, false, "Threshold Crossed: " + text + "Breaching]."};
    if (treat == "notBreaching") return {AlarmState::kOk, false, "Threshold Crossed: " + text + "NonBreaching]."};
    if (treat == "ignore") return {AlarmState::kInsufficientData, true, ""};
    return {AlarmState::kInsufficientData, false,
            "Insufficient Data: " + plural(n, "datapoint") + (n == 1 ? " was" : " were") + " unknown."};
  }
  // The most recent N real points, or all of them when there are fewer.
  const std::size_t used = std::min(n, real.size());
  std::vector<std::pair<Micros, double>> points(real.end() - static_cast<std::ptrdiff_t>(used), real.end());
  std::size_t breaching = 0;
  for (const auto& [t, v] : points) breaching += breaches(a.comparison, v, a.threshold) ? 1 : 0;
  const std::size_t filled = n - used;
  if (filled > 0) {
    // Fewer than N real points: the gaps take the TreatMissingData treatment. With `missing`
    // or `ignore` a gap is unknown: decide only when the known points settle it.
    // ASSUMPTION: AWS's documentation table has rows this rule does not reproduce (see the
    // alarm tests); it is the reading that never invents a breach.
    if (treat == "breaching") breaching += filled;
    if (treat == "missing" || treat == "ignore") {
      const bool decided_alarm = breaching >= m;
      const bool decided_ok = breaching + filled < m;
      if (!decided_alarm && !decided_ok) {
        return {AlarmState::kInsufficientData, treat == "ignore",
                "Insufficient Data: " + plural(filled, "datapoint") + (filled == 1 ? " was" : " were") +
                    " unknown."};
      }
    }
  }
  const bool alarm = breaching >= m;
  std::string listed;
  for (std::size_t i = points.size(); i-- > 0;) {
    if (!listed.empty()) listed += ", ";
    listed += fmt::format("{} ({})", points[i].second, reason_date(points[i].first));
  }
  const std::string verb = alarm ? relation(a.comparison) : std::string("not ") + relation(a.comparison);
  std::string reason = "Threshold Crossed: " + plural(points.size(), "datapoint") + " [" + listed +
                       "] " + (points.size() == 1 ? "was " : "were ") + verb + " the threshold (" +
                       threshold + ").";
  if (alarm && points.size() > 1) {
    reason = "Threshold Crossed: " + std::to_string(breaching) + " out of the last " +
             std::to_string(n) + " datapoints [" + listed + "] were " + relation(a.comparison) +
             " the threshold (" + threshold + ") (minimum " + std::to_string(m) +
             " datapoint" + (m == 1 ? "" : "s") + " for OK -> ALARM transition).";
  }
  return {alarm ? AlarmState::kAlarm : AlarmState::kOk, false, reason};
}

}  // namespace emu::cloudwatch
