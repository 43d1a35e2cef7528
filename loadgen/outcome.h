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
  double wall_seconds = 0;
  std::string mode;                              // "virtual" | "http"

  struct Checked {
    std::string description;
    bool passed = false;
    std::string detail;
  };
  std::vector<Checked> checked;

  // Computes figures from the recorder (merged with any already set).
  void add_recorder_figures(const Recorder& r);
  // Checks every expectation; returns true when all pass.
  bool check(const Scenario& scenario);
  nlohmann::json summary(const Scenario& scenario, const Recorder& r) const;
};

void write_report_html(const std::string& path, const Scenario& scenario, const Recorder& r,
                       const Outcome& outcome);
std::string text_summary(const Scenario& scenario, const Recorder& r, const Outcome& outcome);

}  // namespace loadgen
