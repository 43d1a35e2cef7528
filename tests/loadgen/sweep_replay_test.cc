// The sweep's grid (keys, typed values, point order, validation) and the access-log reader
// (line parsing, timing within a second, speed, unparseable lines, replayed requests).
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include "loadgen/scenario.h"
#include "loadgen/sweep_grid.h"
#include "loadgen/trace_access_log.h"

using loadgen::SweepInputError;
using nlohmann::json;

namespace {

json small_scenario() {
  return json::parse(R"({"name": "s", "duration": 10,
                         "schedule": [{"type": "constant", "rate": 1, "duration": 10}]})");
}

std::string log_line(const std::string& time, const std::string& ip, const std::string& status,
                     const std::string& extra = "") {
  return R"({"requestId":"x","ip":")" + ip + R"(","caller":"-","user":"-","requestTime":")" + time +
         R"(","httpMethod":"POST","resourcePath":"/save-metrics","status":")" + status +
         R"(","protocol":"HTTP/1.1","responseLength":"27")" + extra + "}";
}

// The population model with the defaults a scenario gets.
loadgen::Population default_population() {
  return loadgen::Scenario::from_json(small_scenario(), "s.json").population;
}

}  // namespace

TEST_CASE("sweep keys take the setting's type and name themselves in errors") {
  const auto regime = loadgen::parse_sweep_key("lambda.scaling.regime=2021,2023");
  CHECK(regime.values == std::vector<json>{"2021", "2023"});
  const auto threshold = loadgen::parse_sweep_key(
      "emulator.cloudwatch.alarms.metrics-api-gateway-500-errors-above-threshold.Threshold=100,1000");
  CHECK(threshold.values == std::vector<json>{100, 1000});
  CHECK(threshold.path.front() == "cloudwatch");
  const auto devices = loadgen::parse_sweep_key("population.devices=5,10");
  CHECK(devices.population);
  CHECK_THROWS_WITH_AS(loadgen::parse_sweep_key("lambda.nope=1"), doctest::Contains("lambda.nope"), SweepInputError);
  CHECK_THROWS_WITH_AS(loadgen::parse_sweep_key("lambda.account_concurrency=many"),
                       doctest::Contains("\"many\""), SweepInputError);
  CHECK_THROWS_AS(loadgen::parse_sweep_key("lambda.account_concurrency="), SweepInputError);
  CHECK_THROWS_AS(loadgen::parse_sweep_key("lambda.account_concurrency=1,,2"), SweepInputError);
}

TEST_CASE("sweep points: every combination, the last key fastest, values in each scenario") {
  std::vector<loadgen::SweepKey> keys = {loadgen::parse_sweep_key("population.devices=5,10"),
                                         loadgen::parse_sweep_key("lambda.scaling.regime=2021,2023,2021")};
  const auto points = loadgen::sweep_points(small_scenario(), "dir/s.json", keys);
  REQUIRE(points.size() == 6);
  CHECK(points[1].label == "population.devices=5, lambda.scaling.regime=2023");
  CHECK(points[4].scenario["population"]["devices"] == 10);
  CHECK(points[4].scenario["emulator"]["lambda"]["scaling"]["regime"] == "2023");
  CHECK(points[4].scenario["name"] == "s [population.devices=10, lambda.scaling.regime=2023]");

  std::vector<loadgen::SweepKey> bad = {loadgen::parse_sweep_key("population.devices=0")};
  CHECK_THROWS_WITH_AS(loadgen::sweep_points(small_scenario(), "s.json", bad),
                       doctest::Contains("population.devices"), SweepInputError);
  std::vector<loadgen::SweepKey> twice = {loadgen::parse_sweep_key("population.devices=1"),
                                          loadgen::parse_sweep_key("population.devices=2")};
  CHECK_THROWS_AS(loadgen::sweep_points(small_scenario(), "s.json", twice), SweepInputError);
  std::vector<loadgen::SweepKey> huge;
  for (int i = 0; i < 4; ++i) huge.push_back(loadgen::parse_sweep_key("population.queue_min=1,2,3,4,5,6"));
  for (int i = 0; i < 4; ++i) huge[static_cast<std::size_t>(i)].key += std::to_string(i);
  CHECK_THROWS_WITH_AS(loadgen::sweep_points(small_scenario(), "s.json", huge), doctest::Contains("1000"),
                       SweepInputError);
}

