#include <doctest/doctest.h>

#include <filesystem>

#include "emulator/cloudwatch/alarm.h"
#include "emulator/cloudwatch/metric_math.h"
#include "emulator/cloudwatch/metric_store.h"

using namespace emu;
using namespace emu::cloudwatch;

namespace {

AlarmDefinition alarm(int n, int m, const std::string& treat) {
  auto a = AlarmDefinition::from_json({{"AlarmName", "t"},
                                       {"Namespace", "N"},
                                       {"MetricName", "M"},
                                       {"Statistic", "Sum"},
                                       {"Period", 60},
                                       {"EvaluationPeriods", n},
                                       {"DatapointsToAlarm", m},
                                       {"Threshold", 1},
                                       {"ComparisonOperator", "GreaterThanThreshold"},
                                       {"TreatMissingData", treat}});
  REQUIRE(a.ok());
  return *a;
}

// "0 - X - X" (oldest first) -> points; X breaches (value 5), 0 does not (value 0).
std::vector<std::pair<Micros, std::optional<double>>> points(const std::string& pattern) {
  std::vector<std::pair<Micros, std::optional<double>>> out;
  Micros t = 0;
  for (char c : pattern) {
    if (c == ' ') continue;
    out.emplace_back(t, c == '-' ? std::nullopt : std::optional<double>(c == 'X' ? 5 : 0));
    t += 60 * kMicrosPerSecond;
  }
  return out;
}

std::string outcome(int n, int m, const std::string& treat, const std::string& pattern) {
  const Evaluation e = evaluate_points(alarm(n, m, treat), points(pattern), false);
  return e.keep_state ? "keep" : state_name(e.state);
}

}  // namespace

TEST_CASE("M of N with missing data: AWS's documentation table (N=3, M=3)") {
  for (const char* t : {"missing", "ignore", "breaching", "notBreaching"}) {
    CHECK(outcome(3, 3, t, "0 - X - X") == "OK");   // 3 real points: the treatment is unused
    CHECK(outcome(3, 3, t, "0 X X - X") == "ALARM");
    CHECK(outcome(3, 3, t, "0 - - - -") == "OK");
  }
  CHECK(outcome(3, 3, "missing", "- - - - -") == "INSUFFICIENT_DATA");
  CHECK(outcome(3, 3, "ignore", "- - - - -") == "keep");
  CHECK(outcome(3, 3, "breaching", "- - - - -") == "ALARM");
  CHECK(outcome(3, 3, "notBreaching", "- - - - -") == "OK");
  CHECK(outcome(3, 3, "missing", "- - - - X") == "INSUFFICIENT_DATA");
  CHECK(outcome(3, 3, "ignore", "- - - - X") == "keep");
  CHECK(outcome(3, 3, "breaching", "- - - - X") == "ALARM");
  CHECK(outcome(3, 3, "notBreaching", "- - - - X") == "OK");
  CHECK(outcome(3, 3, "breaching", "X - - - -") == "ALARM");
  CHECK(outcome(3, 3, "notBreaching", "X - - - -") == "OK");
  CHECK(outcome(3, 3, "ignore", "X - - - -") == "keep");
}

TEST_CASE("M of N with missing data: AWS's documentation table (N=3, M=2)") {
  for (const char* t : {"missing", "ignore", "breaching", "notBreaching"}) {
    CHECK(outcome(3, 2, t, "0 - X - X") == "ALARM");
    CHECK(outcome(3, 2, t, "0 0 X 0 X") == "ALARM");
  }
  CHECK(outcome(3, 2, "breaching", "0 - X - -") == "ALARM");
  CHECK(outcome(3, 2, "notBreaching", "0 - X - -") == "OK");
  CHECK(outcome(3, 2, "breaching", "- - - - 0") == "ALARM");
  CHECK(outcome(3, 2, "notBreaching", "- - - - 0") == "OK");
  CHECK(outcome(3, 2, "missing", "- - - - X") == "INSUFFICIENT_DATA");
  CHECK(outcome(3, 2, "ignore", "- - - - X") == "keep");
  CHECK(outcome(3, 2, "breaching", "- - - - X") == "ALARM");
  CHECK(outcome(3, 2, "notBreaching", "- - - - X") == "OK");
}

TEST_CASE("state reasons read like AWS's") {
  const Evaluation e = evaluate_points(alarm(1, 1, "missing"), points("0 0 X"), false);
  CHECK(e.reason == "Threshold Crossed: 1 datapoint [5 (01/01/70 00:02:00)] was greater than the "
                    "threshold (1.0).");
  const Evaluation none = evaluate_points(alarm(2, 2, "breaching"), points("- - - -"), false);
  CHECK(none.reason == "Threshold Crossed: no datapoints were received for 2 periods and 2 "
                       "missing datapoints were treated as [Breaching].");
}

