#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <fstream>
#include <set>

#include "emulator/core/random.h"
#include "loadgen/histogram.h"
#include "loadgen/planner.h"
#include "loadgen/recorder.h"
#include "loadgen/scenario.h"

using namespace loadgen;
using emu::kMicrosPerSecond;

namespace {

Scenario scenario(const nlohmann::json& schedule, std::int64_t devices = 1000, double duration = 3600) {
  return Scenario::from_json({{"name", "t"},
                              {"start", "2021-06-26T23:30:00Z"},
                              {"duration", duration},
                              {"population", {{"devices", devices}}},
                              {"schedule", schedule}},
                             "test.json");
}

std::vector<Send> all(const Scenario& s, int shard = 0, int shards = 1) {
  PopulationModel pop(s.population, s.seed);
  Planner p(s, pop, shard, shards);
  std::vector<Send> out;
  while (auto x = p.next()) out.push_back(*x);
  return out;
}

}  // namespace

TEST_CASE("constant and ramp phases space arrivals exactly") {
  const auto c = all(scenario({{{"type", "constant"}, {"rate", 10}, {"duration", 60}}}));
  REQUIRE(c.size() == 600);
  CHECK(c[1].at - c[0].at == kMicrosPerSecond / 10);
  CHECK(c.back().at - c.front().at == 599 * kMicrosPerSecond / 10);
  // A ramp from 0 to 100 rps over 100 s sends the area under the line: 5,000.
  const auto r = all(scenario({{{"type", "ramp"}, {"rate", 0}, {"to_rate", 100}, {"duration", 100}}}));
  CHECK(r.size() == doctest::Approx(5000).epsilon(0.001));
  CHECK(std::is_sorted(r.begin(), r.end(), [](auto& a, auto& b) { return a.at < b.at; }));
  // Its second half carries three quarters of the requests.
  const auto half = std::count_if(r.begin(), r.end(), [&](const Send& x) {
    return x.at >= r.front().at + 50 * kMicrosPerSecond;
  });
  CHECK(static_cast<double>(half) == doctest::Approx(3750).epsilon(0.01));
}

TEST_CASE("a local-midnight wave puts each device within N seconds after its own midnight") {
  const Scenario s = scenario({{{"type", "midnight"}, {"midnight", "local"}, {"within", 300}}}, 2000, 86400);
  PopulationModel pop(s.population, s.seed);
  const auto sends = all(s);
  CHECK(sends.size() == 2000);
  for (const auto& x : sends) {
    const Device d = pop.device(x.device);
    const auto offset = static_cast<emu::Micros>(d.utc_offset_hours * 3600 * kMicrosPerSecond);
    const emu::Micros local = x.at + offset;
    const emu::Micros since_midnight = local - emu::floor_to(local, emu::kMicrosPerDay);
    CHECK(since_midnight < 300 * kMicrosPerSecond);
  }
  // Eastern devices (UTC-4 in June) post just after 04:00 UTC.
  const auto eastern = std::count_if(sends.begin(), sends.end(), [&](const Send& x) {
    return *pop.device(x.device).province == "ON";
  });
  CHECK(eastern > 600);
}

TEST_CASE("shards partition the schedule exactly") {
  const nlohmann::json schedule = {{{"type", "constant"}, {"rate", 7}, {"duration", 100}},
                                   {{"type", "midnight"}, {"midnight", "utc"}, {"within", 60}}};
  const Scenario s = scenario(schedule, 500);
  std::multiset<std::tuple<emu::Micros, std::int64_t, std::uint64_t>> whole, parts;
  for (const auto& x : all(s)) whole.insert({x.at, x.device, x.id});
  for (int i = 0; i < 3; ++i) {
    for (const auto& x : all(s, i, 3)) parts.insert({x.at, x.device, x.id});
  }
  CHECK(whole.size() == 700 + 500);
  CHECK(parts == whole);
}

