#include <doctest/doctest.h>

#include "loadgen/report_data.h"

using namespace loadgen;
using emu::kMicrosPerSecond;

namespace {

Scenario report_scenario(nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json j = {{"name", "t"},
                      {"start", "2021-06-27T03:55:00Z"},
                      {"duration", 900},
                      {"drain", 300},
                      {"population", {{"devices", 1000}}},
                      {"schedule", {{{"type", "constant"}, {"rate", 1}, {"duration", 900}}}}};
  j.update(extra);
  return Scenario::from_json(j, "test.json");
}

double ms(const char* iso) { return static_cast<double>(*emu::parse_iso8601(iso) / emu::kMicrosPerMilli); }

}  // namespace

TEST_CASE("zone labels") {
  CHECK(zone_label(-4) == "UTC-4");
  CHECK(zone_label(-2.5) == "UTC-2:30");
  CHECK(zone_label(5.75) == "UTC+5:45");
  CHECK(zone_label(0) == "UTC");
}

TEST_CASE("the main zone is the largest share's; local midnights in the run are marked") {
  const Scenario s = report_scenario();
  Recorder r(s.start);
  Outcome o;
  o.mode = "virtual";
  const auto data = report_data(s, r, o);
  CHECK(data["zone"]["label"] == "UTC-4 (NU, ON, QC)");  // 61 % of the default population
  CHECK(data["start"] == ms("2021-06-27T03:55:00Z"));
  CHECK(data["end"] == ms("2021-06-27T04:15:00Z"));
  REQUIRE(data["markers"].size() == 1);  // only UTC-4's midnight falls in 03:55-04:15
  CHECK(data["markers"][0]["t"] == ms("2021-06-27T04:00:00Z"));
  CHECK(data["markers"][0]["label"] == "00:00 UTC-4 (NU, ON, QC)");
}

TEST_CASE("fault windows, ALARM periods, fired alarms first, per-second series") {
  const Scenario s = report_scenario();
  Recorder r(s.start);
  r.planned(s.start + 2 * kMicrosPerSecond);
  r.answered(s.start + 2 * kMicrosPerSecond, 500, 1000, 1000, false);
  r.sample_concurrency(s.start + 2 * kMicrosPerSecond, 7);
  r.sample_concurrency(s.start + 2 * kMicrosPerSecond + 1, 5);  // the second keeps its maximum
  r.lambda_throttled(s.start + 2 * kMicrosPerSecond, 3);
  r.finish();
  Outcome o;
  o.mode = "virtual";
  o.settings = {{"effective_emulator_config",
                 {{"faults", {{{"service", "dynamodb"}, {"operation", "UpdateItem"}, {"error", "InternalServerError"},
                               {"from", "+00:05:00"}, {"to", "2021-06-27T04:05:00Z"}}}}}}};
  o.alarms["a-quiet"].states = {{s.start, "OK"}};
  o.alarms["z-fired"].states = {{s.start, "OK"},
                                {*emu::parse_iso8601("2021-06-27T04:01:00Z"), "ALARM"},
                                {*emu::parse_iso8601("2021-06-27T04:02:00Z"), "OK"},
                                {*emu::parse_iso8601("2021-06-27T04:10:00Z"), "ALARM"}};
  const auto data = report_data(s, r, o);
  REQUIRE(data["fault_windows"].size() == 1);
  CHECK(data["fault_windows"][0]["from"] == ms("2021-06-27T04:00:00Z"));
  CHECK(data["fault_windows"][0]["to"] == ms("2021-06-27T04:05:00Z"));
  CHECK(data["fault_windows"][0]["label"] == "fault: dynamodb UpdateItem * -> InternalServerError");
  REQUIRE(data["alarm_periods"].size() == 2);
  CHECK(data["alarm_periods"][0]["from"] == ms("2021-06-27T04:01:00Z"));
  CHECK(data["alarm_periods"][0]["to"] == ms("2021-06-27T04:02:00Z"));
  CHECK(data["alarm_periods"][1]["to"] == data["end"]);  // still in ALARM when the run ended
  CHECK(data["alarms"][0]["name"] == "z-fired");
  CHECK(data["alarms"][1]["name"] == "a-quiet");
  const auto& series = data["series"];
  REQUIRE(series["5xx"].size() == 3);
  CHECK(series["5xx"][2] == 1);
  CHECK(series["lambda_concurrency"][2] == 7);
  CHECK(series["lambda_throttles"][2] == 3);
  CHECK(series["p99_ms"][0].is_null());  // nothing sent in that second: a gap, not 0
  CHECK(data["spectrum"].size() == 501);
}

TEST_CASE("the new per-second columns survive summary.json and merges") {
  Recorder a(0), b(0);
  a.lambda_throttled(0, 2);
  a.sample_scaling_ceiling(0, 500);
  b.lambda_throttled(0, 3);
  b.sample_scaling_ceiling(0, 510);
  Recorder c = Recorder::from_json(a.to_json());
  CHECK(c.seconds()[0].lambda_throttles == 2);
  CHECK(c.seconds()[0].scaling_ceiling == 500);
  c.merge(b);
  CHECK(c.seconds()[0].lambda_throttles == 5);
  CHECK(c.seconds()[0].scaling_ceiling == 510);
}