TEST_CASE("access-log lines: CLF times with zones, IP, method, path, status, request length") {
  loadgen::AccessLogTrace trace;
  loadgen::ReplayLine line;
  emu::Micros t = 0;
  REQUIRE(loadgen::parse_access_log_line(log_line("27/Jun/2021:04:00:05 +0000", "1.2.3.4", "500"), trace, t, line));
  CHECK(t == *emu::parse_iso8601("2021-06-27T04:00:05Z"));
  CHECK(line.ip == "1.2.3.4");
  CHECK(line.status == 500);
  CHECK(line.request_length == -1);
  CHECK(trace.methods[line.method] == "POST");
  CHECK(trace.paths[line.path] == "/save-metrics");
  REQUIRE(loadgen::parse_access_log_line(
      log_line("27/Jun/2021:00:00:05 -0400", "1.2.3.4", "200", R"(,"requestLength":"2048")"), trace, t, line));
  CHECK(t == *emu::parse_iso8601("2021-06-27T04:00:05Z"));
  CHECK(line.request_length == 2048);
  CHECK_FALSE(loadgen::parse_access_log_line("{not json", trace, t, line));
  CHECK_FALSE(loadgen::parse_access_log_line(log_line("2021-06-27T04:00:05Z", "1.2.3.4", "200"), trace, t, line));
  CHECK_FALSE(loadgen::parse_access_log_line(log_line("27/Jun/2021:04:00:05 +0000", "1.2.3.4", "-"), trace, t, line));
}

TEST_CASE("an access log is replayed second by second, spread within each second, at its speed") {
  const auto path = std::filesystem::temp_directory_path() / "loadgen-replay-test.log";
  {
    std::ofstream out(path);
    out << log_line("27/Jun/2021:04:00:01 +0000", "10.0.0.2", "200") << "\n"
        << log_line("27/Jun/2021:04:00:00 +0000", "10.0.0.1", "200") << "\n"
        << "garbage\n\n"
        << log_line("27/Jun/2021:04:00:01 +0000", "10.0.0.3", "403") << "\n";
  }
  const auto trace = loadgen::read_access_log(path.string(), 2.0, "s.json", "schedule[0].file");
  std::filesystem::remove(path);
  REQUIRE(trace->lines.size() == 3);
  CHECK(trace->unparseable == 1);
  CHECK(trace->bad_line_numbers == std::vector<std::size_t>{3});
  CHECK(trace->first_request == *emu::parse_iso8601("2021-06-27T04:00:00Z"));
  CHECK(trace->lines[0].ip == "10.0.0.1");
  CHECK(trace->lines[0].offset == 0);
  CHECK(trace->lines[1].ip == "10.0.0.2");
  CHECK(trace->lines[1].offset == emu::seconds(0.5));   // 1 s / speed 2
  CHECK(trace->lines[2].offset == emu::seconds(0.75));  // 1.5 s / speed 2
  CHECK_THROWS_AS(loadgen::read_access_log("/nonexistent/x.log", 1, "s.json", "f"), loadgen::ScenarioError);

  const loadgen::PopulationModel population(default_population(), 1);
  const auto blocked = loadgen::replay_request(*trace, trace->lines[2], population, 0, 1, "key");
  CHECK(blocked.remote_ip == "10.0.0.3");
  CHECK_FALSE(blocked.has_header("x-api-key"));
  const auto ok = loadgen::replay_request(*trace, trace->lines[0], population, 0, 1, "key");
  CHECK(ok.header("x-api-key") == "key");
  CHECK(json::parse(ok.body).contains("payload"));
}

TEST_CASE("a replayed body matches the logged request length") {
  loadgen::AccessLogTrace trace;
  trace.methods = {"POST"};
  trace.paths = {"/save-metrics"};
  const loadgen::PopulationModel population(default_population(), 1);
  for (const int bytes : {3000, 20000}) {
    loadgen::ReplayLine line;
    line.ip = "10.1.1.1";
    line.status = 200;
    line.request_length = bytes;
    const auto r = loadgen::replay_request(trace, line, population, 0, 7, "key");
    CHECK(static_cast<double>(r.body.size()) == doctest::Approx(bytes).epsilon(0.1));
  }
}

TEST_CASE("the midnight what-if sweep of the README is a valid grid") {
  const std::string file = std::string(EMU_SOURCE_DIR) + "/scenarios/sweeps/midnight-what-if.json";
  const auto scenario = loadgen::Scenario::from_file(file);
  std::vector<loadgen::SweepKey> keys = {
      loadgen::parse_sweep_key("lambda.functions.create_metrics.reserved_concurrency=-1,900"),
      loadgen::parse_sweep_key("lambda.scaling.regime=2021,2023"),
      loadgen::parse_sweep_key("cloudwatch.alarms.metrics-api-gateway-500-errors-above-threshold.Threshold=100,1000")};
  const auto points = loadgen::sweep_points(scenario.source, file, keys);
  REQUIRE(points.size() == 8);
  // The incident's own point: the settings of 2021-06-27.
  CHECK(points[0].scenario["emulator"]["lambda"]["scaling"]["regime"] == "2021");
  CHECK(points[0].scenario["emulator"]["cloudwatch"]["alarms"]["metrics-api-gateway-500-errors-above-threshold"]["Period"] == 60);
}
