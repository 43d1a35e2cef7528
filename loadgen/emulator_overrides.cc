#include "loadgen/emulator_overrides.h"

#include <map>
#include <optional>
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

const char* const kLambdaPath = "/2017-10-31/functions/";

// The function's reserved concurrency now (GetFunctionConcurrency; -1 for none), or nullopt
// when the emulator has no such function.
std::optional<std::int64_t> reserved_concurrency(HttpClient& client, const std::string& function) {
  const auto answer = client.lambda("GET", kLambdaPath + function + "/concurrency");
  const auto j = answer.json();
  if (answer.status == 404) return std::nullopt;
  if (answer.status != 200 || !j || !j->is_object()) {
    throw TargetError("--target " + client.url() + ": GetFunctionConcurrency " + function +
                      " answered " + std::to_string(answer.status) + " " +
                      answer.body.substr(0, 200));
  }
  return j->value("ReservedConcurrentExecutions", std::int64_t{-1});
}

// PutFunctionConcurrency, or DeleteFunctionConcurrency for -1; the answer on failure.
std::optional<HttpAnswer> set_reserved_concurrency(HttpClient& client, const std::string& function,
                                                   std::int64_t n) {
  const std::string path = kLambdaPath + function + "/concurrency";
  const HttpAnswer answer =
      n < 0 ? client.lambda("DELETE", path)
            : client.lambda("PUT", path, json{{"ReservedConcurrentExecutions", n}}.dump());
  if (answer.status == 200 || answer.status == 204) return std::nullopt;
  return answer;
}