TEST_CASE("resends come at the next background run with a grown queue, up to a cap") {
  const Scenario s = scenario({{{"type", "constant"}, {"rate", 1}, {"duration", 1}}}, 10, 86400);
  PopulationModel pop(s.population, s.seed);
  Planner p(s, pop);
  auto first = p.next();
  REQUIRE(first);
  p.resend(*first);
  auto again = p.next();
  REQUIRE(again);
  CHECK(again->at - first->at == 14400 * kMicrosPerSecond);
  CHECK(again->entries == first->entries + 2);
  CHECK(again->attempt == 1);
  CHECK(again->id == first->id);
}

TEST_CASE("the histogram keeps 3 significant digits against exact percentiles") {
  emu::Random r(3);
  std::vector<std::int64_t> values;
  Histogram h;
  for (int i = 0; i < 200000; ++i) {
    const auto v = static_cast<std::int64_t>(r.lognormal(20000, 1.2));
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (const double p : {50.0, 90.0, 99.0, 99.9}) {
    const auto exact = values[static_cast<std::size_t>(std::ceil(p / 100 * values.size())) - 1];
    CHECK(static_cast<double>(h.percentile(p)) == doctest::Approx(static_cast<double>(exact)).epsilon(0.001));
  }
  CHECK(h.max() == values.back());
  // Merging two halves equals recording everything into one.
  Histogram a, b;
  for (std::size_t i = 0; i < values.size(); ++i) (i % 2 ? a : b).record(values[i]);
  a.merge(b);
  CHECK(a.percentile(99) == h.percentile(99));
  CHECK(Histogram::from_json(a.to_json()).percentile(99.9) == h.percentile(99.9));
}

TEST_CASE("the recorder measures from the planned time and keeps no per-request data") {
  Recorder rec(0);
  for (int i = 0; i < 1000; ++i) rec.planned(i * 1000);
  for (int i = 0; i < 1000; ++i) rec.answered(i * 1000, i < 990 ? 200 : 500, 5000, 1000, false);
  rec.finish();
  CHECK(rec.statuses().at(200) == 990);
  CHECK(rec.latency().percentile(50) == 5000);
  CHECK(rec.service().percentile(50) == 1000);
  CHECK(rec.seconds().size() == 1);
  CHECK(rec.seconds()[0].c5xx == 10);
  const auto j = rec.to_json();
  CHECK(Recorder::from_json(j).latency().count() == 1000);
}

TEST_CASE("scenario errors name the file, the field and what was expected") {
  const auto message = [](const nlohmann::json& j) -> std::string {
    try {
      Scenario::from_json(j, "bad.json");
    } catch (const ScenarioError& e) {
      return e.what();
    }
    return "no error";
  };
  const nlohmann::json ok = {{"name", "x"}, {"duration", 10},
                             {"schedule", {{{"type", "constant"}, {"rate", 1}, {"duration", 10}}}}};
  CHECK(message(ok) == "no error");
  auto bad = ok;
  bad["schedule"][0]["type"] = "wave";
  CHECK(message(bad) == "bad.json: schedule[0].type: expected \"constant\", \"ramp\", \"midnight\", \"background\", \"trace\" or \"closed\"");
  bad = ok;
  bad["colour"] = "red";
  CHECK(message(bad).find("colour") != std::string::npos);
  bad = ok;
  bad["population"] = {{"devices", -5}};
  CHECK(message(bad) == "bad.json: population.devices: expected a number between 1 and 2e+07");
  bad = ok;
  bad["expectations"] = {{{"figure", "latency_p99_ms"}}};
  CHECK(message(bad).find("expectations[0].min") != std::string::npos);
  bad = ok;
  bad.erase("duration");
  CHECK(message(bad) == "bad.json: duration: expected a number (required)");
}

TEST_CASE("a trace phase replays its file's offsets, sped up, relative to its start") {
  const auto dir = std::filesystem::temp_directory_path() / "loadgen-trace-test";
  std::filesystem::create_directories(dir);
  {
    std::ofstream trace(dir / "trace.csv");
    trace << "# seconds after the phase start\n10\n0,extra columns are ignored\n5.5\n";
  }
  const auto file = (dir / "scenario.json").string();
  const Scenario s = Scenario::from_json(
      {{"name", "t"}, {"start", "2021-06-27T00:00:00Z"}, {"duration", 3600},
       {"schedule", {{{"type", "trace"}, {"file", "trace.csv"}, {"speed", 2}, {"from", 60}}}}},
      file);
  const auto sends = all(s);
  REQUIRE(sends.size() == 3);
  CHECK(sends[0].at - s.start == 60 * kMicrosPerSecond);
  CHECK(sends[1].at - s.start == 60 * kMicrosPerSecond + 2750 * emu::kMicrosPerMilli);
  CHECK(sends[2].at - s.start == 65 * kMicrosPerSecond);
  {
    std::ofstream bad(dir / "bad.csv");
    bad << "1\nsoon\n";
  }
  std::string error;
  try {
    Scenario::from_json({{"name", "t"}, {"duration", 10},
                         {"schedule", {{{"type", "trace"}, {"file", "bad.csv"}}}}}, file);
  } catch (const ScenarioError& e) {
    error = e.what();
  }
  CHECK(error.find("bad.csv: line 2: expected") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("YAML scenarios read like JSON ones, and YAML errors name the line") {
  const auto dir = std::filesystem::temp_directory_path() / "loadgen-yaml-test";
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(dir / "s.yaml");
    f << "name: yaml\nduration: 60\nseed: 9\npopulation:\n  devices: 50\n"
         "schedule:\n  - type: constant\n    rate: 2\n    duration: 60\n"
         "expectations:\n  - ledger: nothing_lost\n";
  }
  const Scenario s = Scenario::from_file((dir / "s.yaml").string());
  CHECK(s.name == "yaml");
  CHECK(s.seed == 9);
  CHECK(s.population.devices == 50);
  CHECK(all(s).size() == 120);
  REQUIRE(s.expectations.size() == 1);
  CHECK(s.expectations[0].ledger == "nothing_lost");
  {
    std::ofstream f(dir / "bad.yaml");
    f << "name: x\nschedule: [unclosed\n";
  }
  std::string error;
  try {
    Scenario::from_file((dir / "bad.yaml").string());
  } catch (const ScenarioError& e) {
    error = e.what();
  }
  CHECK(error.find("bad.yaml: line") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a background phase posts every interval, each device at its own offset") {
  const Scenario s = scenario({{{"type", "background"}, {"interval", 3600}, {"kind", "ios_single"}}},
                              300, 3 * 3600);
  PopulationModel pop(s.population, s.seed);
  const auto sends = all(s);
  std::map<std::int64_t, std::vector<emu::Micros>> by_device;
  for (const auto& x : sends) by_device[x.device].push_back(x.at);
  CHECK(std::is_sorted(sends.begin(), sends.end(), [](auto& a, auto& b) { return a.at < b.at; }));
  std::size_t ios = 0;
  for (std::int64_t d = 0; d < 300; ++d) ios += pop.device(d).ios ? 1 : 0;
  CHECK(by_device.size() == ios);  // iOS-only kind
  for (const auto& [device, times] : by_device) {
    REQUIRE(times.size() == 3);    // three hours, one run an hour
    CHECK(times[1] - times[0] == 3600 * kMicrosPerSecond);
    CHECK(times[2] - times[1] == 3600 * kMicrosPerSecond);
    CHECK(times[0] - s.start < 3600 * kMicrosPerSecond);
  }
  std::set<std::uint64_t> ids;
  for (const auto& x : sends) ids.insert(x.id);
  CHECK(ids.size() == sends.size());
  std::multiset<std::pair<emu::Micros, std::int64_t>> whole, parts;
  for (const auto& x : sends) whole.insert({x.at, x.device});
  for (int i = 0; i < 2; ++i) {
    for (const auto& x : all(s, i, 2)) parts.insert({x.at, x.device});
  }
  CHECK(parts == whole);
}
