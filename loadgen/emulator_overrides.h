// A scenario's "emulator" block applied to an emulator target for one HTTP run, never silently
// ignored. Each setting (a leaf of the block, arrays whole) is
//   - already in force: the emulator's GET /_emulator/config has that value; nothing to do;
//   - changeable at runtime, through the API AWS offers for it, and put back as it was when
//     the run ends:
//       a CloudWatch alarm's definition (cloudwatch.alarms.<name>.<PutMetricAlarm field>),
//         with PutMetricAlarm;
//       a function's reserved concurrency (lambda.functions.<name>.reserved_concurrency, -1 for
//         none), with PutFunctionConcurrency / DeleteFunctionConcurrency; its current value is
//         read with GetFunctionConcurrency (the config's value may have been changed since);
//       a function's memory and timeout (lambda.functions.<name>.memory_mb, .timeout_ms in
//         whole seconds, Lambda's unit), with UpdateFunctionConfiguration; their current values
//         are read with GetFunctionConfiguration;
//   - not changeable at runtime (the rest of lambda: the scaling regime, account concurrency,
//     init and duration distributions are not settable through Lambda's API, faults, waf, ...);
//   - neither: the run is refused before anything is sent (ScenarioError, exit 2) naming every
//     such key, so that the emulator can be started with them in its --config instead.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "loadgen/http_client.h"
#include "loadgen/scenario.h"

namespace loadgen {

class EmulatorOverrides {
 public:
  // Throws ScenarioError (naming the file, the keys and why) before changing anything.
  void apply(HttpClient& client, const Scenario& scenario);
  // Puts back every setting apply() changed. Returns what could not be restored.
  std::vector<std::string> restore(HttpClient& client);
  // What apply() did, for summary.json's settings.
  const nlohmann::json& report() const { return report_; }

 private:
  struct Concurrency {
    std::string function;
    std::int64_t before = -1, wanted = -1;  // -1: no reserved concurrency
  };
  // A memory_mb or timeout_ms setting, in the config's units (MB, ms).
  struct FunctionConfig {
    std::string function, key;  // key: "memory_mb" or "timeout_ms"
    std::int64_t before = 0, wanted = 0;
  };
  void classify(HttpClient& client, const Scenario& s, const nlohmann::json& config);
  // Sorts a lambda.functions.<name>.memory_mb/timeout_ms leaf; false for any other pointer.
  bool classify_function_config(HttpClient& client, const Scenario& s, const nlohmann::json& config,
                                const std::string& pointer, const nlohmann::json& value);
  void apply_alarms(HttpClient& client, const Scenario& s);
  void apply_concurrency(HttpClient& client, const Scenario& s);
  void apply_function_configs(HttpClient& client, const Scenario& s);

  std::map<std::string, nlohmann::json> alarm_changes_;  // alarm -> changed fields
  std::vector<Concurrency> concurrency_changes_;
  std::vector<nlohmann::json> originals_;         // PutMetricAlarm inputs, as before the run
  std::vector<Concurrency> concurrency_applied_;  // to put back
  std::vector<FunctionConfig> config_changes_;
  std::vector<FunctionConfig> config_applied_;  // to put back
  nlohmann::json report_ = nlohmann::json::object();
};

}  // namespace loadgen
