#include "loadgen/sweep.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "loadgen/scenario.h"

extern char** environ;

namespace loadgen {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// The figures each row of the table shows (when the point reports them).
const char* const kRowFigures[] = {"requests",    "lambda_throttles", "status.4xx",     "status.5xx",
                                   "entries_lost", "entries_in_dlq",  "latency_p99_ms"};

std::string point_dir_name(std::size_t index) { return fmt::format("points/p{:03}", index); }

// Starts `loadgen run` for one point, its output in <dir>/run.log. Returns the child's pid.
pid_t start_point(const std::string& loadgen, const fs::path& dir) {
  const std::string scenario = (dir / "scenario.json").string(), out = dir.string(),
                    log = (dir / "run.log").string();
  std::vector<std::string> args = {loadgen, "run", scenario, "--out", out, "--no-progress"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, loadgen.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + loadgen + ": " + std::strerror(rc));
  return pid;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs every point, at most `jobs` at once. Returns each point's exit code (-1: killed by a
// signal). Stops starting points after one exits 2 (bad input shows in every point alike).
std::vector<int> run_points(const std::vector<SweepPoint>& points, const fs::path& out,
                            const std::string& loadgen, int jobs) {
  std::vector<int> codes(points.size(), -2);  // -2: not run
  std::map<pid_t, std::size_t> running;
  std::size_t next = 0;
  bool bad_input = false;
  while (next < points.size() || !running.empty()) {
    while (!bad_input && next < points.size() && static_cast<int>(running.size()) < jobs) {
      running[start_point(loadgen, out / point_dir_name(points[next].index))] = next;
      ++next;
    }
    if (running.empty()) break;
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;  // not one of ours
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    codes[it->second] = code;
    bad_input = bad_input || code == 2;
    std::fprintf(stderr, "loadgen sweep: point %zu/%zu (%s): %s\n", it->second + 1, points.size(),
                 points[it->second].label.c_str(),
                 code == 0 ? "met its expectations" : code == 1 ? "an expectation failed"
                 : code == 2 ? "bad input" : "did not finish");
    running.erase(it);
  }
  return codes;
}

// One line of the text summary: the point's values, verdict and chosen figures.
std::string row_line(const json& row) {
  const json figures = row.value("figures", json::object());
  const auto figure = [&](const char* name) { return figures.value(name, 0.0); };
  std::string alarms;
  for (const auto& a : row.value("alarms_fired", json::array())) {
    alarms += fmt::format("; {} ALARM at {}", a["alarm"].get<std::string>(), a["at"].dump());
  }
  return fmt::format("  {} {}: throttles {:g}, 4xx {:g}, 5xx {:g}, entries lost {:g}{}{}\n",
                     row.value("passed", false) ? "PASS" : "FAIL", row["label"].get<std::string>(),
                     figure("lambda_throttles"), figure("status.4xx"), figure("status.5xx"),
                     figure("entries_lost"), alarms, row.contains("error") ? "; " + row["error"].get<std::string>() : "");
}

}  // namespace

json sweep_row(const SweepPoint& point, const std::vector<SweepKey>& keys, const json& summary,
               const std::string& point_dir) {
  json row = {{"index", point.index}, {"label", point.label}, {"dir", point_dir},
              {"report", point_dir + "/report.html"}};
  json values = json::object();
  for (std::size_t i = 0; i < keys.size(); ++i) values[keys[i].key] = keys[i].texts[point.choice[i]];
  row["values"] = values;
  if (!summary.is_object() || !summary.contains("figures")) {
    row["passed"] = false;
    row["error"] = "the point wrote no summary.json (see " + point_dir + "/run.log)";
    return row;
  }
  row["passed"] = summary.value("passed", false);
  row["digest"] = summary.value("digest", "");
  json figures = json::object();
  for (const char* name : kRowFigures) {
    if (summary["figures"].contains(name)) figures[name] = summary["figures"][name];
  }
  row["figures"] = figures;
  // Which alarms the scenario expects to fire, and whether the run was otherwise fine: an alarm
  // firing when every figure and ledger expectation held, and no expectation asked for it, is
  // a false alarm.
  std::set<std::string> expected_alarms;
  bool otherwise_fine = true;
  const json& wanted = point.scenario.value("expectations", json::array());
  const json& verdicts = summary.value("expectations", json::array());
  for (std::size_t i = 0; i < wanted.size() && i < verdicts.size(); ++i) {
    if (wanted[i].contains("alarm")) {
      if (wanted[i].value("state", "ALARM") == "ALARM" && wanted[i].value("mode", "") != "never") {
        expected_alarms.insert(wanted[i]["alarm"].get<std::string>());
      }
    } else {
      otherwise_fine = otherwise_fine && verdicts[i].value("passed", false);
    }
  }
  json fired = json::array(), false_alarms = json::array();
  const json alarms = summary.value("alarms", json::object());
  for (const auto& [name, states] : alarms.items()) {
    json at = json::array();
    for (const auto& s : states) {
      if (s.is_array() && s.size() == 2 && s[1] == "ALARM") at.push_back(s[0]);
    }
    if (at.empty()) continue;
    fired.push_back({{"alarm", name}, {"at", at}});
    if (otherwise_fine && !expected_alarms.count(name)) false_alarms.push_back(name);
  }
  row["alarms_fired"] = fired;
  row["false_alarms"] = false_alarms;
  row["expectations"] = verdicts;
  return row;
}

namespace {

// Writes each point's scenario into its own folder under `out` (points/ cleared first).
void write_point_scenarios(const fs::path& out, const std::vector<SweepPoint>& points) {
  fs::remove_all(out / "points");
  for (const auto& p : points) {
    const std::string dir = point_dir_name(p.index);
    fs::create_directories(out / dir);
    std::ofstream(out / dir / "scenario.json") << p.scenario.dump(2) << "\n";
  }
}

// One row per point from its run's exit code and summary; false (after saying which point)
// when a point's input was bad (exit 2).
bool collect_rows(const std::vector<SweepPoint>& points, const std::vector<SweepKey>& keys,
                  const std::vector<int>& codes, const fs::path& out, json& rows,
                  std::size_t& passing) {
  for (const auto& p : points) {
    const std::string dir = point_dir_name(p.index);
    const int code = codes[p.index];
    if (code == 2) {
      std::fprintf(stderr, "loadgen sweep: point %s: bad input:\n%s", p.label.c_str(),
                   read_text(out / dir / "run.log").c_str());
      return false;
    }
    std::ifstream in(out / dir / "summary.json");
    const json summary = code == 0 || code == 1 ? json::parse(in, nullptr, false) : json();
    json row = sweep_row(p, keys, summary, dir);
    if (code != 0 && code != 1)
      row["error"] = fmt::format("the run did not finish (exit {}; see {}/run.log)", code, dir);
    passing += row.value("passed", false) ? 1 : 0;
    rows.push_back(std::move(row));
  }
  return true;
}

// sweep.json's document.
json sweep_document(const SweepOptions& o, const json& source, const std::vector<SweepKey>& keys,
                    const json& rows, std::size_t passing, bool passed) {
  json key_list = json::array();
  for (const auto& k : keys) key_list.push_back({{"key", k.key}, {"values", k.texts}});
  json expectations = json::array();
  for (const auto& e : source.value("expectations", json::array())) expectations.push_back(e);
  return {{"scenario", source.value("name", "")},
          {"scenario_file", o.scenario_file},
          {"seed", source.value("seed", 1)},
          {"keys", key_list},
          {"expectations", expectations},
          {"rule", o.expect_any ? "at least one point meets every expectation"
                                : "every point meets every expectation"},
          {"points", rows.size()},
          {"points_passed", passing},
          {"passed", passed},
          {"heatmap_figure", o.heatmap_figure},
          {"rows", rows}};
}

}  // namespace

int run_sweep(const SweepOptions& o) {
  std::vector<SweepKey> keys;
  std::vector<SweepPoint> points;
  json source;
  try {
    const Scenario base = Scenario::from_file(o.scenario_file);
    source = base.source;
    for (const auto& spec : o.sets) keys.push_back(parse_sweep_key(spec));
    points = sweep_points(source, o.scenario_file, keys);
  } catch (const ScenarioError& e) {
    std::fprintf(stderr, "loadgen sweep: %s\n", e.what());
    return 2;
  } catch (const SweepInputError& e) {
    std::fprintf(stderr, "loadgen sweep: %s\n", e.what());
    return 2;
  }
  const fs::path out(o.out_dir);
  write_point_scenarios(out, points);
  const int jobs = o.jobs > 0 ? o.jobs : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  std::vector<int> codes;
  try {
    codes = run_points(points, out, o.loadgen_path, jobs);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "loadgen sweep: %s\n", e.what());
    return 2;
  }
  json rows = json::array();
  std::size_t passing = 0;
  if (!collect_rows(points, keys, codes, out, rows, passing)) return 2;
  const bool passed = o.expect_any ? passing > 0 : passing == points.size();
  const json sweep = sweep_document(o, source, keys, rows, passing, passed);
  std::ofstream(out / "sweep.json") << sweep.dump(2) << "\n";
  write_sweep_html((out / "sweep.html").string(), sweep);
  for (const auto& row : rows) std::cout << row_line(row);
  std::cout << fmt::format("sweep {}: {} of {} points meet the expectations ({}): {}\n  table:  {}\n  json:   {}\n",
                           source.value("name", ""), passing, points.size(),
                           o.expect_any ? "--expect-any" : "all required", passed ? "PASS" : "FAIL",
                           (out / "sweep.html").string(), (out / "sweep.json").string());
  return passed ? 0 : 1;
}

}  // namespace loadgen
