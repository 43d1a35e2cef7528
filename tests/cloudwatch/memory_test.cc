// What the CloudWatch store and alarms keep in memory: per metric, the minutes its alarms
// evaluate and the last hour; older minutes come back from SQLite with the same answers. The
// alarms, their history and the metrics clients may create are capped.
#include <doctest/doctest.h>

#include <filesystem>
#include <memory>

#include "emulator/cloudwatch/alarm_engine.h"
#include "emulator/cloudwatch/wire.h"
#include "emulator/core/random.h"

using namespace emu;
using namespace emu::cloudwatch;
using nlohmann::json;

namespace {

constexpr Micros kMinute = 60 * kMicrosPerSecond;
constexpr Micros kHour = kMicrosPerHour;
const MetricKey kLatency{"AWS/ApiGateway", "Latency", {{"ApiName", "save-metrics"}}, "Milliseconds"};
const MetricKey kCount{"AWS/ApiGateway", "Count", {{"ApiName", "save-metrics"}}, "Count"};
const MetricKey kErrors{"CovidAlertApp", "Errors", {{"Identifier", "error-500-qr-parse"}}, "Count"};
const char* const kStatistics[] = {"SampleCount", "Sum", "Average", "Minimum", "Maximum",
                                   "p50", "p90", "p99", "p99.9"};

using Answer = std::vector<std::pair<Micros, std::vector<std::optional<double>>>>;

// Every statistic of every period of [start, end), exactly.
Answer answer(const MetricStore& store, MetricId id, Micros start, Micros end, Micros period) {
  Answer out;
  for (const auto& d : store.query(id, start, end, period)) {
    std::vector<std::optional<double>> values;
    for (const char* s : kStatistics) values.push_back(d.stats.statistic(s));
    out.emplace_back(d.timestamp, std::move(values));
  }
  return out;
}

// GetMetricStatistics-style questions over a whole run: periods of 1, 5, 7 and 60 minutes,
// aligned and not.
std::vector<Answer> answers(const MetricStore& store, const std::vector<MetricId>& ids, Micros end) {
  std::vector<Answer> out;
  for (const MetricId id : ids) {
    for (const Micros period : {kMinute, 5 * kMinute, 7 * kMinute, kHour}) {
      out.push_back(answer(store, id, 0, end, period));
      out.push_back(answer(store, id, 13 * kMicrosPerSecond, end - 7 * kMicrosPerSecond, period));
      out.push_back(answer(store, id, 2 * kHour + kMinute, 3 * kHour, period));
    }
  }
  return out;
}

AlarmDefinition definition(const json& j) {
  auto d = AlarmDefinition::from_json(j);
  REQUIRE(d.ok());
  return *d;
}

json dimensions(const MetricKey& k) {
  json out = json::array();
  for (const auto& [name, value] : k.dimensions) out.push_back({{"Name", name}, {"Value", value}});
  return out;
}

// The same alarms over the same traffic, with the store on SQLite (minutes leave memory) or
// without (everything stays).
struct Rig {
  explicit Rig(bool persist)
      : clock(0),
        scheduler(clock),
        storage(persist ? std::make_unique<Storage>(":memory:", "OFF") : nullptr),
        store(storage.get()),
        engine(store, scheduler, nullptr, "ca-central-1", "000000000000") {
    // As the seed's qr-parse alarm: a day of hourly sums.
    REQUIRE(engine.put(definition({{"AlarmName", "errors-day"}, {"Namespace", kErrors.name_space},
                                   {"MetricName", kErrors.name}, {"Dimensions", dimensions(kErrors)},
                                   {"Statistic", "Sum"}, {"Period", 3600}, {"EvaluationPeriods", 24},
                                   {"DatapointsToAlarm", 1}, {"Threshold", 3},
                                   {"ComparisonOperator", "GreaterThanThreshold"},
                                   {"TreatMissingData", "notBreaching"}}), 0).ok());
    REQUIRE(engine.put(definition({{"AlarmName", "latency-p99"}, {"Namespace", kLatency.name_space},
                                   {"MetricName", kLatency.name}, {"Dimensions", dimensions(kLatency)},
                                   {"ExtendedStatistic", "p99"}, {"Period", 60}, {"EvaluationPeriods", 3},
                                   {"DatapointsToAlarm", 2}, {"Threshold", 150},
                                   {"ComparisonOperator", "GreaterThanThreshold"}}), 0).ok());
    // As the seed's traffic-change alarm, hourly.
    const json current = {{"Id", "current"}, {"ReturnData", false},
                          {"MetricStat", {{"Metric", {{"Namespace", kCount.name_space},
                                                      {"MetricName", kCount.name},
                                                      {"Dimensions", dimensions(kCount)}}},
                                          {"Period", 3600}, {"Stat", "Sum"}}}};
    REQUIRE(engine.put(definition({{"AlarmName", "traffic-change"},
                                   {"Metrics", {current,
                                                {{"Id", "delta"}, {"ReturnData", false}, {"Expression", "RATE(current)*PERIOD(current)"}},
                                                {{"Id", "previous"}, {"ReturnData", false}, {"Expression", "current - delta"}},
                                                {{"Id", "pct"}, {"ReturnData", true}, {"Expression", "ABS(100*delta/previous)"}}}},
                                   {"EvaluationPeriods", 1}, {"Threshold", 20},
                                   {"ComparisonOperator", "GreaterThanThreshold"}}), 0).ok());
    latency = store.metric(kLatency);
    count = store.metric(kCount);
    errors = store.metric(kErrors);
  }

