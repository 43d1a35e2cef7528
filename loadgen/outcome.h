// A finished run: the recorder's figures, what the in-process pipeline reports (ledger, alarm
// timelines), the expectations checked against them, and the files written from them
// (summary.json, report.html) plus a one-screen text summary.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "loadgen/recorder.h"
#include "loadgen/scenario.h"

namespace loadgen {

struct AlarmTimeline {
  std::vector<std::pair<Micros, std::string>> states;  // (since, state), in time order
  nlohmann::json definition = nlohmann::json::object();  // metric, statistic, threshold, ...
};

struct Outcome {
  nlohmann::json settings;                       // every effective knob
  std::map<std::string, double> figures;         // name -> value
  std::map<std::string, AlarmTimeline> alarms;   // in-process runs
  nlohmann::json ledger;                         // in-process runs
  nlohmann::json lambda_limits;                  // in-process runs: create_metrics' limits
  nlohmann::json drain;                          // emulator targets: how the pipeline settled
  // In-process runs: the DynamoDB row cache at the end (budget, rows, hits, loads, evictions):
  // how `dynamodb.cache_mib` served the run. Not a figure: results never depend on it.
  nlohmann::json row_cache;
  std::vector<std::string> causes;               // why requests were refused, as the emulator knows
  double wall_seconds = 0;
  std::string mode;                              // "virtual" | "http"
  // Why the ledger, alarms and emulator figures are unknown (a target that is not an
  // emulator, a merged run): expectations needing them are SKIPPED, or fail when `strict`.
  std::string emulator_unknown;
  bool strict = false;

  struct Checked {
    std::string description;
    bool passed = false;
    bool skipped = false;  // not evaluated (passed unless --strict)
    std::string detail;
  };
  std::vector<Checked> checked;

  // Computes figures from the recorder (merged with any already set).
  void add_recorder_figures(const Recorder& r);
  // Checks every expectation; returns true when all pass.
  bool check(const Scenario& scenario);
  nlohmann::json summary(const Scenario& scenario, const Recorder& r) const;
};

// The emulator-side causes of refused requests, from a ledger report's requests.by_outcome and
// the Lambda service's state (e.g. "create_metrics throttled 585: reserved concurrency 10").
std::vector<std::string> refusal_causes(const nlohmann::json& ledger, const nlohmann::json& lambda_state);

void write_report_html(const std::string& path, const Scenario& scenario, const Recorder& r,
                       const Outcome& outcome);
std::string text_summary(const Scenario& scenario, const Recorder& r, const Outcome& outcome);

}  // namespace loadgen
