// CloudWatch Logs' store: its bounds (events per group, retention on the emulator's clock, day
// files), filter patterns, and what the Lambda writer puts in each environment's stream.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "emulator/core/clock.h"
#include "emulator/core/scheduler.h"
#include "emulator/faults/fault_injector.h"
#include "emulator/logs/filter_pattern.h"
#include "emulator/logs/lambda_logs.h"
#include "emulator/logs/log_store.h"

using namespace emu;
using namespace emu::logs;

namespace {

LogSettings memory_only(std::int64_t max_events, std::int64_t retention_days = 14) {
  LogSettings s;
  s.max_events_per_group = max_events;
  s.retention_days = retention_days;
  return s;
}

const Micros kDay0 = 18805 * kMicrosPerDay;  // 2021-06-27

}  // namespace

TEST_CASE("a group keeps at most max_events_per_group events, dropping the oldest") {
  LogStore store(memory_only(3));
  for (int i = 0; i < 5; ++i) {
    store.put("/g", i < 2 ? "old" : "new", kDay0 + i, "m" + std::to_string(i), kDay0 + i);
  }
  const LogGroup& g = *store.group("/g");
  REQUIRE(g.events().size() == 3);
  CHECK(g.events().begin()->second.message == "m2");
  CHECK(g.dropped() == 2);
  // The stream whose events are all gone is forgotten with them.
  CHECK(g.streams().count("old") == 0);
  CHECK(g.streams().at("new").events == 3);
}

TEST_CASE("events older than the retention expire on the emulator's clock") {
  LogStore store(memory_only(100, 1));
  store.put("/g", "s", kDay0, "early", kDay0);
  store.put("/g", "s", kDay0 + kMicrosPerDay / 2, "later", kDay0 + kMicrosPerDay / 2);
  store.expire(kDay0 + kMicrosPerDay + 1);
  const LogGroup& g = *store.group("/g");
  REQUIRE(g.events().size() == 1);
  CHECK(g.events().begin()->second.message == "later");
  CHECK(g.dropped() == 0);  // expired, not dropped for space
}

