// A scenario's "emulator" block applied to an emulator target for one HTTP run, never silently
// ignored. Each setting (a leaf of the block, arrays whole) is
//   - already in force: the emulator's GET /_emulator/config has that value; nothing to do;
//   - changeable at runtime: a CloudWatch alarm's definition
//     (cloudwatch.alarms.<name>.<PutMetricAlarm field>), changed with PutMetricAlarm and put
//     back as it was when the run ends;
//   - neither: the run is refused before anything is sent (ScenarioError, exit 2) naming every
//     such key, so that the emulator can be started with them in its --config instead.
#pragma once

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
  // Puts back every alarm definition apply() changed. Returns what could not be restored.
  std::vector<std::string> restore(HttpClient& client);
  // What apply() did, for summary.json's settings.
  const nlohmann::json& report() const { return report_; }

 private:
  std::vector<nlohmann::json> originals_;  // PutMetricAlarm inputs, as before the run
  nlohmann::json report_ = nlohmann::json::object();
};

}  // namespace loadgen
