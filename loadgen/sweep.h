// `loadgen sweep SCENARIO --set KEY=V1,V2,... [--set ...]`: runs the scenario once per point of
// the grid, in process on the virtual clock, and writes sweep.json and sweep.html.
//
// Each point is a child process (`loadgen run <point>/scenario.json --out <point>`), at most
// `jobs` at once: every point gets its own pipeline, memory bounded as one run's, and a crash
// stays in its point. Every point runs with the scenario's seed, so a point gives the same
// digest as `loadgen run` of its scenario.json. The sweep itself keeps only each point's chosen
// figures (bounded by kMaxSweepPoints).
//
// Exit codes: 0 every point meets the scenario's expectations (with --expect-any: at least one
// does), 1 otherwise, 2 a bad flag or scenario (message naming it).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "loadgen/sweep_grid.h"

namespace loadgen {

struct SweepOptions {
  std::string scenario_file;
  std::vector<std::string> sets;  // "KEY=V1,V2,..."
  std::string out_dir = "loadgen-sweep";
  int jobs = 0;                   // 0: every core
  bool expect_any = false;
  std::string heatmap_figure = "lambda_throttles";
  std::string loadgen_path;       // the binary run for each point (this one)
};

int run_sweep(const SweepOptions& options);

// One row of sweep.json from a point's summary.json (or its failure to produce one).
nlohmann::json sweep_row(const SweepPoint& point, const std::vector<SweepKey>& keys,
                         const nlohmann::json& summary, const std::string& point_dir);

// sweep.html: the table of every point, a heatmap per pair of the first two keys, links.
void write_sweep_html(const std::string& path, const nlohmann::json& sweep);

}  // namespace loadgen