  // Two days: requests every half second, slower in some hours; qr-parse errors now and then.
  void drive(Micros until, std::size_t& most_in_memory) {
    Random random(2021);
    for (Micros t = 0; t < until; t += kMicrosPerSecond / 2) {
      scheduler.run_until(t);
      const std::int64_t hour = t / kHour;
      const bool slow = hour % 7 == 3;
      if (hour % 11 == 5 && random.bernoulli(0.5)) continue;  // a traffic drop
      store.put(latency, random.lognormal(slow ? 140 : 40, 0.5), t);
      store.put(count, 1, t);
      if (random.bernoulli(hour % 13 == 2 ? 0.001 : 0.00001)) store.put(errors, 1, t);
      if (t % kHour == 0) most_in_memory = std::max(most_in_memory, store.minutes_in_memory());
    }
    scheduler.run_until(until);
  }

  VirtualClock clock;
  Scheduler scheduler;
  std::unique_ptr<Storage> storage;
  MetricStore store;
  AlarmEngine engine;
  MetricId latency = 0, count = 0, errors = 0;
};

std::vector<std::pair<Micros, std::string>> transitions(AlarmEngine& engine, const std::string& name) {
  std::vector<std::pair<Micros, std::string>> out;
  for (const auto& h : engine.find(name)->history) out.emplace_back(h.timestamp, h.summary);
  return out;
}

}  // namespace

TEST_CASE("a minute's statistics round-trip through their stored form exactly") {
  Random random(1);
  Stats s;
  for (int i = 0; i < 5000; ++i) s.add(random.lognormal(50, 1.2));
  s.add(0);
  s.add(3.7, 0.25);  // PutMetricData Values with Counts
  const auto back = Stats::from_json(json::parse(s.to_json().dump()));
  REQUIRE(back.has_value());
  CHECK(back->sample_count == s.sample_count);
  CHECK(back->sum == s.sum);
  CHECK(back->minimum == s.minimum);
  CHECK(back->maximum == s.maximum);
  CHECK(back->histogram == s.histogram);
  CHECK_FALSE(Stats::from_json(json::parse("[1, 2, 3]")).has_value());
}