TEST_CASE("definitions are validated as PutMetricAlarm does") {
  nlohmann::json j = {{"AlarmName", "a"}, {"Namespace", "N"}, {"MetricName", "M"},
                      {"Statistic", "Sum"}, {"Period", 45}, {"EvaluationPeriods", 1},
                      {"Threshold", 1}, {"ComparisonOperator", "GreaterThanThreshold"}};
  CHECK(AlarmDefinition::from_json(j).error().code == "ValidationError");  // period 45
  j["Period"] = 60;
  CHECK(AlarmDefinition::from_json(j).ok());
  j["ComparisonOperator"] = "Bigger";
  CHECK(AlarmDefinition::from_json(j).error().message.find("comparisonOperator") != std::string::npos);
  j["ComparisonOperator"] = "GreaterThanThreshold";
  j["Period"] = 3600;
  j["EvaluationPeriods"] = 200;  // 200 hours > 7 days
  CHECK_FALSE(AlarmDefinition::from_json(j).ok());
}

TEST_CASE("percentiles come from 1% buckets; sums and counts are exact") {
  Stats s;
  for (int i = 1; i <= 1000; ++i) s.add(i);
  CHECK(*s.statistic("Sum") == 500500);
  CHECK(*s.statistic("SampleCount") == 1000);
  CHECK(*s.statistic("Average") == doctest::Approx(500.5));
  CHECK(*s.statistic("p99") == doctest::Approx(990).epsilon(0.01));
  CHECK(*s.statistic("p50") == doctest::Approx(500).epsilon(0.01));
  CHECK(*s.statistic("p100") == 1000);
  CHECK_FALSE(s.statistic("Median").has_value());
}

TEST_CASE("the store answers by period, windows ending at the query's end") {
  MetricStore store;
  const MetricId id = store.metric({"AWS/ApiGateway", "Count", {{"ApiName", "x"}}, "Count"});
  for (int minute = 0; minute < 10; ++minute) {
    for (int k = 0; k <= minute; ++k) store.put(id, 1, minute * 60 * kMicrosPerSecond + k);
  }
  const auto d = store.query(id, 0, 600 * kMicrosPerSecond, 300 * kMicrosPerSecond);
  REQUIRE(d.size() == 2);
  CHECK(*d[0].stats.statistic("Sum") == 1 + 2 + 3 + 4 + 5);
  CHECK(*d[1].stats.statistic("Sum") == 6 + 7 + 8 + 9 + 10);
  CHECK(store.find("AWS/ApiGateway", "Count", {{"ApiName", "x"}}) == id);
  CHECK_FALSE(store.find("AWS/ApiGateway", "Count", {}).has_value());
}

TEST_CASE("the seed's traffic-change math reports a 20% drop as 20") {
  Series current;
  current.period = 86400 * kMicrosPerSecond;
  current.points = {{0, 1000000}, {86400 * kMicrosPerSecond, 800000}};
  std::map<std::string, Series> ids = {{"current", current}};
  SeriesLookup lookup;
  lookup = [&](const std::string& id) -> std::optional<Series> {
    if (const auto it = ids.find(id); it != ids.end()) return it->second;
    return std::nullopt;
  };
  ids["delta"] = *evaluate_expression("RATE(current)*PERIOD(current)", lookup);
  ids["previous"] = *evaluate_expression("current - delta", lookup);
  const auto pct = evaluate_expression("ABS(100*delta/previous)", lookup);
  REQUIRE(pct.ok());
  REQUIRE(pct->points.count(86400 * kMicrosPerSecond) == 1);
  CHECK(pct->points.at(86400 * kMicrosPerSecond) == doctest::Approx(20));
  CHECK(evaluate_expression("FOO(current)", lookup).error().code == "ValidationError");
  CHECK_FALSE(evaluate_expression("nope + 1", lookup).ok());
}

TEST_CASE("metric minutes survive a restart on the same database") {
  const auto path = std::filesystem::temp_directory_path() / "emu-cw-persist.db";
  std::filesystem::remove(path);
  const MetricKey key{"AWS/Lambda", "Duration", {{"FunctionName", "create_metrics"}}, "Milliseconds"};
  {
    Storage storage(path.string(), "NORMAL");
    MetricStore store(&storage);
    const MetricId id = store.metric(key);
    for (int i = 1; i <= 100; ++i) store.put(id, i, 30 * kMicrosPerSecond);
    store.flush();
    storage.commit();
  }
  Storage storage(path.string(), "NORMAL");
  MetricStore store(&storage);
  const auto id = store.find(key.name_space, key.name, key.dimensions);
  REQUIRE(id.has_value());
  const auto d = store.query(*id, 0, 60 * kMicrosPerSecond, 60 * kMicrosPerSecond);
  REQUIRE(d.size() == 1);
  CHECK(*d[0].stats.statistic("Sum") == 5050);
  CHECK(*d[0].stats.statistic("p99") == doctest::Approx(99).epsilon(0.01));
  std::filesystem::remove(path);
}
