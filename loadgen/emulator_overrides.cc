#include "loadgen/emulator_overrides.h"

#include <map>
#include <set>

namespace loadgen {

namespace {

using nlohmann::json;

// The fields PutMetricAlarm takes (what a rendered alarm is filtered to before it is put back).
const std::set<std::string>& put_metric_alarm_fields() {
  static const std::set<std::string> fields = {
      "AlarmName", "AlarmDescription", "ActionsEnabled", "OKActions", "AlarmActions",
      "InsufficientDataActions", "MetricName", "Namespace", "Statistic", "ExtendedStatistic",
      "Dimensions", "Period", "Unit", "EvaluationPeriods", "DatapointsToAlarm", "Threshold",
      "ComparisonOperator", "TreatMissingData", "EvaluateLowSampleCountPercentile", "Metrics",
      "ThresholdMetricId"};
  return fields;
}

// Leaves of the block as (JSON pointer, value); arrays count as one value.
void flatten(const json& j, const std::string& prefix, std::vector<std::pair<std::string, json>>& out) {
  if (!j.is_object()) {
    out.emplace_back(prefix, j);
    return;
  }
  for (const auto& [k, v] : j.items()) flatten(v, prefix + "/" + k, out);
}

std::string dotted(const std::string& pointer) {
  std::string out = pointer.substr(1);
  for (auto& ch : out) ch = ch == '/' ? '.' : ch;
  return out;
}

json alarm_definition(HttpClient& client, const std::string& name) {
  const auto answer = client.cloudwatch("DescribeAlarms", {{"AlarmNames", {name}}});
  const auto j = answer.json();
  if (answer.status != 200 || !j || !j->contains("MetricAlarms") || (*j)["MetricAlarms"].empty()) {
    return nullptr;
  }
  json definition = json::object();
  for (const auto& [k, v] : (*j)["MetricAlarms"][0].items()) {
    if (put_metric_alarm_fields().count(k)) definition[k] = v;
  }
  return definition;
}

}  // namespace

void EmulatorOverrides::apply(HttpClient& client, const Scenario& s) {
  if (s.emulator.empty()) return;
  const auto config_answer = client.get("/_emulator/config");
  const auto config = config_answer.json();
  if (config_answer.status != 200 || !config) {
    throw TargetError("--target " + client.url() + ": GET /_emulator/config answered " +
                      std::to_string(config_answer.status));
  }
  std::vector<std::pair<std::string, json>> leaves;
  flatten(s.emulator, "", leaves);
  std::map<std::string, json> alarm_changes;  // alarm -> changed fields
  std::vector<std::string> refused;
  for (const auto& [pointer, value] : leaves) {
    const json::json_pointer at(pointer);
    if (config->contains(at) && (*config)[at] == value) {
      report_["already_in_force"].push_back(dotted(pointer));
      continue;
    }
    // /cloudwatch/alarms/<name>/<field>
    const std::string prefix = "/cloudwatch/alarms/";
    if (pointer.rfind(prefix, 0) == 0) {
      const std::string rest = pointer.substr(prefix.size());
      const auto slash = rest.find('/');
      if (slash != std::string::npos && rest.find('/', slash + 1) == std::string::npos &&
          put_metric_alarm_fields().count(rest.substr(slash + 1)) && rest.substr(slash + 1) != "AlarmName") {
        alarm_changes[rest.substr(0, slash)][rest.substr(slash + 1)] = value;
        continue;
      }
    }
    refused.push_back(dotted(pointer));
  }
  if (!refused.empty()) {
    std::string keys;
    for (const auto& k : refused) keys += (keys.empty() ? "" : ", ") + k;
    throw ScenarioError(s.file, "emulator",
                        "settings an emulator can take at runtime (alarm definitions under "
                        "cloudwatch.alarms.<name>): " + keys +
                            " cannot change at runtime; start the emulator with them in its "
                            "--config, or run in process (without --target)");
  }
  // Every alarm is read before any is changed: an unknown one refuses the run untouched.
  std::vector<std::pair<json, json>> puts;  // (original, changed)
  for (const auto& [name, fields] : alarm_changes) {
    json original = alarm_definition(client, name);
    if (original.is_null()) {
      throw ScenarioError(s.file, "emulator.cloudwatch.alarms." + name,
                          "the name of an alarm the emulator has (DescribeAlarms does not list it)");
    }
    json changed = original;
    changed.update(fields);
    puts.emplace_back(std::move(original), std::move(changed));
  }
  for (auto& [original, changed] : puts) {
    const auto answer = client.cloudwatch("PutMetricAlarm", changed);
    if (answer.status != 200) {
      restore(client);
      throw ScenarioError(s.file, "emulator.cloudwatch.alarms." + changed["AlarmName"].get<std::string>(),
                          "settings PutMetricAlarm accepts (the emulator answered " +
                              std::to_string(answer.status) + ": " + answer.body + ")");
    }
    report_["changed_for_the_run"][changed["AlarmName"].get<std::string>()] = changed;
    originals_.push_back(std::move(original));
  }
}

std::vector<std::string> EmulatorOverrides::restore(HttpClient& client) {
  std::vector<std::string> failed;
  for (const auto& original : originals_) {
    try {
      if (client.cloudwatch("PutMetricAlarm", original).status == 200) continue;
    } catch (const TargetError&) {
    }
    failed.push_back(original["AlarmName"].get<std::string>());
  }
  originals_.clear();
  return failed;
}

}  // namespace loadgen
