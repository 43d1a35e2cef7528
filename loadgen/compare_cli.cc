#include "loadgen/compare_cli.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "emulator/core/time.h"

namespace loadgen {

CLI::App* add_compare_command(CLI::App& app, CompareCommand& c) {
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "Compare a run's ETL output (its masked daily CSVs) with the published files for "
      "one day; prints a per-file table (exit 0 within tolerance, 1 not, 2 bad input)");
  cmd->add_option("out", c.out,
                  "The run's --out directory (or its data dir, or a directory of "
                  "<file>.daily-journalier.csv)")
      ->required();
  cmd->add_option("published", c.published_dir,
                  "Directory of the published <file>.daily-journalier.csv")
      ->required();
  auto& o = c.options;
  cmd->add_option("--date", o.date, "The day to compare, YYYY-MM-DD")->required();
  cmd->add_option("--scale", o.scale,
                  "The run's population over the real one (0.05 for a 1/20 run): run counts are "
                  "divided by it, and masking and missing rows are judged as compare.h says")
      ->default_val(1.0)
      ->check(CLI::Range(1e-6, 1.0));
  cmd->add_option("--max-share-error-pp", o.max_share_error_pp,
                  "Largest error of a row's share of its file, in percentage points")
      ->default_val(2.0)
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-relative-error", o.max_relative_error,
                  "Largest relative error of a count >= --min-count (0.05 = 5 %)")
      ->default_val(0.05)
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--min-count", o.min_count,
                  "Counts checked relatively: published >= this, and expected >= this in the run "
                  "itself (published x scale)")
      ->default_val(1000)
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-missing-rows", o.max_missing_rows,
                  "Published rows the run may lack, per file")
      ->default_val(0)
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-extra-rows", o.max_extra_rows,
                  "Rows the run may have that were not published, per file")
      ->default_val(0)
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-mask-mismatches", o.max_mask_mismatches,
                  "Cells masked (<20) on one side only, per file")
      ->default_val(0)
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--json", c.json_path, "Also write the result as JSON to this file");
  cmd->add_flag("--no-report", c.no_report,
                "Leave OUT/report.html alone (by default, when OUT is a run's directory, the table "
                "joins its report.html, replacing an earlier one)");
  return cmd;
}

int run_compare_command(const CompareCommand& c) {
  const auto day = emu::parse_iso8601(c.options.date + "T00:00:00Z");
  if (c.options.date.size() != 10 || !day) {
    std::fprintf(stderr, "loadgen compare: --date: expected YYYY-MM-DD, got \"%s\"\n",
                 c.options.date.c_str());
    return 2;
  }
  Comparison result;
  try {
    result = compare_published(find_run_csv_dir(c.out), c.published_dir, c.options);
  } catch (const CompareInputError& e) {
    std::fprintf(stderr, "loadgen compare: %s\n", e.what());
    return 2;
  }
  std::cout << result.table();
  if (!c.json_path.empty()) {
    std::ofstream out(c.json_path);
    out << result.to_json().dump(2) << "\n";
    if (!out) {
      std::fprintf(stderr, "loadgen compare: --json: cannot write %s\n", c.json_path.c_str());
      return 2;
    }
  }
  const std::string report = c.out + "/report.html";
  if (!c.no_report && std::filesystem::exists(report)) {
    if (!add_to_report(report, result)) {
      std::fprintf(stderr, "loadgen compare: cannot update %s\n", report.c_str());
      return 2;
    }
    std::cout << "  report: " << report << " (section \"Compared with the published files\")\n";
  }
  return result.ok() ? 0 : 1;
}

CLI::App* add_calibrate_command(CLI::App& app, CalibrateCommand& c) {
  CLI::App* cmd = app.add_subcommand(
      "calibrate",
      "Fit the population model to a published day and write a scenario that drives "
      "it through the pipeline (docs/calibration.md)");
  auto& o = c.options;
  cmd->add_option("--published", o.published_dir,
                  "Directory of the published <file>.daily-journalier.csv")
      ->required();
  cmd->add_option("--date", o.date, "The day to fit, YYYY-MM-DD")->required();
  cmd->add_option("--out", c.out, "The scenario file to write (JSON)")->required();
  cmd->add_option("--scale", o.scale, "Devices = the fitted population x this (0.05 for 1/20)")
      ->default_val(1.0)
      ->check(CLI::Range(1e-6, 1.0));
  cmd->add_option("--name", o.name, "The scenario's name (default national-day-<date>)");
  return cmd;
}

int run_calibrate_command(const CalibrateCommand& c) {
  nlohmann::json scenario;
  try {
    scenario = calibrate(c.options);
  } catch (const CompareInputError& e) {
    std::fprintf(stderr, "loadgen calibrate: %s\n", e.what());
    return 2;
  }
  const auto parent = std::filesystem::path(c.out).parent_path();
  std::error_code ignored;  // a failure shows as the write's below
  if (!parent.empty()) std::filesystem::create_directories(parent, ignored);
  std::ofstream out(c.out);
  out << scenario.dump(2) << "\n";
  if (!out) {
    std::fprintf(stderr, "loadgen calibrate: --out: cannot write %s\n", c.out.c_str());
    return 2;
  }
  std::cout << "wrote " << c.out << ": " << scenario["population"]["devices"].get<std::int64_t>()
            << " devices (scale " << c.options.scale << ") fitted to " << c.options.date << "\n";
  return 0;
}

}  // namespace loadgen