TEST_CASE("minutes that leave memory are read back from SQLite with the same answers") {
  Storage storage(":memory:", "OFF");
  MetricStore store(&storage);
  const MetricId latency = store.metric(kLatency);
  const MetricId errors = store.metric(kErrors);
  Random random(7);
  const Micros end = 6 * kHour;
  for (Micros t = 0; t < end; t += kMicrosPerSecond / 4) {
    store.put(latency, random.lognormal(40, 0.8), t);
    if (random.bernoulli(0.002)) store.put(errors, 1, t);
  }
  Stats statistic_set;
  statistic_set.add(5, 2.5);
  store.put_statistics(errors, statistic_set, 90 * kMinute);
  const auto in_memory = answers(store, {latency, errors}, end);
  const std::size_t all_minutes = store.minutes_in_memory();
  CHECK(all_minutes > 360 + 100);  // latency every minute, errors in some

  store.keep_in_memory(end, {});
  // The last hour of each metric (61 minute starts from end - 1 h), nothing else.
  CHECK(store.minutes_in_memory() <= 2 * 61);
  CHECK(answers(store, {latency, errors}, end) == in_memory);

  // A late put into a minute on disk adds to it rather than replacing it.
  const Micros minute_30 = 30 * kMinute;
  const double sum_30 = *store.query(latency, minute_30, minute_30 + kMinute, kMinute)[0].stats.statistic("Sum");
  store.put(latency, 1000, minute_30 + 1);
  CHECK(*store.query(latency, minute_30, minute_30 + kMinute, kMinute)[0].stats.statistic("Sum") == sum_30 + 1000);
  store.keep_in_memory(end, {});
  CHECK(store.minutes_in_memory() <= 2 * 61);
  CHECK(*store.query(latency, minute_30, minute_30 + kMinute, kMinute)[0].stats.statistic("Sum") == sum_30 + 1000);
  const auto with_late_put = answers(store, {latency, errors}, end);
  CHECK(with_late_put != in_memory);

  // A window that grows (a new alarm) brings its minutes back; the answers stay the same.
  std::vector<Micros> windows(store.size(), 0);
  windows[latency] = end;
  store.keep_in_memory(end, windows);
  CHECK(store.minutes_in_memory() >= 360);
  CHECK(answers(store, {latency, errors}, end) == with_late_put);
}

TEST_CASE("a restart reads minutes as needed rather than loading them all") {
  const auto path = std::filesystem::temp_directory_path() / "emu-cw-memory-restart.db";
  std::filesystem::remove(path);
  Answer before;
  {
    Storage storage(path.string(), "OFF");
    MetricStore store(&storage);
    const MetricId id = store.metric(kLatency);
    Random random(3);
    for (Micros t = 0; t < 3 * kHour; t += kMicrosPerSecond) store.put(id, random.lognormal(40, 0.8), t);
    before = answer(store, id, 0, 3 * kHour, 5 * kMinute);
    store.flush();
    storage.commit();
  }
  Storage storage(path.string(), "OFF");
  MetricStore store(&storage);
  const MetricId id = *store.find(kLatency.name_space, kLatency.name, kLatency.dimensions);
  CHECK(store.minutes_in_memory() == 0);
  CHECK(answer(store, id, 0, 3 * kHour, 5 * kMinute) == before);
  // The minute being written when the process stopped is continued, not restarted.
  const double sum = *store.query(id, 3 * kHour - kMinute, 3 * kHour, kMinute)[0].stats.statistic("Sum");
  store.put(id, 1, 3 * kHour - 1);
  CHECK(*store.query(id, 3 * kHour - kMinute, 3 * kHour, kMinute)[0].stats.statistic("Sum") == sum + 1);
  store.keep_in_memory(3 * kHour, {});
  CHECK(store.minutes_in_memory() == 60);  // minutes from 2:00 to 2:59
  std::filesystem::remove(path);
}

TEST_CASE("alarms change state at the same minutes when old minutes live on disk") {
  Rig on_disk(true), in_memory(false);
  const Micros two_days = 2 * kMicrosPerDay;
  std::size_t held_on_disk = 0, held_in_memory = 0;
  on_disk.drive(two_days, held_on_disk);
  in_memory.drive(two_days, held_in_memory);
  for (const char* name : {"errors-day", "latency-p99", "traffic-change"}) {
    CAPTURE(name);
    const auto seen = transitions(on_disk.engine, name);
    CHECK(seen == transitions(in_memory.engine, name));
    CHECK(seen.size() >= 3);  // created, then at least two changes: the test exercises them
  }
  // Held: errors 26 h + 1 min, count 3 h + 1 min, latency the recent hour (+ current minutes).
  CHECK(held_on_disk <= (26 * 60 + 1) + (3 * 60 + 1) + 60 + 3);
  CHECK(held_in_memory > 2 * 47 * 60);  // sampled hourly: 47 h of two metrics at the last
  CHECK(on_disk.engine.memory_windows()[on_disk.errors] == 26 * kHour + kMinute);
  CHECK(on_disk.engine.memory_windows()[on_disk.count] == 3 * kHour + kMinute);
  CHECK(on_disk.engine.memory_windows()[on_disk.latency] == 5 * kMinute + kMinute);
  // The first day, long gone from memory, answers as it did.
  CHECK(answer(on_disk.store, on_disk.latency, 0, kMicrosPerDay, kHour) ==
        answer(in_memory.store, in_memory.latency, 0, kMicrosPerDay, kHour));
}

