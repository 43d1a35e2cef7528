// `loadgen`: drives a scenario against the emulator in process (virtual time) or any URL, then
// writes summary.json and report.html and checks the scenario's expectations.
//   loadgen run SCENARIO [--target URL] [--out DIR] [--seed N] [--speed X] [--shard i/n]
//               [--api-key KEY] [--header NAME:VALUE]... [--strict] [--settle-timeout S]
//               [--progress | --no-progress]
//   loadgen merge DIR... --out DIR
//   loadgen sweep SCENARIO --set KEY=V1,V2,... [--set ...] [--out DIR] [--jobs N] [--expect-any]
//   loadgen compare OUT PUBLISHED_DIR --date YYYY-MM-DD [--scale S] [tolerances] [--json FILE]
//   loadgen calibrate --published DIR --date YYYY-MM-DD --out SCENARIO.json [--scale S]
// Exit codes: 0 every expectation met; 1 an expectation failed; 2 bad usage, bad scenario file
// or unreachable target (with a message naming the file, the field and what was expected).
// Every check that needs nothing but the file and the flags runs before anything is sent.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>

#include "emulator/core/config.h"
#include "loadgen/compare_cli.h"
#include "loadgen/outcome.h"
#include "loadgen/run_http.h"
#include "loadgen/run_virtual.h"
#include "loadgen/sweep_cli.h"
#include "loadgen/trace_access_log.h"

