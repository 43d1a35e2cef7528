// Every seed alarm driven across its threshold in virtual time: at its threshold the alarm goes
// OK at 00:01; one step beyond it goes ALARM at exactly 00:02. Values go straight into the
// metric store under the keys the models emit.
#include <doctest/doctest.h>

#include "tests/pipeline/in_process.h"

using emu::testing::InProcess;
using namespace emu;

namespace {

struct Case {
  std::string alarm;
  MetricKey metric;
  std::vector<double> at_threshold;  // put during minute 0: evaluation at 00:01 says OK
  // Added during minute 1: evaluation at 00:02 says ALARM (60 s alarms see minute 1 alone;
  // the 600 s and 3600 s ones see both minutes).
  std::vector<double> beyond;
};

std::vector<double> repeat(double v, int n) { return std::vector<double>(static_cast<std::size_t>(n), v); }

std::vector<Case> cases() {
  const Dimensions api = {{"ApiName", "save-metrics"}};
  const Dimensions qr = {{"Identifier", "error-500-qr-parse"}};
  const auto fn = [](const char* f) { return Dimensions{{"FunctionName", f}}; };
  const auto table = [](const char* t) { return Dimensions{{"TableName", t}}; };
  std::vector<Case> out = {
      {"metrics-api-gateway-400-errors-above-threshold", {"AWS/ApiGateway", "4XXError", api, "Count"}, {100}, {101}},
      {"metrics-api-gateway-500-errors-above-threshold", {"AWS/ApiGateway", "5XXError", api, "Count"}, {200}, {1}},
      {"metrics-api-gateway-below-minimum-invocations", {"AWS/ApiGateway", "Count", api, "Count"}, {100}, {}},
      {"metrics-api-gateway-above-maximum-invocations", {"AWS/ApiGateway", "Count", api, "Count"}, {65000}, {65001}},
      {"metrics-api-gateway-above-maximum-latency", {"AWS/ApiGateway", "Latency", api, "Milliseconds"},
       repeat(60000, 100), repeat(61000, 100)},
      {"metrics-app-errors-500-qr-parse-above-critical-threshold", {"CovidAlertApp", "Errors", qr, "None"}, {3}, {1}},
      {"metrics-app-errors-500-qr-parse-above-warning-threshold", {"CovidAlertApp", "Errors", qr, "None"}, {1}, {1}},
      {"create-metrics-dynamodb-wcu", {"AWS/DynamoDB", "ConsumedWriteCapacityUnits", table("raw_metrics"), "Count"}, {65000}, {65001}},
      {"aggregate-metrics-dynamodb-wcu", {"AWS/DynamoDB", "ConsumedWriteCapacityUnits", table("aggregate_metrics"), "Count"}, {50000}, {50001}},
      {"create-metrics-average-duration", {"AWS/Lambda", "Duration", fn("create_metrics"), "Milliseconds"}, {10000}, {}},
      {"aggregate-metrics-average-duration", {"AWS/Lambda", "Duration", fn("aggregate_metrics"), "Milliseconds"}, {10000}, {}},
      {"backoff-retry--average-duration", {"AWS/Lambda", "Duration", fn("backoff_retry"), "Milliseconds"},
       repeat(10000, 100), repeat(10500, 100)},
      {"MetricEcsWarnErrorEvent", {"CovidShieldMetrics", "EcsWarnErrorEvent", {}, "None"}, {0}, {1}},
  };
  for (const char* task : {"masked_inapp_metrics", "unmasked_inapp_metrics", "masked_appstore_metrics",
                           "unmasked_appstore_metrics", "masked_server_metrics", "unmasked_server_metrics"}) {
    out.push_back({std::string("EcsTaskError-") + task,
                   {"CovidShieldMetrics", std::string("EcsTaskError-") + task, {}, "None"}, {0}, {1}});
  }
  return out;
}

const Micros kStart = *parse_iso8601("2021-06-27T00:00:00Z");

}  // namespace

TEST_CASE("each seed alarm crosses its threshold at the exact minute") {
  for (const Case& c : cases()) {
    CAPTURE(c.alarm);
    InProcess p(nlohmann::json::object(), kStart, "alarm-table");
    auto& store = p.pipeline.metric_store();
    const MetricId id = store.metric(c.metric);
    for (double v : c.at_threshold) store.put(id, v, kStart + 30 * kMicrosPerSecond);
    p.advance(60);
    const auto* a = p.pipeline.alarms().find(c.alarm);
    REQUIRE(a != nullptr);
    CHECK(std::string(cloudwatch::state_name(a->state)) == "OK");
    // Averages: one more sample above the mean; below-minimum: no traffic in minute 1 is a
    // missing point, so a low count (99) is put instead.
    std::vector<double> beyond = c.beyond;
    if (beyond.empty()) beyond = {c.alarm.find("below-minimum") != std::string::npos ? 99.0 : 10002.0};
    for (double v : beyond) store.put(id, v, kStart + 90 * kMicrosPerSecond);
    p.advance(60);
    CHECK(std::string(cloudwatch::state_name(a->state)) == "ALARM");
    CHECK(format_iso8601_seconds(a->state_updated) == "2021-06-27T00:02:00");
  }
}

TEST_CASE("the traffic-change alarm fires on a 25% day-over-day drop and not on 15%") {
  for (const auto& [today, expected] : {std::pair{750000.0, "ALARM"}, std::pair{850000.0, "OK"}}) {
    const Micros start = *parse_iso8601("2021-06-26T00:00:00Z");
    InProcess p(nlohmann::json::object(), start, "traffic");
    auto& store = p.pipeline.metric_store();
    const MetricId id = store.metric({"AWS/ApiGateway", "Count", {{"ApiName", "save-metrics"}}, "Count"});
    store.put(id, 1000000, start + 30 * kMicrosPerSecond);
    store.put(id, today, start + kMicrosPerDay + 30 * kMicrosPerSecond);
    const auto* a = p.pipeline.alarms().find("metrics-api-gateway-traffic-change");
    REQUIRE(a != nullptr);
    // During the first day there is one daily point and no change: RATE has no point, which
    // counts as 0 in the arithmetic (aws-fidelity 6.4), so the change is 0% and the alarm OK.
    p.advance(86400);
    CHECK(std::string(cloudwatch::state_name(a->state)) == "OK");
    p.advance(60);  // 2021-06-27T00:01: the window ending now holds today's count
    CHECK(std::string(cloudwatch::state_name(a->state)) == expected);
    if (std::string(expected) == "ALARM") {
      CHECK(format_iso8601_seconds(a->state_updated) == "2021-06-27T00:01:00");
      CHECK(a->reason.find("[25 (") != std::string::npos);
    }
  }
}
