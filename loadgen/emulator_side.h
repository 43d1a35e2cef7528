// What an HTTP run learns from, and sets on, a target that is an emulator (it answers
// GET /_emulator/health): the same expectations as an in-process run are checked over HTTP.
//
//   before the load  the scenario's alarm names are checked against the emulator's alarms, its
//                    "emulator" block is applied for the run (emulator_overrides.h), the
//                    pipeline must be idle (nothing awaiting the stream or in the DLQ, a bounded
//                    wait), and the ledger's counters, the alarm states and the time are noted;
//   during it        on a virtual clock the emulator's clock follows the schedule, so the
//                    emulator sees the scenario's times as an in-process run does;
//   after it         the pipeline drains (virtual clock: the clock moves through the scenario's
//                    drain; real clock: a bounded wait until the stream and the DLQ are empty),
//                    and the outcome gets the ledger scoped to the run (end minus start), the
//                    alarm timelines from CloudWatch DescribeAlarmHistory over the run's window,
//                    the figures the emulator knows and the causes of refused requests.
//
// Scenario times map to the emulator's: on a virtual clock one to one, shifted by whole days
// when the emulator's clock is already past the scenario's start; on a real clock from the
// run's start, scaled by --speed.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "loadgen/emulator_overrides.h"
#include "loadgen/http_client.h"
#include "loadgen/outcome.h"
#include "loadgen/scenario.h"

namespace loadgen {

class EmulatorSide {
 public:
  // nullopt when the target does not answer /_emulator/health as an emulator does.
  static std::optional<nlohmann::json> probe(HttpClient& client);

  EmulatorSide(HttpClient& client, nlohmann::json health, const Scenario& scenario, double speed);

  bool virtual_clock() const { return virtual_clock_; }
  // The emulator's API key (its config's apigateway.api_key).
  std::optional<std::string> api_key() const;
  // Refuses (ScenarioError naming the field) alarm names the emulator does not have.
  void validate() const;
  // Applies the scenario's "emulator" block; ScenarioError (exit 2) naming the keys that
  // cannot change at runtime. restore() puts back what apply() changed.
  void apply_overrides();
  void restore_overrides();
  // Waits (bounded by `settle_seconds` of wall time) for an idle pipeline, then notes the start.
  void begin(double settle_seconds);
  // Virtual clock: moves the emulator's clock to scenario time `at` (never backwards).
  void follow(Micros at);
  // Drains the pipeline (bounded by `settle_seconds` of wall time on a real clock) and adds
  // the emulator's side of the run to `o`.
  void finish(Outcome& o, double settle_seconds);

 private:
  Micros to_emulator(Micros scenario_time) const;
  Micros to_scenario(Micros emulator_time) const;
  Micros emulator_now();
  void set_clock(Micros emulator_time);
  nlohmann::json ledger();
  nlohmann::json wait_until_idle(double settle_seconds, double& waited, bool& settled);
  void add_ledger(Outcome& o, const nlohmann::json& end);
  void add_alarms(Outcome& o, Micros emulator_end);
  void add_state_figures(Outcome& o, const nlohmann::json& end_state);
  void add_etl_figures(Outcome& o, Micros emulator_end);

  HttpClient& client_;
  const Scenario& s_;
  double speed_;
  bool virtual_clock_;
  Micros emulator_start_ = 0;
  Micros clock_set_to_ = 0;
  nlohmann::json ledger_start_, state_start_;
  std::map<std::string, std::string> alarm_states_start_;
  EmulatorOverrides overrides_;
};

}  // namespace loadgen