TEST_CASE("day files are written per group and deleted past the retention") {
  const auto dir = std::filesystem::temp_directory_path() / "emu-logs-test";
  std::filesystem::remove_all(dir);
  {
    LogSettings s = memory_only(100, 2);
    s.directory = dir;
    LogStore store(s);
    store.put("/aws/lambda/f", "s", kDay0, "first\n", kDay0);
    store.flush();
    const auto first = dir / "_aws_lambda_f" / "2021-06-27.log";
    REQUIRE(std::filesystem::exists(first));
    std::ifstream in(first);
    std::string line;
    std::getline(in, line);
    CHECK(line == "2021-06-27T00:00:00.000Z\ts\tfirst");
    store.put("/aws/lambda/f", "s", kDay0 + 2 * kMicrosPerDay, "third day", kDay0 + 2 * kMicrosPerDay);
    CHECK_FALSE(std::filesystem::exists(first));
    CHECK(std::filesystem::exists(dir / "_aws_lambda_f" / "2021-06-29.log"));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("filter patterns: every term, quoted phrases whole, -exclusions") {
  const auto p = FilterPattern::parse("REPORT \"Init Duration\" -timed");
  REQUIRE(p);
  CHECK(p->matches("REPORT RequestId: x\tInit Duration: 3 ms"));
  CHECK_FALSE(p->matches("REPORT RequestId: x\tDuration: 3 ms"));
  CHECK_FALSE(p->matches("Init REPORT Duration"));
  CHECK_FALSE(p->matches("REPORT Init Duration timed out"));
  CHECK(FilterPattern::parse("")->matches("anything"));
  CHECK_FALSE(FilterPattern::parse("{ $.a = 1 }"));
  CHECK_FALSE(FilterPattern::parse("\"unterminated"));
}

TEST_CASE("the Lambda writer: START, console lines, END and REPORT in the environment's stream") {
  LogStore store(memory_only(100));
  LambdaLogWriter writer(store, Random(1));
  lambda::FunctionSettings f;
  f.name = "create_metrics";
  f.memory_mb = 256;
  lambda::InvokeResult cold;
  cold.cold_start = true;
  cold.init_duration = 450 * kMicrosPerMilli;
  cold.duration = 45'120;  // 45.12 ms
  cold.environment_id = std::string(32, 'a');
  cold.environment_created = kDay0 + 5;
  lambda::HandlerOutcome outcome;
  outcome.console = {"INFO\tLarge payload being split; size: 110000"};
  writer.on_invocation(f, cold, outcome, kDay0 + 5);
  lambda::InvokeResult warm = cold;
  warm.cold_start = false;
  warm.init_duration = 0;
  warm.duration = 2 * kMicrosPerMilli;
  writer.on_invocation(f, warm, {}, kDay0 + kMicrosPerSecond);
  const LogGroup& g = *store.group("/aws/lambda/create_metrics");
  REQUIRE(g.streams().size() == 1);
  CHECK(g.streams().begin()->first == "2021/06/27/[$LATEST]" + std::string(32, 'a'));
  std::vector<std::string> lines;
  for (const auto& [key, e] : g.events()) lines.push_back(e.message);
  REQUIRE(lines.size() == 7);
  CHECK(lines[0].rfind("START RequestId: ", 0) == 0);
  CHECK(lines[1].find("\tINFO\tLarge payload being split; size: 110000\n") != std::string::npos);
  CHECK(lines[1].rfind("2021-06-27T00:00:00.450Z\t", 0) == 0);  // after Init
  CHECK(lines[2].rfind("END RequestId: ", 0) == 0);
  CHECK(lines[3].find("\tDuration: 45.12 ms\tBilled Duration: 46 ms\tMemory Size: 256 MB\t") !=
        std::string::npos);
  CHECK(lines[3].find("\tInit Duration: 450.00 ms\t") != std::string::npos);
  CHECK(lines[6].find("Init Duration") == std::string::npos);  // warm
  CHECK(lines[6].find("\tBilled Duration: 2 ms\t") != std::string::npos);
}

TEST_CASE("a logs PutLogEvents fault loses the invocation's lines, counted; latency delays them") {
  lambda::FunctionSettings f;
  f.name = "create_metrics";
  f.memory_mb = 256;
  lambda::InvokeResult r;
  r.duration = 2 * kMicrosPerMilli;
  r.environment_id = std::string(32, 'b');
  r.environment_created = kDay0;
  lambda::HandlerOutcome outcome;
  outcome.console = {"INFO\tone", "ERROR\ttwo"};
  const auto faults = nlohmann::json::parse(
      R"([{"service":"logs","operation":"PutLogEvents","resource":"/aws/lambda/create_metrics",
           "error":"ServiceUnavailable","to":"+00:01:00"},
          {"service":"logs","latency_ms":1500,"from":"+00:01:00"}])");
  faults::ConfigFaultInjector injector(faults, kDay0, Random(3));
  LogStore store(memory_only(100));
  LambdaLogWriter writer(store, Random(1));
  writer.set_fault_injector(&injector);
  writer.on_invocation(f, r, outcome, kDay0 + kMicrosPerSecond);
  CHECK(store.group("/aws/lambda/create_metrics") == nullptr);  // nothing written
  CHECK(store.lost_to_faults() == 5);  // START, two console lines, END, REPORT
  CHECK(store.state()["events_lost_to_faults"] == 5);
  // After the window: written, each line ingested 1.5 s after the invocation.
  const Micros later = kDay0 + 2 * kMicrosPerMinute;
  writer.on_invocation(f, r, outcome, later);
  const LogGroup& g = *store.group("/aws/lambda/create_metrics");
  REQUIRE(g.events().size() == 5);
  for (const auto& [key, e] : g.events()) CHECK(e.ingestion == later + 1500 * kMicrosPerMilli);
  CHECK(store.lost_to_faults() == 5);
}