namespace {

using namespace loadgen;

int finish(const Scenario& s, const Recorder& r, Outcome& o, const std::string& out_dir) {
  const bool passed = o.check(s);
  std::filesystem::create_directories(out_dir);
  std::ofstream(out_dir + "/summary.json") << o.summary(s, r).dump(2) << "\n";
  write_report_html(out_dir + "/report.html", s, r, o);
  std::cout << text_summary(s, r, o) << "  summary: " << out_dir << "/summary.json\n  report:  "
            << out_dir << "/report.html\n";
  return passed ? 0 : 1;
}

bool parse_shard(const std::string& text, int& shard, int& shards) {
  if (text.empty()) return true;
  const auto slash = text.find('/');
  if (slash == std::string::npos) return false;
  try {
    shard = std::stoi(text.substr(0, slash));
    shards = std::stoi(text.substr(slash + 1));
  } catch (...) {
    return false;
  }
  return shards >= 1 && shard >= 0 && shard < shards;
}

struct RunFlags {
  std::string file, target, out_dir, shard_text;
  std::optional<std::uint64_t> seed;
  std::optional<double> speed, settle_seconds;
  int connections = 100;
  std::optional<bool> progress;
  std::optional<std::string> api_key;
  std::vector<std::string> headers;
  bool strict = false;
};

// Flags that only mean something over HTTP; nullopt when they fit the run.
std::optional<std::string> misplaced_flag(const RunFlags& f) {
  if (!f.target.empty()) return std::nullopt;
  if (f.speed) return "--speed: applies to HTTP runs (--target); an in-process run goes as fast as the CPU allows";
  if (f.api_key) return "--api-key: applies to HTTP runs (--target)";
  if (!f.headers.empty()) return "--header: applies to HTTP runs (--target)";
  if (f.settle_seconds) return "--settle-timeout: applies to HTTP runs (--target)";
  if (!f.shard_text.empty()) return "--shard: applies to HTTP runs (--target)";
  return std::nullopt;
}

bool parse_headers(const std::vector<std::string>& texts, Headers& out) {
  for (const auto& text : texts) {
    const auto colon = text.find(':');
    if (colon == std::string::npos || colon == 0 ||
        text.find_first_of(" \t\r\n") < colon) {
      std::fprintf(stderr, "loadgen: --header: expected NAME:VALUE (e.g. x-api-key:abc), got \"%s\"\n",
                   text.c_str());
      return false;
    }
    std::string value = text.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    out.emplace_back(text.substr(0, colon), value);
  }
  return true;
}

// An HTTP run that could not keep up with its schedule fails by default.
void gate_achieved_ratio(Scenario& s) {
  for (const auto& e : s.expectations) {
    if (e.figure == "achieved_ratio") return;
  }
  Expectation e;
  e.figure = "achieved_ratio";
  e.min = 0.99;
  e.description = "achieved >= 99 % of the planned rate (default for HTTP runs)";
  s.expectations.push_back(e);
}

// The scenario file with the flags that change it; nullopt (after saying why) on bad input.
std::optional<Scenario> load_scenario(const RunFlags& f) {
  Scenario s;
  try {
    s = Scenario::from_file(f.file);
    check_mode(s, !f.target.empty());
  } catch (const ScenarioError& e) {
    std::fprintf(stderr, "loadgen: %s\n", e.what());
    return std::nullopt;
  }
  if (f.seed) s.seed = *f.seed;
  if (const std::string problems = access_log_problems(s); !problems.empty()) {
    std::fprintf(stderr, "loadgen: %s%s\n",
                 f.strict ? "" : "warning (skipped; --strict refuses them): ", problems.c_str());
    if (f.strict) return std::nullopt;
  }
  if (!f.target.empty()) gate_achieved_ratio(s);
  return s;
}

// Runs `s` in process or over HTTP; nullopt (after saying why) when it could not run.
std::optional<Outcome> execute(const Scenario& s, Recorder& recorder, const RunFlags& f,
                               const Headers& headers, int shard, int shards) {
  const bool show_progress = f.progress.value_or(isatty(STDERR_FILENO) != 0);
  try {
    if (f.target.empty()) return run_virtual(s, recorder, {f.out_dir, show_progress});
    HttpRunOptions options;
    options.target = f.target;
    options.speed = f.speed.value_or(1.0);
    options.shard = shard;
    options.shards = shards;
    options.progress = show_progress;
    options.max_connections = f.connections;
    options.api_key = f.api_key;
    options.headers = headers;
    options.settle_seconds = f.settle_seconds;
    return run_http(s, recorder, options);
  } catch (const emu::ConfigError& e) {
    std::fprintf(stderr, "loadgen: %s: emulator: %s\n", f.file.c_str(), e.what());
  } catch (const ScenarioError& e) {
    std::fprintf(stderr, "loadgen: %s\n", e.what());
  } catch (const TargetError& e) {
    std::fprintf(stderr, "loadgen: %s\n", e.what());
  }
  return std::nullopt;
}

int run(const RunFlags& f) {
  if (const auto misplaced = misplaced_flag(f)) {
    std::fprintf(stderr, "loadgen: %s\n", misplaced->c_str());
    return 2;
  }
  Headers headers;
  if (!parse_headers(f.headers, headers)) return 2;
  std::optional<Scenario> s = load_scenario(f);
  if (!s) return 2;
  int shard = 0, shards = 1;
  if (!parse_shard(f.shard_text, shard, shards)) {
    std::fprintf(stderr, "loadgen: --shard: expected i/n with 0 <= i < n, got \"%s\"\n",
                 f.shard_text.c_str());
    return 2;
  }
  Recorder recorder(s->start);
  std::optional<Outcome> outcome = execute(*s, recorder, f, headers, shard, shards);
  if (!outcome) return 2;
  outcome->strict = f.strict;
  outcome->settings["seed"] = s->seed;
  add_access_log_figures(*s, outcome->figures);
  outcome->settings["strict"] = f.strict;
  outcome->settings["shard"] = f.shard_text.empty() ? "0/1" : f.shard_text;
  return finish(*s, recorder, *outcome, f.out_dir);
}

int merge(const std::vector<std::string>& dirs, const std::string& out_dir, bool strict) {
  std::optional<Recorder> merged;
  nlohmann::json first;
  for (const auto& dir : dirs) {
    std::ifstream in(dir + "/summary.json");
    const auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.contains("recorder")) {
      std::fprintf(stderr, "loadgen merge: %s/summary.json: expected a loadgen summary\n", dir.c_str());
      return 2;
    }
    Recorder r = Recorder::from_json(j["recorder"]);
    if (!merged) {
      merged = std::move(r);
      first = j;
    } else {
      merged->merge(r);
    }
  }
  if (!merged) return 2;
  Scenario s;
  try {
    s = Scenario::from_json(first["settings"]["scenario"], dirs.front() + "/summary.json (settings.scenario)");
  } catch (const ScenarioError& e) {
    std::fprintf(stderr, "loadgen merge: %s\n", e.what());
    return 2;
  }
  Outcome o;
  o.mode = first.value("mode", "http");
  o.settings = first["settings"];
  o.settings["merged_from"] = dirs;
  o.add_recorder_figures(*merged);
  // Each shard checked its own share of the emulator's side; the merge has only the clients'.
  o.emulator_unknown = "a merged run has only the clients' figures (each shard's summary has the emulator's side)";
  o.strict = strict;
  return finish(s, *merged, o, out_dir);
}