// "/lambda/functions/<name><suffix>" -> <name>, else "".
std::string function_of(const std::string& pointer, const std::string& suffix) {
  const std::string prefix = "/lambda/functions/";
  if (pointer.rfind(prefix, 0) != 0 || pointer.size() <= prefix.size() + suffix.size() ||
      pointer.compare(pointer.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return "";
  }
  const std::string name =
      pointer.substr(prefix.size(), pointer.size() - prefix.size() - suffix.size());
  return name.find('/') == std::string::npos ? name : "";
}

std::string concurrency_function(const std::string& pointer) {
  return function_of(pointer, "/reserved_concurrency");
}

const char* const kConfigurationPath = "/2015-03-31/functions/";

// GetFunctionConfiguration's answer, or nullopt when the emulator has no such function.
std::optional<json> function_configuration(HttpClient& client, const std::string& function) {
  const auto answer = client.lambda("GET", kConfigurationPath + function + "/configuration");
  const auto j = answer.json();
  if (answer.status == 404) return std::nullopt;
  if (answer.status != 200 || !j || !j->is_object() || !(*j)["MemorySize"].is_number_integer() ||
      !(*j)["Timeout"].is_number_integer()) {
    throw TargetError("--target " + client.url() + ": GetFunctionConfiguration " + function +
                      " answered " + std::to_string(answer.status) + " " +
                      answer.body.substr(0, 200));
  }
  return *j;
}

// UpdateFunctionConfiguration of one setting in the config's units; the answer on failure.
std::optional<HttpAnswer> set_function_config(HttpClient& client, const std::string& function,
                                              const std::string& key, std::int64_t value) {
  const json body =
      key == "memory_mb" ? json{{"MemorySize", value}} : json{{"Timeout", value / 1000}};
  const HttpAnswer answer =
      client.lambda("PUT", kConfigurationPath + function + "/configuration", body.dump());
  if (answer.status == 200) return std::nullopt;
  return answer;
}

// "/cloudwatch/alarms/<name>/<PutMetricAlarm field>" -> (name, field), else ("", "").
std::pair<std::string, std::string> alarm_field(const std::string& pointer) {
  const std::string prefix = "/cloudwatch/alarms/";
  if (pointer.rfind(prefix, 0) != 0) return {};
  const std::string rest = pointer.substr(prefix.size());
  const auto slash = rest.find('/');
  if (slash == std::string::npos || rest.find('/', slash + 1) != std::string::npos) return {};
  const std::string field = rest.substr(slash + 1);
  if (!put_metric_alarm_fields().count(field) || field == "AlarmName") return {};
  return {rest.substr(0, slash), field};
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
  classify(client, s, *config);
  apply_alarms(client, s);
  apply_concurrency(client, s);
  apply_function_configs(client, s);
}

// Sorts the block's settings into already in force, changeable and refused; throws before
// anything is changed when one is refused or names an alarm or function the emulator lacks.
void EmulatorOverrides::classify(HttpClient& client, const Scenario& s, const json& config) {
  std::vector<std::pair<std::string, json>> leaves;
  flatten(s.emulator, "", leaves);
  std::vector<std::string> refused;
  for (const auto& [pointer, value] : leaves) {
    if (const std::string function = concurrency_function(pointer); !function.empty()) {
      const auto now = reserved_concurrency(client, function);
      if (!now) {
        throw ScenarioError(
            s.file, "emulator." + dotted(pointer),
            "the name of a function the emulator has (GetFunctionConcurrency: not found)");
      }
      if (!value.is_number_integer() || value.get<std::int64_t>() < -1) {
        throw ScenarioError(s.file, "emulator." + dotted(pointer),
                            "-1 (none) or a non-negative integer");
      }
      if (*now == value.get<std::int64_t>()) {
        report_["already_in_force"].push_back(dotted(pointer));
      } else {
        concurrency_changes_.push_back({function, *now, value.get<std::int64_t>()});
      }
      continue;
    }
    if (classify_function_config(client, s, config, pointer, value)) continue;
    const json::json_pointer at(pointer);
    if (config.contains(at) && config[at] == value) {
      report_["already_in_force"].push_back(dotted(pointer));
      continue;
    }
    if (const auto [alarm, field] = alarm_field(pointer); !alarm.empty()) {
      alarm_changes_[alarm][field] = value;
      continue;
    }
    refused.push_back(dotted(pointer));
  }
  if (refused.empty()) return;
  std::string keys;
  for (const auto& k : refused) keys += (keys.empty() ? "" : ", ") + k;
  throw ScenarioError(s.file, "emulator",
                      "settings an emulator can take at runtime (alarm definitions under "
                      "cloudwatch.alarms.<name>, lambda.functions.<name>.reserved_concurrency, "
                      ".memory_mb, .timeout_ms): " +
                          keys +
                          " cannot change at runtime; start the emulator with them in its "
                          "--config, or run in process (without --target)");
}

// memory_mb and timeout_ms go through Lambda's API, in its units: MB, and whole seconds. The
// value before the run is GetFunctionConfiguration's; a timeout the config set to a fraction of
// a second could not be put back through Lambda's API, so changing it is refused.
bool EmulatorOverrides::classify_function_config(HttpClient& client, const Scenario& s,
                                                 const json& config, const std::string& pointer,
                                                 const json& value) {
  std::string key = "memory_mb", function = function_of(pointer, "/memory_mb");
  if (function.empty()) {
    key = "timeout_ms";
    function = function_of(pointer, "/timeout_ms");
  }
  if (function.empty()) return false;
  const std::string field = "emulator." + dotted(pointer);
  const auto now = function_configuration(client, function);
  if (!now) {
    throw ScenarioError(s.file, field,
                        "the name of a function the emulator has (GetFunctionConfiguration: not "
                        "found)");
  }
  const bool memory = key == "memory_mb";
  const std::int64_t wanted = value.is_number_integer() ? value.get<std::int64_t>() : -1;
  if (memory ? wanted < 128 || wanted > 10240
             : wanted < 1000 || wanted > 900000 || wanted % 1000 != 0) {
    throw ScenarioError(s.file, field,
                        memory ? "an integer 128..10240 (UpdateFunctionConfiguration's MemorySize)"
                               : "whole seconds in milliseconds, 1000..900000 (over HTTP it is "
                                 "set with UpdateFunctionConfiguration, whose Timeout is in "
                                 "seconds)");
  }
  std::int64_t before = memory ? (*now)["MemorySize"].get<std::int64_t>()
                               : (*now)["Timeout"].get<std::int64_t>() * 1000;
  const json::json_pointer at(pointer);
  if (!memory && config.contains(at) && config[at].is_number_integer() &&
      config[at].get<std::int64_t>() / 1000 * 1000 == before) {
    before = config[at].get<std::int64_t>();  // the config's milliseconds, when they agree
  }
  if (before == wanted) {
    report_["already_in_force"].push_back(dotted(pointer));
  } else if (!memory && before % 1000 != 0) {
    throw ScenarioError(s.file, field,
                        "a timeout the emulator can put back after the run: its timeout is " +
                            std::to_string(before) +
                            " ms, which Lambda's API (whole seconds) cannot restore; start the "
                            "emulator with the scenario's value in its --config");
  } else {
    config_changes_.push_back({function, key, before, wanted});
  }
  return true;
}

void EmulatorOverrides::apply_alarms(HttpClient& client, const Scenario& s) {
  // Every alarm is read before any is changed: an unknown one refuses the run untouched.
  std::vector<std::pair<json, json>> puts;  // (original, changed)
  for (const auto& [name, fields] : alarm_changes_) {
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

void EmulatorOverrides::apply_concurrency(HttpClient& client, const Scenario& s) {
  for (const auto& change : concurrency_changes_) {
    if (const auto failed = set_reserved_concurrency(client, change.function, change.wanted)) {
      restore(client);
      throw ScenarioError(
          s.file, "emulator.lambda.functions." + change.function + ".reserved_concurrency",
          "a reserved concurrency PutFunctionConcurrency accepts (the emulator answered " +
              std::to_string(failed->status) + ": " + failed->body + ")");
    }
    report_["changed_for_the_run"]
           ["lambda.functions." + change.function + ".reserved_concurrency"] = {
               {"before", change.before}, {"for_the_run", change.wanted}};
    concurrency_applied_.push_back(change);
  }
}

void EmulatorOverrides::apply_function_configs(HttpClient& client, const Scenario& s) {
  for (const auto& change : config_changes_) {
    const std::string key = "lambda.functions." + change.function + "." + change.key;
    if (const auto failed =
            set_function_config(client, change.function, change.key, change.wanted)) {
      restore(client);
      throw ScenarioError(s.file, "emulator." + key,
                          "a setting UpdateFunctionConfiguration accepts (the emulator answered " +
                              std::to_string(failed->status) + ": " + failed->body + ")");
    }
    report_["changed_for_the_run"][key] = {{"before", change.before},
                                           {"for_the_run", change.wanted}};
    config_applied_.push_back(change);
  }
}

std::vector<std::string> EmulatorOverrides::restore(HttpClient& client) {
  std::vector<std::string> failed;
  for (const auto& original : originals_) {
    try {
      if (client.cloudwatch("PutMetricAlarm", original).status == 200) continue;
    } catch (const TargetError&) {
    }
    failed.push_back("alarm " + original["AlarmName"].get<std::string>());
  }
  for (const auto& change : concurrency_applied_) {
    try {
      if (!set_reserved_concurrency(client, change.function, change.before)) continue;
    } catch (const TargetError&) {
    }
    failed.push_back("the reserved concurrency of " + change.function);
  }
  for (const auto& change : config_applied_) {
    try {
      if (!set_function_config(client, change.function, change.key, change.before)) continue;
    } catch (const TargetError&) {
    }
    failed.push_back("the " + change.key + " of " + change.function);
  }
  originals_.clear();
  concurrency_applied_.clear();
  config_applied_.clear();
  return failed;
}

}  // namespace loadgen
