// The seed's alarms driven across their thresholds in virtual time, through the whole pipeline:
// the exact minute each changes state, the initial state, profiles and notifications.
#include <doctest/doctest.h>

#include <fstream>

#include "tests/pipeline/in_process.h"

using emu::testing::InProcess;
using namespace emu;

namespace {

const std::string kBody =
    R"({"metricstimestamp":1624752000000,"appversion":"1.2.10","appos":"ios","osversion":"14",)"
    R"("manufacturer":"Apple","model":"x","androidreleaseversion":"unavailable","payload":[)"
    R"({"identifier":"installed","region":"ON","timestamp":1624752000000},)"
    R"({"identifier":"error-500-qr-parse","region":"ON","timestamp":1624752000000},)"
    R"({"identifier":"error-500-qr-parse","region":"QC","timestamp":1624752000000}]})";

std::string state_of(InProcess& p, const std::string& alarm) {
  auto* a = p.pipeline.alarms().find(alarm);
  REQUIRE(a != nullptr);
  return cloudwatch::state_name(a->state);
}

// Advances minute by minute until `alarm` is in `state`; returns the time it got there.
std::string minute_reaching(InProcess& p, const std::string& alarm, const std::string& state,
                            int max_minutes) {
  for (int i = 0; i < max_minutes && state_of(p, alarm) != state; ++i) p.advance(60);
  return state_of(p, alarm) == state
             ? format_iso8601_seconds(p.pipeline.alarms().find(alarm)->state_updated)
             : "never";
}

const Micros kMidnight = *parse_iso8601("2021-06-27T00:00:00");

}  // namespace

TEST_CASE("all 20 seed alarms exist and start INSUFFICIENT_DATA") {
  InProcess p(nlohmann::json::object(), kMidnight);
  CHECK(p.pipeline.alarms().alarms().size() == 20);
  const auto* a = p.pipeline.alarms().find("metrics-api-gateway-500-errors-above-threshold");
  REQUIRE(a != nullptr);
  CHECK(a->state == cloudwatch::AlarmState::kInsufficientData);
  CHECK(a->reason == "Unchecked: Initial alarm creation");
  CHECK(a->definition.period == 600 * kMicrosPerSecond);
  CHECK(a->definition.threshold == 200);
}

TEST_CASE("the staging profile takes the staging thresholds") {
  InProcess p({{"cloudwatch", {{"alarm_profile", "staging"}}}}, kMidnight);
  CHECK(p.pipeline.alarms().find("metrics-api-gateway-above-maximum-invocations")->definition.threshold == 10000);
  CHECK(p.pipeline.alarms().find("create-metrics-dynamodb-wcu")->definition.threshold == 300);
}

TEST_CASE("5XXError: 240 errors in two minutes cross 200 at 00:02 and clear at 00:11") {
  // Every create_metrics invocation fails (502) from midnight for two minutes.
  InProcess p({{"faults", {{{"service", "lambda"}, {"operation", "Invoke"},
                            {"resource", "create_metrics"}, {"error", "FunctionError"},
                            {"from", "2021-06-27T00:00:00Z"}, {"to", "2021-06-27T00:02:00Z"}}}}},
              kMidnight);
  for (int i = 0; i < 240; ++i) {
    CHECK(p.post(kBody).status == 502);
    p.advance(0.5);
  }
  // 00:02:00 now: the 00:01 evaluation saw 120 (OK), this one sees 240.
  const std::string alarm = "metrics-api-gateway-500-errors-above-threshold";
  CHECK(state_of(p, alarm) == "ALARM");
  CHECK(format_iso8601_seconds(p.pipeline.alarms().find(alarm)->state_updated) == "2021-06-27T00:02:00");
  const auto& history = p.pipeline.alarms().find(alarm)->history;
  CHECK(history.back().summary == "Alarm updated from OK to ALARM");
  CHECK(minute_reaching(p, alarm, "OK", 20) == "2021-06-27T00:11:00");
  // The ALARM was published to alert-critical, as a JSON line in the data dir.
  p.pipeline.flush();
  std::ifstream log(p.dir / "notifications.jsonl");
  std::string line, all;
  while (std::getline(log, line)) all += line + "\n";
  CHECK(all.find("alert-critical") != std::string::npos);
  CHECK(all.find("metrics-api-gateway-500-errors-above-threshold") != std::string::npos);
}

TEST_CASE("4XXError: 101 refused requests in one minute alarm at the next minute") {
  InProcess p(nlohmann::json::object(), kMidnight);
  for (int i = 0; i < 101; ++i) {
    http::HttpRequest r;
    r.method = "POST";
    r.path = "/save-metrics";
    r.body = kBody;
    r.headers.emplace("x-api-key", "wrong");
    r.headers.emplace("User-Agent", "test");
    CHECK(p.pipeline.handle(r).status == 403);
    p.advance(0.5);
  }
  const std::string alarm = "metrics-api-gateway-400-errors-above-threshold";
  CHECK(minute_reaching(p, alarm, "ALARM", 3) == "2021-06-27T00:01:00");
  // No requests after that minute: API Gateway publishes no 4XXError point. The evaluation
  // range (N + 2 windows) still holds the breaching point, which is the most recent real one,
  // so the alarm stays in ALARM until it leaves the range; then every point is missing and,
  // with the default TreatMissingData, the alarm goes INSUFFICIENT_DATA (not OK).
  CHECK(minute_reaching(p, alarm, "INSUFFICIENT_DATA", 5) == "2021-06-27T00:04:00");
}

TEST_CASE("QR parse errors counted by aggregate_metrics fire the warning alarm") {
  InProcess p(nlohmann::json::object(), kMidnight);
  CHECK(p.post(kBody).status == 200);
  const std::string warning = "metrics-app-errors-500-qr-parse-above-warning-threshold";
  const std::string critical = "metrics-app-errors-500-qr-parse-above-critical-threshold";
  CHECK(minute_reaching(p, warning, "ALARM", 2) == "2021-06-27T00:01:00");  // 2 > 1
  CHECK(state_of(p, critical) == "OK");                                        // 2 <= 3 (notBreaching)
  // DynamoDB alarms ignore missing data: with writes only at midnight, the WCU alarm went OK
  // once and then stays there while no data arrives.
  p.advance(600);
  CHECK(state_of(p, "aggregate-metrics-dynamodb-wcu") == "OK");
}