// The `run` subcommand's flags; --progress / --no-progress land in `progress_on` / `_off`.
CLI::App* add_run_command(CLI::App& app, RunFlags& f, bool& progress_on, bool& progress_off) {
  CLI::App* cmd = app.add_subcommand("run", "Run a scenario file");
  cmd->add_option("scenario", f.file, "Scenario file (JSON or YAML, see scenarios/README.md)")
      ->required();
  cmd->add_option("--target", f.target,
                  "Base URL (http://host:port); without it the pipeline runs in process");
  cmd->add_option("--out", f.out_dir, "Output directory for summary.json and report.html")
      ->default_val("loadgen-out");
  cmd->add_option("--seed", f.seed, "Override the scenario's seed");
  cmd->add_option(
         "--speed", f.speed,
         "HTTP runs: time scale (2 = twice as fast as the schedule); against a virtual-clock "
         "emulator a cap: the sends go in lock step with its clock")
      ->check(CLI::PositiveNumber);
  cmd->add_option(
      "--shard", f.shard_text,
      "HTTP runs: send the i-th of n disjoint slices (i/n); refused against a virtual-clock "
      "emulator");
  cmd->add_option("--connections", f.connections,
                  "HTTP runs: most keep-alive connections open at once")
      ->default_val(100)
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--api-key", f.api_key,
                  "HTTP runs: the x-api-key header (default: an emulator target's own key)");
  cmd->add_option("--header", f.headers,
                  "HTTP runs: NAME:VALUE, one more header on every request (repeatable)");
  cmd->add_option("--settle-timeout", f.settle_seconds,
                  "HTTP runs against a real-clock emulator: most seconds to wait for the stream "
                  "and the DLQ to empty, before and after the load (default: drain / speed, "
                  "at least 10)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--strict", f.strict,
                "An expectation that cannot be evaluated (SKIPPED: the target is not an "
                "emulator) fails the run, and a trace whose access log has unparseable "
                "lines is refused (exit 2)");
  CLI::Option* progress_flag = cmd->add_flag(
      "--progress", progress_on,
      "Show a live progress line on stderr (virtual time, % done, rates, RSS, ETA); the default "
      "when stderr is a terminal");
  cmd->add_flag("--no-progress", progress_off, "Never show the progress line")
      ->excludes(progress_flag);
  return cmd;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Load generator for the COVID Alert metrics pipeline: runs a scenario in process "
      "on the virtual clock, or over HTTP against any URL, and checks its expectations."};
  app.require_subcommand(1);
  RunFlags flags;
  bool progress_on = false, progress_off = false;
  add_run_command(app, flags, progress_on, progress_off);
  std::vector<std::string> dirs;
  std::string merge_out = "loadgen-merged";
  CLI::App* merge_cmd = app.add_subcommand("merge", "Merge the summaries of sharded runs into one report");
  merge_cmd->add_option("dirs", dirs, "Output directories of the shards")->required();
  merge_cmd->add_option("--out", merge_out, "Output directory")->default_val("loadgen-merged");
  SweepOptions sweep_options;
  CLI::App* sweep_cmd = add_sweep_command(app, sweep_options);
  CompareCommand compare_command;
  CLI::App* compare_cmd = add_compare_command(app, compare_command);
  CalibrateCommand calibrate_command;
  CLI::App* calibrate_cmd = add_calibrate_command(app, calibrate_command);
  bool merge_strict = false;
  merge_cmd->add_flag("--strict", merge_strict, "A SKIPPED expectation fails the merged run");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (merge_cmd->parsed()) return merge(dirs, merge_out, merge_strict);
  if (sweep_cmd->parsed()) return run_sweep_command(sweep_options, argv[0]);
  if (compare_cmd->parsed()) return run_compare_command(compare_command);
  if (calibrate_cmd->parsed()) return run_calibrate_command(calibrate_command);
  if (progress_on || progress_off) flags.progress = progress_on;
  return run(flags);
}
