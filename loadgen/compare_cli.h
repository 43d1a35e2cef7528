// The `loadgen compare` and `loadgen calibrate` subcommands' flags (kept apart from main.cc).
#pragma once

#include <CLI/CLI.hpp>

#include "loadgen/calibrate.h"
#include "loadgen/compare.h"

namespace loadgen {

struct CompareCommand {
  std::string out;            // a run's --out directory (or its data dir, or a CSV dir)
  std::string published_dir;  // published daily CSVs
  std::string json_path;      // where to write the result as JSON ("" = nowhere)
  bool no_report = false;     // leave <out>/report.html alone
  CompareOptions options;
};

CLI::App* add_compare_command(CLI::App& app, CompareCommand& command);
// Prints the table; 0 when every file is within tolerance, 1 when not, 2 on bad input.
int run_compare_command(const CompareCommand& command);

struct CalibrateCommand {
  CalibrateOptions options;
  std::string out;  // the scenario file to write
};

CLI::App* add_calibrate_command(CLI::App& app, CalibrateCommand& command);
// Writes the fitted scenario; 0 done, 2 bad input (naming the file).
int run_calibrate_command(const CalibrateCommand& command);

}  // namespace loadgen
