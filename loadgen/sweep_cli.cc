#include "loadgen/sweep_cli.h"

#include <unistd.h>

#include <climits>
#include <filesystem>

namespace loadgen {

CLI::App* add_sweep_command(CLI::App& app, SweepOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "sweep", "Run a scenario over a grid of settings (in process, virtual time, one process per "
               "point) and write sweep.json and sweep.html");
  cmd->add_option("scenario", o.scenario_file, "Scenario file (JSON, see scenarios/README.md)")->required();
  cmd->add_option("--set", o.sets,
                  "KEY=V1,V2,...: a setting of the scenario's emulator block (lambda.scaling.regime, "
                  "cloudwatch.alarms.NAME.Threshold, ...) or population.FIELD, and its values; repeat "
                  "for more keys (the grid is every combination)")
      ->required()
      ->allow_extra_args(false);  // one KEY=... per --set: a scenario after it stays positional
  cmd->add_option("--out", o.out_dir, "Output directory (sweep.json, sweep.html, points/pNNN/)")
      ->default_val("loadgen-sweep");
  cmd->add_option("--jobs", o.jobs, "Points run at once (default: every core)")->check(CLI::Range(1, 1024));
  cmd->add_flag("--expect-any", o.expect_any,
                "Pass when at least one point meets every expectation (\"is there a fix?\")");
  cmd->add_option("--heatmap-figure", o.heatmap_figure, "The figure the heatmap shows")
      ->default_val("lambda_throttles");
  return cmd;
}

int run_sweep_command(SweepOptions& o, const char* argv0) {
  char self[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  o.loadgen_path = n > 0 ? std::string(self, static_cast<std::size_t>(n))
                         : std::filesystem::absolute(argv0).string();
  return run_sweep(o);
}

}  // namespace loadgen