TEST_CASE("alarm history keeps its newest 1,000 items, updates included") {
  MetricStore store;
  VirtualClock clock(0);
  Scheduler scheduler(clock);
  AlarmEngine engine(store, scheduler, nullptr, "ca-central-1", "000000000000");
  const json alarm = {{"AlarmName", "a"}, {"Namespace", "N"}, {"MetricName", "M"}, {"Statistic", "Sum"},
                      {"Period", 60}, {"EvaluationPeriods", 1}, {"Threshold", 1},
                      {"ComparisonOperator", "GreaterThanThreshold"}};
  for (int i = 0; i < 1500; ++i) REQUIRE(engine.put(definition(alarm), i * kMicrosPerSecond).ok());
  CHECK(engine.find("a")->history.size() == AlarmEngine::kMaxHistory);
  CHECK(engine.find("a")->history.back().timestamp == 1499 * kMicrosPerSecond);
}

TEST_CASE("PutMetricAlarm and PutMetricData stop at their caps with LimitExceeded") {
  MetricStore store;
  VirtualClock clock(0);
  Scheduler scheduler(clock);
  AlarmEngine engine(store, scheduler, nullptr, "ca-central-1", "000000000000");
  CloudWatchWire wire(store, engine, Random(1));
  json alarm = {{"Namespace", "N"}, {"MetricName", "M"}, {"Statistic", "Sum"}, {"Period", 60},
                {"EvaluationPeriods", 1}, {"Threshold", 1}, {"ComparisonOperator", "GreaterThanThreshold"}};
  for (std::size_t i = 0; i < AlarmEngine::kMaxAlarms; ++i) {
    alarm["AlarmName"] = "alarm-" + std::to_string(i);
    REQUIRE(wire.dispatch("PutMetricAlarm", alarm, 0).ok());
  }
  alarm["AlarmName"] = "one-too-many";
  const auto refused = wire.dispatch("PutMetricAlarm", alarm, 0);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == "LimitExceeded");
  CHECK(engine.alarms().size() == AlarmEngine::kMaxAlarms);
  alarm["AlarmName"] = "alarm-7";  // updating one is still fine
  CHECK(wire.dispatch("PutMetricAlarm", alarm, 0).ok());

  for (std::size_t batch = 0; batch < CloudWatchWire::kMaxMetrics / 1000; ++batch) {
    json data = json::array();
    for (int i = 0; i < 1000; ++i) {
      data.push_back({{"MetricName", "m-" + std::to_string(batch * 1000 + i)}, {"Value", 1}});
    }
    REQUIRE(wire.dispatch("PutMetricData", {{"Namespace", "Custom"}, {"MetricData", data}}, 0).ok());
  }
  CHECK(store.size() == CloudWatchWire::kMaxMetrics);
  const json more = {{"Namespace", "Custom"}, {"MetricData", {{{"MetricName", "m-0"}, {"Value", 2}},
                                                              {{"MetricName", "new"}, {"Value", 2}}}}};
  const auto over = wire.dispatch("PutMetricData", more, 0);
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().code == "LimitExceeded");
  CHECK(*store.query(*store.find("Custom", "m-0", {}), 0, kMinute, kMinute)[0].stats.statistic("Sum") == 1);
  const json known = {{"Namespace", "Custom"}, {"MetricData", {{{"MetricName", "m-0"}, {"Value", 2}}}}};
  CHECK(wire.dispatch("PutMetricData", known, 0).ok());
  CHECK(store.size() == CloudWatchWire::kMaxMetrics);
}
